import type { DeliveryStatus } from '../../../common/domain.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { actorCan, assertSees, type Actor } from '../../http/actor.js';
import { conflict } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { refreshOrgMetrics } from '../campaigns/engine.js';
import { pageWindow } from '../ledger/shared.js';
import { loadVisibleOrg } from '../orgs/service.js';
import { loadVisibleBulletin } from '../publishing/service.js';
import { settleBulletin } from './queue.js';
import { appendLog, findDelivery, listDeliveries, listLog, presentDelivery } from './repo.js';

export async function listVisibleDeliveries(
  db: Db,
  actor: Actor,
  query: { orgId?: number; bulletinId?: number; status?: DeliveryStatus; page: number; pageSize: number },
) {
  if (query.bulletinId !== undefined) await loadVisibleBulletin(db, actor, query.bulletinId);
  const orgId = query.orgId ?? actor.orgId;
  const scope = orgId === null ? null : await loadVisibleOrg(db, actor, orgId);
  const [rows, count] = await listDeliveries(
    db,
    { bulletinId: query.bulletinId, status: query.status, scopePath: scope?.path ?? null },
    pageWindow(query),
  );
  return { items: rows.map(presentDelivery), total: Number(count.n) };
}

async function loadVisibleDelivery(db: Executor, actor: Actor, id: number) {
  const row = await findDelivery(db, id);
  assertSees(actor, row?.org_path, '投递记录');
  return row;
}

export async function getDelivery(db: Db, actor: Actor, id: number) {
  const row = await loadVisibleDelivery(db, actor, id);
  const approve = actorCan(actor, 'publishing.approve');
  return {
    ...presentDelivery(row),
    log: await listLog(db, id),
    abilities: { retry: approve && row.status === 'failed', resolve: approve && row.status === 'uncertain' },
  };
}

/**
 * A failed delivery queued again, or an uncertain one settled by a person who looked: sent (it counts as a post)
 * or not sent (queued again, from where it stopped).
 */
export async function decideDelivery(db: Db, actor: Actor, id: number, decision: 'retry' | 'sent' | 'not_sent') {
  await db.transaction().execute(async (trx) => {
    const row = await loadVisibleDelivery(trx, actor, id);
    const from: DeliveryStatus = decision === 'retry' ? 'failed' : 'uncertain';
    const now = nowIso();
    const values =
      decision === 'sent'
        ? { status: 'sent' as const, sent_at: now, step: 'done' }
        : // A call that may have arrived is not repeated as such: back to the recorded step before it.
          {
            status: 'queued' as const,
            next_attempt_at: now,
            attempts: 0,
            step: row.step === 'calling' ? (row.remote_media_id ? 'draft' : 'start') : row.step,
          };
    const result = await trx
      .updateTable('deliveries')
      .set({ ...values, claimed_by: null, claimed_until: null, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw conflict('投递状态已变化，请刷新后查看');
    const message = {
      retry: '管理员要求重新发送',
      sent: '管理员确认对方已收到',
      not_sent: '管理员确认对方未收到，重新发送',
    }[decision];
    await appendLog(trx, id, decision === 'sent' ? 'resolved' : 'queued', {
      message: `${message}（${actor.displayName}）`,
    });
    if (decision === 'sent') {
      await settleBulletin(trx, row.bulletin_id);
      const channel =
        row.channel_id === null
          ? null
          : await trx.selectFrom('channels').select('org_id').where('id', '=', row.channel_id).executeTakeFirst();
      if (channel) await refreshOrgMetrics(trx, [channel.org_id], ['posts_per_channel']);
    } else {
      await trx
        .updateTable('bulletins')
        .set({ status: 'sending', updated_at: now })
        .where('id', '=', row.bulletin_id)
        .where('status', '=', 'sent')
        .execute();
    }
    await recordAudit(trx, actor, {
      action: `delivery.${decision}`,
      objectType: 'delivery',
      objectId: id,
      orgId: row.org_id,
    });
  });
  return getDelivery(db, actor, id);
}
