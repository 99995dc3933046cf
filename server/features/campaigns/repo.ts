import type { Insertable } from 'kysely';
import type { Executor, IndicatorsTable } from '../../db/schema.js';
import type { CampaignRow, IndicatorRow } from './indicators.js';

export type CampaignWithRoot = CampaignRow & { root_path: string; root_name: string };

function campaignQuery(db: Executor) {
  return db
    .selectFrom('campaigns as c')
    .innerJoin('orgs as o', 'o.id', 'c.root_org_id')
    .selectAll('c')
    .select(['o.path as root_path', 'o.name as root_name']);
}

export function findCampaign(db: Executor, id: number): Promise<CampaignWithRoot | undefined> {
  return campaignQuery(db).where('c.id', '=', id).executeTakeFirst();
}

/** Campaigns whose root is one of these orgs (an org's ancestors-or-self, or everything for operators). */
export function findCampaignsByRoots(db: Executor, rootIds: number[] | null): Promise<CampaignWithRoot[]> {
  let query = campaignQuery(db).orderBy('c.starts_on', 'desc').orderBy('c.id', 'desc');
  if (rootIds) query = query.where('c.root_org_id', 'in', [...rootIds, -1]);
  return query.execute();
}

/** Campaigns rooted strictly inside a subtree (a province sees its counties' own campaigns). */
export function findCampaignsInside(db: Executor, from: string, to: string): Promise<CampaignWithRoot[]> {
  return campaignQuery(db).where('o.path', '>', from).where('o.path', '<', to).orderBy('c.id', 'desc').execute();
}

export function findIndicators(db: Executor, campaignId: number): Promise<IndicatorRow[]> {
  return db
    .selectFrom('indicators')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .orderBy('sort_order')
    .orderBy('id')
    .execute();
}

export function findIndicator(db: Executor, id: number): Promise<IndicatorRow | undefined> {
  return db.selectFrom('indicators').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertIndicator(db: Executor, row: Insertable<IndicatorsTable>): Promise<number> {
  const inserted = await db.insertInto('indicators').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

/** An indicator and everything derived from it; its reminders stay as sent but lose the link. */
export async function deleteIndicator(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('indicator_status').where('indicator_id', '=', id).execute();
  await db.deleteFrom('indicator_rollup').where('indicator_id', '=', id).execute();
  await db.deleteFrom('indicator_snapshots').where('indicator_id', '=', id).execute();
  await db.updateTable('notifications').set({ indicator_id: null }).where('indicator_id', '=', id).execute();
  await db.deleteFrom('indicators').where('id', '=', id).execute();
}

/** For each org, its responsible cadre: the secretary (书记) first, then the earliest registered active cadre. */
export async function findResponsibleCadres(
  db: Executor,
  orgIds: number[],
): Promise<Map<number, { name: string; post: string; phoneMasked: string | null }>> {
  const result = new Map<number, { name: string; post: string; phoneMasked: string | null }>();
  if (orgIds.length === 0) return result;
  const rows = await db
    .selectFrom('cadres')
    .select(['org_id', 'full_name', 'post', 'phone_masked', 'id'])
    .where('org_id', 'in', orgIds)
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
  const rank = (post: string) => (post === '书记' ? 0 : post.includes('书记') ? 1 : 2);
  for (const row of rows) {
    const current = result.get(row.org_id);
    if (!current || rank(row.post) < rank(current.post)) {
      result.set(row.org_id, { name: row.full_name, post: row.post, phoneMasked: row.phone_masked });
    }
  }
  return result;
}
