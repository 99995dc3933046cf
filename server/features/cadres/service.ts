import { chinaToday } from '../../../common/dates.js';
import { ageOn } from '../../../common/id-number.js';
import type { CreateCadreBody, UpdateCadreBody } from '../../../common/ledger.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { assertSees, type Actor } from '../../http/actor.js';
import { AppError, invalid } from '../../http/errors.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { revealAudited } from '../../personal-data/reveal.js';
import { recordAudit } from '../audit/service.js';
import { refreshOrgMetrics } from '../campaigns/engine.js';
import {
  describeChanges,
  loadWritableOrg,
  mayReveal,
  mayWriteLedger,
  pageWindow,
  phoneColumns,
  resolveLedgerScope,
} from '../ledger/shared.js';
import { findMember } from '../members/repo.js';
import { assertNameAgrees, noIdentity, resolveCadreIdentity, type CadreIdentityColumns } from './identity.js';
import { findCadre, findSamePersonInOrg, insertCadre, listCadres, updateCadre, type CadreWithOrg } from './repo.js';

export type CadreDeps = { db: Db; keyring: Keyring };

export function presentCadre(actor: Actor, row: CadreWithOrg, today = chinaToday()) {
  const birthDate = row.member_birth_date ?? row.birth_date;
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    fullName: row.full_name,
    post: row.post,
    kind: row.kind,
    phoneMasked: row.phone_masked,
    status: row.status,
    contactCount: row.contact_count,
    idMasked: row.member_id_masked ?? row.id_masked,
    birthDate,
    age: birthDate === null ? null : ageOn(birthDate, today),
    memberId: row.member_id,
    termStart: row.term_start,
    termEnd: row.term_end,
    termEnded: row.term_end !== null && row.term_end < today,
    inReserve: row.in_reserve === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    abilities: {
      update: mayWriteLedger(actor),
      revealPhone: mayReveal(actor) && row.phone_cipher !== null,
      revealIdNumber: mayReveal(actor) && (row.member_id !== null || row.id_cipher !== null),
    },
  };
}

/** A cadre whose org lies in the actor's subtree; anything else is "not found", whether it exists or not. */
export async function loadVisibleCadre(db: Executor, actor: Actor, id: number): Promise<CadreWithOrg> {
  const cadre = await findCadre(db, id);
  assertSees(actor, cadre?.org_path, '团干部');
  return cadre;
}

/** A visible cadre still in post: the only kind that may take charge of a channel or of youth. */
export async function loadActiveCadre(db: Executor, actor: Actor, id: number): Promise<CadreWithOrg> {
  const cadre = await loadVisibleCadre(db, actor, id);
  if (cadre.status !== 'active') throw new AppError('conflict', 409, '该团干部已离任，请选择在任的团干部');
  return cadre;
}

export async function listOrgCadres(
  db: Db,
  actor: Actor,
  input: {
    id: number;
    includeSubtree: boolean;
    q?: string;
    status?: 'active' | 'left';
    inReserve?: boolean;
    page: number;
    pageSize: number;
  },
) {
  const scope = await resolveLedgerScope(db, actor, {
    orgId: input.id,
    scope: input.includeSubtree ? 'subtree' : 'own',
  });
  const { rows, total } = await listCadres(db, {
    scope,
    q: input.q || undefined,
    status: input.status,
    inReserve: input.inReserve,
    ...pageWindow(input),
  });
  return { items: rows.map((row) => presentCadre(actor, row)), total };
}

/** The same person may hold one active post per org. */
async function assertNotAlreadyInOrg(trx: Executor, orgId: number, identity: CadreIdentityColumns, exceptId?: number) {
  if (identity.member_id === null && identity.id_index === null) return;
  const same = await findSamePersonInOrg(
    trx,
    orgId,
    { memberId: identity.member_id, idIndex: identity.id_index },
    exceptId,
  );
  if (same)
    throw new AppError('rule_violation', 409, '此人已是该组织的在任团干部，请修改原记录', { field: 'idNumber' });
}

export async function createCadre({ db, keyring }: CadreDeps, actor: Actor, body: CreateCadreBody) {
  const phone = body.phone ? phoneColumns(keyring, body.phone) : null;
  return db.transaction().execute(async (trx) => {
    const org = await loadWritableOrg(trx, actor, body.orgId);
    const identity = body.idNumber
      ? await resolveCadreIdentity(trx, keyring, { idNumber: body.idNumber, fullName: body.fullName })
      : noIdentity;
    await assertNotAlreadyInOrg(trx, org.id, identity);
    const at = nowIso();
    const id = await insertCadre(trx, {
      org_id: org.id,
      full_name: body.fullName,
      post: body.post,
      kind: body.kind,
      phone_cipher: phone?.phone_cipher ?? null,
      phone_index: phone?.phone_index ?? null,
      phone_masked: phone?.phone_masked ?? null,
      status: 'active',
      ...identity,
      term_start: body.termStart ?? null,
      term_end: body.termEnd ?? null,
      in_reserve: body.inReserve ? 1 : 0,
      created_at: at,
      updated_at: at,
    });
    await recordAudit(trx, actor, {
      action: 'cadre.create',
      objectType: 'cadre',
      objectId: id,
      orgId: org.id,
      details: {
        post: body.post,
        kind: body.kind,
        withPhone: phone !== null,
        withIdNumber: Boolean(body.idNumber),
        memberId: identity.member_id,
        inReserve: body.inReserve,
      },
    });
    await refreshOrgMetrics(trx, [org.id], ['cadre_contact_share']);
    return presentCadre(actor, (await findCadre(trx, id))!);
  });
}

export async function updateCadreDetails({ db, keyring }: CadreDeps, actor: Actor, id: number, body: UpdateCadreBody) {
  const phone = body.phone === undefined || body.phone === null ? body.phone : phoneColumns(keyring, body.phone);
  return db.transaction().execute(async (trx) => {
    const cadre = await loadVisibleCadre(trx, actor, id);
    if (body.orgId !== undefined && body.orgId !== cadre.org_id) await loadWritableOrg(trx, actor, body.orgId);
    const fullName = body.fullName ?? cadre.full_name;
    let identity: CadreIdentityColumns | undefined;
    if (body.idNumber === null) identity = noIdentity;
    else if (body.idNumber !== undefined) {
      identity = await resolveCadreIdentity(trx, keyring, { idNumber: body.idNumber, fullName });
    } else if (cadre.member_id !== null && fullName !== cadre.full_name) {
      await assertNameAgrees(trx, cadre.member_id, fullName);
    }
    const termStart = body.termStart === undefined ? cadre.term_start : body.termStart;
    const termEnd = body.termEnd === undefined ? cadre.term_end : body.termEnd;
    if (termStart && termEnd && termEnd < termStart) {
      throw invalid('任期结束日期不能早于开始日期', { field: 'termEnd' });
    }
    const identityKey = (c: { member_id: number | null; id_index: string | null }) =>
      c.member_id !== null ? `member:${c.member_id}` : c.id_index;
    const before = {
      orgId: cadre.org_id,
      fullName: cadre.full_name,
      post: cadre.post,
      kind: cadre.kind,
      phone: cadre.phone_index,
      status: cadre.status,
      idNumber: identityKey(cadre),
      termStart: cadre.term_start,
      termEnd: cadre.term_end,
      inReserve: cadre.in_reserve === 1,
    };
    const after = {
      ...before,
      ...body,
      ...(phone === undefined ? {} : { phone: phone?.phone_index ?? null }),
      idNumber: identity ? identityKey(identity) : before.idNumber,
    };
    const details = describeChanges(before, after, ['fullName', 'phone', 'idNumber']);
    if (details.fields.length === 0) return presentCadre(actor, cadre);
    if (after.status === 'active') {
      await assertNotAlreadyInOrg(trx, after.orgId, identity ?? cadre, cadre.id);
    }
    await updateCadre(trx, cadre.id, {
      org_id: after.orgId,
      full_name: after.fullName,
      post: after.post,
      kind: after.kind,
      status: after.status,
      term_start: after.termStart ?? null,
      term_end: after.termEnd ?? null,
      in_reserve: after.inReserve ? 1 : 0,
      ...(identity ?? {}),
      ...(phone === undefined
        ? {}
        : {
            phone_cipher: phone?.phone_cipher ?? null,
            phone_index: phone?.phone_index ?? null,
            phone_masked: phone?.phone_masked ?? null,
          }),
      updated_at: nowIso(),
    });
    await recordAudit(trx, actor, {
      action: 'cadre.update',
      objectType: 'cadre',
      objectId: cadre.id,
      orgId: after.orgId,
      details: identity?.member_id ? { ...details, memberId: identity.member_id } : details,
    });
    if (details.fields.includes('status') || details.fields.includes('orgId')) {
      await refreshOrgMetrics(trx, [...new Set([cadre.org_id, after.orgId])], ['cadre_contact_share']);
    }
    return presentCadre(actor, (await findCadre(trx, cadre.id))!);
  });
}

export async function revealCadrePhone({ db, keyring }: CadreDeps, actor: Actor, id: number) {
  return db.transaction().execute(async (trx) => {
    const cadre = await loadVisibleCadre(trx, actor, id);
    if (cadre.phone_cipher === null) throw new AppError('not_found', 404, '该团干部没有登记手机号');
    const phone = await revealAudited(trx, keyring, actor, {
      objectType: 'cadre',
      objectId: cadre.id,
      orgId: cadre.org_id,
      field: 'phone',
      cipher: cadre.phone_cipher,
    });
    return { phone };
  });
}

/** The full ID number: from the member record when the cadre is one, else the cadre's own; audited. */
export async function revealCadreIdNumber({ db, keyring }: CadreDeps, actor: Actor, id: number) {
  return db.transaction().execute(async (trx) => {
    const cadre = await loadVisibleCadre(trx, actor, id);
    const member = cadre.member_id === null ? undefined : await findMember(trx, cadre.member_id);
    const source = member
      ? { objectType: 'member', objectId: member.id, orgId: member.org_id, cipher: member.id_cipher }
      : cadre.id_cipher
        ? { objectType: 'cadre', objectId: cadre.id, orgId: cadre.org_id, cipher: cadre.id_cipher }
        : null;
    if (source === null) throw new AppError('not_found', 404, '该团干部没有登记身份证号');
    return revealAudited(trx, keyring, actor, { ...source, field: 'idNumber' });
  });
}
