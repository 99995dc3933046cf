import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loginAs, makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { minAuditRetentionDays, purgeAuditLog, verifyAuditChain } from './service.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const countyAdmin = await loginAs(ctx, 'org_admin', tree.countyA);
for (let i = 0; i < 6; i++) {
  const created = await countyAdmin.post('/api/orgs', {
    parentId: tree.townA1.id,
    name: `清理测试${i}村团支部`,
    type: 'branch',
    level: 'village',
  });
  assert.equal(created.statusCode, 201);
}
const days = (n: number) => n * 86_400_000;

test('rows younger than 183 days are never purged, whatever is asked', async () => {
  const before = await ctx.db.selectFrom('audit_log').select('id').execute();
  await assert.rejects(purgeAuditLog(ctx.db, { olderThanDays: 30 }), /至少保存 183 天/);
  assert.deepEqual(await purgeAuditLog(ctx.db, { olderThanDays: minAuditRetentionDays }), {
    deleted: 0,
    keptFromId: before[0].id,
  });
  assert.equal((await ctx.db.selectFrom('audit_log').select('id').execute()).length, before.length);
});

test('a purge removes the old rows, and the chain still verifies from the anchor it records', async () => {
  const rows = await ctx.db.selectFrom('audit_log').select(['id', 'at']).orderBy('id').execute();
  const firstKept = rows.find((row, index) => index >= 3 && row.at > rows[index - 1].at)!;
  // Half a year and a day after the rows before it were written: those are old enough, the rest not.
  const now = new Date(Date.parse(firstKept.at) + days(minAuditRetentionDays));
  const result = await purgeAuditLog(ctx.db, { olderThanDays: minAuditRetentionDays, now });
  const olderCount = rows.filter((row) => row.id < firstKept.id).length;
  assert.deepEqual(result, { deleted: olderCount, keptFromId: firstKept.id });
  const left = await ctx.db.selectFrom('audit_log').select(['id', 'action', 'details']).orderBy('id').execute();
  assert.equal(left[0].id, firstKept.id);
  const purgeRow = left[left.length - 1];
  assert.equal(purgeRow.action, 'audit.purge');
  assert.equal(JSON.parse(purgeRow.details!).deleted, olderCount);
  assert.deepEqual(await verifyAuditChain(ctx.db), { ok: true, checked: left.length, firstBrokenId: null });
});

test('deleting old rows by hand, past the anchor, breaks the chain at the first row left', async () => {
  const rows = await ctx.db.selectFrom('audit_log').select('id').orderBy('id').execute();
  await ctx.db.deleteFrom('audit_log').where('id', '=', rows[0].id).execute();
  assert.deepEqual(await verifyAuditChain(ctx.db), { ok: false, checked: 0, firstBrokenId: rows[1].id });
});
