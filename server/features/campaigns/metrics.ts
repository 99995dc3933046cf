import { sql } from 'kysely';
import { addDays } from '../../../common/dates.js';
import type { Executor } from '../../db/schema.js';
import type { ActiveIndicator } from './indicators.js';

/**
 * The value of one indicator for a set of orgs, read from the org's own rows only (its channels, its cadres,
 * its plan row): a handful of index look-ups per org, never a scan of a subtree. Orgs missing from the result
 * have the value 0 (nothing built yet), except plan completion without a plan, which is null (no plan filed).
 */
export async function computeValues(
  db: Executor,
  indicator: ActiveIndicator,
  orgIds: readonly number[],
): Promise<Map<number, number | null>> {
  const values = new Map<number, number | null>(orgIds.map((id) => [id, 0]));
  if (orgIds.length === 0) return values;
  switch (indicator.metric) {
    case 'channel_count': {
      for (const [orgId, n] of await channelCounts(db, orgIds, indicator.channel_kind)) values.set(orgId, n);
      return values;
    }
    case 'cadre_contact_share': {
      const min = indicator.min_contacts ?? 1;
      const rows = await db
        .selectFrom('cadres')
        .select([
          'org_id',
          (eb) => eb.fn.countAll<number>().as('total'),
          sql<number>`sum(case when contact_count >= ${min} then 1 else 0 end)`.as('reached'),
        ])
        .where('org_id', 'in', orgIds)
        .where('status', '=', 'active')
        .groupBy('org_id')
        .execute();
      for (const row of rows)
        values.set(row.org_id, Number(row.total) > 0 ? Number(row.reached) / Number(row.total) : 0);
      return values;
    }
    case 'plan_completion': {
      const plans = await db
        .selectFrom('campaign_plans')
        .select(['org_id', 'planned'])
        .where('campaign_id', '=', indicator.campaign_id)
        .where('org_id', 'in', orgIds)
        .execute();
      const actual = await channelCounts(db, orgIds, indicator.channel_kind);
      for (const id of orgIds) values.set(id, null);
      for (const plan of plans) {
        // Nothing planned is nothing owed: complete.
        values.set(plan.org_id, plan.planned === 0 ? 1 : (actual.get(plan.org_id) ?? 0) / plan.planned);
      }
      return values;
    }
    case 'posts_per_channel': {
      const channels = await channelCounts(db, orgIds, indicator.channel_kind);
      let query = db
        .selectFrom('channel_posts as p')
        .innerJoin('channels as c', 'c.id', 'p.channel_id')
        .select(['c.org_id', (eb) => eb.fn.sum<number>('p.count').as('posts')])
        .where('c.org_id', 'in', orgIds)
        .where('c.status', '=', 'active')
        .where('p.on_date', '>=', indicator.windowStart)
        .where('p.on_date', '<=', indicator.windowEnd)
        .groupBy('c.org_id');
      if (indicator.channel_kind) query = query.where('c.kind', '=', indicator.channel_kind);
      // Posts recorded by hand, plus what the platform delivered (the window's China days as UTC instants).
      let delivered = db
        .selectFrom('deliveries as d')
        .innerJoin('channels as c', 'c.id', 'd.channel_id')
        .select(['c.org_id', (eb) => eb.fn.countAll<number>().as('posts')])
        .where('c.org_id', 'in', orgIds)
        .where('c.status', '=', 'active')
        .where('d.status', '=', 'sent')
        .where('d.sent_at', '>=', new Date(`${indicator.windowStart}T00:00:00+08:00`).toISOString())
        .where('d.sent_at', '<', new Date(`${addDays(indicator.windowEnd, 1)}T00:00:00+08:00`).toISOString())
        .groupBy('c.org_id');
      if (indicator.channel_kind) delivered = delivered.where('c.kind', '=', indicator.channel_kind);
      const posts = new Map<number, number>();
      for (const row of [...(await query.execute()), ...(await delivered.execute())]) {
        posts.set(row.org_id, (posts.get(row.org_id) ?? 0) + Number(row.posts));
      }
      for (const [orgId, count] of posts) {
        const n = channels.get(orgId) ?? 0;
        values.set(orgId, n > 0 ? count / n : 0);
      }
      return values;
    }
    case 'activities_held': {
      const rows = await db
        .selectFrom('activities')
        .select(['org_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('org_id', 'in', orgIds)
        .where('held_on', '>=', indicator.windowStart)
        .where('held_on', '<=', indicator.windowEnd)
        .groupBy('org_id')
        .execute();
      for (const row of rows) values.set(row.org_id, Number(row.n));
      return values;
    }
  }
}

async function channelCounts(
  db: Executor,
  orgIds: readonly number[],
  kind: string | null,
): Promise<Map<number, number>> {
  let query = db
    .selectFrom('channels')
    .select(['org_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('org_id', 'in', orgIds)
    .where('status', '=', 'active')
    .groupBy('org_id');
  if (kind) query = query.where('kind', '=', kind as never);
  const rows = await query.execute();
  return new Map(rows.map((r) => [r.org_id, Number(r.n)]));
}

/** Met when the value reaches the threshold; a missing value (no plan filed) never meets it. */
export function meets(value: number | null, threshold: number): boolean {
  return value !== null && value >= threshold - 1e-9;
}
