import { sql } from 'kysely';
import { membershipStatuses, type MembershipStatus } from '../../../common/domain.js';
import type { Executor } from '../../db/schema.js';
import { subtreeRange } from '../../db/tree.js';

// member_counts holds members per org and status. Every write that adds, moves or changes the status of a member
// recounts the orgs it touched, in its transaction: a count over one branch's index entries, never the tree.

export async function refreshMemberCounts(trx: Executor, orgIds: Iterable<number>): Promise<void> {
  const ids = [...new Set(orgIds)];
  if (ids.length === 0) return;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await trx.deleteFrom('member_counts').where('org_id', 'in', chunk).execute();
    await trx
      .insertInto('member_counts')
      .columns(['org_id', 'membership_status', 'count'])
      .expression(
        trx
          .selectFrom('members')
          .select(['org_id', 'membership_status', (eb) => eb.fn.countAll<number>().as('count')])
          .where('org_id', 'in', chunk)
          .groupBy(['org_id', 'membership_status']),
      )
      .execute();
  }
}

export type StatusCounts = Record<MembershipStatus, number>;

export function emptyCounts(): StatusCounts {
  return Object.fromEntries(membershipStatuses.map((s) => [s, 0])) as StatusCounts;
}

/** Members by status in an org's subtree: a sum over the subtree's orgs, whatever the number of members. */
export async function subtreeMemberCounts(db: Executor, path: string): Promise<StatusCounts> {
  const [lower, upper] = subtreeRange(path);
  const rows = await db
    .selectFrom('member_counts')
    .innerJoin('orgs', 'orgs.id', 'member_counts.org_id')
    .select(['member_counts.membership_status as status', sql<number>`sum(member_counts.count)`.as('n')])
    .where('orgs.path', '>=', lower)
    .where('orgs.path', '<', upper)
    .groupBy('member_counts.membership_status')
    .execute();
  const counts = emptyCounts();
  for (const row of rows) counts[row.status] = Number(row.n);
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
