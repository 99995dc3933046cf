import type { Selectable } from 'kysely';
import type { Executor, JobsTable } from '../db/schema.js';
import { isPostgres, nowIso } from '../db/tree.js';

export type JobRow = Selectable<JobsTable>;

export type NewJob = { kind: string; orgId: number | null; createdBy: number | null; input: unknown };

export async function insertJob(db: Executor, job: NewJob): Promise<number> {
  const row = await db
    .insertInto('jobs')
    .values({
      kind: job.kind,
      status: 'queued',
      org_id: job.orgId,
      created_by: job.createdBy,
      input: JSON.stringify(job.input),
      created_at: nowIso(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function findJob(db: Executor, id: number): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Takes the oldest queued job of the given kinds for this instance, in one statement. PostgreSQL: the candidate
 * row is locked with SKIP LOCKED, so instances racing for it each get a different job and none waits. SQLite has
 * a single writer; the repeated status condition makes the update a compare-and-set all the same.
 */
export async function claimNextJob(db: Executor, instance: string, kinds: readonly string[]): Promise<JobRow | null> {
  if (kinds.length === 0) return null;
  const now = nowIso();
  const pg = isPostgres(db);
  const row = await db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      claimed_by: instance,
      heartbeat_at: now,
      started_at: eb.fn.coalesce('started_at', eb.val(now)),
      attempts: eb('attempts', '+', 1),
    }))
    .where('status', '=', 'queued')
    .where('id', '=', (eb) => {
      const candidate = eb
        .selectFrom('jobs')
        .select('id')
        .where('status', '=', 'queued')
        .where('kind', 'in', kinds)
        .orderBy('id')
        .limit(1);
      return pg ? candidate.forUpdate().skipLocked() : candidate;
    })
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/** Heartbeat and progress of a job this instance holds; false when it no longer holds it. */
export async function touchJob(
  db: Executor,
  id: number,
  instance: string,
  progress?: { done: number; total: number | null },
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({
      heartbeat_at: nowIso(),
      ...(progress ? { progress_done: progress.done, progress_total: progress.total } : {}),
    })
    .where('id', '=', id)
    .where('claimed_by', '=', instance)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ends a job this instance holds; false (and nothing written) when another instance has taken it over. */
export async function finishJob(
  db: Executor,
  id: number,
  instance: string,
  outcome: { status: 'done' | 'failed'; result: unknown; error: string | null; total?: number | null },
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set((eb) => ({
      status: outcome.status,
      result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
      error: outcome.error?.slice(0, 1000) ?? null,
      finished_at: nowIso(),
      heartbeat_at: null,
      // A finished job shows its progress complete (the last progress report may not have been written yet).
      ...(outcome.total != null ? { progress_total: outcome.total } : {}),
      progress_done: outcome.total != null ? outcome.total : eb.fn.coalesce('progress_total', 'progress_done'),
    }))
    .where('id', '=', id)
    .where('claimed_by', '=', instance)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Puts a job this instance holds back in the queue (a graceful stop), not counting the attempt. */
export async function releaseJob(db: Executor, id: number, instance: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set((eb) => ({ status: 'queued', claimed_by: null, heartbeat_at: null, attempts: eb('attempts', '-', 1) }))
    .where('id', '=', id)
    .where('claimed_by', '=', instance)
    .where('status', '=', 'running')
    .execute();
}

/**
 * Jobs whose worker stopped beating — the process died, the machine went away — go back to the queue; after
 * maxAttempts such interruptions a job fails instead of taking the next worker down with it. Jobs this instance
 * runs are never touched here, however long a transaction keeps their heartbeat from being written.
 */
export async function requeueStaleJobs(
  db: Executor,
  options: { instance: string; staleBefore: string; maxAttempts: number },
): Promise<{ requeued: number; failed: number }> {
  const stale = () =>
    db
      .updateTable('jobs')
      .where('status', '=', 'running')
      .where('claimed_by', '!=', options.instance)
      .where((eb) => eb.or([eb('heartbeat_at', '<', options.staleBefore), eb('heartbeat_at', 'is', null)]));
  const failed = await stale()
    .set({
      status: 'failed',
      error: interruptedTooOften(options.maxAttempts),
      finished_at: nowIso(),
      heartbeat_at: null,
    })
    .where('attempts', '>=', options.maxAttempts)
    .executeTakeFirst();
  const requeued = await stale().set({ status: 'queued', claimed_by: null, heartbeat_at: null }).executeTakeFirst();
  return { requeued: Number(requeued.numUpdatedRows), failed: Number(failed.numUpdatedRows) };
}

const interruptedTooOften = (attempts: number) => `任务执行中多次中断（已尝试 ${attempts} 次），已停止`;

/**
 * Jobs held by workers known to have ended (`ended(claimedBy)`: a process of this host that is gone) go back to
 * the queue at once, or fail after maxAttempts, without waiting for their heartbeat to go stale. Each is taken back
 * only if still held by the same dead worker (a compare-and-set).
 */
export async function requeueJobsOfEndedWorkers(
  db: Executor,
  options: { instance: string; ended: (claimedBy: string) => boolean; maxAttempts: number },
): Promise<{ requeued: number; failed: number }> {
  const running = await db
    .selectFrom('jobs')
    .select(['id', 'claimed_by', 'attempts'])
    .where('status', '=', 'running')
    .where('claimed_by', '!=', options.instance)
    .execute();
  let requeued = 0;
  let failed = 0;
  for (const job of running) {
    if (job.claimed_by === null || !options.ended(job.claimed_by)) continue;
    const giveUp = job.attempts >= options.maxAttempts;
    const result = await db
      .updateTable('jobs')
      .set(
        giveUp
          ? {
              status: 'failed',
              error: interruptedTooOften(options.maxAttempts),
              finished_at: nowIso(),
              heartbeat_at: null,
            }
          : { status: 'queued', claimed_by: null, heartbeat_at: null },
      )
      .where('id', '=', job.id)
      .where('claimed_by', '=', job.claimed_by)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) {
      if (giveUp) failed++;
      else requeued++;
    }
  }
  return { requeued, failed };
}
