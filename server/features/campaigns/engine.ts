import { sql } from 'kysely';
import type { Metric, OrgLevel } from '../../../common/domain.js';
import type { Db, Executor } from '../../db/schema.js';
import { isPostgres, nowIso, pathIds, subtreeRange } from '../../db/tree.js';
import { appliesTo, loadActiveIndicators, type ActiveIndicator, type OrgShape } from './indicators.js';
import { computeValues, meets } from './metrics.js';

// The maintained aggregates behind every dashboard (see README.md in this folder):
// - indicator_status: for each org an indicator applies to, its value and whether it meets the threshold;
// - indicator_rollup: for each org at or below the campaign's root, per level of the orgs beneath it, how many
//   the indicator applies to, how many meet it and the sum of their values.
// A write changes an org's own figures only, so it re-syncs that org: its old contribution (as stored, with
// the path it had) leaves the roll-up of its old ancestors, its new one joins the roll-up of its current
// ancestors. Moves, level changes and dissolutions are the same re-sync over the orgs concerned.

const chunkSize = 500;

function chunks<T>(items: readonly T[], size = chunkSize): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Delta = { indicatorId: number; orgId: number; level: OrgLevel; applicable: number; met: number; valueSum: number };

class RollupDeltas {
  private readonly deltas = new Map<string, Delta>();

  add(indicator: ActiveIndicator, path: string, level: OrgLevel, sign: 1 | -1, met: boolean, value: number | null) {
    const ids = pathIds(path);
    const rootIndex = ids.indexOf(indicator.rootOrgId);
    if (rootIndex < 0) return;
    for (const orgId of ids.slice(rootIndex)) {
      const key = `${indicator.id}/${orgId}/${level}`;
      const delta = this.deltas.get(key) ?? {
        indicatorId: indicator.id,
        orgId,
        level,
        applicable: 0,
        met: 0,
        valueSum: 0,
      };
      delta.applicable += sign;
      delta.met += met ? sign : 0;
      delta.valueSum += sign * (value ?? 0);
      this.deltas.set(key, delta);
    }
  }

  async apply(trx: Executor): Promise<void> {
    // One order for every writer, so that two transactions updating the same ancestors never deadlock.
    const rows = [...this.deltas.values()]
      .filter((d) => d.applicable !== 0 || d.met !== 0 || Math.abs(d.valueSum) > 1e-12)
      .sort((a, b) => a.indicatorId - b.indicatorId || a.orgId - b.orgId || a.level.localeCompare(b.level));
    for (const part of chunks(rows)) {
      await trx
        .insertInto('indicator_rollup')
        .values(
          part.map((d) => ({
            indicator_id: d.indicatorId,
            org_id: d.orgId,
            level: d.level,
            applicable: d.applicable,
            met: d.met,
            value_sum: d.valueSum,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['indicator_id', 'org_id', 'level']).doUpdateSet({
            applicable: sql`indicator_rollup.applicable + excluded.applicable`,
            met: sql`indicator_rollup.met + excluded.met`,
            value_sum: sql`indicator_rollup.value_sum + excluded.value_sum`,
          }),
        )
        .execute();
    }
  }
}

async function loadOrgs(trx: Executor, orgIds: readonly number[]): Promise<OrgShape[]> {
  const out: OrgShape[] = [];
  for (const part of chunks([...orgIds].sort((a, b) => a - b))) {
    let query = trx
      .selectFrom('orgs')
      .select(['id', 'path', 'level', 'type', 'status'])
      .where('id', 'in', part)
      .orderBy('id');
    // Writers to the same org queue here, so each one counts what the previous one committed. NO KEY UPDATE, not
    // UPDATE: a writer's insert of a row referencing the org (a channel, a cadre) holds KEY SHARE on it, which
    // FOR UPDATE would wait for while that writer waits for the audit chain's lock held here — a deadlock.
    if (isPostgres(trx)) query = query.forNoKeyUpdate();
    out.push(...(await query.execute()));
  }
  return out;
}

async function resyncIndicator(trx: Executor, indicator: ActiveIndicator, orgs: OrgShape[], deltas: RollupDeltas) {
  const at = nowIso();
  for (const part of chunks(orgs)) {
    const ids = part.map((o) => o.id);
    const old = await trx
      .selectFrom('indicator_status')
      .select(['org_id', 'org_path', 'org_level', 'value', 'met'])
      .where('indicator_id', '=', indicator.id)
      .where('org_id', 'in', ids)
      .execute();
    const oldById = new Map(old.map((s) => [s.org_id, s]));
    const applicable = part.filter((o) => appliesTo(indicator, o));
    const values = await computeValues(
      trx,
      indicator,
      applicable.map((o) => o.id),
    );
    const upserts = [];
    for (const org of applicable) {
      const value = values.get(org.id) ?? null;
      const met = meets(value, indicator.threshold);
      const before = oldById.get(org.id);
      if (before && before.org_path === org.path && before.org_level === org.level && before.value === value) {
        oldById.delete(org.id);
        continue;
      }
      if (before) deltas.add(indicator, before.org_path, before.org_level, -1, before.met === 1, before.value);
      oldById.delete(org.id);
      deltas.add(indicator, org.path, org.level, 1, met, value);
      upserts.push({
        indicator_id: indicator.id,
        org_id: org.id,
        org_path: org.path,
        org_level: org.level,
        value,
        met: met ? 1 : 0,
        updated_at: at,
      });
    }
    if (upserts.length > 0) {
      await trx
        .insertInto('indicator_status')
        .values(upserts)
        .onConflict((oc) =>
          oc.columns(['indicator_id', 'org_id']).doUpdateSet((eb) => ({
            org_path: eb.ref('excluded.org_path'),
            org_level: eb.ref('excluded.org_level'),
            value: eb.ref('excluded.value'),
            met: eb.ref('excluded.met'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    // What remains applied before and no longer does (dissolved, moved out, level changed).
    const gone = [...oldById.values()];
    for (const before of gone)
      deltas.add(indicator, before.org_path, before.org_level, -1, before.met === 1, before.value);
    if (gone.length > 0) {
      await trx
        .deleteFrom('indicator_status')
        .where('indicator_id', '=', indicator.id)
        .where(
          'org_id',
          'in',
          gone.map((g) => g.org_id),
        )
        .execute();
    }
  }
}

/**
 * Brings the statuses and roll-ups of these orgs up to date for the indicators of active campaigns measuring
 * these metrics (all metrics when omitted). Call it in the transaction of the write, after the write.
 */
export async function refreshOrgMetrics(
  trx: Executor,
  orgIds: readonly number[],
  metrics?: readonly Metric[],
): Promise<void> {
  if (orgIds.length === 0) return;
  const orgs = await loadOrgs(trx, [...new Set(orgIds)]);
  const indicators = await loadActiveIndicators(trx, { metrics, lock: true });
  if (indicators.length === 0) return;
  const deltas = new RollupDeltas();
  for (const indicator of indicators) {
    // Orgs outside the campaign's root neither apply nor ever applied, unless they just moved out.
    await resyncIndicator(trx, indicator, orgs, deltas);
  }
  await deltas.apply(trx);
}

/** After an org, its subtree or its level changed: every metric of every campaign, for the whole subtree. */
export async function refreshSubtree(trx: Executor, path: string): Promise<void> {
  const [from, to] = subtreeRange(path);
  const rows = await trx.selectFrom('orgs').select('id').where('path', '>=', from).where('path', '<', to).execute();
  await refreshOrgMetrics(
    trx,
    rows.map((r) => r.id),
  );
}

/**
 * Rebuilds a campaign's statuses and roll-ups from the ledger: after it is created, after an indicator changes,
 * or to repair. Work is proportional to the orgs under the campaign's root (a province: about 22,000).
 */
export async function recomputeCampaign(trx: Executor, campaignId: number): Promise<void> {
  if (isPostgres(trx)) {
    await trx.selectFrom('campaigns').select('id').where('id', '=', campaignId).forUpdate().execute();
  }
  const indicatorIds = (
    await trx.selectFrom('indicators').select('id').where('campaign_id', '=', campaignId).execute()
  ).map((r) => r.id);
  if (indicatorIds.length > 0) {
    await trx.deleteFrom('indicator_status').where('indicator_id', 'in', indicatorIds).execute();
    await trx.deleteFrom('indicator_rollup').where('indicator_id', 'in', indicatorIds).execute();
  }
  const indicators = await loadActiveIndicators(trx, { campaignIds: [campaignId] });
  if (indicators.length === 0) return;
  const [from, to] = subtreeRange(indicators[0].rootPath);
  const orgs = await trx
    .selectFrom('orgs')
    .select(['id', 'path', 'level', 'type', 'status'])
    .where('path', '>=', from)
    .where('path', '<', to)
    .where('status', '=', 'active')
    .execute();
  const deltas = new RollupDeltas();
  for (const indicator of indicators) {
    const relevant = orgs.filter((o) => appliesTo(indicator, o));
    await resyncIndicator(trx, indicator, relevant, deltas);
  }
  await deltas.apply(trx);
}

/** Every active campaign rebuilt: the repair command, and after a bulk change of the tree. */
export async function recomputeAllCampaigns(db: Db): Promise<number> {
  const campaigns = await db.selectFrom('campaigns').select('id').where('status', '=', 'active').execute();
  for (const c of campaigns) await db.transaction().execute((trx) => recomputeCampaign(trx, c.id));
  return campaigns.length;
}
