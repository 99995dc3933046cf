import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../http/errors.js';
import { keyringFromMaterial } from '../../personal-data/keyring.js';
import { readMemberBatches } from './members-import.js';
import { orgResolverFrom } from './org-resolver.js';
import type { ReaderInput, ReaderMessage } from './members-reader.js';

// The worker thread of a member import (started by members-reader.ts): it reads the sheet, checks every row and
// encrypts ID numbers and phones, and posts the rows in batches while the main thread writes the previous ones.
// It is at most `inFlight` batches ahead: the main thread grants one more for each batch it has taken.

const input = workerData as ReaderInput;
const port = parentPort!;
const post = (message: ReaderMessage) => port.postMessage(message);

let credits = input.inFlight;
let wake: (() => void) | null = null;
port.on('message', () => {
  credits++;
  wake?.();
  wake = null;
});

try {
  const opened = await readMemberBatches(
    input.file,
    {
      today: input.today,
      orgs: orgResolverFrom(input.orgRows, input.root),
      keyring: keyringFromMaterial(input.keys),
    },
    input.batchRows,
  );
  post({ type: 'opened', sheet: opened.sheet, columns: opened.columns });
  let sent = 0;
  for await (const batch of opened.batches) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    if (input.failAfterBatches !== undefined && sent === input.failAfterBatches) {
      throw new Error('simulated worker failure');
    }
    post({ type: 'batch', batch });
    sent++;
  }
  post({ type: 'end' });
} catch (error) {
  // The uploader's file (not a table, a broken zip): a message for people. Anything else is ours: thrown, the
  // main thread's 'error' event gets it.
  if (!(error instanceof AppError)) throw error;
  post({ type: 'failed', message: error.message });
}
port.removeAllListeners('message'); // nothing left to wait for: the thread ends
