import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeChannel } from '../../../test/ledger-factories.js';
import { eventMessage, newAesKey, newAppId, nextOpenId, push, textMessage, type TestAccount } from './test-kit.js';

// The WeChat settings of a channel and its automatic replies, through the API: secrets go in and never come out
// (not in answers, not in the audit log), an omitted secret keeps the stored one, and the callback uses what was set.

const ctx = await createTestContext({ TUANJIAN_PUBLIC_URL: 'https://tuanjian.example.org' });
const tree = await makeTree(ctx);
const admin = await loginAsFrom(ctx, 'org_admin', tree.countyA);
const editor = await loginAsFrom(ctx, 'org_editor', tree.countyA);

type Settings = {
  appId: string | null;
  secretsSet: Record<'appSecret' | 'callbackToken' | 'encodingAesKey' | 'webhookKey', boolean>;
  encryptionMode: string;
  callbackUrl: string | null;
  followers: { subscribed: number } | null;
  abilities: { update: boolean; manage: boolean };
};

const put = (id: number, payload: object) =>
  admin.request({ method: 'PUT', url: `/api/channels/${id}/wechat`, payload });

async function auditDetails(channelId: number): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('audit_log')
    .select(['action', 'details'])
    .where('object_type', '=', 'channel')
    .where('object_id', '=', String(channelId))
    .execute();
  return rows.map((r) => `${r.action} ${r.details ?? ''}`);
}

test('official account settings: secrets are stored, never answered nor audited, and the callback uses them', async () => {
  const channel = await makeChannel(ctx, { org: tree.townA1, kind: 'official_account', name: '甲一镇团委公众号' });
  const empty = (await admin.get(`/api/channels/${channel.id}/wechat`)).json<Settings>();
  assert.deepEqual(empty.secretsSet, {
    appSecret: false,
    callbackToken: false,
    encodingAesKey: false,
    webhookKey: false,
  });
  assert.equal(empty.callbackUrl, `https://tuanjian.example.org/wechat/callback/${channel.id}`);
  assert.deepEqual(empty.abilities, { update: true, manage: true });

  const secrets = {
    appSecret: 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5',
    callbackToken: 'Tok3nForCallbacks',
    encodingAesKey: newAesKey(),
  };
  const appId = newAppId();
  const saved = await put(channel.id, { appId, ...secrets, encryptionMode: 'safe' });
  assert.equal(saved.statusCode, 200, saved.body);
  const settings = saved.json<Settings>();
  assert.equal(settings.appId, appId);
  assert.equal(settings.encryptionMode, 'safe');
  assert.deepEqual(settings.secretsSet, {
    appSecret: true,
    callbackToken: true,
    encodingAesKey: true,
    webhookKey: false,
  });
  const read = await editor.get(`/api/channels/${channel.id}/wechat`);
  assert.equal(read.json<Settings>().abilities.update, false, 'an editor may not change credentials');
  const audit = await auditDetails(channel.id);
  for (const body of [saved.body, read.body, ...audit]) {
    for (const secret of Object.values(secrets)) assert.ok(!body.includes(secret), `a secret leaked: ${body}`);
  }
  assert.ok(audit.some((line) => line.startsWith('wechat.settings') && line.includes('callbackToken')));
  // Stored as cipher text.
  const stored = await ctx.db
    .selectFrom('wechat_accounts')
    .selectAll()
    .where('channel_id', '=', channel.id)
    .executeTakeFirstOrThrow();
  for (const secret of Object.values(secrets)) assert.ok(!JSON.stringify(stored).includes(secret));

  // An omitted secret keeps the stored one: the account, switched to compatible mode, still verifies pushes.
  const switched = await put(channel.id, { encryptionMode: 'compatible' });
  assert.deepEqual(switched.json<Settings>().secretsSet, settings.secretsSet);
  const account: TestAccount = {
    id: channel.id,
    orgId: tree.townA1.id,
    token: secrets.callbackToken,
    aesKey: secrets.encodingAesKey,
    appId,
    mode: 'compatible',
    originalId: 'gh_0123456789ab',
  };
  const plain = await push(ctx, account, textMessage(account, { from: nextOpenId(), content: '你好' }));
  assert.equal(plain.body, 'success');
  const encrypted = await push(ctx, account, eventMessage(account, { from: nextOpenId(), event: 'subscribe' }), {
    encrypted: true,
  });
  assert.equal(encrypted.body, 'success');
  const after = (await admin.get(`/api/channels/${channel.id}/wechat`)).json<Settings>();
  assert.equal(after.followers?.subscribed, 1);
});

test('settings are checked in Chinese and change nothing when refused', async () => {
  const channel = await makeChannel(ctx, { org: tree.townA1, kind: 'official_account' });
  const appId = newAppId();
  const refusals: [object, RegExp][] = [
    [{ callbackToken: 'token123' }, /AppID/],
    [{ appId, encodingAesKey: 'x'.repeat(42) }, /43 位/],
    [{ appId, encryptionMode: 'safe' }, /EncodingAESKey/],
    [{ appId, webhookKey: 'abcdefgh-1234' }, /Webhook/],
    [{ appId: 'wx123' }, /AppID/],
    [{ appId, callbackToken: 'ab' }, /3 至 32/],
  ];
  for (const [payload, message] of refusals) {
    const response = await put(channel.id, payload);
    assert.equal(response.statusCode, 400, JSON.stringify(payload));
    assert.match(response.json<{ error: { message: string } }>().error.message, message);
  }
  assert.equal(
    await ctx.db
      .selectFrom('wechat_accounts')
      .select('channel_id')
      .where('channel_id', '=', channel.id)
      .executeTakeFirst(),
    undefined,
  );
  assert.equal((await put(channel.id, { appId, appSecret: 'a'.repeat(32) })).statusCode, 200);
  const newApp = await put(channel.id, { appId: newAppId() });
  assert.equal(newApp.statusCode, 400, 'a new AppID needs its own secret');
  assert.match(newApp.json<{ error: { message: string } }>().error.message, /AppSecret/);

  const group = await makeChannel(ctx, { org: tree.townA1 });
  const notWechat = await admin.get(`/api/channels/${group.id}/wechat`);
  assert.equal(notWechat.statusCode, 400);
  assert.match(notWechat.json<{ error: { message: string } }>().error.message, /公众号/);
});

test('a WeCom robot takes its webhook key, or the whole webhook address, and nothing else', async () => {
  const robot = await makeChannel(ctx, { org: tree.townA1, kind: 'wecom_robot', name: '甲一镇团干部群机器人' });
  const key = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
  const saved = await put(robot.id, { webhookKey: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${key}` });
  assert.equal(saved.statusCode, 200, saved.body);
  const settings = saved.json<Settings>();
  assert.equal(settings.secretsSet.webhookKey, true);
  assert.equal(settings.callbackUrl, null);
  assert.equal(settings.followers, null);
  assert.ok(!saved.body.includes(key));
  const stored = await ctx.db
    .selectFrom('wechat_accounts')
    .select('webhook_key')
    .where('channel_id', '=', robot.id)
    .executeTakeFirstOrThrow();
  assert.equal(ctx.app.keyring.decrypt(stored.webhook_key!), key, 'the key, taken out of the address');
  const mixed = await put(robot.id, { appId: newAppId() });
  assert.equal(mixed.statusCode, 400);
  assert.match(mixed.json<{ error: { message: string } }>().error.message, /Webhook/);
  assert.ok(!(await auditDetails(robot.id)).some((line) => line.includes(key)), 'the key is not audited');
});

test('replies: added and listed, duplicates refused, deleted; only on official accounts', async () => {
  const channel = await makeChannel(ctx, { org: tree.townA1, kind: 'official_account' });
  const url = `/api/channels/${channel.id}/wechat/replies`;
  const add = (payload: object) => editor.post(url, payload);
  const keyword = await add({ trigger: 'keyword', matchKey: '报名', replyText: '请点击菜单“活动报名”' });
  assert.equal(keyword.statusCode, 201, keyword.body);
  assert.equal((await add({ trigger: 'click', matchKey: 'V1001', replyText: '菜单回复' })).statusCode, 201);
  assert.equal((await add({ trigger: 'subscribe', replyText: '欢迎关注' })).statusCode, 201);
  const duplicate = await add({ trigger: 'keyword', matchKey: ' 报名 ', replyText: '另一条' });
  assert.equal(duplicate.statusCode, 409);
  assert.match(duplicate.json<{ error: { message: string } }>().error.message, /报名/);
  assert.equal((await add({ trigger: 'subscribe', replyText: '第二条欢迎' })).statusCode, 409);
  const missingKey = await add({ trigger: 'keyword', matchKey: '', replyText: '空' });
  assert.equal(missingKey.statusCode, 400);
  assert.match(missingKey.json<{ error: { message: string } }>().error.message, /关键词/);

  const list = (await editor.get(url)).json<{ items: { id: number; trigger: string; matchKey: string | null }[] }>();
  assert.deepEqual(
    list.items.map((r) => [r.trigger, r.matchKey]),
    [
      ['click', 'V1001'],
      ['keyword', '报名'],
      ['subscribe', null],
    ],
  );
  const id = keyword.json<{ id: number }>().id;
  assert.equal((await editor.request({ method: 'DELETE', url: `${url}/${id}` })).statusCode, 204);
  assert.equal((await editor.request({ method: 'DELETE', url: `${url}/${id}` })).statusCode, 404);
  assert.equal((await editor.get(url)).json<{ items: unknown[] }>().items.length, 2);
  const actions = await auditDetails(channel.id);
  assert.equal(actions.filter((a) => a.startsWith('wechat.reply.create')).length, 3);
  assert.equal(actions.filter((a) => a.startsWith('wechat.reply.delete')).length, 1);

  const robot = await makeChannel(ctx, { org: tree.townA1, kind: 'wecom_robot' });
  const onRobot = await editor.post(`/api/channels/${robot.id}/wechat/replies`, {
    trigger: 'subscribe',
    replyText: '欢迎',
  });
  assert.equal(onRobot.statusCode, 400);
});

test("settings belong to the account's org subtree: others find no account, credentials are the org admin's", async () => {
  const channel = await makeChannel(ctx, { org: tree.townA1, kind: 'official_account' });
  assert.equal((await put(channel.id, { appId: newAppId(), callbackToken: 'Tok3nOfTownA1' })).statusCode, 200);
  const townAdmin = await loginAsFrom(ctx, 'org_admin', tree.townA1);
  const neighbour = await loginAsFrom(ctx, 'org_admin', tree.townA2);
  const inspector = await loginAsFrom(ctx, 'inspector', tree.countyA);
  const url = `/api/channels/${channel.id}/wechat`;

  assert.equal((await townAdmin.get(url)).statusCode, 200, "the account's own org");
  assert.equal((await inspector.get(url)).statusCode, 200, 'an inspector of the county reads');
  const missing = await neighbour.get('/api/channels/999999/wechat');
  for (const response of [
    await neighbour.get(url),
    await neighbour.request({ method: 'PUT', url, payload: { encryptionMode: 'plain' } }),
    await neighbour.get(`${url}/replies`),
    await neighbour.post(`${url}/replies`, { trigger: 'subscribe', replyText: '欢迎' }),
  ]) {
    assert.equal(response.statusCode, 404, "a neighbouring township's admin");
    assert.deepEqual(response.json(), missing.json(), 'answered as a missing channel');
  }
  for (const client of [editor, inspector]) {
    const changed = await client.request({ method: 'PUT', url, payload: { callbackToken: 'Stol3nToken' } });
    assert.equal(changed.statusCode, 403);
  }
  assert.equal((await inspector.post(`${url}/replies`, { trigger: 'subscribe', replyText: '欢迎' })).statusCode, 403);
  // The token in force is still the admin's: a push signed with it is taken.
  const account: TestAccount = {
    id: channel.id,
    orgId: tree.townA1.id,
    token: 'Tok3nOfTownA1',
    aesKey: null,
    appId: newAppId(),
    mode: 'plain',
    originalId: 'gh_0123456789ab',
  };
  assert.equal(
    (await push(ctx, account, textMessage(account, { from: nextOpenId(), content: '你好' }))).body,
    'success',
  );
});
