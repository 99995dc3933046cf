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

/** Walks the whole chain in id order; an edited, inserted or deleted row breaks it at that row. */
export async function verifyAuditChain(
  db: Db,
): Promise<{ ok: boolean; checked: number; firstBrokenId: number | null }> {
  let prevHash = genesisHash;
  let afterId = 0;
  let checked = 0;
  for (;;) {
    const batch = await auditBatch(db, afterId, 2000);
    if (batch.length === 0) return { ok: true, checked, firstBrokenId: null };
    for (const row of batch) {
      if (row.prev_hash !== prevHash || rowHash(prevHash, row) !== row.hash) {
        return { ok: false, checked, firstBrokenId: row.id };
      }
      prevHash = row.hash;
      afterId = row.id;
      checked += 1;
    }
  }
}
