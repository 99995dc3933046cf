import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseHandle } from '../server/db/database.js';
import type { Db } from '../server/db/schema.js';
import { verifyAuditChain } from '../server/features/audit/service.js';
import { filesDir, storedFilePath } from '../server/files/store.js';

// What server/crash.test.ts checks after every restart: what a user could notice of a crash, read straight from
// the database and the data directory the restarted server uses.

/** A write the client sent: acknowledged (with the id the server answered) or in flight when the server died. */
export type Written = { kind: 'activity' | 'member'; name: string; id: number };

/** A member import uploaded during the test, and (after the checks) how it ended. */
export type ImportRun = {
  serial: number;
  fileName: string;
  content: Buffer;
  acknowledged: boolean;
  killed: string;
  outcome?: string;
  attempts?: number;
};

export type Sent = {
  acknowledged: Written[];
  inFlightAtKill: Omit<Written, 'id'>[];
  imports: ImportRun[];
  importRows: number;
};

export const jobOf = (db: Db, fileName: string) =>
  db
    .selectFrom('jobs')
    .select(['id', 'status', 'error', 'attempts', 'input'])
    .where('input', 'like', `%"name":"${fileName}"%`)
    .executeTakeFirst();

/** The files under their final names in the store (not the temporary ones). */
export function storedFiles(dataDir: string): string[] {
  const root = filesDir(dataDir);
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .filter((shard) => shard !== 'tmp')
    .flatMap((shard) => fs.readdirSync(path.join(root, shard)).map((name) => path.join(root, shard, name)));
}

/**
 * SQLite's integrity_check and foreign keys; every acknowledged write there once, nothing without its audit row;
 * each import applied whole (its job done, one member.import row) or not at all (failed, with a message for
 * people); the member counts equal to the register; the audit chain intact; every stored file whole.
 */
export async function checkAfterCrash(
  { db, sqliteWriter }: DatabaseHandle,
  dataDir: string,
  sent: Sent,
  label: string,
): Promise<{ integrityChecked: boolean; acknowledgedChecks: number; inFlightCommitted: number; auditRows: number }> {
  const { acknowledged, inFlightAtKill, imports, importRows } = sent;
  let integrityChecked = false;
  let acknowledgedChecks = 0;
  if (sqliteWriter) {
    assert.deepEqual(sqliteWriter.pragma('integrity_check'), [{ integrity_check: 'ok' }], label);
    assert.deepEqual(sqliteWriter.pragma('foreign_key_check'), [], label);
    integrityChecked = true;
  }
  // Every acknowledged write is there, once; nothing written lacks its audit row.
  const audited = await db
    .selectFrom('audit_log')
    .select(['action', 'object_id'])
    .where('action', 'in', ['activity.create', 'member.create'])
    .execute();
  const auditedKeys = new Set(audited.map((r) => `${r.action}:${r.object_id}`));
  const activities = await db
    .selectFrom('activities')
    .select(['id', 'title as name'])
    .where('title', 'like', '崩溃测试%')
    .execute();
  const members = await db
    .selectFrom('members')
    .select(['id', 'full_name as name'])
    .where('full_name', 'like', '崩溃测试%')
    .execute();
  const stored = new Map<string, number[]>();
  for (const row of [...activities, ...members]) stored.set(row.name, [...(stored.get(row.name) ?? []), row.id]);
  for (const write of acknowledged) {
    assert.deepEqual(stored.get(write.name), [write.id], `${label}: acknowledged ${write.name} is there once`);
    acknowledgedChecks++;
  }
  const unaudited = [
    ...activities.filter((r) => !auditedKeys.has(`activity.create:${r.id}`)),
    ...members.filter((r) => !auditedKeys.has(`member.create:${r.id}`)),
  ];
  assert.deepEqual(unaudited, [], `${label}: rows without their audit row`);
  const inFlightCommitted = inFlightAtKill.filter((w) => stored.has(w.name)).length;

  // Imports: all rows with the job done and one member.import audit row, or none and the job failed.
  for (const run of imports) {
    const job = await jobOf(db, run.fileName);
    if (run.acknowledged) assert.ok(job, `${label}: the acknowledged upload ${run.fileName} has its job`);
    const present = await db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('full_name', 'like', `导入${run.serial}-%`)
      .executeTakeFirstOrThrow();
    const applied = job
      ? await db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('action', '=', 'member.import')
          .where('object_id', '=', String(job.id))
          .executeTakeFirstOrThrow()
      : { n: 0 };
    const outcome = { status: job?.status ?? 'no job', members: Number(present.n), applied: Number(applied.n) };
    run.outcome = outcome.status;
    run.attempts = job?.attempts ?? 0;
    const context = `${label}: import ${run.fileName} (killed ${run.killed}): ${JSON.stringify(job)}`;
    if (job?.status === 'done') assert.deepEqual(outcome, { status: 'done', members: importRows, applied: 1 }, context);
    else {
      assert.deepEqual(outcome, { status: outcome.status, members: 0, applied: 0 }, context);
      if (job) {
        assert.equal(job.status, 'failed', context);
        assert.match(job.error ?? '', /[\u4e00-\u9fff]/, `${context}: a message for people`);
      }
    }
  }

  // The member counts (per branch and per subtree) agree with the register.
  const counted = await db
    .selectFrom('members')
    .innerJoin('orgs', 'orgs.id', 'members.org_id')
    .select(['members.org_id', 'orgs.path', 'members.membership_status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['members.org_id', 'orgs.path', 'members.membership_status'])
    .execute();
  const direct = new Map(counted.map((r) => [`${r.org_id}:${r.membership_status}`, Number(r.n)]));
  const subtree = new Map<string, number>();
  for (const row of counted) {
    for (const id of row.path.split('/').filter(Boolean)) {
      const key = `${id}:${row.membership_status}`;
      subtree.set(key, (subtree.get(key) ?? 0) + Number(row.n));
    }
  }
  const asMap = (rows: { org_id: number; membership_status: string; count: number }[]) =>
    new Map(
      rows.filter((r) => Number(r.count) !== 0).map((r) => [`${r.org_id}:${r.membership_status}`, Number(r.count)]),
    );
  assert.deepEqual(
    asMap(await db.selectFrom('member_counts').selectAll().execute()),
    direct,
    `${label}: member_counts`,
  );
  assert.deepEqual(asMap(await db.selectFrom('member_rollups').selectAll().execute()), subtree, `${label}: rollups`);

  const chain = await verifyAuditChain(db);
  assert.ok(chain.ok, `${label}: the audit chain breaks at row ${chain.firstBrokenId}`);

  // Stored files: each row has its file, each file its whole content (its name is its hash).
  const rows = await db.selectFrom('files').select(['sha256', 'mime']).execute();
  for (const row of rows) assert.ok(fs.existsSync(storedFilePath(dataDir, row.sha256)), `${label}: ${row.sha256}`);
  for (const file of storedFiles(dataDir)) {
    const hash = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    assert.equal(hash, path.basename(file), `${label}: ${file} holds what its name says`);
  }
  return { integrityChecked, acknowledgedChecks, inFlightCommitted, auditRows: chain.checked };
}
