import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, test } from 'node:test';
import { sql, type Generated, type Kysely } from 'kysely';
import { addDays } from '../../common/dates.js';
import { composeIdNumber } from '../../common/id-number.js';
import { loginAsFrom } from '../../test/clients.js';
import { makeTree } from '../../test/factories.js';
import { createTestContext } from '../../test/harness.js';
import { upload, waitForJob } from '../../test/imports.js';
import { importTestHooks } from '../features/imports/run.js';
import { openDatabase, sqliteFilePath } from './database.js';

// The driver is SQLite's alone: these tests run on a file of their own whatever TEST_DATABASE_URL says. The last
// test shows what it is for through the app, on the database under test.
type Notes = {
  notes: { id: Generated<number>; body: string };
  parents: { id: number };
  children: { id: Generated<number>; parent_id: number };
};

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuanjian-driver-'));
const handle = openDatabase({ databaseUrl: null, dataDir });
const db = handle.db as unknown as Kysely<Notes>;
after(async () => {
  if (handle.sqliteWriter?.open) await handle.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

await sql`create table notes (id integer primary key, body text not null)`.execute(db);
await sql`create table parents (id integer primary key)`.execute(db);
await sql`create table children (
  id integer primary key,
  parent_id integer not null references parents (id) deferrable initially deferred
)`.execute(db);

/** SQLite answers synchronously: a query that is not waiting for a lock settles before the loop turns. */
async function turnsOfTheEventLoop(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await nextTurn();
}

const bodies = async (from: Kysely<Notes> = db) =>
  (await from.selectFrom('notes').select('body').orderBy('id').execute()).map((r) => r.body);

/** A write transaction that stays open, having written `body`, until `finish` is called. */
function openTransaction(body: string) {
  let finish!: (outcome: 'commit' | 'rollback') => void;
  const decided = new Promise<'commit' | 'rollback'>((resolve) => (finish = resolve));
  let written!: () => void;
  const wrote = new Promise<void>((resolve) => (written = resolve));
  const done = db
    .transaction()
    .execute(async (trx) => {
      await trx.insertInto('notes').values({ body }).execute();
      written();
      if ((await decided) === 'rollback') throw new Error('rolled back on purpose');
    })
    .catch((error: unknown) => {
      if (!(error instanceof Error && error.message === 'rolled back on purpose')) throw error;
    });
  return { wrote, finish, done };
}

test('a committed write is seen by the next read, and an insert … returning runs on the writer', async () => {
  await db.deleteFrom('notes').execute();
  const inserted = await db.insertInto('notes').values({ body: 'first' }).returning('id').executeTakeFirstOrThrow();
  assert.ok(inserted.id > 0);
  assert.deepEqual(await bodies(), ['first']);
  await db.updateTable('notes').set({ body: 'changed' }).where('id', '=', inserted.id).execute();
  assert.deepEqual(await bodies(), ['changed']);
});

test('a read inside a transaction sees its own rows; outside, the last commit, at once, while it is open', async () => {
  await db.deleteFrom('notes').execute();
  await db.insertInto('notes').values({ body: 'committed' }).execute();
  const seenInside: string[][] = [];
  let proceed!: () => void;
  const paused = new Promise<void>((resolve) => (proceed = resolve));
  let inside!: () => void;
  const reached = new Promise<void>((resolve) => (inside = resolve));
  const transaction = db.transaction().execute(async (trx) => {
    await trx.insertInto('notes').values({ body: 'uncommitted' }).execute();
    seenInside.push(await bodies(trx));
    inside();
    await paused;
  });
  await reached;
  // With one connection behind one mutex (Kysely's SqliteDriver) this read would wait for the commit, forever.
  const read = await Promise.race([bodies(), turnsOfTheEventLoop(5).then(() => 'still waiting')]);
  assert.deepEqual(read, ['committed']);
  proceed();
  await transaction;
  assert.deepEqual(seenInside, [['committed', 'uncommitted']]);
  assert.deepEqual(await bodies(), ['committed', 'uncommitted']);
});

test('writes outside a transaction queue behind an open one, then succeed', async () => {
  await db.deleteFrom('notes').execute();
  const open = openTransaction('in transaction');
  await open.wrote;
  let written = false;
  const write = db
    .insertInto('notes')
    .values({ body: 'queued' })
    .execute()
    .then(() => (written = true));
  const pragma = sql`pragma user_version = 7`.execute(db);
  await turnsOfTheEventLoop(5);
  assert.equal(written, false);
  open.finish('commit');
  await Promise.all([open.done, write, pragma]);
  assert.deepEqual(await bodies(), ['in transaction', 'queued']);
  assert.equal(handle.sqliteWriter?.pragma('user_version', { simple: true }), 7);
});

test('a rollback leaves nothing, raw statements on sqliteWriter included, and the writer is free again', async () => {
  await db.deleteFrom('notes').execute();
  const writer = handle.sqliteWriter;
  assert.ok(writer);
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await trx.insertInto('notes').values({ body: 'through Kysely' }).execute();
      writer.prepare('insert into notes (body) values (?)').run('raw on the writer');
      assert.deepEqual(await bodies(trx), ['through Kysely', 'raw on the writer']);
      throw new Error('stop');
    }),
    /stop/,
  );
  assert.deepEqual(await bodies(), []);
  await db.insertInto('notes').values({ body: 'after' }).execute();
  assert.deepEqual(await bodies(), ['after']);
});

test('a commit refused by SQLite (a deferred foreign key) rolls back and frees the writer', async () => {
  await assert.rejects(
    db.transaction().execute((trx) => trx.insertInto('children').values({ parent_id: 404 }).execute()),
    /FOREIGN KEY/,
  );
  assert.equal(handle.sqliteWriter?.inTransaction, false);
  await db.insertInto('parents').values({ id: 1 }).execute();
  await db.insertInto('children').values({ parent_id: 1 }).execute();
  assert.deepEqual(await db.selectFrom('children').select('parent_id').execute(), [{ parent_id: 1 }]);
});

test('savepoints roll back part of a transaction', async () => {
  await db.deleteFrom('notes').execute();
  const trx = await db.startTransaction().execute();
  await trx.insertInto('notes').values({ body: 'kept' }).execute();
  const saved = await trx.savepoint('before_second').execute();
  await saved.insertInto('notes').values({ body: 'undone' }).execute();
  const back = await saved.rollbackToSavepoint('before_second').execute();
  await back.releaseSavepoint('before_second').execute();
  await back.commit().execute();
  assert.deepEqual(await bodies(), ['kept']);
});

test('pragmas reach the writer, whose settings an import changes', async () => {
  await sql.raw('pragma cache_size = -12345').execute(db);
  assert.equal(handle.sqliteWriter?.pragma('cache_size', { simple: true }), -12345);
  const read = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
  assert.deepEqual(read.rows, [{ cache_size: -12345 }]);
  const foreignKeys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
  assert.deepEqual(foreignKeys.rows, [{ foreign_keys: 1 }]);
});

test('a stream outside a transaction reads the last commit, inside one its own rows', async () => {
  await db.deleteFrom('notes').execute();
  await db
    .insertInto('notes')
    .values([{ body: 'a' }, { body: 'b' }])
    .execute();
  const open = openTransaction('c');
  await open.wrote;
  const streamed: string[] = [];
  for await (const row of db.selectFrom('notes').select('body').orderBy('id').stream()) streamed.push(row.body);
  assert.deepEqual(streamed, ['a', 'b']);
  open.finish('commit');
  await open.done;
  const again: string[] = [];
  for await (const row of db.selectFrom('notes').select('body').orderBy('id').stream()) {
    again.push(row.body);
    if (row.body !== 'a') continue;
    // The stream keeps its snapshot; the shared reader still sees each new commit meanwhile.
    await db.insertInto('notes').values({ body: 'x' }).execute();
    assert.deepEqual(await bodies(), ['a', 'b', 'c', 'x']);
  }
  assert.deepEqual(again, ['a', 'b', 'c']);
  await db.deleteFrom('notes').where('body', '=', 'x').execute();
  const inside = await db.transaction().execute(async (trx) => {
    await trx.insertInto('notes').values({ body: 'd' }).execute();
    const rows: string[] = [];
    for await (const row of trx.selectFrom('notes').select('body').orderBy('id').stream()) rows.push(row.body);
    return rows;
  });
  assert.deepEqual(inside, ['a', 'b', 'c', 'd']);
});

test('close closes both connections: the writer, last, folds the write-ahead log into the file', async () => {
  const file = sqliteFilePath(dataDir);
  await db.insertInto('notes').values({ body: 'last' }).execute();
  assert.ok(fs.existsSync(`${file}-wal`));
  await handle.close();
  assert.equal(handle.sqliteWriter?.open, false);
  assert.equal(fs.existsSync(`${file}-wal`), false);
});

test('while an import holds its apply transaction open, /healthz and the member list answer as before it', async () => {
  const ctx = await createTestContext();
  const tree = await makeTree(ctx);
  const county = await loginAsFrom(ctx, 'org_admin', tree.countyA);
  const rows = 700; // the pause comes after the first chunk was written, before the commit
  const csv = ['所在团支部,姓名,身份证号,入团日期'];
  for (let i = 0; i < rows; i++) {
    csv.push(
      `甲一村团支部,并行${i},${composeIdNumber('610102', addDays('2000-01-01', i), 101 + (i % 400) * 2)},2018-05-04`,
    );
  }
  const memberTotal = async () =>
    (await county.get(`/api/members?orgId=${tree.countyA.id}&pageSize=1`)).json<{ total: number }>().total;

  let resume!: () => void;
  const resumed = new Promise<void>((resolve) => (resume = resolve));
  let paused!: (done: number) => void;
  const pausedAt = new Promise<number>((resolve) => (paused = resolve));
  importTestHooks.afterChunkWritten = async (done) => {
    paused(done);
    await resumed;
  };
  try {
    const response = await upload(
      county,
      { kind: 'members', orgId: String(tree.countyA.id) },
      {
        name: '团员.csv',
        content: Buffer.from(csv.join('\r\n'), 'utf8'),
      },
    );
    assert.equal(response.statusCode, 202, response.body);
    assert.ok((await pausedAt) > 0, 'paused inside the apply transaction, rows written');
    // Both answer while the transaction is open (were they to wait for it, this test would never end).
    const health = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);
    assert.equal(await memberTotal(), 0, 'rows written but not committed: nobody sees them');
    resume();
    const job = await waitForJob(county, response.json<{ jobId: number }>().jobId);
    assert.equal(job.status, 'done', JSON.stringify(job));
  } finally {
    importTestHooks.afterChunkWritten = undefined;
    resume();
  }
  assert.equal(await memberTotal(), rows);
});
