import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db, Executor } from '../db/schema.js';
import {
  claimNextJob,
  finishJob,
  insertJob,
  releaseJob,
  requeueJobsOfEndedWorkers,
  requeueStaleJobs,
  touchJob,
  type JobRow,
  type NewJob,
} from './repo.js';
import { processEnded, processTag } from './liveness.js';

export type JobContext = {
  job: JobRow;
  /** Aborted when the app stops or another instance has taken the job over: stop between chunks. */
  signal: AbortSignal;
  /** Progress for whoever watches; written in the background, never waited for (it may queue behind a transaction). */
  progress: (done: number, total?: number | null) => void;
  /** Marks the job done inside the caller's transaction: the work and its completion commit together, or neither. */
  complete: (trx: Executor, result: unknown) => Promise<void>;
};

/** Resolves with the job's result (unless it called complete); JobFailure fails it with a message for people. */
export type JobHandler = (context: JobContext) => Promise<unknown>;

/** An expected failure: its message (Chinese) is shown to the user, its result kept with the job. */
export class JobFailure extends Error {
  constructor(
    message: string,
    readonly result?: unknown,
  ) {
    super(message);
  }
}

type Logger = {
  info: (obj: object, msg?: string) => void;
  error: (obj: object, msg?: string) => void;
};

export type JobRunnerOptions = {
  db: Db;
  log: Logger;
  pollMs?: number;
  heartbeatMs?: number;
  /** A running job whose heartbeat is older than this is taken for dead. */
  staleMs?: number;
  maxAttempts?: number;
};

export type JobRunner = {
  readonly instance: string;
  register: (kind: string, handler: JobHandler) => void;
  /** Inserts a queued job (in the caller's transaction if given); call wake() after the commit. */
  enqueue: (db: Executor, job: NewJob) => Promise<number>;
  /** Looks for work now rather than at the next poll. */
  wake: () => void;
  start: () => Promise<void>;
  stop: () => Promise<void>;
  /** Resolves when no job is running here and none is queued for a registered kind (tests, shutdown). */
  idle: () => Promise<void>;
};

const lostClaim = 'lost_claim';
const stopping = 'stopping';

/**
 * A durable background job runner over the `jobs` table: one job at a time per instance (two cores), claimed
 * atomically so that several instances on one PostgreSQL never run the same job, a heartbeat while it runs,
 * stale jobs of dead workers re-queued at start and on every poll. Polling uses an unref'd timer.
 */
export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { db, log } = options;
  const pollMs = options.pollMs ?? 2000;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const staleMs = options.staleMs ?? 120_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const sweepMs = Math.min(30_000, staleMs / 4);
  // <host>:<process tag>:<runner>, at most 24 + 1 + 25 + 1 + 8 characters (claimed_by is varchar(64)).
  const instance = `${hostname().slice(0, 24)}:${processTag}:${randomBytes(4).toString('hex')}`;
  const handlers = new Map<string, JobHandler>();
  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let current: { promise: Promise<void>; abort: AbortController } | null = null;
  let ticking: Promise<void> | null = null;
  const idleWaiters: (() => void)[] = [];

  const schedule = (delay: number) => {
    if (stopped || !started) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), delay);
    timer.unref();
  };

  /**
   * Dead workers' jobs back to the queue: at start, then at most every sweepMs. Those of a process of this host
   * that has ended (killed, crashed, the server restarted) at once; any other worker's once its heartbeat is stale.
   */
  let lastSweep = 0;
  async function sweep(): Promise<void> {
    if (Date.now() - lastSweep < sweepMs) return;
    lastSweep = Date.now();
    const ended = await requeueJobsOfEndedWorkers(db, {
      instance,
      ended: (claimedBy) => processEnded(claimedBy.split(':').at(-2) ?? ''),
      maxAttempts,
    });
    const staleBefore = new Date(Date.now() - staleMs).toISOString();
    const stale = await requeueStaleJobs(db, { instance, staleBefore, maxAttempts });
    const requeued = ended.requeued + stale.requeued;
    const failed = ended.failed + stale.failed;
    if (requeued + failed > 0) log.info({ requeued, failed }, 'jobs of dead workers recovered');
  }

  async function run(job: JobRow, abort: AbortController): Promise<void> {
    let pending: { done: number; total: number | null } | null = null;
    let total: number | null = job.progress_total;
    let writing = false;
    const beat = () => {
      if (writing) return;
      writing = true;
      const progress = pending ?? undefined;
      pending = null;
      touchJob(db, job.id, instance, progress)
        .then((held) => {
          // A beat that waited behind the job's own completing transaction finds the job done, not lost.
          if (!held && !completed) abort.abort(lostClaim);
        })
        .catch((err: unknown) => log.error({ err, jobId: job.id }, 'job heartbeat failed'))
        .finally(() => {
          writing = false;
        });
    };
    const heartbeat = setInterval(beat, heartbeatMs);
    heartbeat.unref();
    let lastWrite = 0;
    let completed = false;
    const context: JobContext = {
      job,
      signal: abort.signal,
      progress: (done, newTotal) => {
        if (newTotal !== undefined) total = newTotal;
        pending = { done, total };
        if (Date.now() - lastWrite >= 500) {
          lastWrite = Date.now();
          beat();
        }
      },
      complete: async (trx, result) => {
        if (!(await finishJob(trx, job.id, instance, { status: 'done', result, error: null, total }))) {
          throw new Error('job claim lost before completion');
        }
        completed = true;
      },
    };
    try {
      const result = await handlers.get(job.kind)!(context);
      if (!completed) await finishJob(db, job.id, instance, { status: 'done', result, error: null, total });
    } catch (error) {
      if (abort.signal.aborted && abort.signal.reason === stopping) {
        await releaseJob(db, job.id, instance);
      } else if (!(abort.signal.aborted && abort.signal.reason === lostClaim)) {
        const failure = error instanceof JobFailure ? error : null;
        if (!failure) log.error({ err: error, jobId: job.id, kind: job.kind }, 'job failed');
        await finishJob(db, job.id, instance, {
          status: 'failed',
          result: failure?.result,
          error: failure?.message ?? '任务执行出错，请稍后重试；如仍失败请联系管理员',
        });
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function tick(): Promise<void> {
    if (ticking || current || stopped) return;
    ticking = (async () => {
      try {
        await sweep();
        const job = await claimNextJob(db, instance, [...handlers.keys()]);
        if (!job) {
          for (const resolve of idleWaiters.splice(0)) resolve();
          schedule(pollMs);
          return;
        }
        const abort = new AbortController();
        const promise = run(job, abort).finally(() => {
          current = null;
          schedule(0);
        });
        current = { promise, abort };
      } catch (err) {
        log.error({ err }, 'job poll failed');
        schedule(pollMs);
      } finally {
        ticking = null;
      }
    })();
    await ticking;
  }

  return {
    instance,
    register(kind, handler) {
      if (handlers.has(kind)) throw new Error(`job kind ${kind} registered twice`);
      handlers.set(kind, handler);
    },
    enqueue: (executor, job) => insertJob(executor, job),
    wake() {
      schedule(0);
    },
    async start() {
      if (started) return;
      started = true;
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      current?.abort.abort(stopping);
      await ticking;
      await current?.promise;
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
    idle() {
      if (!started || stopped) return Promise.resolve();
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        schedule(0);
      });
    },
  };
}
