import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestContext } from '../../../test/harness.js';
import { loginAs, makeOrg, makeTree } from '../../../test/factories.js';
import { makeMember } from '../../../test/people-factories.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const countyAdmin = await loginAs(ctx, 'org_admin', tree.countyA);

test('a county admin sees its county as the root, with children counted', async () => {
  const roots = await countyAdmin.get('/api/orgs/roots');
  assert.equal(roots.statusCode, 200);
  const [root] = roots.json().items;
  assert.equal(root.name, '共青团甲县委员会');
  assert.deepEqual(root.counts, { children: 2, descendants: 3, members: 0 });
  const children = await countyAdmin.get(`/api/orgs/${tree.countyA.id}/children`);
  assert.deepEqual(
    children
      .json()
      .items.map((o: { name: string }) => o.name)
      .sort(),
    ['共青团甲一镇委员会', '共青团甲二镇委员会'].sort(),
  );
});

test('an org detail has its visible ancestors and what the actor may do', async () => {
  const detail = (await countyAdmin.get(`/api/orgs/${tree.villageA1.id}`)).json();
  // The breadcrumb starts at the top of the actor's own scope: the city above is not theirs to see.
  assert.deepEqual(
    detail.ancestors.map((a: { name: string }) => a.name),
    ['共青团甲县委员会', '共青团甲一镇委员会'],
  );
  assert.deepEqual(detail.abilities, { update: true, createChild: false, dissolve: true, requestMove: true });
  const own = (await countyAdmin.get(`/api/orgs/${tree.countyA.id}`)).json();
  assert.equal(own.abilities.dissolve, false, 'nobody dissolves the top of their own scope');
  const inspector = await loginAs(ctx, 'inspector', tree.countyA);
  const readOnly = (await inspector.get(`/api/orgs/${tree.townA1.id}`)).json();
  assert.deepEqual(readOnly.abilities, { update: false, createChild: false, dissolve: false, requestMove: false });
});

test('search finds by name and by code, only inside the subtree, higher levels first', async () => {
  const byName = (await countyAdmin.get(`/api/orgs/search?q=${encodeURIComponent('一')}`)).json().items;
  assert.deepEqual(
    byName.map((o: { name: string }) => o.name),
    ['共青团甲一镇委员会', '甲一村团支部'],
  );
  assert.deepEqual(byName[1].pathNames, ['共青团甲县委员会', '共青团甲一镇委员会', '甲一村团支部']);
  const byCode = (await countyAdmin.get('/api/orgs/search?q=610101001')).json().items;
  assert.deepEqual(
    byCode.map((o: { id: number }) => o.id),
    [tree.townA1.id],
  );
  const wildcard = (await countyAdmin.get(`/api/orgs/search?q=${encodeURIComponent('%')}`)).json().items;
  assert.deepEqual(wildcard, [], 'LIKE wildcards in the query are literal');
  const empty = await countyAdmin.get('/api/orgs/search?q=');
  assert.equal(empty.statusCode, 400);
  assert.match(empty.json().error.message, /请输入组织名称或区划代码/);
});

test('create, rename and edit an org; every change is in its history', async () => {
  const created = await countyAdmin.post('/api/orgs', {
    parentId: tree.townA2.id,
    name: '新建村团支部',
    type: 'branch',
    level: 'village',
    regionCode: '610101',
    statCode: '610101002201',
  });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id as number;
  const renamed = await countyAdmin.patch(`/api/orgs/${id}`, { name: '新名村团支部', phone: '029-1234567' });
  assert.equal(renamed.statusCode, 200, renamed.body);
  assert.equal(renamed.json().name, '新名村团支部');
  const unchanged = await countyAdmin.patch(`/api/orgs/${id}`, { name: '新名村团支部' });
  assert.equal(unchanged.statusCode, 200);
  const history = (await countyAdmin.get(`/api/orgs/${id}/history`)).json().items;
  assert.deepEqual(
    history.map((h: { action: string }) => h.action),
    ['update', 'create'],
    'a no-op edit adds no history',
  );
  assert.deepEqual(history[0].changes.name, { from: '新建村团支部', to: '新名村团支部' });
  assert.equal(history[0].actorName, `测试用户${countyAdmin.user.username}`);
  const parent = (await countyAdmin.get(`/api/orgs/${tree.townA2.id}`)).json();
  assert.equal(parent.counts.children, 1);
});

test('dissolve is refused while an org has members or children, then allowed and kept in history', async () => {
  const town = await makeOrg(ctx, { parent: tree.countyA, level: 'township' });
  const village = await makeOrg(ctx, { parent: town });
  await makeMember(ctx, { org: village });
  const withMembers = await countyAdmin.post(`/api/orgs/${village.id}/dissolve`, { reason: '合并' });
  assert.equal(withMembers.statusCode, 409);
  assert.equal(withMembers.json().error.code, 'org_not_empty');
  assert.match(withMembers.json().error.message, /1 名团员/);
  const withChildren = await countyAdmin.post(`/api/orgs/${town.id}/dissolve`, { reason: '合并' });
  assert.equal(withChildren.json().error.code, 'org_not_empty');
  await ctx.db.deleteFrom('members').where('org_id', '=', village.id).execute();
  assert.equal((await countyAdmin.post(`/api/orgs/${village.id}/dissolve`, { reason: '村庄合并' })).statusCode, 200);
  assert.equal((await countyAdmin.post(`/api/orgs/${town.id}/dissolve`, { reason: '撤乡并镇' })).statusCode, 200);
  const detail = (await countyAdmin.get(`/api/orgs/${town.id}`)).json();
  assert.equal(detail.status, 'dissolved');
  assert.ok(detail.dissolvedAt);
  const listed = (await countyAdmin.get(`/api/orgs/${tree.countyA.id}/children`)).json().items;
  assert.ok(!listed.some((o: { id: number }) => o.id === town.id), 'dissolved orgs leave the default listing');
  const all = (await countyAdmin.get(`/api/orgs/${tree.countyA.id}/children?includeDissolved=true`)).json().items;
  assert.ok(all.some((o: { id: number }) => o.id === town.id));
  const edit = await countyAdmin.patch(`/api/orgs/${town.id}`, { name: '共青团复活镇委员会' });
  assert.equal(edit.json().error.code, 'org_dissolved');
  const history = (await countyAdmin.get(`/api/orgs/${town.id}/history`)).json().items;
  assert.deepEqual(history[0].changes, { reason: '撤乡并镇' });
});

test('a move is requested, approved by the old parent, then the new parent, and the whole subtree follows', async () => {
  const village = await makeOrg(ctx, { parent: tree.townA1, name: '搬迁村团支部' });
  const oldTownAdmin = await loginAs(ctx, 'org_admin', tree.townA1);
  const newTownAdmin = await loginAs(ctx, 'org_admin', tree.townA2);
  const requested = await countyAdmin.post(`/api/orgs/${village.id}/moves`, {
    toParentId: tree.townA2.id,
    reason: '行政区划调整',
  });
  assert.equal(requested.statusCode, 201, requested.body);
  const moveId = requested.json().id as number;
  const again = await countyAdmin.post(`/api/orgs/${village.id}/moves`, {
    toParentId: tree.townA2.id,
    reason: '重复申请',
  });
  assert.equal(again.json().error.code, 'move_pending');

  // The requester cannot approve, the new parent must wait for the old one.
  assert.equal((await countyAdmin.post(`/api/org-moves/${moveId}/approve`)).statusCode, 403);
  assert.equal((await newTownAdmin.post(`/api/org-moves/${moveId}/approve`)).statusCode, 403);
  const pendingForOld = (await oldTownAdmin.get('/api/org-moves')).json().items;
  assert.equal(pendingForOld.find((m: { id: number }) => m.id === moveId).canDecide, true);
  assert.equal((await oldTownAdmin.post(`/api/org-moves/${moveId}/approve`)).json().status, 'pending_new');
  assert.equal((await countyAdmin.get(`/api/orgs/${village.id}`)).json().parentId, tree.townA1.id, 'nothing moves yet');
  assert.equal((await newTownAdmin.post(`/api/org-moves/${moveId}/approve`)).json().status, 'done');

  const moved = (await countyAdmin.get(`/api/orgs/${village.id}`)).json();
  assert.equal(moved.parentId, tree.townA2.id);
  assert.deepEqual(
    moved.ancestors.map((a: { name: string }) => a.name),
    ['共青团甲县委员会', '共青团甲二镇委员会'],
  );
  // The new parent's admin now sees it; the old parent's admin no longer does.
  assert.equal((await newTownAdmin.get(`/api/orgs/${village.id}`)).statusCode, 200);
  assert.equal((await oldTownAdmin.get(`/api/orgs/${village.id}`)).statusCode, 404);
  const actions = (await countyAdmin.get(`/api/orgs/${village.id}/history`))
    .json()
    .items.map((h: { action: string }) => h.action);
  assert.deepEqual(actions.slice(0, 3), ['move_approved_new', 'move_approved_old', 'move_requested']);
});

test('a moved subtree keeps its descendants, paths and depths', async () => {
  const town = await makeOrg(ctx, { parent: tree.countyA, level: 'township', name: '共青团搬家镇委员会' });
  const village = await makeOrg(ctx, { parent: town });
  const cityAdmin = await loginAs(ctx, 'org_admin', tree.cityA);
  const countyA2 = await makeOrg(ctx, { parent: tree.cityA, level: 'county', name: '共青团甲二县委员会' });
  const moveId = (
    await cityAdmin.post(`/api/orgs/${town.id}/moves`, { toParentId: countyA2.id, reason: '区划调整' })
  ).json().id;
  assert.equal((await countyAdmin.post(`/api/org-moves/${moveId}/approve`)).statusCode, 200);
  const newCountyAdmin = await loginAs(ctx, 'org_admin', countyA2);
  assert.equal((await newCountyAdmin.post(`/api/org-moves/${moveId}/approve`)).json().status, 'done');
  const row = await ctx.db
    .selectFrom('orgs')
    .select(['path', 'depth'])
    .where('id', '=', village.id)
    .executeTakeFirstOrThrow();
  assert.equal(
    row.path,
    `${tree.province.path.slice(0, -1)}/${tree.cityA.id}/${countyA2.id}/${town.id}/${village.id}/`,
  );
  assert.equal(row.depth, 4);
  const found = (await newCountyAdmin.get(`/api/orgs/search?q=${encodeURIComponent('搬家')}`)).json().items;
  assert.deepEqual(
    found.map((o: { id: number }) => o.id),
    [town.id],
  );
});

test('moves that would break the tree are refused, and a rejection is recorded', async () => {
  const town = await makeOrg(ctx, { parent: tree.countyA, level: 'township' });
  const village = await makeOrg(ctx, { parent: town });
  const intoOwnChild = await countyAdmin.post(`/api/orgs/${town.id}/moves`, { toParentId: village.id, reason: '测试' });
  assert.equal(intoOwnChild.json().error.code, 'invalid_move');
  const underBranch = await countyAdmin.post(`/api/orgs/${village.id}/moves`, {
    toParentId: tree.villageA1.id,
    reason: '测试',
  });
  assert.equal(underBranch.json().error.code, 'invalid_move');
  const outside = await countyAdmin.post(`/api/orgs/${village.id}/moves`, {
    toParentId: tree.townB1.id,
    reason: '测试',
  });
  assert.equal(outside.statusCode, 404, 'a target outside the subtree looks missing');
  const moveId = (
    await countyAdmin.post(`/api/orgs/${village.id}/moves`, { toParentId: tree.townA2.id, reason: '测试' })
  ).json().id;
  const townAdmin = await loginAs(ctx, 'org_admin', town);
  const rejected = await townAdmin.post(`/api/org-moves/${moveId}/reject`, { reason: '群众不同意' });
  assert.equal(rejected.json().status, 'rejected');
  assert.equal((await townAdmin.post(`/api/org-moves/${moveId}/approve`)).statusCode, 409);
  const all = (await countyAdmin.get('/api/org-moves?scope=all')).json().items;
  assert.equal(all.find((m: { id: number }) => m.id === moveId).rejectReason, '群众不同意');
});

test('only an actor whose scope is everything creates a top-level org', async () => {
  const body = { parentId: null, name: '共青团新省委员会', type: 'committee', level: 'province' };
  assert.equal((await countyAdmin.post('/api/orgs', body)).statusCode, 403);
  const systemAdmin = await loginAs(ctx, 'system_admin', null);
  const created = await systemAdmin.post('/api/orgs', body);
  assert.equal(created.statusCode, 201, created.body);
  const roots = (await systemAdmin.get('/api/orgs/roots')).json().items.map((o: { name: string }) => o.name);
  assert.ok(roots.includes('共青团新省委员会'));
});
