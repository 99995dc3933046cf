import { createHash } from 'node:crypto';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import {
  auditBatch,
  insertAudit,
  lastAudit,
  listAudit,
  lockAuditChain,
  type AuditFilter,
  type AuditRow,
} from './repo.js';

const genesisHash = '0'.repeat(64);

export type AuditEntry = {
  action: string;
  objectType?: string;
  objectId?: string | number;
  orgId?: number | null;
  result?: 'success' | 'failure';
  details?: Record<string, unknown>;
};

type HashedFields = Pick<
  AuditRow,
  'at' | 'actor_id' | 'actor_name' | 'org_id' | 'action' | 'object_type' | 'object_id' | 'result' | 'ip' | 'details'
>;

function rowHash(prevHash: string, row: HashedFields): string {
  const fields = [
    row.at,
    row.actor_id,
    row.actor_name,
    row.org_id,
    row.action,
    row.object_type,
    row.object_id,
    row.result,
    row.ip,
    row.details,
  ];
  return createHash('sha256')
    .update(`${prevHash}\n${JSON.stringify(fields)}`)
    .digest('hex');
}

/**
 * Appends one hash-chained audit row. Called inside the transaction of the change it records, so that a change
 * and its audit row commit or vanish together.
 */
export async function recordAudit(
  executor: Executor,
  actor: Pick<Actor, 'userId' | 'username' | 'orgId' | 'ip'> | null,
  entry: AuditEntry,
): Promise<void> {
  if (!executor.isTransaction) {
    await executor.transaction().execute((trx) => recordAudit(trx, actor, entry));
    return;
  }
  await lockAuditChain(executor);
  const previous = await lastAudit(executor);
  const row: HashedFields = {
    at: nowIso(),
    actor_id: actor?.userId ?? null,
    actor_name: actor?.username ?? null,
    org_id: entry.orgId === undefined ? (actor?.orgId ?? null) : entry.orgId,
    action: entry.action,
    object_type: entry.objectType ?? null,
    object_id: entry.objectId === undefined ? null : String(entry.objectId),
    result: entry.result ?? 'success',
    ip: actor?.ip ?? null,
    details: entry.details ? JSON.stringify(entry.details) : null,
  };
  const prevHash = previous?.hash ?? genesisHash;
  await insertAudit(executor, { ...row, prev_hash: prevHash, hash: rowHash(prevHash, row) });
}

export async function listAuditEntries(db: Db, filter: AuditFilter) {
  const rows = await listAudit(db, filter);
  return {
    items: rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorId: r.actor_id,
      actorName: r.actor_name,
      orgId: r.org_id,
      action: r.action,
      objectType: r.object_type,
      objectId: r.object_id,
      result: r.result,
      ip: r.ip,
      details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
    })),
    nextBefore: rows.length === filter.limit ? rows[rows.length - 1].id : null,
  };
}

/** The audit log is kept at least this long (security.md: ≥ 6 months); a purge never removes younger rows. */
export const minAuditRetentionDays = 183;

type PurgeAnchor = { keptFromId: number; anchorHash: string };

/**
 * Removes the rows older than `olderThanDays` (at least 183) and appends an `audit.purge` row, chained like every
 * other, that names the first row kept and the hash it follows: verification then starts the chain from that
 * anchor. Deleting old rows by hand leaves no such row, and forging one breaks the chain after it.
 */
export async function purgeAuditLog(
  db: Db,
  input: { olderThanDays: number; now?: Date },
): Promise<{ deleted: number; keptFromId: number | null }> {
  if (!Number.isInteger(input.olderThanDays) || input.olderThanDays < minAuditRetentionDays) {
    throw new Error(`审计日志至少保存 ${minAuditRetentionDays} 天，不能清理更近的记录`);
  }
  const cutoff = new Date((input.now ?? new Date()).getTime() - input.olderThanDays * 86_400_000).toISOString();
  return db.transaction().execute(async (trx) => {
    await lockAuditChain(trx);
    const firstKept = await trx
      .selectFrom('audit_log')
      .select(['id', 'prev_hash'])
      .where('at', '>=', cutoff)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!firstKept) return { deleted: 0, keptFromId: null }; // nothing younger: keep all rather than lose the chain
    const result = await trx.deleteFrom('audit_log').where('id', '<', firstKept.id).executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    if (deleted === 0) return { deleted: 0, keptFromId: firstKept.id };
    const anchor: PurgeAnchor = { keptFromId: firstKept.id, anchorHash: firstKept.prev_hash };
    await recordAudit(trx, null, {
      action: 'audit.purge',
      objectType: 'audit_log',
      details: { ...anchor, deleted, olderThanDays: input.olderThanDays, cutoff },
    });
    return { deleted, keptFromId: firstKept.id };
  });
}

/** The anchor of the last purge, read from its chained row; none when the log was never purged. */
async function purgeAnchor(db: Db): Promise<PurgeAnchor | null> {
  const row = await db
    .selectFrom('audit_log')
    .select('details')
    .where('action', '=', 'audit.purge')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row?.details) return null;
  const details = JSON.parse(row.details) as Partial<PurgeAnchor>;
  return typeof details.keptFromId === 'number' && typeof details.anchorHash === 'string'
    ? { keptFromId: details.keptFromId, anchorHash: details.anchorHash }
    : null;
}

/**
 * Walks the whole chain in id order; an edited, inserted or deleted row breaks it at that row. After a purge the
 * chain starts at the first row kept, from the hash the purge row recorded.
 */
export async function verifyAuditChain(
  db: Db,
): Promise<{ ok: boolean; checked: number; firstBrokenId: number | null }> {
  const anchor = await purgeAnchor(db);
  let prevHash = genesisHash;
  let afterId = 0;
  let checked = 0;
  for (;;) {
    const batch = await auditBatch(db, afterId, 2000);
    if (batch.length === 0) return { ok: true, checked, firstBrokenId: null };
    for (const row of batch) {
      if (checked === 0 && anchor && row.id === anchor.keptFromId) prevHash = anchor.anchorHash;
      if (row.prev_hash !== prevHash || rowHash(prevHash, row) !== row.hash) {
        return { ok: false, checked, firstBrokenId: row.id };
      }
      prevHash = row.hash;
      afterId = row.id;
      checked += 1;
    }
  }
}
