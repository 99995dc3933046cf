import { sql, type RawBuilder } from 'kysely';
import { chinaToday } from '../common/dates.js';
import type { Db } from '../server/db/schema.js';
import { pathIds, subtreeRange } from '../server/db/tree.js';
import { scopedCounty, type Fixtures } from './fixtures.js';
import type { LedgerFixtures } from './ledger-bench.js';
import { percentile } from './lib.js';

// Floors of the HTTP reads and of the campaign recompute: the minimal SQL that returns the same figures from
// the same tables and orgs, timed in the benchmark's process on its own connection (no HTTP, no session, no
// validation, no presentation). Each call is one page's worth of queries, in sequence, as one request makes them.

export type LatencyRun = { p50: number; p95: number; p99: number; max: number };

export type SqlCall = () => Promise<unknown>;

/** Latency percentiles of `count` calls, cycling through `calls`, one at a time. */
export async function timeCalls(calls: readonly SqlCall[], count: number): Promise<LatencyRun> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await calls[i % calls.length]();
    samples.push(performance.now() - started);
  }
  const sorted = samples.sort((a, b) => a - b);
  const at = (p: number) => Number(percentile(sorted, p).toFixed(2));
  return { p50: at(50), p95: at(95), p99: at(99), max: at(100) };
}

const list = (values: readonly (number | string)[]): RawBuilder<unknown> =>
  sql.join(values.length > 0 ? values.map((v) => sql`${v}`) : [sql`null`]);

/** A dashboard: the org's children, the roll-ups and statuses of the org and its children, the trend. */
export function dashboardFloor(
  db: Db,
  input: { orgId: number; indicatorIds: readonly number[]; today: string },
): SqlCall {
  const indicators = list(input.indicatorIds);
  return async () => {
    const children = await sql<{ id: number; name: string; level: string }>`
      select id, name, level from orgs where parent_id = ${input.orgId} and status = 'active'
      order by stat_code, id limit 500`.execute(db);
    const ids = list([input.orgId, ...children.rows.map((c) => c.id)]);
    await sql`select indicator_id, org_id, level, applicable, met, value_sum from indicator_rollup
      where indicator_id in (${indicators}) and org_id in (${ids})`.execute(db);
    await sql`select indicator_id, org_id, value, met from indicator_status
      where indicator_id in (${indicators}) and org_id in (${ids})`.execute(db);
    await sql`select on_date, indicator_id, sum(applicable) as applicable, sum(met) as met from indicator_snapshots
      where org_id = ${input.orgId} and indicator_id in (${indicators}) and on_date < ${input.today}
      group by on_date, indicator_id order by on_date`.execute(db);
  };
}

/** An org's children, each with its counts: direct children, descendants (a path range) and members. */
export function childrenFloor(db: Db, parentId: number): SqlCall {
  return async () => {
    const { rows } = await sql<{ id: number; path: string }>`
      select * from orgs where parent_id = ${parentId} and status = 'active' order by stat_code, id limit 200`.execute(
      db,
    );
    await sql`select count(*) as n from orgs where parent_id = ${parentId} and status = 'active'`.execute(db);
    if (rows.length === 0) return;
    const ids = list(rows.map((r) => r.id));
    await sql`select parent_id, count(*) as n from orgs where parent_id in (${ids}) and status = 'active'
      group by parent_id`.execute(db);
    await sql`select org_id, count(*) as n from members where org_id in (${ids}) group by org_id`.execute(db);
    const ranges = rows.map((r) => {
      const [from, to] = subtreeRange(r.path);
      return sql`select ${r.id} as id, count(*) as n from orgs where path > ${from} and path < ${to} and status = 'active'`;
    });
    await sql.join(ranges, sql` union all `).execute(db);
  };
}

/** A tree search: 20 orgs matching the text (name) or code prefix, in a subtree, then their ancestors' names. */
export function searchFloor(db: Db, q: string, scopePath: string | null): SqlCall {
  const [from, to] = scopePath ? subtreeRange(scopePath) : [null, null];
  const scope = from === null ? sql`` : sql`and path >= ${from} and path < ${to}`;
  const match = /^\d{2,12}$/.test(q)
    ? sql`(stat_code like ${`${q}%`} or region_code like ${`${q}%`})`
    : sql`name like ${`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`;
  return async () => {
    const { rows } = await sql<{ path: string }>`select * from orgs where status = 'active' ${scope} and ${match}
      order by depth, id limit 20`.execute(db);
    const ancestors = [...new Set(rows.flatMap((r) => pathIds(r.path).slice(0, -1)))];
    if (ancestors.length > 0) await sql`select id, name from orgs where id in (${list(ancestors)})`.execute(db);
  };
}

/**
 * What a whole-province recompute must read: the orgs under the root, and per org the counts each indicator's
 * value comes from (active cadres and those with enough contacts, active channels by kind, the plans), as
 * GROUP BY queries. No writes: the statuses and roll-ups follow from these rows in memory.
 */
export function recomputeFloor(db: Db, input: { campaignId: number; rootPath: string; minContacts: number }): SqlCall {
  const [from, to] = subtreeRange(input.rootPath);
  return async () => {
    await sql`select id, path, level, type from orgs where path >= ${from} and path < ${to} and status = 'active'`.execute(
      db,
    );
    await sql`select org_id, count(*) as total, sum(case when contact_count >= ${input.minContacts} then 1 else 0 end) as reached
      from cadres where status = 'active' group by org_id`.execute(db);
    await sql`select org_id, kind, count(*) as n from channels where status = 'active' group by org_id, kind`.execute(
      db,
    );
    await sql`select org_id, planned from campaign_plans where campaign_id = ${input.campaignId}`.execute(db);
  };
}

/** The floors of the HTTP reads that have one, by workload name, over the same orgs and terms. */
export async function readFloorCalls(
  db: Db,
  input: { fixtures: Fixtures; ledger: LedgerFixtures },
): Promise<Record<string, SqlCall[]>> {
  const { fixtures, ledger } = input;
  const pathOf = async (statCode: string) =>
    (await db.selectFrom('orgs').select('path').where('stat_code', '=', statCode).executeTakeFirstOrThrow()).path;
  const provincePath = await pathOf(ledger.province.statCode);
  const countyPath = await pathOf(scopedCounty.statCode);
  const indicatorIds = (
    await db.selectFrom('indicators').select('id').where('campaign_id', '=', ledger.campaignId).execute()
  ).map((i) => i.id);
  const today = chinaToday();
  return {
    'dashboard, province': [dashboardFloor(db, { orgId: ledger.province.id, indicatorIds, today })],
    'dashboard, city': [dashboardFloor(db, { orgId: ledger.city.id, indicatorIds, today })],
    'dashboard, county': [dashboardFloor(db, { orgId: ledger.county.id, indicatorIds, today })],
    'city children': fixtures.cities.map((id) => childrenFloor(db, id)),
    'county children': fixtures.counties.map((id) => childrenFloor(db, id)),
    'search, province admin': fixtures.provinceQueries.map((q) => searchFloor(db, q, provincePath)),
    [`search, ${scopedCounty.name} admin`]: fixtures.countyQueries.map((q) => searchFloor(db, q, countyPath)),
  };
}
