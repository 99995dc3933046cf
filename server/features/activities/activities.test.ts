import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { watchPhones } from '../../../test/ledger-factories.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const editor = watchPhones(await loginAsFrom(ctx, 'org_editor', tree.countyA));
const inspector = watchPhones(await loginAsFrom(ctx, 'inspector', tree.countyA));
const otherCounty = watchPhones(await loginAsFrom(ctx, 'org_admin', tree.countyB));

test('an editor records activities held; they are listed newest first, per org or with the subtree', async () => {
  const record = (orgId: number, title: string, heldOn: string, kind = 'theme_day') =>
    editor.post('/api/activities', { orgId, title, kind, heldOn });
  const first = await record(tree.townA1.id, '五四主题团日', '2025-05-04');
  assert.equal(first.statusCode, 201, first.body);
  assert.equal(first.json().orgName, '共青团甲一镇委员会');
  await record(tree.townA1.id, '乡村振兴团课', '2025-06-10', 'lecture');
  await record(tree.villageA1.id, '入团仪式', '2025-05-20', 'ceremony');
  const own = (await inspector.get(`/api/orgs/${tree.townA1.id}/activities`)).json();
  assert.deepEqual(
    own.items.map((a: { title: string }) => a.title),
    ['乡村振兴团课', '五四主题团日'],
  );
  const subtree = (await inspector.get(`/api/orgs/${tree.countyA.id}/activities?includeSubtree=true`)).json();
  assert.equal(subtree.total, 3);
  const window = (
    await inspector.get(`/api/orgs/${tree.countyA.id}/activities?includeSubtree=true&from=2025-05-10&to=2025-05-31`)
  ).json();
  assert.deepEqual(
    window.items.map((a: { title: string }) => a.title),
    ['入团仪式'],
  );
  const audit = await ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'activity.create').execute();
  assert.equal(audit.length, 3, 'one audit row per activity');
});

test('activities are refused outside the subtree (404), to inspectors (403), in the future and of unknown kinds (400)', async () => {
  const payload = { orgId: tree.townA1.id, title: '越界活动', kind: 'volunteer', heldOn: '2025-03-05' };
  assert.equal((await otherCounty.post('/api/activities', payload)).statusCode, 404);
  assert.equal((await otherCounty.get(`/api/orgs/${tree.townA1.id}/activities`)).statusCode, 404);
  assert.equal((await inspector.post('/api/activities', payload)).statusCode, 403);
  const future = await editor.post('/api/activities', { ...payload, heldOn: '2999-03-05' });
  assert.equal(future.statusCode, 400);
  assert.match(future.json().error.message, /日期不能晚于今天/);
  assert.equal((await editor.post('/api/activities', { ...payload, kind: 'party' })).statusCode, 400);
  const rows = await ctx.db.selectFrom('activities').select('id').where('title', '=', '越界活动').execute();
  assert.deepEqual(rows, []);
});

test('no response of the activity routes shows a full phone number', () => {
  for (const client of [editor, inspector, otherCounty]) assert.deepEqual(client.leaks, []);
});
