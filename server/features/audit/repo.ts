import { sql } from 'kysely';
import type { AuditLogTable, Executor } from '../../db/schema.js';
import { isPostgres } from '../../db/tree.js';

export type AuditRow = Omit<AuditLogTable, 'id'> & { id: number };

export async function lastAudit(trx: Executor): Promise<{ hash: string } | undefined> {
  return trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** Serialises writers of the chain on PostgreSQL (SQLite already has a single writer). */
export async function lockAuditChain(trx: Executor): Promise<void> {
  if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(727001)`.execute(trx);
}

export async function insertAudit(trx: Executor, row: Omit<AuditLogTable, 'id'>): Promise<void> {
  await trx.insertInto('audit_log').values(row).execute();
}

export type AuditFilter = {
  from?: string;
  to?: string;
  action?: string;
  actor?: string;
  orgId?: number;
  result?: 'success' | 'failure';
  before?: number;
  limit: number;
};

export async function listAudit(db: Executor, filter: AuditFilter): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.from) query = query.where('at', '>=', filter.from);
  if (filter.to) query = query.where('at', '<=', filter.to);
  if (filter.action) query = query.where('action', 'like', `${filter.action}%`);
  if (filter.actor) query = query.where('actor_name', '=', filter.actor);
  if (filter.orgId) query = query.where('org_id', '=', filter.orgId);
  if (filter.result) query = query.where('result', '=', filter.result);
  if (filter.before) query = query.where('id', '<', filter.before);
  return query.execute();
}

export async function auditBatch(db: Executor, afterId: number, size: number): Promise<AuditRow[]> {
  return db.selectFrom('audit_log').selectAll().where('id', '>', afterId).orderBy('id').limit(size).execute();
}
