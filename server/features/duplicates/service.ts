import type { DuplicateItem, DuplicateListQuery, ResolveDuplicateBody } from '../../../common/duplicates.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { actorCan, actorSees, type Actor } from '../../http/actor.js';
import { conflict, forbidden, notFound } from '../../http/errors.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { recordAudit } from '../audit/service.js';
import { pageWindow, resolveLedgerScope } from '../ledger/shared.js';
import { recordMemberEvent } from '../members/events.js';
import { findMember, updateMember } from '../members/repo.js';
import { loadTargetOrg, startTransfers } from '../transfers/service.js';
import { mergePlan, presentEntry, readPayload } from './entry.js';
import { findDuplicate, listDuplicates, resolveCase, type DuplicateRow } from './repo.js';

// Duplicate cases (重复登记): both sides see them; the holder side transfers or merges, either side rejects.
// Nothing is deleted and the holder's name, ID number and org are never overwritten.

export type DuplicateDeps = { db: Db; keyring: Keyring };

const statusLabels = { pending: '待处理', transferred: '已转接', merged: '已合并', rejected: '已驳回' };

function sides(actor: Actor, row: DuplicateRow) {
  return { holder: actorSees(actor, row.holder_org_path), claimant: actorSees(actor, row.claimant_org_path) };
}

export function presentDuplicate(actor: Actor, row: DuplicateRow): DuplicateItem {
  const side = sides(actor, row);
  const act = row.status === 'pending' && actorCan(actor, 'people.write');
  return {
    id: row.id,
    memberId: row.member_id,
    holderOrgId: row.holder_org_id,
    holderOrgName: row.holder_org_name,
    holderName: row.holder_name,
    claimantOrgId: row.claimant_org_id,
    claimantOrgName: row.claimant_org_name,
    claimantName: row.claimant_name,
    idMasked: row.id_masked,
    source: row.source,
    status: row.status,
    note: row.note,
    side: side.holder && side.claimant ? 'both' : side.holder ? 'holder' : 'claimant',
    createdAt: row.created_at,
    resolvedBy: row.resolver_name,
    resolvedAt: row.resolved_at,
    abilities: {
      transfer: act && side.holder && row.holder_org_id !== row.claimant_org_id,
      merge: act && side.holder,
      reject: act && (side.holder || side.claimant),
    },
  };
}

async function loadVisibleCase(db: Executor, actor: Actor, id: number): Promise<DuplicateRow> {
  const row = await findDuplicate(db, id);
  if (!row) throw notFound('重复登记');
  const side = sides(actor, row);
  if (!side.holder && !side.claimant) throw notFound('重复登记');
  return row;
}

export async function getDuplicateDetail({ db, keyring }: DuplicateDeps, actor: Actor, id: number) {
  const row = await loadVisibleCase(db, actor, id);
  const payload = readPayload(keyring, row.payload_cipher);
  const holder = (await findMember(db, row.member_id))!;
  const holderSide = sides(actor, row).holder;
  const plan = holderSide && row.status === 'pending' ? await mergePlan(db, keyring, holder, payload) : null;
  return {
    ...presentDuplicate(actor, row),
    entry: presentEntry(payload, { claimantName: row.claimant_name, idMasked: row.id_masked }),
    holder: { fullName: holder.full_name, joinedOn: holder.joined_on, membershipStatus: holder.membership_status },
    mergeableFields: plan?.fields ?? [],
  };
}

export async function listDuplicatesInScope(db: Db, actor: Actor, input: DuplicateListQuery) {
  const scope = await resolveLedgerScope(db, actor, { orgId: input.orgId, scope: 'subtree' });
  const { rows, total } = await listDuplicates(db, {
    scope,
    status: input.status,
    namePrefix: input.q?.trim() || undefined,
    ...pageWindow(input),
  });
  return { items: rows.map((row) => presentDuplicate(actor, row)), total };
}

/**
 * Resolves a pending case. transfer: the holder's record starts a transfer to the claimant org (four approvals
 * follow); merge: the entry fills the holder's empty profile fields; reject: the entry is turned down.
 */
export async function resolveDuplicate(
  { db, keyring }: DuplicateDeps,
  actor: Actor,
  id: number,
  body: ResolveDuplicateBody,
) {
  const outcome = await db.transaction().execute(async (trx) => {
    const row = await loadVisibleCase(trx, actor, id);
    if (row.status !== 'pending') throw conflict(`该重复登记${statusLabels[row.status]}，不能再处理`);
    const side = sides(actor, row);
    if (body.resolution !== 'reject' && !side.holder) {
      throw forbidden(
        `只有登记该团员的“${row.holder_org_name}”一方可以${body.resolution === 'transfer' ? '转接' : '合并'}`,
      );
    }
    const holder = (await findMember(trx, row.member_id))!;
    let transferId: number | null = null;
    let filledFields: string[] = [];
    if (body.resolution === 'transfer') {
      const toOrg = await loadTargetOrg(trx, row.claimant_org_id);
      const started = await startTransfers(trx, actor, {
        members: [holder],
        toOrg,
        reason: 'other',
        note: body.note ?? `重复登记处理：转至“${toOrg.name}”`,
      });
      transferId = started.ids[0];
    } else if (body.resolution === 'merge') {
      const plan = await mergePlan(trx, keyring, holder, readPayload(keyring, row.payload_cipher));
      if (plan.fields.length > 0) await updateMember(trx, holder.id, { ...plan.values, updated_at: nowIso() });
      filledFields = plan.fields;
    }
    const status = body.resolution === 'transfer' ? 'transferred' : body.resolution === 'merge' ? 'merged' : 'rejected';
    const closed = await resolveCase(trx, row.id, {
      status,
      note: body.note ?? null,
      resolved_by: actor.userId,
      resolved_at: nowIso(),
    });
    if (!closed) throw conflict('该重复登记刚刚已被处理，请刷新后查看');
    const details = {
      caseId: row.id,
      resolution: body.resolution,
      claimantOrg: row.claimant_org_name,
      ...(transferId === null ? {} : { transferId }),
      ...(body.resolution === 'merge' ? { filledFields } : {}),
    };
    await recordMemberEvent(trx, actor, {
      memberId: holder.id,
      kind: 'duplicate_resolved',
      orgId: side.holder ? holder.org_id : row.claimant_org_id,
      details,
    });
    await recordAudit(trx, actor, {
      action: 'member.duplicate_resolve',
      objectType: 'member_duplicate',
      objectId: row.id,
      orgId: side.holder ? holder.org_id : row.claimant_org_id,
      details: { memberId: holder.id, ...details },
    });
    return { transferId, filledFields };
  });
  const row = await loadVisibleCase(db, actor, id);
  return { case: presentDuplicate(actor, row), ...outcome };
}
