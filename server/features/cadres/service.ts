import { chinaToday } from '../../../common/dates.js';
import { ageOn } from '../../../common/id-number.js';
import type { CreateCadreBody, UpdateCadreBody } from '../../../common/ledger.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { assertSees, type Actor } from '../../http/actor.js';
import { AppError } from '../../http/errors.js';
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
import { findCadre, insertCadre, listCadres, updateCadre, type CadreWithOrg } from './repo.js';

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
    ...pageWindow(input),
  });
  return { items: rows.map((row) => presentCadre(actor, row)), total };
}

export async function createCadre({ db, keyring }: CadreDeps, actor: Actor, body: CreateCadreBody) {
  const phone = body.phone ? phoneColumns(keyring, body.phone) : null;
  return db.transaction().execute(async (trx) => {
    const org = await loadWritableOrg(trx, actor, body.orgId);
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
      created_at: at,
      updated_at: at,
    });
    await recordAudit(trx, actor, {
      action: 'cadre.create',
      objectType: 'cadre',
      objectId: id,
      orgId: org.id,
      details: { post: body.post, kind: body.kind, withPhone: phone !== null },
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
    const before = {
      orgId: cadre.org_id,
      fullName: cadre.full_name,
      post: cadre.post,
      kind: cadre.kind,
      phone: cadre.phone_index,
      status: cadre.status,
    };
    const after = {
      ...before,
      ...body,
      ...(phone === undefined ? {} : { phone: phone?.phone_index ?? null }),
    };
    const details = describeChanges(before, after, ['fullName', 'phone']);
    if (details.fields.length === 0) return presentCadre(actor, cadre);
    await updateCadre(trx, cadre.id, {
      org_id: after.orgId,
      full_name: after.fullName,
      post: after.post,
      kind: after.kind,
      status: after.status,
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
      details,
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
