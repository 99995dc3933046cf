/**
 * For tests only. `afterChunkWritten` is called inside the apply transaction after each chunk a real run has
 * written (rows so far): a hook that throws stands for a crash half-way through an import, of which nothing may
 * remain; one that waits holds the transaction open (reads meanwhile must not wait for it). `memberThread` forces
 * where a member sheet is read (by default a worker thread from 1 MiB on); `memberWorkerFailAfter` makes the
 * worker fail before it posts that batch.
 */
export const importTestHooks: {
  afterChunkWritten?: (done: number) => void | Promise<void>;
  memberThread?: 'worker' | 'main';
  memberWorkerFailAfter?: number;
} = {};
