import { chinaToday } from '../common/dates.js';
import { recomputeCampaign } from '../server/features/campaigns/engine.js';
import { openMigratedDatabase } from '../server/runtime.js';
import { postgresBulkFloor, sqliteBulkFloor, type BulkFloor } from './bulk-floor.js';
import { scopedCounty, type Fixtures } from './fixtures.js';
import { childrenFloor, dashboardFloor, recomputeFloor, searchFloor, timeCalls, type SqlCall } from './floors.js';
import type { LedgerFixtures } from './ledger-bench.js';
import type { Target } from './lib.js';

// What is measured in the benchmark's own process before the server starts, on a connection of its own: the
// whole-province recompute of the campaign and its floor, the floors of the HTTP reads (minimal SQL), and the
// floor of the member import (the database's bulk loader). The server is not running, so nothing competes.

export type LatencyRun = { p50: number; p95: number; p99: number; max: number };

export type InProcessResult = {
  recompute: { seconds: number[]; floorSeconds: number[] };
  /** Per workload name of the HTTP reads: one entry per run. */
  readFloors: Record<string, LatencyRun[]>;
  bulk: BulkFloor | null;
};

export async function measureInProcess(
  target: Target,
  input: {
    fixtures: Fixtures;
    ledger: LedgerFixtures;
    memberCsv: { path: string; rows: number } | null;
    runs: number;
    requests: number;
    warmup: number;
    log: (line: string) => void;
  },
): Promise<InProcessResult> {
  const { log, runs } = input;
  const handle = await openMigratedDatabase(target);
  const db = handle.db;
  try {
    const campaignId = input.ledger.campaignId;
    const indicators = await db
      .selectFrom('indicators')
      .select(['id', 'min_contacts'])
      .where('campaign_id', '=', campaignId)
      .execute();
    const pathOf = async (statCode: string) =>
      (await db.selectFrom('orgs').select('path').where('stat_code', '=', statCode).executeTakeFirstOrThrow()).path;
    const provincePath = await pathOf(input.ledger.province.statCode);

    log(`recomputing the campaign ${runs} times, then its floor …`);
    const seconds: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await db.transaction().execute((trx) => recomputeCampaign(trx, campaignId));
      seconds.push((performance.now() - started) / 1000);
    }
    const minContacts = Math.max(...indicators.map((i) => i.min_contacts ?? 0));
    const floor = recomputeFloor(db, { campaignId, rootPath: provincePath, minContacts });
    const floorSeconds: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await floor();
      floorSeconds.push((performance.now() - started) / 1000);
    }
    log(
      `  recompute ${seconds.map((s) => s.toFixed(2)).join(', ')} s; floor ${floorSeconds.map((s) => s.toFixed(2)).join(', ')} s`,
    );

    const today = chinaToday();
    const indicatorIds = indicators.map((i) => i.id);
    const countyPath = await pathOf(scopedCounty.statCode);
    const readCalls: Record<string, SqlCall[]> = {
      'dashboard, province': [dashboardFloor(db, { orgId: input.ledger.province.id, indicatorIds, today })],
      'dashboard, city': [dashboardFloor(db, { orgId: input.ledger.city.id, indicatorIds, today })],
      'dashboard, county': [dashboardFloor(db, { orgId: input.ledger.county.id, indicatorIds, today })],
      'city children': input.fixtures.cities.map((id) => childrenFloor(db, id)),
      'county children': input.fixtures.counties.map((id) => childrenFloor(db, id)),
      'search, province admin': input.fixtures.provinceQueries.map((q) => searchFloor(db, q, provincePath)),
      [`search, ${scopedCounty.name} admin`]: input.fixtures.countyQueries.map((q) => searchFloor(db, q, countyPath)),
    };
    log(`timing the minimal SQL of ${Object.keys(readCalls).length} reads …`);
    const readFloors: Record<string, LatencyRun[]> = {};
    for (const [name, calls] of Object.entries(readCalls)) {
      await timeCalls(calls, input.warmup);
      readFloors[name] = [];
      for (let i = 0; i < runs; i++) readFloors[name].push(await timeCalls(calls, input.requests));
    }

    let bulk: BulkFloor | null = null;
    if (input.memberCsv) {
      log(`loading the member CSV with the database's bulk loader, ${runs} times …`);
      const csv = { csv: input.memberCsv.path, rows: input.memberCsv.rows, runs };
      bulk =
        target.databaseUrl === null
          ? await sqliteBulkFloor({ ...csv, dir: target.dataDir })
          : await postgresBulkFloor({ ...csv, url: target.databaseUrl });
      log(`  ${bulk.tool}: ${bulk.rowsPerSecond.map((r) => r.toLocaleString('en-US')).join(', ')} rows/s`);
    }
    return { recompute: { seconds, floorSeconds }, readFloors, bulk };
  } finally {
    await handle.close();
  }
}
