import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { MembershipStatus } from '../../../common/domain.js';
import type { Executor, MembersTable } from '../../db/schema.js';
import { scopeCondition, type LedgerScope } from '../ledger/shared.js';

export type MemberRow = Selectable<MembersTable>;
export type MemberWithOrg = MemberRow & { org_name: string; org_path: string };

function withOrg(db: Executor) {
  return db
    .selectFrom('members')
    .innerJoin('orgs', 'orgs.id', 'members.org_id')
    .selectAll('members')
    .select(['orgs.name as org_name', 'orgs.path as org_path']);
}

export function findMember(db: Executor, id: number): Promise<MemberWithOrg | undefined> {
  return withOrg(db).where('members.id', '=', id).executeTakeFirst();
}

export function findMembersByIds(db: Executor, ids: readonly number[]): Promise<MemberWithOrg[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return withOrg(db)
    .where('members.id', 'in', [...ids])
    .execute();
}

export function findMemberByIdIndex(db: Executor, idIndex: string): Promise<MemberWithOrg | undefined> {
  return withOrg(db).where('members.id_index', '=', idIndex).executeTakeFirst();
}

export async function insertMember(db: Executor, values: Insertable<MembersTable>): Promise<number | null> {
  // A concurrent entry of the same ID number loses quietly here and is then handled as a duplicate.
  const row = await db
    .insertInto('members')
    .values(values)
    .onConflict((oc) => oc.column('id_index').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function updateMember(db: Executor, id: number, values: Updateable<MembersTable>): Promise<void> {
  await db.updateTable('members').set(values).where('id', '=', id).execute();
}

/** Birth dates for an age band: born after `bornAfter` (exclusive) and on or before `bornOnOrBefore`. */
export type BirthRange = { bornAfter?: string; bornOnOrBefore?: string };

export type MemberFilter = {
  scope: LedgerScope;
  /** A name prefix, unless an ID number or phone index is given. */
  namePrefix?: string;
  idIndex?: string;
  phoneIndex?: string;
  status?: MembershipStatus;
  birth?: BirthRange;
  mobile?: boolean;
};

function filtered(db: Executor, filter: MemberFilter) {
  let query = db
    .selectFrom('members')
    .innerJoin('orgs', 'orgs.id', 'members.org_id')
    .where(scopeCondition(filter.scope, 'members.org_id', 'orgs.path'));
  if (filter.idIndex) query = query.where('members.id_index', '=', filter.idIndex);
  if (filter.phoneIndex) query = query.where('members.phone_index', '=', filter.phoneIndex);
  if (filter.namePrefix) {
    // A byte-wise range on (full_name, id): an index range on both databases (the column is collate "C" on PG).
    query = query
      .where('members.full_name', '>=', filter.namePrefix)
      .where('members.full_name', '<', `${filter.namePrefix}\u{10FFFF}`);
  }
  if (filter.status) query = query.where('members.membership_status', '=', filter.status);
  if (filter.birth?.bornAfter) query = query.where('members.birth_date', '>', filter.birth.bornAfter);
  if (filter.birth?.bornOnOrBefore) query = query.where('members.birth_date', '<=', filter.birth.bornOnOrBefore);
  if (filter.mobile !== undefined) query = query.where('members.is_mobile', '=', filter.mobile ? 1 : 0);
  return query;
}

/** Counting stops here: a province-wide "王" would otherwise count a hundred thousand rows for a page of 20. */
export const countCap = 10_000;

export async function listMembers(
  db: Executor,
  filter: MemberFilter & { offset: number; limit: number },
): Promise<{ rows: MemberWithOrg[]; total: number }> {
  const rows = await filtered(db, filter)
    .selectAll('members')
    .select(['orgs.name as org_name', 'orgs.path as org_path'])
    .orderBy('members.full_name')
    .orderBy('members.id')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  if (!filter.namePrefix && !filter.idIndex && !filter.phoneIndex && !filter.birth && filter.mobile === undefined) {
    return { rows, total: await countFromTallies(db, filter.scope, filter.status) };
  }
  const capped = filtered(db, filter)
    .select('members.id')
    .limit(countCap + 1);
  const { total } = await db
    .selectFrom(capped.as('capped'))
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total) };
}

/** The total of an unfiltered page from member_counts: exact, and cheap whatever the number of members. */
async function countFromTallies(db: Executor, scope: LedgerScope, status?: MembershipStatus): Promise<number> {
  let query = db
    .selectFrom('member_counts')
    .innerJoin('orgs', 'orgs.id', 'member_counts.org_id')
    .select(sql<number>`coalesce(sum(member_counts.count), 0)`.as('n'))
    .where(scopeCondition(scope, 'member_counts.org_id', 'orgs.path'));
  if (status) query = query.where('member_counts.membership_status', '=', status);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function pendingCounts(db: Executor, memberId: number) {
  const count = async (
    table: 'member_requests' | 'transfers' | 'member_duplicates',
    column: string,
    values: string[],
  ) => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('member_id', '=', memberId)
      .where(sql.ref(column), 'in', values)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    requests: await count('member_requests', 'status', ['pending']),
    transfers: await count('transfers', 'step', ['out_branch', 'out_parent', 'in_branch', 'in_parent']),
    duplicates: await count('member_duplicates', 'status', ['pending']),
  };
}

export function listMemberEvents(db: Executor, memberId: number) {
  return db
    .selectFrom('member_events')
    .leftJoin('orgs', 'orgs.id', 'member_events.org_id')
    .selectAll('member_events')
    .select('orgs.name as org_name')
    .where('member_events.member_id', '=', memberId)
    .orderBy('member_events.id')
    .execute();
}

export function findGuardianConsent(db: Executor, subjectType: 'applicant' | 'member', subjectId: number) {
  return db
    .selectFrom('guardian_consents')
    .selectAll()
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}
