import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { nowIso } from '../../db/tree.js';
import { processEnded, processTag } from '../../jobs/liveness.js';
import { refreshOrgMetrics } from '../campaigns/engine.js';
import { dispatchDue, settleBulletin } from './queue.js';
import { appendLog, claimDelivery, sendingClaims, updateHeld, type DeliveryRow } from './repo.js';
import { WechatApiError } from '../../wechat/oa-client.js';
import { describeError, loadContext, sendToOfficialAccount, sendToRobot, type Outcome, type SendDeps } from './send.js';

// The delivery worker of one app instance: every poll it dispatches approved bulletins whose time has come, then
// sends due deliveries one at a time. A delivery is claimed with a lease; a worker that dies leaves it 'sending',
// and the next claim (at once when the dead process was on this host, else when the lease runs out) decides from
// the recorded step whether repeating is safe.

export type DeliveryWorker = {
  start: () => void;
  stop: () => Promise<void>;
  /** Looks for work now rather than at the next poll. */
  wake: () => void;
  /** Resolves once a poll found nothing due (tests). */
  idle: () => Promise<void>;
};

type Logger = { info: (obj: object, msg?: string) => void; error: (obj: object, msg?: string) => void };

export type DeliveryWorkerOptions = SendDeps & {
  log: Logger;
  pollMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
};

/** 30 s, 1, 2, 4 … minutes, at most an hour, with a little jitter so instances do not retry in step. */
const uncertainMessage = '发送过程中服务中断，无法确认对方是否已收到：请到群或公众号查看后确认';

/** Another worker took the delivery over (our lease ran out): stop without recording anything. */
class ClaimLost extends Error {}

/** An error without WeChat's answer, except a refused connection (the request never left). */
function mayHaveArrived(error: unknown): boolean {
  if (error instanceof WechatApiError) return false;
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code !== 'ECONNREFUSED';
}

export function backoffMs(attempts: number): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3600_000);
  return base + Math.floor(Math.random() * 1000);
}

export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { db, log } = options;
  const pollMs = options.pollMs ?? 1000;
  const leaseMs = options.leaseMs ?? 120_000;
  const maxAttempts = options.maxAttempts ?? 6;
  const instance = `${hostname().slice(0, 24)}:${processTag}:${randomBytes(4).toString('hex')}`;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;
  const idleWaiters: (() => void)[] = [];

  const schedule = (delay: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), delay);
    // The poll alone does not keep a process alive; someone waiting for idle() does.
    if (idleWaiters.length === 0) timer.unref();
  };

  async function tick(): Promise<void> {
    if (running || stopped) return;
    running = (async () => {
      let worked = false;
      try {
        await dispatchDue(db);
        const ended = (await sendingClaims(db, instance)).filter((c) => processEnded(c.split(':').at(-2) ?? ''));
        const leaseUntil = new Date(Date.now() + leaseMs).toISOString();
        const delivery = await claimDelivery(db, instance, leaseUntil, ended);
        if (delivery) {
          worked = true;
          await deliver(delivery);
        }
      } catch (err) {
        log.error({ err }, 'delivery poll failed');
      } finally {
        running = null;
        if (!worked) for (const resolve of idleWaiters.splice(0)) resolve();
        schedule(worked ? 0 : pollMs);
      }
    })();
    await running;
  }

  /** Sends one claimed delivery (`claimed` is the row as it was before the claim). */
  async function deliver(claimed: DeliveryRow): Promise<void> {
    let delivery: DeliveryRow = { ...claimed, status: 'sending', claimed_by: instance, attempts: claimed.attempts + 1 };
    if (claimed.status === 'sending') {
      // Its worker died. Only a call that WeChat cannot de-duplicate, once begun, leaves us not knowing.
      if (claimed.step === 'calling') {
        await finish(delivery, { kind: 'uncertain' });
        return;
      }
      await appendLog(db, delivery.id, 'retry', { message: '发送中断，继续发送' });
    }
    await appendLog(db, delivery.id, 'sending', { message: `第 ${delivery.attempts} 次尝试` });
    let calling = false;
    const markCalling = async () => {
      if (!(await updateHeld(db, delivery.id, instance, { step: 'calling' }))) throw new ClaimLost();
      calling = true;
    };
    for (;;) {
      let outcome: Outcome;
      try {
        const context = await loadContext(db, delivery);
        outcome =
          delivery.kind === 'wecom_robot'
            ? await sendToRobot(options, context, markCalling)
            : await sendToOfficialAccount(options, context, markCalling);
      } catch (error) {
        if (error instanceof ClaimLost) return;
        // No answer to a call that may have arrived (a timeout, a reset): sending again could send twice.
        if (calling && mayHaveArrived(error)) {
          await finish(delivery, { kind: 'uncertain' });
          return;
        }
        const described = describeError(error);
        outcome = described.transient
          ? { kind: 'retry', errcode: described.errcode, message: described.message }
          : { kind: 'fail', errcode: described.errcode, message: described.message };
      }
      if (outcome.kind !== 'progress') {
        await finish(delivery, outcome);
        return;
      }
      const held = await db.transaction().execute(async (trx) => {
        if (!(await updateHeld(trx, delivery.id, instance, outcome.values))) return false;
        await appendLog(trx, delivery.id, 'sending', { message: outcome.message });
        return true;
      });
      if (!held) return;
      delivery = { ...delivery, ...outcome.values };
    }
  }

  async function finish(
    delivery: DeliveryRow,
    outcome: Exclude<Outcome, { kind: 'progress' }> | { kind: 'uncertain' },
  ) {
    const now = nowIso();
    await db.transaction().execute(async (trx) => {
      const release = { claimed_by: null, claimed_until: null };
      let values;
      switch (outcome.kind) {
        case 'sent':
          values = {
            step: 'done',
            ...outcome.values,
            ...release,
            status: 'sent' as const,
            sent_at: now,
            last_error: null,
          };
          break;
        case 'defer':
          // Waiting for a quota is not a failed attempt.
          values = {
            ...release,
            status: 'queued' as const,
            next_attempt_at: outcome.until,
            attempts: delivery.attempts - 1,
          };
          break;
        case 'retry': {
          const giveUp = delivery.attempts >= maxAttempts;
          values = {
            ...release,
            status: giveUp ? ('failed' as const) : ('queued' as const),
            next_attempt_at: new Date(Date.now() + backoffMs(delivery.attempts)).toISOString(),
            last_errcode: outcome.errcode,
            last_error: outcome.message,
          };
          break;
        }
        case 'fail':
          values = {
            ...release,
            status: 'failed' as const,
            last_errcode: outcome.errcode,
            last_error: outcome.message,
          };
          break;
        case 'uncertain':
          values = { ...release, status: 'uncertain' as const, last_error: uncertainMessage };
          break;
      }
      // The claim is still ours only while status is 'sending' and claimed_by is this worker.
      const result = await trx
        .updateTable('deliveries')
        .set({ ...values, updated_at: now })
        .where('id', '=', delivery.id)
        .where('claimed_by', '=', instance)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return;
      switch (outcome.kind) {
        case 'sent':
          await appendLog(trx, delivery.id, 'sent', { message: outcome.message });
          await countPost(trx, delivery);
          break;
        case 'defer':
          await appendLog(trx, delivery.id, 'deferred', { message: outcome.message });
          break;
        case 'retry':
          await appendLog(trx, delivery.id, values.status === 'failed' ? 'failed' : 'retry', {
            errcode: outcome.errcode,
            message:
              values.status === 'failed' ? `重试 ${delivery.attempts} 次后仍失败：${outcome.message}` : outcome.message,
          });
          break;
        case 'fail':
          await appendLog(trx, delivery.id, 'failed', { errcode: outcome.errcode, message: outcome.message });
          break;
        case 'uncertain':
          await appendLog(trx, delivery.id, 'uncertain', { message: uncertainMessage });
          break;
      }
      await settleBulletin(trx, delivery.bulletin_id);
    });
  }

  return {
    start: () => {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    wake: () => schedule(0),
    idle: () =>
      new Promise<void>((resolve, reject) => {
        if (stopped) {
          reject(new Error('the delivery worker is not running'));
          return;
        }
        idleWaiters.push(resolve);
        schedule(0);
      }),
  };
}

/** A post the campaign's content indicator counts: the channel's org, the day it went out. */
async function countPost(trx: Parameters<typeof refreshOrgMetrics>[0], delivery: DeliveryRow): Promise<void> {
  if (delivery.channel_id === null) return;
  const channel = await trx
    .selectFrom('channels')
    .select('org_id')
    .where('id', '=', delivery.channel_id)
    .executeTakeFirst();
  if (channel) await refreshOrgMetrics(trx, [channel.org_id], ['posts_per_channel']);
}
