import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

// Which process left something behind — a job it claimed, a temporary file it was writing — and whether that
// process has ended. After a crash (kill -9, OOM killer, a container restarted) the next start on the same host
// recovers at once what the dead process held, instead of waiting for a heartbeat to go stale.

const host = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
const boot = randomBytes(4).toString('hex');

/**
 * This process among all that share the database and the data directory: `<host hash>-<pid>-<random of this
 * start>`. The random part tells an earlier life of the same pid apart (a container's server is pid 1 every time).
 */
export const processTag = `${host}-${process.pid}-${boot}`;

const tagPattern = /^([0-9a-f]{8})-(\d+)-([0-9a-f]{8})$/;

/**
 * True only when the process that wrote `tag` has certainly ended: it ran on this host and its pid is gone, or
 * the pid is ours but from an earlier start. Anything else — another host, an unreadable tag, a pid that exists
 * (perhaps reused) — counts as alive, and the caller falls back to its timeout. (Containers that share a host
 * name but not a pid namespace would see each other as ended: what the caller recovers must stay safe then — a
 * job is taken back with a compare-and-set, so a live worker loses its claim and commits nothing.)
 */
export function processEnded(tag: string): boolean {
  const match = tagPattern.exec(tag);
  if (!match || match[1] !== host) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return match[3] !== boot;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
