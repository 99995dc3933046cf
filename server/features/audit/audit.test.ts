import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestContext } from '../../../test/harness.js';
import { loginAs, makeOrg, makeTree } from '../../../test/factories.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const auditor = await loginAs(ctx, 'audit_admin', null);
const countyAdmin = await loginAs(ctx, 'org_admin', tree.countyA);

test('a state change writes one audit row with time, actor, org, action, object, result and IP', async () => {
  const before = (await auditor.get('/api/audit?limit=1')).json().items[0].id as number;
  const created = await countyAdmin.request({
    method: 'POST',
    url: '/api/orgs',
    payload: { parentId: tree.townA1.id, name: '审计村团支部', type: 'branch', level: 'village' },
    remoteAddress: '10.1.2.3',
  });
  assert.equal(created.statusCode, 201);
  const rows = (await auditor.get(`/api/audit?limit=50`)).json().items.filter((r: { id: number }) => r.id > before);
  assert.equal(rows.length, 1);
  const [row] = rows;
  assert.equal(row.action, 'org.create');
  assert.equal(row.actorName, countyAdmin.user.username);
  assert.equal(row.actorId, countyAdmin.user.id);
  assert.equal(row.objectType, 'org');
  assert.equal(row.objectId, String(created.json().id));
  assert.equal(row.orgId, created.json().id);
  assert.equal(row.result, 'success');
  assert.equal(row.ip, '10.1.2.3');
  assert.ok(Date.now() - Date.parse(row.at) < 60_000);
});

test('failed logins are audited as failures and can be filtered', async () => {
  await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'x-csrf-token': 'login' },
    payload: { username: 'ghost', password: 'nope-nope-1' },
  });
  const failures = (await auditor.get('/api/audit?action=auth.login&result=failure')).json().items;
  assert.ok(failures.length >= 1);
  assert.ok(
    failures.every((r: { action: string; result: string }) => r.action === 'auth.login' && r.result === 'failure'),
  );
  assert.equal(failures[0].details.username, 'ghost');
  assert.ok(!JSON.stringify(failures).includes('nope-nope-1'), 'passwords never reach the audit log');
});

test('paging walks back through the log without gaps', async () => {
  for (let i = 0; i < 5; i++)
    await makeOrg(ctx, { parent: tree.townA2 }).then((o) =>
      countyAdmin.patch(`/api/orgs/${o.id}`, { phone: `029-${i}` }),
    );
  const all = (await auditor.get('/api/audit?limit=200')).json().items.map((r: { id: number }) => r.id);
  const paged: number[] = [];
  let before: number | null = null;
  do {
    const page: { items: { id: number }[]; nextBefore: number | null } = (
      await auditor.get(`/api/audit?limit=3${before ? `&before=${before}` : ''}`)
    ).json();
    paged.push(...page.items.map((r) => r.id));
    before = page.nextBefore;
  } while (before);
  assert.deepEqual(paged, all);
});

test('the hash chain verifies, and an edited or deleted row breaks it at that row', async () => {
  const intact = (await auditor.get('/api/audit/verify')).json();
  assert.equal(intact.ok, true);
  assert.ok(intact.checked >= 5);
  const victim = await ctx.db
    .selectFrom('audit_log')
    .select(['id', 'details'])
    .where('action', '=', 'org.create')
    .executeTakeFirstOrThrow();
  await ctx.db.updateTable('audit_log').set({ actor_name: 'someone-else' }).where('id', '=', victim.id).execute();
  const edited = (await auditor.get('/api/audit/verify')).json();
  assert.deepEqual([edited.ok, edited.firstBrokenId], [false, victim.id]);

  const ctx2 = await createTestContext();
  const auditor2 = await loginAs(ctx2, 'audit_admin', null);
  await loginAs(ctx2, 'audit_admin', null);
  const rows = await ctx2.db.selectFrom('audit_log').select('id').orderBy('id').execute();
  await ctx2.db.deleteFrom('audit_log').where('id', '=', rows[0].id).execute();
  const deleted = (await auditor2.get('/api/audit/verify')).json();
  assert.deepEqual([deleted.ok, deleted.firstBrokenId], [false, rows[1].id]);
});

test('no API writes the audit log, and only the audit administrator reads it', async () => {
  const writers = ctx.app.routeTable.filter((r) => r.url.startsWith('/api/audit') && r.method !== 'GET');
  assert.deepEqual(writers, []);
  const systemAdmin = await loginAs(ctx, 'system_admin', null);
  assert.equal((await systemAdmin.get('/api/audit')).statusCode, 403);
  assert.equal((await systemAdmin.get('/api/audit/verify')).statusCode, 403);
  assert.equal((await countyAdmin.get('/api/audit')).statusCode, 403);
  const deleteAttempt = await auditor.request({ method: 'DELETE', url: '/api/audit' });
  assert.equal(deleteAttempt.statusCode, 404);
});
