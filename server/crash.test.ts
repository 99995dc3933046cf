import assert from 'node:assert/strict';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { makeOrg, makeTree, makeUser } from '../test/factories.js';
import { openTestDatabase } from '../test/harness.js';
import { multipartBody } from '../test/imports.js';
import {
  idNumberFor,
  killAllServers,
  login,
  memberCsv,
  seededRandom,
  send,
  startServer,
  trickleUpload,
  type ServerChild,
  type Session,
} from '../test/crash-kit.js';
import { checkAfterCrash, jobOf, storedFiles, type ImportRun, type Written } from '../test/crash-checks.js';
import { openDatabase, postgresDurabilityProblem, readPostgresDurability, type DatabaseHandle } from './db/database.js';
import type { JobItem } from '../common/imports.js';
import { filesDir, storedFilePath } from './files/store.js';
import { openMigratedDatabase } from './runtime.js';

// security.md, Durability: "kill -9 at random points of a write loop and of an import; after restart
// integrity_check is ok, every acknowledged commit is there, and no half-import exists." The real server
// (server/main.ts) runs as a child process; three clients write through the HTTP API (activities and members,
// each with its audit row and the member counts) while every other cycle a member import of a few thousand rows
// is uploaded; the child is killed with SIGKILL at a random moment and started again, and what the clients were
// told is checked against the database. The plan of kills comes from a printed seed: CRASH_SEED=… replays it
// (the moments are those of the plan; where they fall depends on the machine). CRASH_CYCLES=… runs more cycles.

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const dialect = onPostgres ? 'postgres' : 'sqlite';
const cycles = Number(process.env.CRASH_CYCLES ?? 12);
const seed = process.env.CRASH_SEED ? Number(process.env.CRASH_SEED) : randomInt(2 ** 31);
console.log(`crash test on ${dialect}: seed ${seed} (replay with CRASH_SEED=${seed})`);
const random = seededRandom(seed);
const importRows = 3000;
const verbose = process.env.CRASH_VERBOSE === '1';

let server: ServerChild | null = null;
// Registered before the database's clean-up, so that the servers are gone before their database is dropped (and
// one still starting when a test failed is not left running).
after(() => killAllServers());

const { handle: seedHandle, dataDir, databaseUrl } = await openTestDatabase();
const tree = await makeTree({ db: seedHandle.db });
const villageA2 = await makeOrg({ db: seedHandle.db }, { parent: tree.townA2, name: '甲二村团支部' });
const editor = await makeUser({ db: seedHandle.db }, { role: 'org_editor', org: tree.countyA });
// From here on the server alone holds the database, as in production (a SQLite file has one owner).
await seedHandle.close();

const serverEnv = {
  TUANJIAN_DATA_DIR: dataDir,
  TUANJIAN_WEB_DIR: path.join(dataDir, 'no-web'),
  TUANJIAN_DATA_KEY: randomBytes(32).toString('base64'),
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
};

/** A short-lived connection of the test's own, closed before the next kill. */
async function withDatabase<T>(work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = openDatabase({ databaseUrl, dataDir });
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

const acknowledged: Written[] = [];
const inFlightAtKill: Omit<Written, 'id'>[] = [];
const refused: string[] = [];
let writeSerial = 0;

/** One client: registers activities and members in turn until the server dies under it. */
async function writeLoop(target: ServerChild, session: Session): Promise<void> {
  for (;;) {
    const n = ++writeSerial;
    const kind = n % 2 === 0 ? 'activity' : 'member';
    const name = kind === 'activity' ? `崩溃测试活动${n}` : `崩溃测试团员${n}`;
    const json =
      kind === 'activity'
        ? { orgId: tree.villageA1.id, title: name, kind: 'theme_day', heldOn: '2025-06-01' }
        : {
            orgId: n % 4 === 1 ? tree.villageA1.id : villageA2.id,
            fullName: name,
            idNumber: idNumberFor('610104', n),
            joinedOn: '2019-05-04',
          };
    const answer = await send(target, session, 'POST', kind === 'activity' ? '/api/activities' : '/api/members', {
      json,
    });
    if (answer === null) {
      inFlightAtKill.push({ kind, name });
      return;
    }
    if (answer.status !== 201) refused.push(`${name}: ${answer.status} ${answer.text}`);
    else acknowledged.push({ kind, name, id: (JSON.parse(answer.text) as { id: number }).id });
  }
}

const imports: ImportRun[] = [];

function uploadImport(target: ServerChild, session: Session, killed: string) {
  const serial = imports.length + 1;
  const run: ImportRun = {
    serial,
    fileName: `crash-${serial}.csv`,
    content: memberCsv(tree.villageA1.name, importRows, serial),
    acknowledged: false,
    killed,
  };
  imports.push(run);
  const body = multipartBody(
    { kind: 'members', orgId: String(tree.countyA.id) },
    { name: run.fileName, content: run.content },
  );
  return send(target, session, 'POST', '/api/imports', body).then((answer) => {
    if (answer && answer.status !== 202) refused.push(`${run.fileName}: ${answer.status} ${answer.text}`);
    run.acknowledged = answer?.status === 202;
    return run.acknowledged ? (JSON.parse(answer!.text) as { jobId: number }).jobId : null;
  });
}

/** Follows a job as the web app does (GET /api/jobs/:id) until `reached` holds; null when the server died. */
async function followJob(
  target: ServerChild,
  session: Session,
  jobId: number,
  reached: (job: JobItem) => boolean,
): Promise<JobItem | null> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const answer = await send(target, session, 'GET', `/api/jobs/${jobId}`);
    if (answer === null) return null;
    assert.equal(answer.status, 200, answer.text);
    const job = JSON.parse(answer.text) as JobItem;
    if (reached(job) || job.status === 'done' || job.status === 'failed') return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} after 120 s:\n${target.output()}`);
    await sleep(10);
  }
}

/** Where the kill found an import: the state the dead server left in the database. */
async function whereKilled(run: ImportRun): Promise<string> {
  const job = await withDatabase((handle) => jobOf(handle.db, run.fileName));
  if (!job) return 'during the upload';
  if (job.status === 'queued') return 'queued, before its run';
  if (job.status === 'running') return 'during its run';
  return 'after it ended';
}

/** Imports are over: none queued or running (an interrupted one is taken back at start and runs again). */
async function importsSettled(): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const open = await withDatabase((handle) =>
      handle.db.selectFrom('jobs').select('id').where('status', 'in', ['queued', 'running']).execute(),
    );
    if (open.length === 0) return;
    await sleep(100);
  }
  throw new Error(`imports still open after 180 s:\n${server?.output()}`);
}

/** Waits for the start-up sweep: no temporary file of a dead server is left. */
async function tempFilesOfDeadServersGone(live: ServerChild): Promise<string[]> {
  const tmp = path.join(filesDir(dataDir), 'tmp');
  let left: string[] = [];
  for (let i = 0; i < 200; i++) {
    left = fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((name) => name.split('-')[1] !== String(live.pid)) : [];
    if (left.length === 0) return left;
    await sleep(50);
  }
  return left;
}

const figures = {
  cycles: 0,
  integrityChecks: 0,
  acknowledgedChecks: 0,
  inFlightCommitted: 0,
  auditRows: 0,
  uploadsLeftByKills: 0,
};

/** Everything a user could notice after a crash, checked against the database the restarted server uses. */
async function verifyAfterRestart(live: ServerChild, label: string): Promise<void> {
  assert.deepEqual(refused, [], `${label}: the server refused writes before the kill`);
  assert.deepEqual(await tempFilesOfDeadServersGone(live), [], `${label}: temporary files of the dead server`);
  const checked = await withDatabase((handle) =>
    checkAfterCrash(handle, dataDir, { acknowledged, inFlightAtKill, imports, importRows }, label),
  );
  if (checked.integrityChecked) figures.integrityChecks++;
  figures.acknowledgedChecks += checked.acknowledgedChecks;
  figures.inFlightCommitted = checked.inFlightCommitted;
  figures.auditRows = checked.auditRows;
  // Imports are over: their uploads (ID numbers in clear) are deleted, by the job or by the start-up sweep.
  assert.ok(await eventually(async () => (await uploadsStored()) === 0), `${label}: uploads of ended imports`);
}

const uploadsStored = () =>
  withDatabase(async ({ db }) =>
    Number(
      (
        await db
          .selectFrom('files')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('mime', '=', 'application/octet-stream')
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );

test('the server refuses to start on a PostgreSQL that would not keep what it commits', async () => {
  const safe = { fsync: 'on', fullPageWrites: 'on', synchronousCommit: 'on' };
  assert.equal(postgresDurabilityProblem(safe), null);
  assert.equal(postgresDurabilityProblem({ ...safe, synchronousCommit: 'local' }), null, 'local still flushes');
  assert.match(postgresDurabilityProblem({ ...safe, fsync: 'off' }) ?? '', /fsync = off.*拒绝启动.*fsync = on/);
  assert.match(postgresDurabilityProblem({ ...safe, fullPageWrites: 'off' }) ?? '', /full_page_writes = off/);
  if (!databaseUrl) return;
  const settings = await withDatabase((handle) => readPostgresDurability(handle.db));
  assert.equal(postgresDurabilityProblem(settings), null, `the test cluster is safe: ${JSON.stringify(settings)}`);
  // fsync and full_page_writes belong to the whole cluster; synchronous_commit can be set on one database.
  const name = sql.id(new URL(databaseUrl).pathname.slice(1));
  await withDatabase((handle) => sql`alter database ${name} set synchronous_commit = off`.execute(handle.db));
  try {
    await assert.rejects(openMigratedDatabase({ databaseUrl, dataDir }), /synchronous_commit = off.*拒绝启动/);
  } finally {
    await withDatabase((handle) => sql`alter database ${name} reset synchronous_commit`.execute(handle.db));
  }
});

test(
  `kill -9 during writes and member imports, ${cycles} times: what was acknowledged survives, imports apply once or not at all`,
  { timeout: 600_000 },
  async () => {
    server = await startServer(serverEnv);
    const session = await login(server, editor);

    // The first import runs to its end while the clients write: how long its upload and its run take here sets
    // when to kill the others.
    const started = Date.now();
    const writers = [1, 2, 3].map(() => writeLoop(server!, session));
    const firstJob = await uploadImport(server, session, 'never (it ran to its end)');
    const uploadMs = Date.now() - started;
    assert.ok(firstJob);
    const first = await followJob(server, session, firstJob, (job) => job.status === 'done');
    assert.equal(first?.status, 'done', `${JSON.stringify(first)}\n${server.output()}`);
    const runMs = Date.parse(first.finishedAt!) - Date.parse(first.startedAt!);
    if (verbose) console.log(`the first import: upload ${uploadMs} ms, run ${runMs} ms`);
    await server.kill();
    await Promise.all(writers);
    server = await startServer(serverEnv);
    await verifyAfterRestart(server, 'after the first import');

    // Every other cycle uploads an import and aims the kill at one of its moments: while it is being uploaded,
    // while it runs (the job shows "running"), or just after it ended (the upload is deleted after the commit).
    const aims = ['upload', 'run', 'run', 'end'] as const;
    const plan = Array.from({ length: cycles }, (_, i) => ({
      aim: i % 2 === 1 ? aims[Math.floor(random() * aims.length)] : null,
      at: random(),
    }));
    for (const [i, step] of plan.entries()) {
      const label = `cycle ${i + 1}/${cycles}`;
      const writing = [1, 2, 3].map(() => writeLoop(server!, session));
      const live = server;
      const uploading = step.aim ? uploadImport(live, session, '') : null;
      let killAfter: number;
      if (step.aim === 'run' || step.aim === 'end') {
        const jobId = await uploading;
        assert.ok(jobId, `${label}: the upload was accepted`);
        const ended = (job: JobItem) => job.status === 'done' || job.status === 'failed';
        await followJob(live, session, jobId, step.aim === 'run' ? (job) => job.status !== 'queued' : ended);
        killAfter = Math.round(step.at * (step.aim === 'run' ? runMs * 1.1 : 30));
      } else {
        killAfter = Math.round(step.at * (step.aim === 'upload' ? uploadMs : 1500));
      }
      await sleep(killAfter);
      await server.kill();
      await Promise.all([...writing, uploading]);
      if (uploading) imports.at(-1)!.killed = `${await whereKilled(imports.at(-1)!)} (${killAfter} ms)`;
      // A kill between an import's commit and the deletion of its upload leaves the upload: the sweep's work.
      if (step.aim === 'end') figures.uploadsLeftByKills += await uploadsStored();
      const restarting = Date.now();
      server = await startServer(serverEnv);
      const settling = Date.now();
      await importsSettled();
      const verifying = Date.now();
      await verifyAfterRestart(server, label);
      figures.cycles++;
      if (verbose) {
        console.log(
          `${label}: killed ${killAfter} ms ${step.aim ? `into the import's ${step.aim} (${imports.at(-1)!.killed})` : 'into the writes'}; ` +
            `start ${settling - restarting} ms, imports settled ${verifying - settling} ms, checks ${Date.now() - verifying} ms`,
        );
      }
    }
  },
);

/** Polls until `done` holds (the start-up sweep runs beside the server's start), at most ten seconds. */
async function eventually(done: () => boolean | Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (await done()) return true;
    await sleep(50);
  }
  return false;
}

test(
  'a kill during an upload leaves no file under a final name; what crashes leave in the store goes at start-up',
  { timeout: 120_000 },
  async () => {
    assert.ok(server, 'the server of the crash cycles is running');
    const session = await login(server, editor);
    const tmp = path.join(filesDir(dataDir), 'tmp');
    const receiving = () => (fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).filter((n) => n.endsWith('.upload'));
    const filesBefore = new Set(storedFiles(dataDir));
    const big = multipartBody(
      { kind: 'members', orgId: String(tree.countyA.id) },
      { name: 'crash-trickled.csv', content: memberCsv(tree.villageA1.name, 40_000, 900) },
    );
    const upload = trickleUpload(server, session, big);
    assert.ok(
      await eventually(() => receiving().some((n) => fs.statSync(path.join(tmp, n)).size > 0)),
      'the server is receiving the upload',
    );
    await server.kill();
    await upload.done;
    assert.ok(upload.sent() < big.payload.length, 'killed before the upload was complete');
    assert.equal(receiving().length, 1, 'the dead server left its half-received upload in the temporary folder');

    // What other crashes leave, put there while the server is down: a stored file whose row never committed (the
    // kill came between the rename and the commit), an hour ago; the upload of an import that ended (the kill came
    // between the job's commit and the upload's deletion).
    const orphanBytes = randomBytes(1000);
    const orphan = storedFilePath(dataDir, createHash('sha256').update(orphanBytes).digest('hex'));
    fs.mkdirSync(path.dirname(orphan), { recursive: true });
    fs.writeFileSync(orphan, orphanBytes);
    const hourAndMinuteAgo = new Date(Date.now() - 61 * 60_000);
    fs.utimesSync(orphan, hourAndMinuteAgo, hourAndMinuteAgo);
    const ended = imports.find((run) => run.outcome === 'done');
    assert.ok(ended, 'an import ended');
    const endedSha = createHash('sha256').update(ended.content).digest('hex');
    const endedUpload = storedFilePath(dataDir, endedSha);
    fs.mkdirSync(path.dirname(endedUpload), { recursive: true });
    fs.writeFileSync(endedUpload, ended.content);
    await withDatabase((handle) =>
      handle.db
        .insertInto('files')
        .values({
          sha256: endedSha,
          size: ended.content.length,
          mime: 'application/octet-stream',
          created_at: new Date().toISOString(),
        })
        .execute(),
    );

    server = await startServer(serverEnv);
    assert.ok(
      await eventually(() => !fs.existsSync(orphan) && !fs.existsSync(endedUpload)),
      'orphans swept at start-up',
    );
    assert.ok(await eventually(() => receiving().length === 0), 'the half-received upload is gone');
    await verifyAfterRestart(server, 'after the killed upload');
    assert.deepEqual(
      storedFiles(dataDir).filter((f) => !filesBefore.has(f)),
      [],
      'nothing of the killed upload is stored',
    );
    const trickledJob = await withDatabase((handle) =>
      handle.db.selectFrom('jobs').select('id').where('input', 'like', '%crash-trickled.csv%').executeTakeFirst(),
    );
    assert.equal(trickledJob, undefined, 'no job for the killed upload');

    const outcomes = new Map<string, number>();
    for (const run of imports) {
      const key = `killed ${run.killed.replace(/ \(\d+ ms\)$/, '')} → ${run.outcome} (attempts ${run.attempts})`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    console.log(
      `crash summary [${dialect}, seed ${seed}]: ${figures.cycles} kill cycles survived (+1 killed upload), ` +
        `${acknowledged.length} acknowledged writes (${figures.acknowledgedChecks} checks after restarts), ` +
        `${inFlightAtKill.length} writes in flight at a kill (${figures.inFlightCommitted} of them committed), ` +
        `${onPostgres ? 'no integrity_check on PostgreSQL' : `${figures.integrityChecks} integrity_check ok`}, ` +
        `audit chain of ${figures.auditRows} rows verified, ` +
        `${figures.uploadsLeftByKills} uploads left by a kill after their import swept at start-up; ` +
        `${imports.length} member imports of ${importRows} rows: ${[...outcomes].map(([k, n]) => `${n}× ${k}`).join('; ')}`,
    );
  },
);
