import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { openTestDatabase } from '../../test/harness.js';
import { nowIso } from '../db/tree.js';
import { processEnded, processTag } from './liveness.js';
import { findJob, insertJob } from './repo.js';
import { createJobRunner, JobFailure, type JobRunnerOptions } from './runner.js';

const { handle } = await openTestDatabase();
const db = handle.db;
const quiet = { info: () => {}, error: () => {} };
const runner = (options: Partial<JobRunnerOptions> = {}) => createJobRunner({ db, log: quiet, pollMs: 50, ...options });

async function settled(id: number) {
  for (let i = 0; i < 400; i++) {
    const job = await findJob(db, id);
    if (job && (job.status === 'done' || job.status === 'failed')) return job;
    await sleep(10);
  }
  throw new Error(`job ${id} did not finish`);
}

test('a queued job runs once, reports progress to its total and keeps its result', async () => {
  const jobs = runner();
  jobs.register('count', async ({ progress, job }) => {
    const input = JSON.parse(job.input) as { n: number };
    for (let i = 1; i <= input.n; i++) {
      progress(i, input.n);
      await sleep(1);
    }
    return { counted: input.n };
  });
  const id = await jobs.enqueue(db, { kind: 'count', orgId: null, createdBy: null, input: { n: 20 } });
  await jobs.start();
  const job = await settled(id);
  await jobs.stop();
  assert.equal(job.status, 'done');
  assert.deepEqual(JSON.parse(job.result!), { counted: 20 });
  assert.equal(job.progress_done, 20);
  assert.equal(job.progress_total, 20);
  assert.equal(job.attempts, 1);
  assert.equal(job.error, null);
});

test('an expected failure keeps its Chinese message and result; an unexpected one says only that it failed', async () => {
  const jobs = runner();
  jobs.register('fail', async ({ job }) => {
    if (job.input === '"expected"') throw new JobFailure('第 3 行：手机号码应为 11 位中国大陆手机号', { errors: 1 });
    throw new Error('boom: internal detail');
  });
  const expected = await jobs.enqueue(db, { kind: 'fail', orgId: null, createdBy: null, input: 'expected' });
  const unexpected = await jobs.enqueue(db, { kind: 'fail', orgId: null, createdBy: null, input: 'other' });
  await jobs.start();
  const [a, b] = [await settled(expected), await settled(unexpected)];
  await jobs.stop();
  assert.equal(a.status, 'failed');
  assert.match(a.error!, /第 3 行/);
  assert.deepEqual(JSON.parse(a.result!), { errors: 1 });
  assert.equal(b.status, 'failed');
  assert.doesNotMatch(b.error!, /boom/);
  assert.match(b.error!, /任务执行出错/);
});

test('a running job whose worker died is re-queued at the next start and run; too many deaths fail it', async () => {
  const old = new Date(Date.now() - 10 * 60_000).toISOString();
  const orphan = await insertJob(db, { kind: 'revive', orgId: null, createdBy: null, input: {} });
  await db
    .updateTable('jobs')
    .set({ status: 'running', claimed_by: 'dead-host:1:abcd', heartbeat_at: old, attempts: 1, started_at: old })
    .where('id', '=', orphan)
    .execute();
  const doomed = await insertJob(db, { kind: 'revive', orgId: null, createdBy: null, input: {} });
  await db
    .updateTable('jobs')
    .set({ status: 'running', claimed_by: 'dead-host:1:abcd', heartbeat_at: old, attempts: 3 })
    .where('id', '=', doomed)
    .execute();
  // A job whose worker is alive (fresh heartbeat) is left alone.
  const alive = await insertJob(db, { kind: 'revive', orgId: null, createdBy: null, input: {} });
  await db
    .updateTable('jobs')
    .set({ status: 'running', claimed_by: 'live-host:1:abcd', heartbeat_at: nowIso(), attempts: 1 })
    .where('id', '=', alive)
    .execute();

  const jobs = runner();
  const ran: number[] = [];
  jobs.register('revive', async ({ job }) => {
    ran.push(job.id);
    return { ok: true };
  });
  await jobs.start();
  const revived = await settled(orphan);
  const failed = await settled(doomed);
  await jobs.stop();
  assert.equal(revived.status, 'done');
  assert.equal(revived.attempts, 2);
  assert.equal(failed.status, 'failed');
  assert.match(failed.error!, /多次中断/);
  assert.deepEqual(ran, [orphan]);
  assert.equal((await findJob(db, alive))!.status, 'running');
});

test('several runners on one database never run the same job twice', async () => {
  const runs = new Map<number, number>();
  const instances = [runner(), runner(), runner()];
  for (const jobs of instances) {
    jobs.register('race', async ({ job }) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      await sleep(2);
      return null;
    });
  }
  const ids: number[] = [];
  for (let i = 0; i < 30; i++) ids.push(await insertJob(db, { kind: 'race', orgId: null, createdBy: null, input: i }));
  await Promise.all(instances.map((jobs) => jobs.start()));
  for (const id of ids) assert.equal((await settled(id)).status, 'done');
  await Promise.all(instances.map((jobs) => jobs.stop()));
  assert.deepEqual(
    ids.map((id) => runs.get(id)),
    ids.map(() => 1),
  );
});

test('stopping the app puts the running job back in the queue for the next start', async () => {
  const jobs = runner();
  let started = false;
  jobs.register('long', async ({ signal }) => {
    started = true;
    while (!signal.aborted) await sleep(5);
    throw new Error('stopped');
  });
  const id = await jobs.enqueue(db, { kind: 'long', orgId: null, createdBy: null, input: {} });
  await jobs.start();
  while (!started) await sleep(5); // the runner's timers are unref'd: something must keep the test alive
  await jobs.stop();
  const job = (await findJob(db, id))!;
  assert.equal(job.status, 'queued');
  assert.equal(job.claimed_by, null);
  assert.equal(job.attempts, 0);
  await db.deleteFrom('jobs').where('id', '=', id).execute();
});

test('a worker that lost its job to another instance writes nothing when it finishes', async () => {
  const jobs = runner({ heartbeatMs: 20 });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let aborted = false;
  jobs.register('slow', async ({ signal }) => {
    await gate;
    aborted = signal.aborted;
    return { from: 'the first worker' };
  });
  const id = await jobs.enqueue(db, { kind: 'slow', orgId: null, createdBy: null, input: {} });
  await jobs.start();
  while ((await findJob(db, id))!.status !== 'running') await sleep(5);
  // Another instance decided this worker was dead and took the job.
  await db.updateTable('jobs').set({ claimed_by: 'other:2:beef' }).where('id', '=', id).execute();
  await sleep(60);
  release();
  await jobs.stop();
  const job = (await findJob(db, id))!;
  assert.ok(aborted, 'the handler was told to stop');
  assert.equal(job.status, 'running');
  assert.equal(job.claimed_by, 'other:2:beef');
  assert.equal(job.result, null);
});

test('a job of a process of this host that has ended is re-queued at the next start at once, not after two minutes', async () => {
  const host = processTag.split('-')[0];
  const gone = spawn(process.execPath, ['-e', '']);
  await once(gone, 'exit');
  const claim = async (claimedBy: string) => {
    const id = await insertJob(db, { kind: 'after-crash', orgId: null, createdBy: null, input: {} });
    await db
      .updateTable('jobs')
      .set({ status: 'running', claimed_by: claimedBy, heartbeat_at: nowIso(), attempts: 1, started_at: nowIso() })
      .where('id', '=', id)
      .execute();
    return id;
  };
  // Killed a moment ago: its heartbeat is fresh, but its process is gone.
  const killed = await claim(`vm:${host}-${gone.pid}-0badc0de:00000001`);
  // An earlier start of a process with our pid (a restarted container's server is pid 1 every time).
  const earlierLife = await claim(`vm:${host}-${process.pid}-0badc0de:00000002`);
  // A process of this host that is alive (the test runner), and one of another host: left to their heartbeat.
  const alive = await claim(`vm:${host}-${process.ppid}-0badc0de:00000003`);
  const elsewhere = await claim(`other:00000000-${gone.pid}-0badc0de:00000004`);

  const jobs = runner();
  const ran: number[] = [];
  jobs.register('after-crash', async ({ job }) => {
    ran.push(job.id);
    return null;
  });
  await jobs.start();
  assert.equal((await settled(killed)).attempts, 2);
  assert.equal((await settled(earlierLife)).status, 'done');
  await jobs.stop();
  assert.deepEqual(ran.sort(), [killed, earlierLife].sort());
  for (const id of [alive, elsewhere]) assert.equal((await findJob(db, id))!.status, 'running');
  assert.equal(processEnded(processTag), false, 'this process is alive');
});
