import { createRequire } from 'node:module';
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Db } from '../../db/schema.js';
import { runUpkeep } from '../../db/sqlite-driver.js';

// A transaction that writes a million rows into SQLite, without stopping the event loop at its end. better-sqlite3
// is synchronous, so whatever SQLite does inside a statement or the COMMIT holds the loop:
// - COMMIT syncs the write-ahead log. Most of it was written (spilled from the page cache) during the
//   transaction; `flush` syncs it from libuv's thread pool beforehand, and the COMMIT syncs only the rest.
// - After a COMMIT that leaves the log larger than 1,000 pages, the committing connection copies the whole log
//   into the database (auto-checkpoint): gigabytes after a province. Auto-checkpoints are off while the import
//   runs; afterwards a worker thread checkpoints over its own connection (PASSIVE: it waits for no one), then
//   they are on again.
// - The page cache is 32 MB while the import writes: enough for its index pages to be found again, and a bound on
//   what the COMMIT writes.

export type SqliteBulk = { flush: () => Promise<void> };

const importCacheKiB = 32_768;

/** Auto-checkpoint settings put aside while imports (and their checkpoints) run, per writer connection. */
const paused = new WeakMap<SQLite.Database, { saved: number; holders: number }>();

export async function withSqliteBulkWrite<T>(
  db: Db,
  writer: SQLite.Database | null,
  work: (bulk: SqliteBulk) => Promise<T>,
): Promise<T> {
  if (!writer) return work({ flush: async () => {} });
  const setting = async (name: string) =>
    Number(Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] ?? {})[0]);
  const cache = await setting('cache_size');
  const hold = paused.get(writer) ?? { saved: await setting('wal_autocheckpoint'), holders: 0 };
  paused.set(writer, hold);
  hold.holders++;
  await sql.raw(`pragma cache_size = -${importCacheKiB}`).execute(db);
  await sql.raw('pragma wal_autocheckpoint = 0').execute(db);
  const wal = `${writer.name}-wal`;
  try {
    return await work({
      async flush() {
        const file = await fs.promises.open(wal, 'r').catch(() => null);
        if (!file) return;
        try {
          await file.datasync();
        } finally {
          await file.close();
        }
      },
    });
  } finally {
    await sql.raw(`pragma cache_size = ${Math.trunc(cache)}`).execute(db);
    // Not waited for: the job is done; this is upkeep of the database file, which closing the database waits for.
    runUpkeep(writer, async () => {
      await checkpointApart(writer.name);
      if (--hold.holders > 0) return;
      paused.delete(writer);
      await sql.raw(`pragma wal_autocheckpoint = ${Math.trunc(hold.saved)}`).execute(db);
    });
  }
}

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * PRAGMA wal_checkpoint(PASSIVE) over a connection of its own, in a worker thread. A failure is left to the next
 * auto-checkpoint: the import has committed by then.
 */
async function checkpointApart(file: string): Promise<void> {
  const code = `
    const { workerData } = require('node:worker_threads');
    const Database = require(workerData.driver);
    const db = new Database(workerData.file, { fileMustExist: true });
    try {
      db.pragma('synchronous = FULL');
      db.pragma('wal_checkpoint(PASSIVE)');
    } finally {
      db.close();
    }`;
  const worker = new Worker(code, { eval: true, workerData: { driver, file } });
  await new Promise<void>((resolve) => {
    worker.once('error', () => {}); // the data directory gone (a test's), a lock: the next auto-checkpoint does it
    worker.once('exit', () => resolve());
  });
}
