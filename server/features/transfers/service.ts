import { randomUUID } from 'node:crypto';
import type { RefusedMember } from '../../../common/approvals.js';
import type { TransferReason } from '../../../common/domain.js';
import type { CreateTransferBody, TransferItem, TransferListQuery } from '../../../common/transfers.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { actorSees, assertSees, type Actor } from '../../http/actor.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../http/errors.js';
import { idNumberIndex } from '../../personal-data/id-number.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { recordAudit } from '../audit/service.js';
import { pageWindow, resolveLedgerScope } from '../ledger/shared.js';
import { movePendingRequests, pendingRequestsOf } from '../member-requests/repo.js';
import { guardedInsert, refusalMessage, ruleViolation } from '../member-requests/service.js';
import { statusLabels } from '../member-requests/scope.js';
import { refreshMemberCounts } from '../members/counts.js';
import { recordMemberEvent } from '../members/events.js';
import { checkIdNumber } from '../members/identity.js';
import { holdsMembers } from '../members/policy.js';
import { findMemberByIdIndex, findMembersByIds, updateMember, type MemberWithOrg } from '../members/repo.js';
import { findOrg, type OrgRow } from '../orgs/repo.js';
import { deciderOf, isOpen, mayDecideStep, mayWithdraw, nextStep, seesTransfer, stepLabels } from './policy.js';
import {
  advanceTransfer,
  findTransfer,
  findTransfersByIds,
  insertStep,
  insertTransfer,
  listSteps,
  listTransfers,
  openTransfersOf,
  type TransferRow,
} from './repo.js';

// Transfers (组织关系转接): requested by either side, approved out-branch → its parent → in-branch → its parent;
// on the last approval the member moves. Every step leaves a transfer_steps row, a timeline event and an audit row.

export type TransferDeps = { db: Db; keyring: Keyring };

export function presentTransfer(actor: Actor, row: TransferRow): TransferItem {
  const decide = isOpen(row.step) && mayDecideStep(actor, row);
  return {
    id: row.id,
    memberId: row.member_id,
    memberName: row.member_name,
    idMasked: row.member_id_masked,
    fromOrgId: row.from_org_id,
    fromOrgName: row.from_name,
    toOrgId: row.to_org_id,
    toOrgName: row.to_name,
    reason: row.reason,
    note: row.note,
    step: row.step,
    batchKey: row.batch_key,
    requestedBy: row.requester_name,
    requestedAt: row.requested_at,
    updatedAt: row.updated_at,
    abilities: {
      approve: decide,
      reject: decide,
      withdraw: mayWithdraw(actor, row),
      viewMember: actorSees(actor, row.member_org_path),
    },
  };
}

async function loadVisibleTransfer(db: Executor, actor: Actor, id: number): Promise<TransferRow> {
  const row = await findTransfer(db, id);
  if (!row || !seesTransfer(actor, row)) throw notFound('转接申请');
  return row;
}

/** The org members transfer into: an open branch. The out side need not see it. */
export async function loadTargetOrg(db: Executor, toOrgId: number): Promise<OrgRow> {
  const org = await findOrg(db, toOrgId);
  if (!org) throw notFound('转入组织');
  if (org.status !== 'active') throw ruleViolation(`“${org.name}”已撤销，不能转入`, { field: 'toOrgId' });
  if (!holdsMembers(org)) {
    throw ruleViolation(`团员只能转入团支部或联合团支部，“${org.name}”不是支部`, { field: 'toOrgId' });
  }
  return org;
}

/**
 * Starts one transfer per member into `toOrg`, all sharing a batch key; all or nothing. The caller has resolved
 * members the actor may name (its own members, or named by ID number on the in side).
 */
export async function startTransfers(
  trx: Executor,
  actor: Actor,
  input: { members: MemberWithOrg[]; toOrg: OrgRow; reason: TransferReason; note: string | null },
): Promise<{ ids: number[]; batchKey: string }> {
  const memberIds = input.members.map((m) => m.id);
  const open = await openTransfersOf(trx, memberIds);
  const pending = await pendingRequestsOf(trx, memberIds);
  const refused: RefusedMember[] = [];
  for (const member of input.members) {
    let reason: string | null = null;
    if (member.org_id === input.toOrg.id) reason = `已在“${input.toOrg.name}”，无需转接`;
    else if (member.membership_status !== 'normal') {
      reason = `团籍状态为“${statusLabels[member.membership_status]}”，不能转接`;
    } else if (open.has(member.id)) reason = '已有正在办理的转接';
    else if (pending.has(member.id)) {
      reason = `有待审批的${pending.get(member.id) === 'status' ? '团籍变更' : '信息更正'}申请，请待审批后再转接`;
    }
    if (reason) refused.push({ memberId: member.id, fullName: member.full_name, reason });
  }
  if (refused.length > 0) throw ruleViolation(refusalMessage(refused, '转接'), { refused });
  const batchKey = randomUUID();
  const at = nowIso();
  const ids: number[] = [];
  for (const member of input.members) {
    const id = await guardedInsert(
      insertTransfer(trx, {
        member_id: member.id,
        from_org_id: member.org_id,
        to_org_id: input.toOrg.id,
        reason: input.reason,
        note: input.note,
        step: 'out_branch',
        batch_key: batchKey,
        requested_by: actor.userId,
        requested_at: at,
        updated_at: at,
      }),
      `${member.full_name}已有正在办理的转接`,
    );
    ids.push(id);
    await insertStep(trx, {
      transfer_id: id,
      step: 'requested',
      decision: 'requested',
      actor_id: actor.userId,
      actor_name: actor.username,
      at,
      note: input.note,
    });
    const side = actorSees(actor, member.org_path) ? 'out' : 'in';
    await recordMemberEvent(trx, actor, {
      memberId: member.id,
      kind: 'transfer_requested',
      orgId: member.org_id,
      details: { transferId: id, fromOrg: member.org_name, toOrg: input.toOrg.name, reason: input.reason, side },
    });
    await recordAudit(trx, actor, {
      action: 'transfer.request',
      objectType: 'transfer',
      objectId: id,
      orgId: member.org_id,
      details: { memberId: member.id, fromOrgId: member.org_id, toOrgId: input.toOrg.id, batchKey, side },
    });
  }
  return { ids, batchKey };
}

/** The in side names people by ID number: checked, found by blind index, never kept from here. */
async function membersByIdNumbers(trx: Executor, keyring: Keyring, idNumbers: string[]): Promise<MemberWithOrg[]> {
  const members: MemberWithOrg[] = [];
  const seen = new Set<number>();
  for (const [i, raw] of idNumbers.entries()) {
    let idNumber: string;
    try {
      idNumber = checkIdNumber(raw).idNumber;
    } catch (error) {
      if (error instanceof AppError) throw invalid(`第 ${i + 1} 个身份证号：${error.message}`, { index: i });
      throw error;
    }
    const member = await findMemberByIdIndex(trx, idNumberIndex(keyring, idNumber));
    if (!member) throw new AppError('not_found', 404, `第 ${i + 1} 个身份证号没有登记的团员`, { index: i });
    if (seen.has(member.id)) throw invalid(`第 ${i + 1} 个身份证号与前面的重复`, { index: i });
    seen.add(member.id);
    members.push(member);
  }
  return members;
}

export async function createTransfers({ db, keyring }: TransferDeps, actor: Actor, body: CreateTransferBody) {
  return db.transaction().execute(async (trx) => {
    const toOrg = await loadTargetOrg(trx, body.toOrgId);
    let members: MemberWithOrg[];
    if (body.memberIds) {
      // The out side (or an org above both sides): members it sees, named by id.
      const found = new Map((await findMembersByIds(trx, body.memberIds)).map((m) => [m.id, m]));
      members = body.memberIds.map((id) => {
        const member = found.get(id);
        if (!member || !actorSees(actor, member.org_path)) throw notFound('团员');
        return member;
      });
    } else {
      // The in side: it must see the branch the members come into.
      assertSees(actor, toOrg.path, '转入组织');
      members = await membersByIdNumbers(trx, keyring, body.idNumbers!);
    }
    return startTransfers(trx, actor, { members, toOrg, reason: body.reason, note: body.note ?? null });
  });
}

async function completeTransfer(trx: Executor, actor: Actor, row: TransferRow, at: string): Promise<void> {
  const toOrg = await findOrg(trx, row.to_org_id);
  if (!toOrg || toOrg.status !== 'active') throw ruleViolation(`转入组织“${row.to_name}”已撤销，无法完成转接`);
  await updateMember(trx, row.member_id, { org_id: row.to_org_id, updated_at: at });
  await refreshMemberCounts(trx, [row.from_org_id, row.to_org_id]);
  await movePendingRequests(trx, row.member_id, row.to_org_id);
  await recordMemberEvent(trx, actor, {
    memberId: row.member_id,
    kind: 'transferred',
    orgId: row.to_org_id,
    details: { transferId: row.id, fromOrg: row.from_name, toOrg: row.to_name },
  });
  await recordAudit(trx, actor, {
    action: 'member.transfer',
    objectType: 'member',
    objectId: row.member_id,
    orgId: row.to_org_id,
    details: { transferId: row.id, fromOrgId: row.from_org_id, toOrgId: row.to_org_id },
  });
}

function assertDecidable(actor: Actor, row: TransferRow): void {
  if (!isOpen(row.step)) throw conflict(`该转接${stepLabels[row.step]}，不能再审批`);
  if (!mayDecideStep(actor, row)) throw forbidden(`该转接${stepLabels[row.step]}，应由${deciderOf(row)}审批`);
}

async function decide(
  trx: Executor,
  actor: Actor,
  row: TransferRow,
  decision: 'approved' | 'rejected' | 'withdrawn',
  note: string | null,
): Promise<void> {
  if (!isOpen(row.step)) throw conflict(`该转接${stepLabels[row.step]}，不能再处理`);
  const at = nowIso();
  const to = decision === 'approved' ? nextStep[row.step] : decision;
  if (!(await advanceTransfer(trx, row.id, row.step, to, at))) throw conflict('该转接刚刚已被处理，请刷新后查看');
  await insertStep(trx, {
    transfer_id: row.id,
    step: row.step,
    decision,
    actor_id: actor.userId,
    actor_name: actor.username,
    at,
    note,
  });
  const orgId = row.step.startsWith('out_') ? row.from_org_id : row.to_org_id;
  await recordMemberEvent(trx, actor, {
    memberId: row.member_id,
    kind: decision === 'withdrawn' ? 'transfer_withdrawn' : 'transfer_step',
    orgId,
    details: { transferId: row.id, step: row.step, decision },
  });
  await recordAudit(trx, actor, {
    action: `transfer.${decision === 'approved' ? 'approve' : decision === 'rejected' ? 'reject' : 'withdraw'}`,
    objectType: 'transfer',
    objectId: row.id,
    orgId,
    details: { memberId: row.member_id, step: row.step, next: to },
  });
  if (to === 'done') await completeTransfer(trx, actor, row, at);
}

export async function approveTransfer({ db }: TransferDeps, actor: Actor, id: number, note: string | null) {
  await db.transaction().execute(async (trx) => {
    const row = await loadVisibleTransfer(trx, actor, id);
    assertDecidable(actor, row);
    await decide(trx, actor, row, 'approved', note);
  });
  return getTransfer(db, actor, id);
}

/** Approves several transfers, each at a step the actor decides; one that is not refuses them all. */
export async function approveTransfers({ db }: TransferDeps, actor: Actor, ids: number[], note: string | null) {
  await db.transaction().execute(async (trx) => {
    const found = new Map((await findTransfersByIds(trx, ids)).map((row) => [row.id, row]));
    const rows = ids.map((id) => {
      const row = found.get(id);
      if (!row || !seesTransfer(actor, row)) throw notFound('转接申请');
      return row;
    });
    const closed = rows.filter((row) => !isOpen(row.step));
    if (closed.length > 0) {
      throw conflict(
        `${closed.map((r) => `${r.member_name}（${stepLabels[r.step]}）`).join('、')}的转接已结束，本批均未审批`,
        {
          ids: closed.map((r) => r.id),
        },
      );
    }
    const notMine = rows.filter((row) => !mayDecideStep(actor, row));
    if (notMine.length > 0) {
      const shown = notMine.slice(0, 3).map((r) => `${r.member_name}应由${deciderOf(r)}审批`);
      throw forbidden(
        `${notMine.length} 条转接不在您的审批环节，本批均未审批：${shown.join('；')}${notMine.length > 3 ? ' 等' : ''}`,
      );
    }
    for (const row of rows) await decide(trx, actor, row, 'approved', note);
  });
  const rows = await findTransfersByIds(db, ids);
  return { items: rows.map((row) => presentTransfer(actor, row)) };
}

export async function rejectTransfer({ db }: TransferDeps, actor: Actor, id: number, note: string) {
  await db.transaction().execute(async (trx) => {
    const row = await loadVisibleTransfer(trx, actor, id);
    assertDecidable(actor, row);
    await decide(trx, actor, row, 'rejected', note);
  });
  return getTransfer(db, actor, id);
}

export async function withdrawTransfer({ db }: TransferDeps, actor: Actor, id: number) {
  await db.transaction().execute(async (trx) => {
    const row = await loadVisibleTransfer(trx, actor, id);
    if (!isOpen(row.step)) throw conflict(`该转接${stepLabels[row.step]}，不能撤回`);
    if (!mayWithdraw(actor, row)) throw forbidden('只有申请人或转出方可以撤回转接');
    await decide(trx, actor, row, 'withdrawn', null);
  });
  return getTransfer(db, actor, id);
}

export async function getTransfer(db: Executor, actor: Actor, id: number) {
  const row = await loadVisibleTransfer(db, actor, id);
  const steps = await listSteps(db, row.id);
  return {
    ...presentTransfer(actor, row),
    steps: steps.map((s) => ({ step: s.step, decision: s.decision, actorName: s.actor_name, at: s.at, note: s.note })),
  };
}

export async function listTransfersInScope(db: Db, actor: Actor, input: TransferListQuery) {
  const scope = await resolveLedgerScope(db, actor, { orgId: input.orgId, scope: input.scope });
  const { rows, total } = await listTransfers(db, {
    actor,
    scope,
    direction: input.direction,
    step: input.step,
    awaiting: input.awaiting,
    namePrefix: input.q?.trim() || undefined,
    ...pageWindow(input),
  });
  return { items: rows.map((row) => presentTransfer(actor, row)), total };
}
