import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { loginAsFrom } from '../../../test/clients.js';
import { makeOrg, makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { storedFilePath } from '../../files/store.js';
import {
  makeCadre,
  expectOneAuditRow,
  makeChannel,
  multipartFile,
  pngBytes,
  uploadEvidence,
  watchPhones,
} from '../../../test/ledger-factories.js';

const ctx = await createTestContext({ TUANJIAN_MAX_IMAGE_MB: '1' });
const tree = await makeTree(ctx);
const editor = watchPhones(await loginAsFrom(ctx, 'org_editor', tree.countyA));
const inspector = watchPhones(await loginAsFrom(ctx, 'inspector', tree.countyA));
const otherCounty = watchPhones(await loginAsFrom(ctx, 'org_admin', tree.countyB));
const clients = [editor, inspector, otherCounty];

const auditCount = async () =>
  Number(
    (
      await ctx.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

test('an editor registers a group in its subtree; it is listed with the total, and another county sees nothing', async () => {
  const before = await auditCount();
  const created = await editor.post('/api/channels', {
    orgId: tree.townA1.id,
    kind: 'tuanqing_group',
    name: '甲一镇团青一群',
    createdOn: '2025-07-15',
  });
  assert.equal(created.statusCode, 201, created.body);
  const channel = created.json();
  assert.equal(channel.orgName, '共青团甲一镇委员会');
  assert.equal(channel.namingIssue, null);
  assert.equal(channel.abilities.update, true);
  assert.equal(await auditCount(), before + 1, 'one audit row');

  const listed = (await editor.get('/api/channels?q=团青一群')).json();
  assert.equal(listed.total, 1);
  assert.equal(listed.items[0].id, channel.id);
  assert.equal((await editor.get(`/api/channels?orgId=${tree.townA2.id}&q=团青一群`)).json().total, 0);
  assert.equal((await editor.get(`/api/channels?orgId=${tree.countyA.id}&scope=own&q=团青一群`)).json().total, 0);

  const theirs = (await otherCounty.get('/api/channels?q=团青一群')).json();
  assert.equal(theirs.total, 0);
  for (const response of [
    await otherCounty.get(`/api/channels/${channel.id}`),
    await otherCounty.get(`/api/channels?orgId=${tree.townA1.id}`),
    await otherCounty.patch(`/api/channels/${channel.id}`, { name: '改名' }),
    await otherCounty.post(`/api/channels/${channel.id}/readings`, { onDate: '2025-08-01', count: 10 }),
    await otherCounty.post(`/api/channels/${channel.id}/posts`, { onDate: '2025-08-01', count: 1 }),
    await uploadEvidence(otherCounty, channel.id),
    await otherCounty.post('/api/channels', { orgId: tree.townA1.id, kind: 'other_group', name: '越界群' }),
  ]) {
    assert.equal(response.statusCode, 404, response.body);
    assert.match(response.json().error.message, /不存在或无权访问/);
  }
  const missing = await otherCounty.get('/api/channels/999999');
  assert.deepEqual((await otherCounty.get(`/api/channels/${channel.id}`)).json(), missing.json());
});

test('an inspector reads the ledger but changes nothing', async () => {
  const channel = await makeChannel(ctx, { org: tree.townA2 });
  const detail = await inspector.get(`/api/channels/${channel.id}`);
  assert.equal(detail.statusCode, 200);
  assert.equal(detail.json().abilities.update, false);
  for (const response of [
    await inspector.post('/api/channels', { orgId: tree.townA2.id, kind: 'other_group', name: '检查员建的群' }),
    await inspector.patch(`/api/channels/${channel.id}`, { status: 'closed' }),
    await inspector.post(`/api/channels/${channel.id}/readings`, { onDate: '2025-08-01', count: 10 }),
    await inspector.post(`/api/channels/${channel.id}/posts`, { onDate: '2025-08-01', count: 1 }),
    await uploadEvidence(inspector, channel.id),
  ]) {
    assert.equal(response.statusCode, 403, response.body);
    assert.equal(response.json().error.code, 'forbidden');
  }
});

test('a second channel of the same kind and name in one org is refused in Chinese', async () => {
  const first = await editor.post('/api/channels', { orgId: tree.townA2.id, kind: 'tuanqing_group', name: '重名群' });
  assert.equal(first.statusCode, 201);
  const again = await editor.post('/api/channels', { orgId: tree.townA2.id, kind: 'tuanqing_group', name: ' 重名群 ' });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().error.code, 'conflict');
  assert.match(again.json().error.message, /本组织已有同类型、同名称的渠道“重名群”/);
  const otherKind = await editor.post('/api/channels', { orgId: tree.townA2.id, kind: 'qq_group', name: '重名群' });
  assert.equal(otherKind.statusCode, 201, 'another kind may share the name');
  const otherOrg = await editor.post('/api/channels', {
    orgId: tree.townA1.id,
    kind: 'tuanqing_group',
    name: '重名群',
  });
  assert.equal(otherOrg.statusCode, 201, 'another org may share the name');
  const rename = await editor.patch(`/api/channels/${otherKind.json().id}`, { kind: 'tuanqing_group' });
  assert.equal(rename.statusCode, 409);
  assert.match(rename.json().error.message, /同名称/);
});

test('qingnong groups and official accounts of county level and above are flagged when not named 青农 + place', async () => {
  const city = await makeOrg(ctx, { parent: tree.province, name: '共青团西安市委员会' });
  const county = await makeOrg(ctx, { parent: city, name: '共青团长安区委员会' });
  const badly = await editor.post('/api/channels', { orgId: tree.cityA.id, kind: 'qingnong_group', name: '甲市青年' });
  assert.equal(badly.statusCode, 404, 'the city lies outside the county editor’s subtree');
  const cityAdmin = watchPhones(await loginAsFrom(ctx, 'org_admin', city));
  clients.push(cityAdmin);
  const flagged = await cityAdmin.post('/api/channels', { orgId: city.id, kind: 'qingnong_group', name: '西安青年' });
  assert.equal(flagged.statusCode, 201, 'flagged, never refused');
  assert.equal(flagged.json().namingIssue, '县级及以上青农群、公众号应命名为“青农西安”');
  const listed = (await cityAdmin.get('/api/channels?namingIssue=true')).json();
  assert.deepEqual(
    listed.items.map((c: { id: number }) => c.id),
    [flagged.json().id],
  );
  const renamed = await cityAdmin.patch(`/api/channels/${flagged.json().id}`, { name: '青农西安群' });
  assert.equal(renamed.json().namingIssue, null);
  assert.equal((await cityAdmin.get('/api/channels?namingIssue=true')).json().total, 0);

  // Moving a freely named group up to a county makes the rule apply; the check follows the org.
  const town = await makeOrg(ctx, { parent: county, name: '共青团兴隆街道委员会' });
  const townGroup = await cityAdmin.post('/api/channels', { orgId: town.id, kind: 'qingnong_group', name: '兴隆青年' });
  assert.equal(townGroup.json().namingIssue, null, 'townships name freely');
  const moved = await cityAdmin.patch(`/api/channels/${townGroup.json().id}`, { orgId: county.id });
  assert.equal(moved.json().namingIssue, '县级及以上青农群、公众号应命名为“青农长安”');
  const retyped = await cityAdmin.patch(`/api/channels/${townGroup.json().id}`, { kind: 'other_group' });
  assert.equal(retyped.json().namingIssue, null, 'other groups name freely');
  const account = await cityAdmin.post('/api/channels', {
    orgId: county.id,
    kind: 'official_account',
    name: '青农长安',
    accountType: 'subscription',
    appId: 'wx0123456789abcdef',
    originalId: 'gh_0123456789ab',
  });
  assert.equal(account.statusCode, 201, account.body);
  assert.equal(account.json().namingIssue, null);
  assert.equal(account.json().appId, 'wx0123456789abcdef');

  // Renaming the org re-checks its channels: the place in the name follows the org.
  assert.equal((await cityAdmin.patch(`/api/orgs/${county.id}`, { name: '共青团灞桥区委员会' })).statusCode, 200);
  const recheck = (await cityAdmin.get(`/api/channels/${account.json().id}`)).json();
  assert.equal(recheck.namingIssue, '县级及以上青农群、公众号应命名为“青农灞桥”');
  await cityAdmin.patch(`/api/orgs/${county.id}`, { shortName: '长安' });
  assert.equal((await cityAdmin.get(`/api/channels/${account.json().id}`)).json().namingIssue, null);
});

test('AppID and original id of official accounts are checked, and only official accounts carry them', async () => {
  const base = { orgId: tree.countyA.id, kind: 'official_account', name: '青农甲县' };
  const badAppId = await editor.post('/api/channels', { ...base, appId: 'wx123' });
  assert.equal(badAppId.statusCode, 400);
  assert.match(badAppId.json().error.message, /AppID 应为 wx 加 16 位/);
  const badOriginal = await editor.post('/api/channels', { ...base, originalId: 'gh_XYZ' });
  assert.equal(badOriginal.statusCode, 400);
  assert.match(badOriginal.json().error.message, /原始 ID 应为 gh_ 加 12 位/);
  const onGroup = await editor.post('/api/channels', { ...base, kind: 'tuanqing_group', appId: 'wx0123456789abcdef' });
  assert.equal(onGroup.statusCode, 400);
  assert.match(onGroup.json().error.message, /只有公众号/);
  const group = await makeChannel(ctx, { org: tree.countyA });
  const patched = await editor.patch(`/api/channels/${group.id}`, { originalId: 'gh_0123456789ab' });
  assert.equal(patched.statusCode, 400);
  assert.match(patched.json().error.message, /只有公众号/);
});

test('readings keep a history: one per day, the newest day is the latest count, other days are never overwritten', async () => {
  const channel = await makeChannel(ctx, { org: tree.townA1 });
  const record = (onDate: string, count: number) =>
    editor.post(`/api/channels/${channel.id}/readings`, { onDate, count });
  assert.equal((await record('2025-09-01', 100)).statusCode, 200);
  assert.equal((await record('2025-09-20', 180)).statusCode, 200);
  const corrected = await record('2025-09-01', 95);
  const detail = corrected.json();
  assert.deepEqual(detail.readings, [
    { onDate: '2025-09-20', count: 180, source: 'manual' },
    { onDate: '2025-09-01', count: 95, source: 'manual' },
  ]);
  assert.equal(detail.latestCount, 180, 'a correction of an older day leaves the latest count alone');
  assert.equal(detail.latestCountOn, '2025-09-20');
  const listed = (await editor.get(`/api/channels?orgId=${tree.townA1.id}&scope=own&q=${channel.name}`)).json();
  assert.equal(listed.items[0].latestCount, 180);
  const future = await record('2999-01-01', 1);
  assert.equal(future.statusCode, 400);
  assert.match(future.json().error.message, /日期不能晚于今天/);
  const impossible = await record('2025-02-30', 1);
  assert.equal(impossible.statusCode, 400);
});

test('posts are recorded by hand, one figure per day', async () => {
  const channel = await makeChannel(ctx, { org: tree.townA1 });
  await editor.post(`/api/channels/${channel.id}/posts`, { onDate: '2025-10-01', count: 2 });
  await editor.post(`/api/channels/${channel.id}/posts`, { onDate: '2025-10-03', count: 1 });
  const detail = (await editor.post(`/api/channels/${channel.id}/posts`, { onDate: '2025-10-01', count: 3 })).json();
  assert.deepEqual(detail.recentPosts, [
    { onDate: '2025-10-03', count: 1 },
    { onDate: '2025-10-01', count: 3 },
  ]);
});

test('the responsible cadre must be one the actor sees and still in post; the channel shows the masked phone', async () => {
  const channel = await makeChannel(ctx, { org: tree.townA1 });
  const theirs = await makeCadre(ctx, { org: tree.townB1 });
  const outside = await editor.patch(`/api/channels/${channel.id}`, { responsibleCadreId: theirs.id });
  assert.equal(outside.statusCode, 404);
  const left = await makeCadre(ctx, { org: tree.townA1, status: 'left' });
  assert.equal((await editor.patch(`/api/channels/${channel.id}`, { responsibleCadreId: left.id })).statusCode, 409);
  const cadre = await makeCadre(ctx, { org: tree.townA1, fullName: '李书记', phone: '13800138000' });
  const set = await editor.patch(`/api/channels/${channel.id}`, { responsibleCadreId: cadre.id });
  assert.deepEqual(set.json().responsibleCadre, { id: cadre.id, fullName: '李书记', phoneMasked: '138****8000' });
  assert.ok(!set.body.includes('13800138000'));
});

test('evidence: an image is stored and downloaded as an attachment; anything else is refused', async () => {
  const channel = await makeChannel(ctx, { org: tree.townA1 });
  const bytes = pngBytes('evidence-one');
  const uploaded = await uploadEvidence(editor, channel.id, bytes, '../../etc/群截图\u0000.exe');
  assert.equal(uploaded.statusCode, 201, uploaded.body);
  const evidence = uploaded.json();
  assert.equal(evidence.mime, 'image/png');
  assert.equal(evidence.fileName, '群截图.png', 'no path parts, no NUL, the extension of the real type');
  const detail = (await inspector.get(`/api/channels/${channel.id}`)).json();
  assert.deepEqual(
    detail.evidence.map((e: { id: number }) => e.id),
    [evidence.id],
  );

  const download = await inspector.get(`/api/channel-evidence/${evidence.id}`);
  assert.equal(download.statusCode, 200);
  assert.equal(download.headers['content-type'], 'image/png');
  assert.match(String(download.headers['content-disposition']), /^attachment; filename="___.png"; filename\*=UTF-8''/);
  assert.equal(download.headers['x-content-type-options'], 'nosniff');
  assert.deepEqual(download.rawPayload, bytes);
  const outside = await otherCounty.get(`/api/channel-evidence/${evidence.id}`);
  assert.equal(outside.statusCode, 404);
  assert.deepEqual(outside.json(), (await otherCounty.get('/api/channel-evidence/999999')).json());

  const text = await uploadEvidence(editor, channel.id, Buffer.from('just text, not an image'), 'shot.png');
  assert.equal(text.statusCode, 415);
  assert.equal(text.json().error.code, 'unsupported_file');
  assert.match(text.json().error.message, /PNG、JPEG、WebP 或 GIF/);
  const html = await uploadEvidence(editor, channel.id, Buffer.from('<svg onload=alert(1)>'), 'x.svg');
  assert.equal(html.statusCode, 415);
  const large = await uploadEvidence(editor, channel.id, pngBytes('x'.repeat(1024 * 1024)), 'big.png');
  assert.equal(large.statusCode, 413);
  assert.equal(large.json().error.code, 'file_too_large');
  assert.match(large.json().error.message, /不能超过 1 MB/);
  const json = await editor.post(`/api/channels/${channel.id}/evidence`, { file: 'x' });
  assert.equal(json.statusCode, 400);
  const empty = await editor.request({
    method: 'POST',
    url: `/api/channels/${channel.id}/evidence`,
    ...multipartFile(Buffer.alloc(0), 'empty.png'),
  });
  assert.equal(empty.statusCode, 415);
  const rows = await ctx.db.selectFrom('channel_evidence').select('id').where('channel_id', '=', channel.id).execute();
  assert.equal(rows.length, 1, 'refused uploads leave no row');
});

test('evidence whose file was lost answers 404 in Chinese, not 500', async () => {
  const channel = await makeChannel(ctx, { org: tree.townA1 });
  const id = (await uploadEvidence(editor, channel.id, pngBytes('to-be-lost'))).json().id;
  const row = await ctx.db
    .selectFrom('channel_evidence')
    .select('file_sha256')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  fs.rmSync(storedFilePath(ctx.dataDir, row.file_sha256));
  const response = await inspector.get(`/api/channel-evidence/${id}`);
  assert.equal(response.statusCode, 404);
  assert.match(response.json().error.message, /文件已丢失/);
});

test('every channel write appends exactly one audit row', async () => {
  const created = await expectOneAuditRow(ctx, 'channel.create', () =>
    editor.post('/api/channels', { orgId: tree.townA2.id, kind: 'other_group', name: '审计群' }),
  );
  const id = created.json().id;
  await expectOneAuditRow(ctx, 'channel.update', () => editor.patch(`/api/channels/${id}`, { status: 'inactive' }));
  await expectOneAuditRow(ctx, 'channel.reading', () =>
    editor.post(`/api/channels/${id}/readings`, { onDate: '2025-09-01', count: 30 }),
  );
  await expectOneAuditRow(ctx, 'channel.posts', () =>
    editor.post(`/api/channels/${id}/posts`, { onDate: '2025-09-01', count: 1 }),
  );
  await expectOneAuditRow(ctx, 'channel.evidence', () => uploadEvidence(editor, id));
});

test('no response of the channel routes shows a full phone number', () => {
  for (const client of clients) assert.deepEqual(client.leaks, []);
});
