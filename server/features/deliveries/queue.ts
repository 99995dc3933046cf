import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { appendLog, insertDelivery } from './repo.js';

// The delivery queue is the `deliveries` table: one row per bulletin and target, its idempotency key unique, so a
// bulletin is queued for a target once whatever races or restarts happen. The web target has nothing to send:
// publishing it is setting published_at, recorded as a delivery that is sent at once so the log shows it.

/**
 * Sends an approved bulletin: marks it sending (or sent, when only the web pages remain) and queues one delivery
 * per target, in the caller's transaction. False when another request or instance dispatched it first.
 */
export async function dispatchBulletin(trx: Executor, bulletinId: number, at: string): Promise<boolean> {
  const bulletin = await trx
    .selectFrom('bulletins')
    .select(['id', 'org_id', 'kind'])
    .where('id', '=', bulletinId)
    .where('status', '=', 'approved')
    .executeTakeFirst();
  if (!bulletin) return false;
  const targets = await trx
    .selectFrom('bulletin_targets')
    .selectAll()
    .where('bulletin_id', '=', bulletinId)
    .orderBy('id')
    .execute();
  const remote = targets.filter((t) => t.kind !== 'web');
  const onWeb = targets.some((t) => t.kind === 'web');
  const moved = await trx
    .updateTable('bulletins')
    .set({
      status: remote.length > 0 ? 'sending' : 'sent',
      published_at: onWeb ? at : null,
      updated_at: at,
    })
    .where('id', '=', bulletinId)
    .where('status', '=', 'approved')
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) return false;
  if (onWeb && bulletin.kind === 'issue') {
    // The page shows its articles, and their images become public with them.
    const articleIds = trx.selectFrom('bulletin_issue_items').select('article_id').where('issue_id', '=', bulletinId);
    await trx
      .updateTable('bulletins')
      .set({ published_at: at })
      .where('id', 'in', articleIds)
      .where('published_at', 'is', null)
      .execute();
  }
  for (const target of targets) {
    const web = target.kind === 'web';
    const id = await insertDelivery(trx, {
      bulletinId,
      target,
      orgId: bulletin.org_id,
      status: web ? 'sent' : 'queued',
      at,
    });
    await appendLog(trx, id, web ? 'sent' : 'queued', { message: web ? '已发布到平台新闻页' : null });
  }
  return true;
}

/** Approved bulletins whose send time has come, dispatched one transaction each; how many went. */
export async function dispatchDue(db: Db, limit = 20): Promise<number> {
  const now = nowIso();
  const due = await db
    .selectFrom('bulletins')
    .select('id')
    .where('status', '=', 'approved')
    .where('send_at', '<=', now)
    .orderBy('send_at')
    .limit(limit)
    .execute();
  let sent = 0;
  for (const { id } of due) {
    if (await db.transaction().execute((trx) => dispatchBulletin(trx, id, now))) sent++;
  }
  return sent;
}

/** A bulletin whose deliveries have all ended is sent (even if some failed: the log says which). */
export async function settleBulletin(trx: Executor, bulletinId: number): Promise<void> {
  const open = await trx
    .selectFrom('deliveries')
    .select('id')
    .where('bulletin_id', '=', bulletinId)
    .where('status', 'in', ['queued', 'sending'])
    .limit(1)
    .executeTakeFirst();
  if (open) return;
  await trx
    .updateTable('bulletins')
    .set({ status: 'sent', updated_at: nowIso() })
    .where('id', '=', bulletinId)
    .where('status', '=', 'sending')
    .execute();
}
