import { recomputeCampaign } from '../server/features/campaigns/engine.js';
import { openMigratedDatabase } from '../server/runtime.js';
import { postgresBulkFloor, sqliteBulkFloor, type BulkFloor } from './bulk-floor.js';
import { recomputeFloor } from './floors.js';
import type { LedgerFixtures } from './ledger-bench.js';
import type { Target } from './lib.js';

// What is measured in the benchmark's own process before the server starts, on a connection of its own: the
// whole-province recompute of the campaign and its floor, and the floor of the member import (the database's
// bulk loader). The server is not running, so nothing competes with them but the machine's other work.

export type InProcessResult = {
  recompute: { seconds: number[]; floorSeconds: number[] };
  bulk: BulkFloor | null;
};

export async function measureInProcess(
  target: Target,
  input: {
    ledger: LedgerFixtures;
    memberCsv: { path: string; rows: number } | null;
    runs: number;
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
      .select('min_contacts')
      .where('campaign_id', '=', campaignId)
      .execute();
    const { path: rootPath } = await db
      .selectFrom('orgs')
      .select('path')
      .where('id', '=', input.ledger.province.id)
      .executeTakeFirstOrThrow();

    // Recompute and floor in turn, so that each pair sees the same machine.
    log(`recomputing the campaign ${runs} times, each beside its floor …`);
    const floor = recomputeFloor(db, {
      campaignId,
      rootPath,
      minContacts: Math.max(...indicators.map((i) => i.min_contacts ?? 0)),
    });
    const seconds: number[] = [];
    const floorSeconds: number[] = [];
    const time = async (work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      return (performance.now() - started) / 1000;
    };
    for (let i = 0; i < runs; i++) {
      seconds.push(await time(() => db.transaction().execute((trx) => recomputeCampaign(trx, campaignId))));
      floorSeconds.push(await time(floor));
    }
    const list = (values: number[]) => values.map((s) => s.toFixed(3)).join(', ');
    log(`  recompute ${list(seconds)} s; floor ${list(floorSeconds)} s`);

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
    return { recompute: { seconds, floorSeconds }, bulk };
  } finally {
    await handle.close();
  }
}
