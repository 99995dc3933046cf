import { sql } from 'kysely';
import type { OrgLevel, OrgType } from '../common/domain.js';
import type { Db } from '../server/db/schema.js';

// An independent account of a campaign's figures, straight from the ledger tables with plain GROUP BY counts
// (no code of the engine): what every org's value is, and per ancestor and level how many orgs apply and meet.

type Expected = { statuses: Map<string, number | null>; rollups: Map<string, { applicable: number; met: number }> };

async function valuesByOrg(
  db: Db,
  indicator: { metric: string; channel_kind: string | null; min_contacts: number | null; campaign_id: number },
) {
  const channelCounts = async () => {
    let q = db
      .selectFrom('channels')
      .select(['org_id', sql<number>`count(*)`.as('n')])
      .where('status', '=', 'active')
      .groupBy('org_id');
    if (indicator.channel_kind) q = q.where('kind', '=', indicator.channel_kind as never);
    return new Map((await q.execute()).map((r) => [r.org_id, Number(r.n)]));
  };
  if (indicator.metric === 'channel_count') return { values: await channelCounts(), fallback: 0 as number | null };
  if (indicator.metric === 'cadre_contact_share') {
    const rows = await sql<{ org_id: number; total: number; reached: number }>`
      select org_id, count(*) as total, sum(case when contact_count >= ${indicator.min_contacts} then 1 else 0 end) as reached
      from cadres where status = 'active' group by org_id`.execute(db);
    return {
      values: new Map(rows.rows.map((r) => [r.org_id, Number(r.reached) / Number(r.total)])),
      fallback: 0 as number | null,
    };
  }
  if (indicator.metric === 'plan_completion') {
    const built = await channelCounts();
    const plans = await db
      .selectFrom('campaign_plans')
      .select(['org_id', 'planned'])
      .where('campaign_id', '=', indicator.campaign_id)
      .execute();
    return {
      values: new Map(plans.map((p) => [p.org_id, p.planned === 0 ? 1 : (built.get(p.org_id) ?? 0) / p.planned])),
      fallback: null as number | null,
    };
  }
  throw new Error(`the checker does not cover ${indicator.metric}`);
}

export async function expectedFigures(db: Db, campaignId: number): Promise<Expected> {
  const campaign = await db
    .selectFrom('campaigns as c')
    .innerJoin('orgs as o', 'o.id', 'c.root_org_id')
    .select(['o.path', 'c.root_org_id'])
    .where('c.id', '=', campaignId)
    .executeTakeFirstOrThrow();
  const orgs = await db
    .selectFrom('orgs')
    .select(['id', 'path', 'level', 'type'])
    .where('status', '=', 'active')
    .where('path', 'like', `${campaign.path}%`)
    .execute();
  const indicators = await db.selectFrom('indicators').selectAll().where('campaign_id', '=', campaignId).execute();
  const statuses = new Map<string, number | null>();
  const rollups = new Map<string, { applicable: number; met: number }>();
  for (const indicator of indicators) {
    const levels = JSON.parse(indicator.levels) as OrgLevel[];
    const types = JSON.parse(indicator.types) as OrgType[];
    const { values, fallback } = await valuesByOrg(db, indicator);
    for (const org of orgs) {
      if (!levels.includes(org.level) || !types.includes(org.type)) continue;
      const value = values.has(org.id) ? values.get(org.id)! : fallback;
      const met = value !== null && value >= indicator.threshold - 1e-9;
      statuses.set(`${indicator.id}/${org.id}`, value);
      const ids = org.path.split('/').filter(Boolean).map(Number);
      for (const ancestor of ids.slice(ids.indexOf(campaign.root_org_id))) {
        const key = `${indicator.id}/${ancestor}/${org.level}`;
        const entry = rollups.get(key) ?? { applicable: 0, met: 0 };
        entry.applicable += 1;
        entry.met += met ? 1 : 0;
        rollups.set(key, entry);
      }
    }
  }
  return { statuses, rollups };
}

/** The maintained tables, in the same shape, zero rows left out. */
export async function maintainedFigures(db: Db, campaignId: number): Promise<Expected> {
  const ids = (await db.selectFrom('indicators').select('id').where('campaign_id', '=', campaignId).execute()).map(
    (r) => r.id,
  );
  const statusRows = await db
    .selectFrom('indicator_status')
    .select(['indicator_id', 'org_id', 'value'])
    .where('indicator_id', 'in', [...ids, -1])
    .execute();
  const rollupRows = await db
    .selectFrom('indicator_rollup')
    .selectAll()
    .where('indicator_id', 'in', [...ids, -1])
    .execute();
  return {
    statuses: new Map(statusRows.map((s) => [`${s.indicator_id}/${s.org_id}`, s.value])),
    rollups: new Map(
      rollupRows
        .filter((r) => r.applicable !== 0 || r.met !== 0)
        .map((r) => [`${r.indicator_id}/${r.org_id}/${r.level}`, { applicable: r.applicable, met: r.met }]),
    ),
  };
}

/** Differences between the two accounts, as readable lines (empty when they agree). */
export async function rollupDifferences(db: Db, campaignId: number): Promise<string[]> {
  const expected = await expectedFigures(db, campaignId);
  const actual = await maintainedFigures(db, campaignId);
  const out: string[] = [];
  for (const [key, value] of expected.statuses) {
    const got = actual.statuses.get(key);
    const same =
      got === undefined ? false : value === null ? got === null : got !== null && Math.abs(got - value) < 1e-9;
    if (!same) out.push(`status ${key}: expected ${value}, maintained ${got}`);
  }
  for (const key of actual.statuses.keys())
    if (!expected.statuses.has(key)) out.push(`status ${key}: should not exist`);
  for (const [key, value] of expected.rollups) {
    const got = actual.rollups.get(key);
    if (!got || got.applicable !== value.applicable || got.met !== value.met) {
      out.push(`rollup ${key}: expected ${JSON.stringify(value)}, maintained ${JSON.stringify(got)}`);
    }
  }
  for (const key of actual.rollups.keys()) if (!expected.rollups.has(key)) out.push(`rollup ${key}: should not exist`);
  return out;
}
