import type { ContactCategory } from '../../../common/domain.js';
import type { ContactLogsTable, Executor, YouthContactsTable } from '../../db/schema.js';
import { contains, scopeCondition, type LedgerScope } from '../ledger/shared.js';

export type ContactRow = Omit<YouthContactsTable, 'id'> & { id: number };
export type ContactWithOrg = ContactRow & { org_name: string; org_path: string };

function withOrg(db: Executor) {
  return db
    .selectFrom('youth_contacts')
    .innerJoin('orgs', 'orgs.id', 'youth_contacts.org_id')
    .selectAll('youth_contacts')
    .select(['orgs.name as org_name', 'orgs.path as org_path']);
}

export function findContact(db: Executor, id: number): Promise<ContactWithOrg | undefined> {
  return withOrg(db).where('youth_contacts.id', '=', id).executeTakeFirst();
}

/** The contact an org already has with this phone (by blind index), other than `exceptId`. */
export async function findByPhone(
  db: Executor,
  orgId: number,
  phoneIndex: string,
  exceptId?: number,
): Promise<number | undefined> {
  let query = db
    .selectFrom('youth_contacts')
    .select('id')
    .where('org_id', '=', orgId)
    .where('phone_index', '=', phoneIndex);
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst())?.id;
}

export type ContactFilter = {
  scope: LedgerScope;
  q?: string;
  phoneIndex?: string;
  category?: ContactCategory;
  cadreId?: number;
};

function filtered(db: Executor, filter: ContactFilter) {
  let query = db
    .selectFrom('youth_contacts')
    .innerJoin('orgs', 'orgs.id', 'youth_contacts.org_id')
    .where(scopeCondition(filter.scope, 'youth_contacts.org_id', 'orgs.path'));
  if (filter.q) query = query.where(contains('youth_contacts.full_name', filter.q));
  if (filter.phoneIndex) query = query.where('youth_contacts.phone_index', '=', filter.phoneIndex);
  if (filter.category) query = query.where('youth_contacts.category', '=', filter.category);
  const cadreId = filter.cadreId;
  if (cadreId !== undefined) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('cadre_contacts')
          .select('cadre_contacts.contact_id')
          .whereRef('cadre_contacts.contact_id', '=', 'youth_contacts.id')
          .where('cadre_contacts.cadre_id', '=', cadreId),
      ),
    );
  }
  return query;
}

export async function listContacts(
  db: Executor,
  filter: ContactFilter & { offset: number; limit: number },
): Promise<{ rows: ContactWithOrg[]; total: number }> {
  const rows = await filtered(db, filter)
    .selectAll('youth_contacts')
    .select(['orgs.name as org_name', 'orgs.path as org_path'])
    .orderBy('orgs.path')
    .orderBy('youth_contacts.id')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  const { total } = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total) };
}

/** Inserts unless the org already has a contact with this phone; undefined then. */
export async function insertContact(db: Executor, values: Omit<YouthContactsTable, 'id'>): Promise<number | undefined> {
  const row = await db
    .insertInto('youth_contacts')
    .values(values)
    .onConflict((oc) => oc.columns(['org_id', 'phone_index']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function updateContact(
  db: Executor,
  id: number,
  values: Partial<Omit<YouthContactsTable, 'id'>>,
): Promise<void> {
  await db.updateTable('youth_contacts').set(values).where('id', '=', id).execute();
}

/** The cadres linked to each contact, for a page of contacts. */
export function cadresOfContacts(db: Executor, contactIds: readonly number[]) {
  if (contactIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('cadre_contacts as cc')
    .innerJoin('cadres', 'cadres.id', 'cc.cadre_id')
    .innerJoin('orgs', 'orgs.id', 'cadres.org_id')
    .select([
      'cc.contact_id',
      'cadres.id',
      'cadres.full_name',
      'cadres.post',
      'cadres.phone_masked',
      'orgs.name as org_name',
    ])
    .where('cc.contact_id', 'in', [...contactIds])
    .orderBy('cc.created_at')
    .orderBy('cadres.id')
    .execute();
}

export async function findLink(db: Executor, contactId: number, cadreId: number): Promise<boolean> {
  const row = await db
    .selectFrom('cadre_contacts')
    .select('cadre_id')
    .where('contact_id', '=', contactId)
    .where('cadre_id', '=', cadreId)
    .executeTakeFirst();
  return row !== undefined;
}

/** True when the link was made, false when it was already there. */
export async function insertLink(db: Executor, contactId: number, cadreId: number, at: string): Promise<boolean> {
  const row = await db
    .insertInto('cadre_contacts')
    .values({ contact_id: contactId, cadre_id: cadreId, created_at: at })
    .onConflict((oc) => oc.columns(['cadre_id', 'contact_id']).doNothing())
    .returning('cadre_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** True when a link was removed. */
export async function deleteLink(db: Executor, contactId: number, cadreId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('cadre_contacts')
    .where('contact_id', '=', contactId)
    .where('cadre_id', '=', cadreId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function insertLog(db: Executor, values: Omit<ContactLogsTable, 'id'>): Promise<number> {
  const { id } = await db.insertInto('contact_logs').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

export function listLogs(db: Executor, contactId: number, limit: number) {
  return db
    .selectFrom('contact_logs as l')
    .leftJoin('cadres', 'cadres.id', 'l.cadre_id')
    .select([
      'l.id',
      'l.on_date',
      'l.channel',
      'l.note',
      'l.cadre_id',
      'l.created_at',
      'cadres.full_name as cadre_name',
    ])
    .where('l.contact_id', '=', contactId)
    .orderBy('l.on_date', 'desc')
    .orderBy('l.id', 'desc')
    .limit(limit)
    .execute();
}
