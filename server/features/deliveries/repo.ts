import type { Selectable } from 'kysely';
import type { DeliveryEvent, DeliveryStatus } from '../../../common/domain.js';
import type { DeliveryItem } from '../../../common/publishing.js';
import type { DeliveriesTable, Executor } from '../../db/schema.js';
import { isPostgres, nowIso, subtreeRange } from '../../db/tree.js';

export type DeliveryRow = Selectable<DeliveriesTable>;

/** One delivery per bulletin and target, whatever races or restarts happen; also WeChat's clientmsgid. */
export const idempotencyKey = (bulletinId: number, targetId: number) => `bulletin:${bulletinId}:target:${targetId}`;
type ListedDelivery = DeliveryRow & { bulletin_title: string; channel_name: string | null };

export function presentDelivery(row: ListedDelivery): DeliveryItem {
  return {
    id: row.id,
    bulletinId: row.bulletin_id,
    bulletinTitle: row.bulletin_title,
    orgId: row.org_id,
    kind: row.kind,
    channelId: row.channel_id,
    channelName: row.channel_name,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastErrcode: row.last_errcode,
    lastError: row.last_error,
    result: row.result,
    sentAt: row.sent_at,
    createdAt: row.created_at,
  };
}

/**
 * A delivery of a bulletin to one of its targets, queued (or already sent: the web target has nothing to send, and
 * the demo writes history). Its idempotency key makes a second row for the same target impossible.
 */
export async function insertDelivery(
  db: Executor,
  values: {
    bulletinId: number;
    target: { id: number; kind: DeliveriesTable['kind']; channel_id: number | null };
    orgId: number;
    status: 'queued' | 'sent';
    at: string;
  },
): Promise<number> {
  const { bulletinId, target, at } = values;
  const sent = values.status === 'sent';
  const { id } = await db
    .insertInto('deliveries')
    .values({
      bulletin_id: bulletinId,
      target_id: target.id,
      channel_id: target.channel_id,
      org_id: values.orgId,
      kind: target.kind,
      idempotency_key: idempotencyKey(bulletinId, target.id),
      status: values.status,
      step: sent ? 'done' : 'start',
      attempts: sent && target.kind !== 'web' ? 1 : 0,
      next_attempt_at: at,
      claimed_by: null,
      claimed_until: null,
      remote_media_id: null,
      remote_publish_id: null,
      remote_msg_id: null,
      result: null,
      last_errcode: null,
      last_error: null,
      sent_at: sent ? at : null,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export function listDeliveries(
  db: Executor,
  filter: { bulletinId?: number; scopePath?: string | null; status?: DeliveryStatus },
  window: { offset: number; limit: number },
) {
  let query = db
    .selectFrom('deliveries as d')
    .innerJoin('bulletins as b', 'b.id', 'd.bulletin_id')
    .leftJoin('channels as c', 'c.id', 'd.channel_id');
  if (filter.bulletinId !== undefined) query = query.where('d.bulletin_id', '=', filter.bulletinId);
  if (filter.status) query = query.where('d.status', '=', filter.status);
  if (filter.scopePath) {
    const [lower, upper] = subtreeRange(filter.scopePath);
    query = query.innerJoin('orgs as o', 'o.id', 'd.org_id').where('o.path', '>=', lower).where('o.path', '<', upper);
  }
  return Promise.all([
    query
      .selectAll('d')
      .select(['b.title as bulletin_title', 'c.name as channel_name'])
      .orderBy('d.id', 'desc')
      .offset(window.offset)
      .limit(window.limit)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
}

export function findDelivery(db: Executor, id: number) {
  return db
    .selectFrom('deliveries as d')
    .innerJoin('bulletins as b', 'b.id', 'd.bulletin_id')
    .innerJoin('orgs as o', 'o.id', 'd.org_id')
    .leftJoin('channels as c', 'c.id', 'd.channel_id')
    .selectAll('d')
    .select(['b.title as bulletin_title', 'c.name as channel_name', 'o.path as org_path'])
    .where('d.id', '=', id)
    .executeTakeFirst();
}

export function listLog(db: Executor, deliveryId: number) {
  return db
    .selectFrom('delivery_log')
    .select(['id', 'at', 'event', 'errcode', 'message'])
    .where('delivery_id', '=', deliveryId)
    .orderBy('id')
    .execute();
}

export async function appendLog(
  db: Executor,
  deliveryId: number,
  event: DeliveryEvent,
  detail: { errcode?: number | null; message?: string | null } = {},
): Promise<void> {
  await db
    .insertInto('delivery_log')
    .values({
      delivery_id: deliveryId,
      at: nowIso(),
      event,
      errcode: detail.errcode ?? null,
      message: detail.message?.slice(0, 500) ?? null,
    })
    .execute();
}

/**
 * Claims the next due delivery for `instance` until `leaseUntil`: a queued one whose time has come, or one left
 * 'sending' by a worker whose lease ran out or whose process has ended (`endedClaims`). Returns the row as it was
 * before the claim (its status tells a fresh send from a recovered one). Several instances on PostgreSQL never
 * claim the same row (SKIP LOCKED and a compare-and-set on the status and claim).
 */
export async function claimDelivery(
  db: Executor,
  instance: string,
  leaseUntil: string,
  endedClaims: string[],
): Promise<DeliveryRow | null> {
  const now = nowIso();
  return db.transaction().execute(async (trx) => {
    let candidate = trx
      .selectFrom('deliveries')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'queued'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<', now)]),
          ...(endedClaims.length > 0
            ? [eb.and([eb('status', '=', 'sending'), eb('claimed_by', 'in', endedClaims)])]
            : []),
        ]),
      )
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(1);
    if (isPostgres(trx)) candidate = candidate.forUpdate().skipLocked();
    const row = await candidate.executeTakeFirst();
    if (!row) return null;
    const result = await trx
      .updateTable('deliveries')
      .set({
        status: 'sending',
        claimed_by: instance,
        claimed_until: leaseUntil,
        attempts: row.attempts + 1,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .where('status', '=', row.status)
      .where((eb) => (row.claimed_by === null ? eb('claimed_by', 'is', null) : eb('claimed_by', '=', row.claimed_by)))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? row : null;
  });
}

/** Claims held by other workers, for the caller to ask whether their processes have ended. */
export async function sendingClaims(db: Executor, instance: string): Promise<string[]> {
  const rows = await db
    .selectFrom('deliveries')
    .select('claimed_by')
    .distinct()
    .where('status', '=', 'sending')
    .where('claimed_by', '!=', instance)
    .execute();
  return rows.flatMap((r) => (r.claimed_by ? [r.claimed_by] : []));
}

/** Updates a delivery this worker still holds; false when its claim was lost (it must not record anything). */
export async function updateHeld(
  db: Executor,
  id: number,
  instance: string,
  values: Partial<Omit<DeliveriesTable, 'id'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set({ ...values, updated_at: nowIso() })
    .where('id', '=', id)
    .where('claimed_by', '=', instance)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
