import { sql } from 'kysely';
import { membershipStatuses, type MembershipStatus } from '../../../common/domain.js';
import type { Executor } from '../../db/schema.js';
import { pathIds } from '../../db/tree.js';

// member_counts holds members per org and status; member_rollups the same for each org's whole subtree (the org
// itself included), so that a province's total is one row. Every write that adds, moves or changes the status of
// a member refreshes the orgs it touched, in its transaction: the org's index entries are counted again and the
// difference with its stored counts is added to the org and to every org on its path.

type Delta = { org_id: number; membership_status: MembershipStatus; path: string; delta: number };

export async function refreshMemberCounts(trx: Executor, orgIds: Iterable<number>): Promise<void> {
  const ids = [...new Set(orgIds)];
  const rollups = new Map<string, { org_id: number; membership_status: MembershipStatus; count: number }>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    // One statement, so one snapshot: what it counts and what it finds stored agree on every other transaction
    // (each refreshed its own orgs as it committed). The difference is this transaction's own change, and adding
    // it keeps both tables right when several instances write at once (PostgreSQL), where writing a recount
    // computed in a snapshot that misses a concurrent commit would lose it.
    const { rows } = await sql<Delta>`
      select d.org_id, d.membership_status, o.path, sum(d.n) as delta
      from (
        select org_id, membership_status, count(*) as n from members where org_id in (${sql.join(chunk)})
        group by org_id, membership_status
        union all
        select org_id, membership_status, -count as n from member_counts where org_id in (${sql.join(chunk)})
      ) d
      join orgs o on o.id = d.org_id
      group by d.org_id, d.membership_status, o.path
      having sum(d.n) <> 0`.execute(trx);
    if (rows.length === 0) continue;
    await addCounts(
      trx,
      'member_counts',
      rows.map((r) => ({ org_id: r.org_id, membership_status: r.membership_status, count: Number(r.delta) })),
    );
    for (const row of rows) {
      for (const orgId of pathIds(row.path)) {
        const key = `${orgId}:${row.membership_status}`;
        const sum = rollups.get(key) ?? { org_id: orgId, membership_status: row.membership_status, count: 0 };
        sum.count += Number(row.delta);
        rollups.set(key, sum);
      }
    }
  }
  await addCounts(
    trx,
    'member_rollups',
    [...rollups.values()].filter((r) => r.count !== 0),
  );
}

/**
 * An org and its subtree moved from under one parent to another: the old ancestors lose the subtree's members and
 * the new ones gain them. Call it with the paths before the move; the ancestors both share are left alone.
 */
export async function moveMemberRollups(
  trx: Executor,
  input: { orgId: number; oldParentPath: string; newParentPath: string },
): Promise<void> {
  const totals = await trx
    .selectFrom('member_rollups')
    .select(['membership_status', 'count'])
    .where('org_id', '=', input.orgId)
    .execute();
  const before = new Set(pathIds(input.oldParentPath));
  const after = new Set(pathIds(input.newParentPath));
  const changes = totals.flatMap((t) => [
    ...[...before].filter((id) => !after.has(id)).map((id) => ({ ...t, org_id: id, count: -t.count })),
    ...[...after].filter((id) => !before.has(id)).map((id) => ({ ...t, org_id: id, count: t.count })),
  ]);
  await addCounts(trx, 'member_rollups', changes);
}

/** Adds to the stored counts (a missing row counts 0) and drops the rows that reach 0. */
async function addCounts(
  trx: Executor,
  table: 'member_counts' | 'member_rollups',
  rows: { org_id: number; membership_status: MembershipStatus; count: number }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await trx
      .insertInto(table)
      .values(chunk)
      .onConflict((oc) =>
        oc
          .columns(['org_id', 'membership_status'])
          .doUpdateSet({ count: sql<number>`${sql.ref(`${table}.count`)} + excluded.count` }),
      )
      .execute();
    await trx
      .deleteFrom(table)
      .where(
        'org_id',
        'in',
        chunk.map((r) => r.org_id),
      )
      .where('count', '=', 0)
      .execute();
  }
}

export type StatusCounts = Record<MembershipStatus, number>;

export function emptyCounts(): StatusCounts {
  return Object.fromEntries(membershipStatuses.map((s) => [s, 0])) as StatusCounts;
}

/** Members by status in an org's subtree: its roll-up rows, whatever the number of members and orgs. */
export async function subtreeMemberCounts(db: Executor, orgId: number): Promise<StatusCounts> {
  const rows = await db
    .selectFrom('member_rollups')
    .select(['membership_status as status', 'count'])
    .where('org_id', '=', orgId)
    .execute();
  const counts = emptyCounts();
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

/** Members of one org in the normal status (the branch's size for the 3-member and 20% rules). */
export async function normalMembersOf(db: Executor, orgId: number): Promise<number> {
  const row = await db
    .selectFrom('member_counts')
    .select('count')
    .where('org_id', '=', orgId)
    .where('membership_status', '=', 'normal')
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}
