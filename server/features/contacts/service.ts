import type { ContactCategory } from '../../../common/domain.js';
import type { CreateContactBody, UpdateContactBody } from '../../../common/ledger.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { assertSees, type Actor } from '../../http/actor.js';
import { conflict } from '../../http/errors.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { phoneIndex } from '../../personal-data/phone.js';
import { revealAudited } from '../../personal-data/reveal.js';
import { recordAudit } from '../audit/service.js';
import { loadVisibleCadre } from '../cadres/service.js';
import {
  describeChanges,
  isUniqueViolation,
  loadWritableOrg,
  mayReveal,
  mayWriteLedger,
  pageWindow,
  parsePhone,
  phoneColumns,
  resolveLedgerScope,
} from '../ledger/shared.js';
import {
  cadresOfContacts,
  findByPhone,
  findContact,
  insertContact,
  listContacts,
  listLogs,
  updateContact,
  type ContactWithOrg,
} from './repo.js';

export type ContactDeps = { db: Db; keyring: Keyring };

const duplicatePhone = () => conflict('本组织已登记该手机号的青年', { field: 'phone' });

type LinkedCadre = Awaited<ReturnType<typeof cadresOfContacts>>[number];

export function presentContact(actor: Actor, row: ContactWithOrg, cadres: LinkedCadre[]) {
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    fullName: row.full_name,
    phoneMasked: row.phone_masked,
    village: row.village,
    category: row.category,
    note: row.note,
    lastContactOn: row.last_contact_on,
    cadres: cadres.filter((c) => c.contact_id === row.id).map((c) => ({ id: c.id, fullName: c.full_name })),
    abilities: { update: mayWriteLedger(actor), revealPhone: mayReveal(actor) },
  };
}

/** A contact whose org lies in the actor's subtree; anything else is "not found", whether it exists or not. */
export async function loadVisibleContact(db: Executor, actor: Actor, id: number): Promise<ContactWithOrg> {
  const contact = await findContact(db, id);
  assertSees(actor, contact?.org_path, '青年');
  return contact;
}

export async function presentContactDetail(db: Executor, actor: Actor, id: number) {
  const row = (await findContact(db, id))!;
  const cadres = await cadresOfContacts(db, [id]);
  const logs = await listLogs(db, id, 200);
  return {
    ...presentContact(actor, row, cadres),
    linkedCadres: cadres.map((c) => ({
      id: c.id,
      fullName: c.full_name,
      post: c.post,
      orgName: c.org_name,
      phoneMasked: c.phone_masked,
    })),
    logs: logs.map((l) => ({
      id: l.id,
      onDate: l.on_date,
      channel: l.channel,
      note: l.note,
      cadreId: l.cadre_id,
      cadreName: l.cadre_name,
      createdAt: l.created_at,
    })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function getContactDetail(db: Db, actor: Actor, id: number) {
  await loadVisibleContact(db, actor, id);
  return presentContactDetail(db, actor, id);
}

export async function listVisibleContacts(
  { db, keyring }: ContactDeps,
  actor: Actor,
  input: {
    orgId?: number;
    scope: 'own' | 'subtree';
    q?: string;
    phone?: string;
    category?: ContactCategory;
    cadreId?: number;
    page: number;
    pageSize: number;
  },
) {
  const index = input.phone ? phoneIndex(keyring, parsePhone(input.phone)) : undefined;
  const scope = await resolveLedgerScope(db, actor, input);
  if (input.cadreId !== undefined) await loadVisibleCadre(db, actor, input.cadreId);
  const { rows, total } = await listContacts(db, {
    scope,
    q: input.q || undefined,
    phoneIndex: index,
    category: input.category,
    cadreId: input.cadreId,
    ...pageWindow(input),
  });
  const cadres = await cadresOfContacts(
    db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((row) => presentContact(actor, row, cadres)), total };
}

export async function createContact({ db, keyring }: ContactDeps, actor: Actor, body: CreateContactBody) {
  const phone = phoneColumns(keyring, body.phone);
  return db.transaction().execute(async (trx) => {
    const org = await loadWritableOrg(trx, actor, body.orgId);
    const at = nowIso();
    const id = await insertContact(trx, {
      org_id: org.id,
      full_name: body.fullName,
      ...phone,
      village: body.village ?? null,
      category: body.category,
      note: body.note ?? null,
      last_contact_on: null,
      created_at: at,
      updated_at: at,
    });
    if (id === undefined) throw duplicatePhone();
    await recordAudit(trx, actor, {
      action: 'contact.create',
      objectType: 'youth_contact',
      objectId: id,
      orgId: org.id,
      details: { category: body.category },
    });
    return presentContactDetail(trx, actor, id);
  });
}

export async function updateContactDetails(
  { db, keyring }: ContactDeps,
  actor: Actor,
  id: number,
  body: UpdateContactBody,
) {
  const phone = body.phone === undefined ? undefined : phoneColumns(keyring, body.phone);
  try {
    return await db.transaction().execute(async (trx) => {
      const contact = await loadVisibleContact(trx, actor, id);
      if (body.orgId !== undefined && body.orgId !== contact.org_id) await loadWritableOrg(trx, actor, body.orgId);
      const before = {
        orgId: contact.org_id,
        fullName: contact.full_name,
        phone: contact.phone_index,
        village: contact.village,
        category: contact.category,
        note: contact.note,
      };
      const after = { ...before, ...body, ...(phone ? { phone: phone.phone_index } : {}) };
      // Names, phones, villages and notes are the youth's own: the audit row names the fields, not the values.
      const details = describeChanges(before, after, ['fullName', 'phone', 'village', 'note']);
      if (details.fields.length === 0) return presentContactDetail(trx, actor, contact.id);
      if (
        (details.fields.includes('phone') || details.fields.includes('orgId')) &&
        (await findByPhone(trx, after.orgId, after.phone, contact.id))
      ) {
        throw duplicatePhone();
      }
      await updateContact(trx, contact.id, {
        org_id: after.orgId,
        full_name: after.fullName,
        ...(phone ?? {}),
        village: after.village ?? null,
        category: after.category,
        note: after.note ?? null,
        updated_at: nowIso(),
      });
      await recordAudit(trx, actor, {
        action: 'contact.update',
        objectType: 'youth_contact',
        objectId: contact.id,
        orgId: after.orgId,
        details,
      });
      return presentContactDetail(trx, actor, contact.id);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicatePhone();
    throw error;
  }
}

export async function revealContactPhone({ db, keyring }: ContactDeps, actor: Actor, id: number) {
  return db.transaction().execute(async (trx) => {
    const contact = await loadVisibleContact(trx, actor, id);
    const phone = await revealAudited(trx, keyring, actor, {
      objectType: 'youth_contact',
      objectId: contact.id,
      orgId: contact.org_id,
      field: 'phone',
      cipher: contact.phone_cipher,
    });
    return { phone };
  });
}
