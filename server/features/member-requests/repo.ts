import type { Insertable, Selectable, Updateable } from 'kysely';
import type { MembershipStatus, RequestKind, RequestStatus } from '../../../common/domain.js';
import type { Executor, MemberRequestsTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { scopeCondition, type LedgerScope } from '../ledger/shared.js';
import { decidableBy } from './scope.js';

export type RequestRow = Selectable<MemberRequestsTable> & {
  member_name: string;
  member_id_masked: string;
  member_status: MembershipStatus;
  org_name: string;
  org_path: string;
  requester_name: string | null;
  decider_name: string | null;
};

function withNames(db: Executor) {
  return db
    .selectFrom('member_requests as r')
    .innerJoin('members as m', 'm.id', 'r.member_id')
    .innerJoin('orgs as o', 'o.id', 'r.org_id')
    .leftJoin('users as ru', 'ru.id', 'r.requested_by')
    .leftJoin('users as du', 'du.id', 'r.decided_by');
}

function selectRow(query: ReturnType<typeof withNames>) {
  return query
    .selectAll('r')
    .select([
      'm.full_name as member_name',
      'm.id_masked as member_id_masked',
      'm.membership_status as member_status',
      'o.name as org_name',
      'o.path as org_path',
      'ru.display_name as requester_name',
      'du.display_name as decider_name',
    ]);
}

export function findRequest(db: Executor, id: number): Promise<RequestRow | undefined> {
  return selectRow(withNames(db)).where('r.id', '=', id).executeTakeFirst();
}

export function findRequestsByIds(db: Executor, ids: readonly number[]): Promise<RequestRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return selectRow(withNames(db))
    .where('r.id', 'in', [...ids])
    .orderBy('r.id')
    .execute();
}

/** Members (of the given ids) with a pending request, and its kind. */
export async function pendingRequestsOf(db: Executor, memberIds: readonly number[]) {
  const found = new Map<number, RequestKind>();
  for (let i = 0; i < memberIds.length; i += 500) {
    const rows = await db
      .selectFrom('member_requests')
      .select(['member_id', 'kind'])
      .where('member_id', 'in', memberIds.slice(i, i + 500))
      .where('status', '=', 'pending')
      .execute();
    for (const row of rows) found.set(row.member_id, row.kind);
  }
  return found;
}

/** A pending correction that would give another member this ID number. */
export function pendingCorrectionWithId(db: Executor, idIndex: string) {
  return db
    .selectFrom('member_requests')
    .select(['id', 'member_id'])
    .where('new_id_index', '=', idIndex)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

export async function insertRequests(db: Executor, rows: Insertable<MemberRequestsTable>[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 100) {
    const inserted = await db
      .insertInto('member_requests')
      .values(rows.slice(i, i + 100))
      .returning('id')
      .execute();
    ids.push(...inserted.map((row) => row.id));
  }
  return ids;
}

/** Moves a request from pending to its decision; false when it was no longer pending (a concurrent decision). */
export async function decideRequest(
  db: Executor,
  id: number,
  values: Updateable<MemberRequestsTable> & { status: RequestStatus },
): Promise<boolean> {
  const result = await db
    .updateTable('member_requests')
    .set(values)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Pending requests follow the member when a transfer completes: the new branch's parent decides them. */
export async function movePendingRequests(db: Executor, memberId: number, orgId: number): Promise<void> {
  await db
    .updateTable('member_requests')
    .set({ org_id: orgId })
    .where('member_id', '=', memberId)
    .where('status', '=', 'pending')
    .execute();
}

export type RequestFilter = {
  scope: LedgerScope;
  actor: Actor;
  kind?: RequestKind;
  status?: RequestStatus;
  awaiting?: boolean;
  namePrefix?: string;
};

function filtered(db: Executor, filter: RequestFilter) {
  let query = withNames(db).where(scopeCondition(filter.scope, 'r.org_id', 'o.path'));
  if (filter.kind) query = query.where('r.kind', '=', filter.kind);
  if (filter.status) query = query.where('r.status', '=', filter.status);
  if (filter.awaiting) query = query.where('r.status', '=', 'pending').where(decidableBy(filter.actor, 'o'));
  if (filter.namePrefix) {
    query = query
      .where('m.full_name', '>=', filter.namePrefix)
      .where('m.full_name', '<', `${filter.namePrefix}\u{10FFFF}`);
  }
  return query;
}

export async function listRequests(db: Executor, filter: RequestFilter & { offset: number; limit: number }) {
  const rows = await selectRow(filtered(db, filter))
    .orderBy('r.id', 'desc')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  const { total } = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total) };
}

/** Pending requests of a kind the actor decides (the inbox count). */
export async function countAwaitingRequests(db: Executor, actor: Actor, kind: RequestKind): Promise<number> {
  const { n } = await db
    .selectFrom('member_requests as r')
    .innerJoin('orgs as o', 'o.id', 'r.org_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('r.status', '=', 'pending')
    .where('r.kind', '=', kind)
    .where(decidableBy(actor, 'o'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** Active cadre posts held by members (cadres.member_id), by member. */
export async function cadrePostsOf(db: Executor, memberIds: readonly number[]): Promise<Map<number, string[]>> {
  const posts = new Map<number, string[]>();
  for (let i = 0; i < memberIds.length; i += 500) {
    const rows = await db
      .selectFrom('cadres')
      .select(['member_id', 'post'])
      .where('member_id', 'in', memberIds.slice(i, i + 500))
      .where('status', '=', 'active')
      .execute();
    for (const row of rows) {
      if (row.member_id !== null) posts.set(row.member_id, [...(posts.get(row.member_id) ?? []), row.post]);
    }
  }
  return posts;
}
