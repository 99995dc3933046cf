import type { ActivitiesTable, Executor } from '../../db/schema.js';
import { scopeCondition, type LedgerScope } from '../ledger/shared.js';

export type ActivityFilter = { scope: LedgerScope; from?: string; to?: string };

function filtered(db: Executor, filter: ActivityFilter) {
  let query = db
    .selectFrom('activities')
    .innerJoin('orgs', 'orgs.id', 'activities.org_id')
    .where(scopeCondition(filter.scope, 'activities.org_id', 'orgs.path'));
  if (filter.from) query = query.where('activities.held_on', '>=', filter.from);
  if (filter.to) query = query.where('activities.held_on', '<=', filter.to);
  return query;
}

export async function listActivities(db: Executor, filter: ActivityFilter & { offset: number; limit: number }) {
  const rows = await filtered(db, filter)
    .selectAll('activities')
    .select('orgs.name as org_name')
    .orderBy('activities.held_on', 'desc')
    .orderBy('activities.id', 'desc')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  const { total } = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total) };
}

export async function insertActivity(db: Executor, values: Omit<ActivitiesTable, 'id'>): Promise<number> {
  const { id } = await db.insertInto('activities').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}
