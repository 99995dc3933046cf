import { Worker } from 'node:worker_threads';
import { JobFailure } from '../../jobs/runner.js';
import type { KeyMaterial, Keyring } from '../../personal-data/keyring.js';
import type { SpreadsheetFile } from '../../spreadsheets/table.js';
import { AppError } from '../../http/errors.js';
import { readMemberBatches, type MemberBatch, type MemberSheet } from './members-import.js';
import type { OrgResolver, ResolvedOrg, SubtreeOrg } from './org-resolver.js';
import { importTestHooks } from './test-hooks.js';

// The rows of a member sheet, checked and encrypted, as batches. A large file is read in a worker thread
// (members-worker.ts), so that parsing, checking and AES-GCM run on the second core while the main thread writes
// the previous batch, and the event loop stays free; a small one in this thread, since a worker takes a few hundred
// milliseconds to start. Either way the same function (readMemberBatches) makes the batches, in row order.

/** What the worker is given: plain data, the keyring as its two derived keys. */
export type ReaderInput = {
  file: SpreadsheetFile;
  orgRows: readonly SubtreeOrg[];
  root: ResolvedOrg;
  today: string;
  keys: KeyMaterial;
  batchRows: number;
  /** Batches the worker may be ahead of the writer: memory stays flat whatever the size of the file. */
  inFlight: number;
  /** Tests: the worker fails before posting this batch. */
  failAfterBatches?: number;
};

export type ReaderMessage =
  | ({ type: 'opened' } & MemberSheet)
  | { type: 'batch'; batch: MemberBatch }
  | { type: 'end' }
  | { type: 'failed'; message: string };

export type MemberReader = MemberSheet & {
  batches: AsyncIterable<MemberBatch>;
  /** Stops reading (the worker, if any, is ended). */
  close: () => Promise<void>;
};

/** Files from this size are read in a worker thread (about 6,000 rows of CSV). */
const workerFromBytes = 1024 * 1024;
/** Rows per batch from the worker thread (exported for tests: a repeat in a later batch). */
export const memberBatchRows = 1000;
const threadBatchRows = 500;

export async function openMemberReader(input: {
  file: SpreadsheetFile;
  size: number;
  orgs: OrgResolver;
  today: string;
  keyring: Keyring;
}): Promise<MemberReader> {
  const forced = importTestHooks.memberThread;
  const inWorker = forced ? forced === 'worker' : input.size >= workerFromBytes;
  if (!inWorker) {
    const opened = await readMemberBatches(
      input.file,
      { today: input.today, orgs: input.orgs, keyring: input.keyring },
      threadBatchRows,
    ).catch((error: unknown) => {
      throw error instanceof AppError ? new JobFailure(error.message) : error;
    });
    return {
      ...opened,
      batches: opened.batches,
      close: async () => void (await opened.batches.return(undefined)),
    };
  }
  return openWorkerReader({
    file: input.file,
    orgRows: input.orgs.rows,
    root: input.orgs.root,
    today: input.today,
    keys: input.keyring.material(),
    batchRows: memberBatchRows,
    inFlight: 2,
    failAfterBatches: importTestHooks.memberWorkerFailAfter,
  });
}

/**
 * tsx compiles this TypeScript in the main thread; a worker starts without it, so its entry registers tsx's
 * loader first and then imports the worker module.
 */
function workerEntry(): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./members-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); });`;
}

async function openWorkerReader(data: ReaderInput): Promise<MemberReader> {
  const worker = new Worker(workerEntry(), {
    eval: true,
    workerData: data,
    // Without limits the worker's heap grows towards V8's default (gigabytes) before it collects: with them it
    // collects early and the server's peak memory stays flat.
    resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 48 },
  });
  const queue: ReaderMessage[] = [];
  let failure: Error | null = null;
  let finished = false;
  let notify: (() => void) | null = null;
  const wakeUp = () => {
    notify?.();
    notify = null;
  };
  worker.on('message', (message: ReaderMessage) => {
    queue.push(message);
    wakeUp();
  });
  worker.on('error', (error) => {
    failure ??= error;
    wakeUp();
  });
  worker.on('exit', (code) => {
    if (!finished) failure ??= new Error(`member import worker exited (code ${code}) before the end of the sheet`);
    wakeUp();
  });
  const next = async (): Promise<ReaderMessage> => {
    for (;;) {
      const message = queue.shift();
      if (message) {
        if (message.type === 'end' || message.type === 'failed') finished = true;
        return message;
      }
      if (failure) throw failure;
      await new Promise<void>((resolve) => (notify = resolve));
    }
  };
  const close = async () => {
    finished = true;
    await worker.terminate();
  };

  try {
    const first = await next();
    if (first.type === 'failed') throw new JobFailure(first.message);
    if (first.type !== 'opened') throw new Error(`member import worker: unexpected ${first.type}`);
    async function* batches(): AsyncGenerator<MemberBatch> {
      for (;;) {
        const message = await next();
        if (message.type === 'end') return;
        if (message.type === 'failed') throw new JobFailure(message.message);
        if (message.type !== 'batch') throw new Error(`member import worker: unexpected ${message.type}`);
        worker.postMessage('more');
        yield message.batch;
      }
    }
    return { sheet: first.sheet, columns: first.columns, batches: batches(), close };
  } catch (error) {
    await close();
    throw error;
  }
}
