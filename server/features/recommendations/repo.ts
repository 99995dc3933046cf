import type { Insertable } from 'kysely';
import type { Executor, PartyRecommendationsTable } from '../../db/schema.js';
import { scopeCondition, type LedgerScope } from '../ledger/shared.js';

// 推优入党 rows: one per member and round (a round is one branch on one date).

function withNames(db: Executor) {
  return db
    .selectFrom('party_recommendations')
    .innerJoin('members', 'members.id', 'party_recommendations.member_id')
    .innerJoin('orgs', 'orgs.id', 'party_recommendations.org_id')
    .leftJoin('users', 'users.id', 'party_recommendations.certified_by')
    .selectAll('party_recommendations')
    .select([
      'members.full_name',
      'members.id_masked',
      'orgs.name as org_name',
      'orgs.path as org_path',
      'users.display_name as certified_by_name',
    ]);
}

export type RecommendationRow = NonNullable<Awaited<ReturnType<typeof findRecommendation>>>;

export function findRecommendation(db: Executor, id: number) {
  return withNames(db).where('party_recommendations.id', '=', id).executeTakeFirst();
}

export function findRecommendationsByIds(db: Executor, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return withNames(db)
    .where('party_recommendations.id', 'in', [...ids])
    .orderBy('party_recommendations.id')
    .execute();
}

/** Recommendations of these members whose validity overlaps [from, until]. */
export function findOverlapping(db: Executor, memberIds: readonly number[], from: string, until: string) {
  if (memberIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('party_recommendations')
    .select(['member_id', 'recommended_on', 'valid_until'])
    .where('member_id', 'in', [...memberIds])
    .where('recommended_on', '<=', until)
    .where('valid_until', '>=', from)
    .orderBy('recommended_on')
    .execute();
}

/** Members already recommended in the round of this branch and date. */
export async function countRound(db: Executor, orgId: number, on: string): Promise<number> {
  const { n } = await db
    .selectFrom('party_recommendations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('recommended_on', '=', on)
    .executeTakeFirstOrThrow();
  return Number(n);
}

export async function insertRecommendation(
  db: Executor,
  values: Insertable<PartyRecommendationsTable>,
): Promise<number> {
  const { id } = await db.insertInto('party_recommendations').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function certifyRecommendation(db: Executor, id: number, on: string, by: number): Promise<void> {
  await db
    .updateTable('party_recommendations')
    .set({ certified_on: on, certified_by: by })
    .where('id', '=', id)
    .execute();
}

export type RecommendationFilter = { scope: LedgerScope; today: string; valid?: boolean; certified?: boolean };

function filtered(db: Executor, filter: RecommendationFilter) {
  let query = withNames(db).where(scopeCondition(filter.scope, 'party_recommendations.org_id', 'orgs.path'));
  if (filter.valid === true) query = query.where('party_recommendations.valid_until', '>=', filter.today);
  if (filter.valid === false) query = query.where('party_recommendations.valid_until', '<', filter.today);
  if (filter.certified === true) query = query.where('party_recommendations.certified_on', 'is not', null);
  if (filter.certified === false) query = query.where('party_recommendations.certified_on', 'is', null);
  return query;
}

export async function listRecommendations(
  db: Executor,
  filter: RecommendationFilter & { offset: number; limit: number },
) {
  const rows = await filtered(db, filter)
    .orderBy('party_recommendations.recommended_on', 'desc')
    .orderBy('orgs.path')
    .orderBy('party_recommendations.id')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  const { total } = await filtered(db, filter)
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total) };
}
