import { Cron } from 'croner';
import type { FastifyBaseLogger } from 'fastify';
import { chinaToday } from '../common/dates.js';
import type { Config } from './config.js';
import type { Db } from './db/schema.js';
import { deleteExpiredSessions } from './features/auth/repo.js';
import { sendDeadlineReminders, takeDailySnapshots } from './features/notifications/service.js';
import { sweepOrphans } from './files/store.js';
import { purgeInboundKeys } from './features/wechat/callback.js';

/**
 * Periodic housekeeping of one app instance. Every task is idempotent (unique keys, deletes of what is
 * expired), so several instances on one PostgreSQL may all run them.
 */
export function startScheduler(db: Db, config: Config, log: FastifyBaseLogger): { stop: () => void } {
  const task = (name: string, work: () => Promise<unknown>) => async () => {
    try {
      const result = await work();
      log.info({ task: name, result }, 'scheduled task done');
    } catch (err) {
      log.error({ err, task: name }, 'scheduled task failed');
    }
  };
  const sessions = task('sessions', () => {
    const now = Date.now();
    const idleCutoff = new Date(now - config.sessionIdleMinutes * 60_000).toISOString();
    return deleteExpiredSessions(db, new Date(now).toISOString(), idleCutoff);
  });
  // Hourly rather than daily: a restart or a missed hour catches up, and the unique keys keep one row a day.
  const daily = task('snapshots and reminders', async () => {
    const today = chinaToday();
    return { snapshots: await takeDailySnapshots(db, today), reminders: await sendDeadlineReminders(db, today) };
  });
  const files = task('orphan files', () => sweepOrphans(db, config.dataDir));
  // WeChat retries a push within seconds; its de-duplication keys are kept two days (features/wechat/README.md).
  const inbound = task('wechat inbound keys', () => purgeInboundKeys(db));
  const jobs = [
    new Cron('*/10 * * * *', { unref: true, protect: true }, sessions),
    new Cron('5 * * * *', { unref: true, protect: true, timezone: 'Asia/Shanghai' }, daily),
    new Cron('30 3 * * *', { unref: true, protect: true, timezone: 'Asia/Shanghai' }, files),
    new Cron('40 3 * * *', { unref: true, protect: true, timezone: 'Asia/Shanghai' }, inbound),
  ];
  setTimeout(() => void daily(), 5_000).unref();
  // What a crash left in the store (a half-received upload, an upload whose import ended) goes at start-up.
  void files();
  return { stop: () => jobs.forEach((job) => job.stop()) };
}
