import { sql } from 'kysely';
import type { ReviewGrade } from '../../../common/domain.js';
import type { Executor } from '../../db/schema.js';
import { scopeCondition, type LedgerScope } from '../ledger/shared.js';

// Annual reviews (团员教育评议) and registrations (年度注册): one row per member and year. The list and its summary
// look at the same rows: the normal members of the scope, with their review of the year when there is one.

export type ReviewRow = { member_id: number; grade: ReviewGrade; registered_at: string | null };

export function findReviews(db: Executor, memberIds: readonly number[], year: number): Promise<ReviewRow[]> {
  if (memberIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('annual_reviews')
    .select(['member_id', 'grade', 'registered_at'])
    .where('member_id', 'in', [...memberIds])
    .where('year', '=', year)
    .execute();
}

/** One row per member and year: a second review of the same year replaces the grade. */
export async function upsertReview(
  db: Executor,
  values: { memberId: number; orgId: number; year: number; grade: ReviewGrade; reviewedBy: number; at: string },
): Promise<void> {
  await db
    .insertInto('annual_reviews')
    .values({
      member_id: values.memberId,
      org_id: values.orgId,
      year: values.year,
      grade: values.grade,
      registered_at: null,
      reviewed_by: values.reviewedBy,
      created_at: values.at,
      updated_at: values.at,
    })
    .onConflict((oc) =>
      oc.columns(['member_id', 'year']).doUpdateSet({
        grade: values.grade,
        org_id: values.orgId,
        reviewed_by: values.reviewedBy,
        updated_at: values.at,
      }),
    )
    .execute();
}

export async function markRegistered(db: Executor, memberIds: readonly number[], year: number, at: string) {
  if (memberIds.length === 0) return;
  await db
    .updateTable('annual_reviews')
    .set({ registered_at: at, updated_at: at })
    .where('member_id', 'in', [...memberIds])
    .where('year', '=', year)
    .where('registered_at', 'is', null)
    .execute();
}

export type ReviewFilter = { scope: LedgerScope; year: number; grade?: ReviewGrade | 'none'; registered?: boolean };

/** Normal members of the scope, each with the year's review (or none). */
function membersWithReview(db: Executor, filter: ReviewFilter) {
  let query = db
    .selectFrom('members')
    .innerJoin('orgs', 'orgs.id', 'members.org_id')
    .leftJoin('annual_reviews', (join) =>
      join.onRef('annual_reviews.member_id', '=', 'members.id').on('annual_reviews.year', '=', filter.year),
    )
    .where('members.membership_status', '=', 'normal')
    .where(scopeCondition(filter.scope, 'members.org_id', 'orgs.path'));
  if (filter.grade === 'none') query = query.where('annual_reviews.id', 'is', null);
  else if (filter.grade) query = query.where('annual_reviews.grade', '=', filter.grade);
  if (filter.registered === true) query = query.where('annual_reviews.registered_at', 'is not', null);
  if (filter.registered === false) query = query.where('annual_reviews.registered_at', 'is', null);
  return query;
}

export async function listReviewSheet(db: Executor, filter: ReviewFilter & { offset: number; limit: number }) {
  const rows = await membersWithReview(db, filter)
    .select([
      'members.id as member_id',
      'members.full_name',
      'members.id_masked',
      'members.org_id',
      'members.joined_on',
      'orgs.name as org_name',
      'annual_reviews.grade',
      'annual_reviews.registered_at',
    ])
    .orderBy('orgs.path')
    .orderBy('members.full_name')
    .orderBy('members.id')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  const { total } = await membersWithReview(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total) };
}

/** The year's figures over the normal members of the scope: members, per grade (none = not reviewed), registered. */
export async function reviewFigures(db: Executor, scope: LedgerScope, year: number) {
  return membersWithReview(db, { scope, year })
    .select([
      'annual_reviews.grade',
      (eb) => eb.fn.countAll<number>().as('n'),
      sql<number>`sum(case when annual_reviews.registered_at is not null then 1 else 0 end)`.as('registered'),
    ])
    .groupBy('annual_reviews.grade')
    .execute();
}
