import { sql } from 'kysely';
import { loadConfig } from '../server/config.js';
import { importDivisions } from '../server/features/orgs/import-divisions.js';
import { createKeyring, loadMasterKey } from '../server/personal-data/keyring.js';
import { openMigratedDatabase } from '../server/runtime.js';
import type { FakeWechat } from '../test/fake-wechat.js';
import { startServer, type Target } from './lib.js';
import type { Settings } from './measure.js';
import { serverEnvironment } from './prepare.js';
import {
  fakeWechatEnvironment,
  measurePublishing,
  startPublishingFake,
  type PublishingResult,
} from './publishing-bench.js';
import { seedPublishing, type PublishingFixtures } from './publishing-seed.js';

// The publishing figures within a run: their data written before the server starts, the fake WeChat it calls, the
// phase itself on the running server; and `--only publishing`, which imports the Shaanxi tree and measures nothing
// else (no ledger, no sheets, no campaign).

/** Writes the publishing data into the target (no server running yet); PostgreSQL gets its statistics. */
export async function preparePublishing(
  target: Target,
  s: Settings,
  log: (line: string) => void,
): Promise<PublishingFixtures> {
  const keyring = createKeyring(loadMasterKey(loadConfig(serverEnvironment(target))));
  const handle = await openMigratedDatabase(target);
  try {
    const fixtures = await seedPublishing(handle.db, keyring, {
      dataDir: target.dataDir,
      seed: s.seed,
      followers: s.followers,
      newsBulletins: s.newsBulletins,
      deliveries: s.deliveries,
      runs: s.runs,
      log,
    });
    if (target.dialect === 'postgres') await sql`analyze`.execute(handle.db);
    return fixtures;
  } finally {
    await handle.close();
  }
}

/** The publishing phase against a running server, with the benchmark's own connection for floors and polling. */
export async function runPublishing(input: {
  target: Target;
  base: string;
  fake: FakeWechat;
  fixtures: PublishingFixtures;
  settings: Settings;
  log: (line: string) => void;
}): Promise<PublishingResult> {
  const { settings: s } = input;
  const handle = await openMigratedDatabase(input.target);
  try {
    return await measurePublishing({
      base: input.base,
      db: handle.db,
      fake: input.fake,
      fixtures: input.fixtures,
      settings: s,
      dir: input.target.dataDir,
      followers: s.followers,
      newsBulletins: s.newsBulletins,
      log: input.log,
    });
  } finally {
    await handle.close();
  }
}

/** `npm run bench -- --only publishing`: the tree, the publishing data, a server, the publishing figures. */
export async function benchPublishingOnly(target: Target, s: Settings, log: (line: string) => void) {
  const phases: Record<string, number> = {};
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      phases[name] = Math.round(performance.now() - started);
      log(`  [${name}: ${(phases[name] / 1000).toFixed(1)} s]`);
    }
  };
  const { database, fixtures } = await phase('prepare', async () => {
    const handle = await openMigratedDatabase(target);
    let version: string;
    try {
      log(`importing Shaanxi (61) at village depth …`);
      await importDivisions({ db: handle.db, provinceCode: '61', depth: 'village' });
      const query =
        target.dialect === 'postgres'
          ? sql<{ v: string }>`select version() as v`
          : sql<{ v: string }>`select 'SQLite ' || sqlite_version() as v`;
      version = (await query.execute(handle.db)).rows[0].v;
    } finally {
      await handle.close();
    }
    return { database: version, fixtures: await preparePublishing(target, s, log) };
  });
  const fake = await startPublishingFake(fixtures);
  try {
    const server = await startServer(
      serverEnvironment(target, { LOG_LEVEL: s.logLevel, ...fakeWechatEnvironment(fake) }),
    );
    try {
      const publishing = await phase('publishing', () =>
        runPublishing({ target, base: server.base, fake, fixtures, settings: s, log }),
      );
      return { database, publishing, phasesMs: phases };
    } finally {
      await server.stop();
    }
  } finally {
    await fake.close();
  }
}
