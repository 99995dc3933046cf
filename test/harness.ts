import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { after } from 'node:test';
import pg from 'pg';
import { buildApp, type App } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { testLogDir } from './log-capture.js';
import { migrateToLatest, openDatabase, type DatabaseHandle, type Dialect } from '../server/db/database.js';
import type { Db } from '../server/db/schema.js';

/**
 * One isolated database per test file: a temporary SQLite file, or a fresh PostgreSQL database when
 * TEST_DATABASE_URL (a URL of a maintenance database, e.g. …/postgres) is set. The same tests run on both.
 */
export type TestContext = {
  app: App;
  db: Db;
  dialect: Dialect;
  handle: DatabaseHandle;
  logs: string[];
  /** The app's data directory (SQLite file, stored files, key file). */
  dataDir: string;
};

async function createPostgresDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tj_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      // Connections the closed pool is still ending (its last client released a moment ago) are given two seconds
      // to go; a forced drop would terminate them and their "administrator command" error would surface in a test.
      for (let waited = 0; waited < 2000; waited += 50) {
        const { rows } = await client.query<{ n: string }>(
          'select count(*) as n from pg_stat_activity where datname = $1',
          [name],
        );
        if (Number(rows[0].n) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/**
 * Opens a migrated, empty database of the dialect under test; dropped again after the file's tests, once what was
 * pushed onto `stopFirst` (an app using it) has stopped.
 */
export async function openTestDatabase(stopFirst: Array<() => Promise<unknown>> = []): Promise<{
  handle: DatabaseHandle;
  dataDir: string;
  databaseUrl: string | null;
}> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuanjian-test-'));
  let databaseUrl: string | null = null;
  let drop = async () => {};
  if (process.env.TEST_DATABASE_URL) {
    const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL);
    databaseUrl = created.url;
    drop = created.drop;
  }
  const handle = openDatabase({ databaseUrl, dataDir });
  await migrateToLatest(handle.db);
  after(async () => {
    for (const stop of stopFirst) await stop();
    await handle.close();
    await drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return { handle, dataDir, databaseUrl };
}

export async function createTestContext(env: Record<string, string> = {}): Promise<TestContext> {
  const stopFirst: Array<() => Promise<unknown>> = [];
  const { handle, dataDir, databaseUrl } = await openTestDatabase(stopFirst);
  const logs: string[] = [];
  fs.mkdirSync(testLogDir, { recursive: true });
  const logFile = path.join(testLogDir, `${process.pid}.log`);
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      fs.appendFileSync(logFile, chunk);
      done();
    },
  });
  const config = loadConfig({
    TUANJIAN_DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    TUANJIAN_WEB_DIR: path.join(dataDir, 'no-web'),
    // Fixtures log admins in with a password alone; the identity tests turn the second factor's requirement back on.
    TUANJIAN_REQUIRE_TOTP: '0',
    ...env,
  });
  const app = await buildApp({ db: handle.db, config, logStream, sqliteWriter: handle.sqliteWriter });
  stopFirst.push(() => app.close());
  return { app, db: handle.db, dialect: handle.dialect, handle, logs, dataDir };
}
