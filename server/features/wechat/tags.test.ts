import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { chinaToday } from '../../../common/dates.js';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree } from '../../../test/factories.js';
import { startFakeWechat } from '../../../test/fake-wechat.js';
import { createTestContext } from '../../../test/harness.js';
import { makeChannel } from '../../../test/ledger-factories.js';
import { nowIso } from '../../db/tree.js';
import { createOfficialAccountClient, memoryTokenStore } from '../../wechat/oa-client.js';
import { eventMessage, makeOfficialAccount, makeScene, newAppId, nextOpenId, push } from './test-kit.js';

// An official account's user tags (what a mass send may target) and the follower sync, against the fake WeChat:
// tags come from tags/get with their follower counts; a sync pages through user/get (pages of 4 here), records
// WeChat's total as today's reading and puts every follower in the ledger, so that later events count right.

const wechat = { appId: newAppId(), secret: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6', originalId: 'gh_7a3c5e9b1d2f' };
const other = { appId: newAppId(), secret: 'b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6', originalId: 'gh_0b2d4f6a8c1e' };
const fake = await startFakeWechat({
  accounts: [
    { ...wechat, type: 'service' },
    { ...other, type: 'subscription' },
  ],
  robots: [],
  followersPageSize: 4,
});
after(() => fake.close());
const ctx = await createTestContext({ TUANJIAN_WECHAT_API_BASE: fake.url });
const tree = await makeTree(ctx);
const editor = await loginAsFrom(ctx, 'org_editor', tree.countyA);
const inspector = await loginAsFrom(ctx, 'inspector', tree.countyA);
const account = await makeOfficialAccount(ctx, { org: tree.townA1, appId: wechat.appId, appSecret: wechat.secret });
const accountOutside = await makeOfficialAccount(ctx, {
  org: tree.townB1,
  appId: other.appId,
  appSecret: other.secret,
});

type ApiError = { error: { code: string; message: string; details?: { errcode?: number } } };
type Tag = { id: number; name: string; count: number };
type Channel = {
  latestCount: number | null;
  latestCountOn: string | null;
  readings: { onDate: string; count: number; source: string }[];
};

const tagsUrl = (channelId: number) => `/api/channels/${channelId}/wechat/tags`;
const syncUrl = (channelId: number) => `/api/channels/${channelId}/wechat/sync-followers`;
const channelOf = async (channelId: number) => (await editor.get(`/api/channels/${channelId}`)).json<Channel>();

async function ledger(channelId: number) {
  return ctx.db
    .selectFrom('wechat_followers')
    .select(['openid', 'subscribed', 'scene_org_id', 'subscribed_at'])
    .where('channel_id', '=', channelId)
    .orderBy('openid')
    .execute();
}

test("an official account's tags, with WeChat's count of followers in each, for anyone who reads publishing", async () => {
  // Tags made on WeChat's side (in the account's own back office, here through the API).
  const client = createOfficialAccountClient({
    baseUrl: fake.url,
    appId: wechat.appId,
    appSecret: wechat.secret,
    tokens: memoryTokenStore(),
  });
  const volunteers = await client.createTag('青年志愿者');
  const cadres = await client.createTag('团干部');
  const people = [nextOpenId(), nextOpenId(), nextOpenId()];
  fake.followers.add(wechat.appId, people);
  await client.batchTag(people.slice(0, 2), volunteers.id);
  await client.batchTag(people.slice(2), cadres.id);

  for (const reader of [editor, inspector]) {
    const listed = await reader.get(tagsUrl(account.id));
    assert.equal(listed.statusCode, 200, listed.body);
    assert.deepEqual(listed.json<{ items: Tag[] }>().items, [
      { id: volunteers.id, name: '青年志愿者', count: 2 },
      { id: cadres.id, name: '团干部', count: 1 },
    ]);
  }
});

test('tags and the sync are refused without credentials, outside the subtree, for a robot, and when WeChat refuses', async () => {
  const bare = await makeOfficialAccount(ctx, { org: tree.townA1, appSecret: null });
  for (const response of [await editor.get(tagsUrl(bare.id)), await editor.post(syncUrl(bare.id))]) {
    assert.equal(response.statusCode, 409, response.body);
    assert.match(response.json<ApiError>().error.message, /AppSecret/);
  }

  // Another county's account, credentials and all, is as missing.
  assert.equal((await editor.get(tagsUrl(accountOutside.id))).statusCode, 404);
  assert.equal((await editor.post(syncUrl(accountOutside.id))).statusCode, 404);
  assert.equal((await editor.get(tagsUrl(999_999))).statusCode, 404);

  const robot = await makeChannel(ctx, { org: tree.townA1, kind: 'wecom_robot' });
  const notAccount = await editor.get(tagsUrl(robot.id));
  assert.equal(notAccount.statusCode, 400);
  assert.match(notAccount.json<ApiError>().error.message, /只有公众号/);

  fake.failNext('/cgi-bin/tags/get', 45009);
  const busy = await editor.get(tagsUrl(account.id));
  assert.equal(busy.statusCode, 502);
  assert.equal(busy.json<ApiError>().error.code, 'wechat_api_error');
  assert.equal(busy.json<ApiError>().error.details?.errcode, 45009);
  assert.match(busy.json<ApiError>().error.message, /^读取公众号标签失败：微信接口繁忙，请稍后再试/);

  const before = await channelOf(account.id);
  fake.failNext('/cgi-bin/user/get', 45009);
  const refused = await editor.post(syncUrl(account.id));
  assert.equal(refused.statusCode, 502);
  assert.match(refused.json<ApiError>().error.message, /^同步关注者失败/);
  assert.deepEqual(await channelOf(account.id), before, 'no reading without the whole list');

  // Reading the tags is not enough to sync.
  assert.equal((await inspector.post(syncUrl(account.id))).statusCode, 403);
});

test('a sync pages through the followers, records WeChat total as today, fills the ledger; later events count from it', async () => {
  // The ledger met two people by events: one subscribed by an org's QR code today; one left long ago and came back
  // while no callback reached the platform.
  const scene = await makeScene(ctx, account.id, tree.villageA1);
  const byCode = nextOpenId();
  const push1 = await push(
    ctx,
    account,
    eventMessage(account, { from: byCode, event: 'subscribe', eventKey: `qrscene_${scene.scene}` }),
  );
  assert.equal(push1.statusCode, 200);
  const returned = nextOpenId();
  await ctx.db
    .insertInto('wechat_followers')
    .values({
      channel_id: account.id,
      openid: returned,
      subscribed: 0,
      scene_org_id: null,
      subscribed_at: '2024-03-01T02:00:00.000Z',
      unsubscribed_at: '2024-05-01T02:00:00.000Z',
      updated_at: nowIso(),
    })
    .execute();
  assert.equal((await channelOf(account.id)).latestCount, 1, 'the callbacks alone know one follower');

  // WeChat has 3 followers from the tags test, these two, and 6 from before the callback: 11, three pages of 4.
  const earlier = Array.from({ length: 6 }, nextOpenId);
  fake.followers.add(wechat.appId, [byCode, returned, ...earlier]);
  const gainedBefore = (await editor.get(`/api/channels/${account.id}/wechat`)).json<{
    followers: { today: { gained: number } };
  }>().followers.today.gained;

  const synced = await editor.post(syncUrl(account.id));
  assert.equal(synced.statusCode, 200, synced.body);
  assert.deepEqual(synced.json(), { total: 11 });
  const channel = await channelOf(account.id);
  assert.equal(channel.latestCount, 11);
  assert.equal(channel.latestCountOn, chinaToday());
  assert.deepEqual(channel.readings[0], { onDate: chinaToday(), count: 11, source: 'wechat' });

  const rows = await ledger(account.id);
  assert.equal(rows.length, 11, 'every follower on every page is in the ledger once');
  assert.ok(rows.every((row) => row.subscribed === 1));
  assert.equal(rows.find((row) => row.openid === byCode)?.scene_org_id, tree.villageA1.id, 'the QR attribution stays');
  assert.ok(earlier.every((openid) => rows.find((row) => row.openid === openid)?.scene_org_id === null));
  const settings = (await editor.get(`/api/channels/${account.id}/wechat`)).json<{
    followers: { subscribed: number; unattributed: number; today: { gained: number } };
  }>();
  assert.equal(settings.followers.subscribed, 11);
  assert.equal(settings.followers.unattributed, 10);
  assert.equal(settings.followers.today.gained, gainedBefore, 'followers found by the sync are not new today');

  const audit = await ctx.db
    .selectFrom('audit_log')
    .select(['details', 'actor_name'])
    .where('action', '=', 'wechat.followers.sync')
    .where('object_id', '=', String(account.id))
    .executeTakeFirstOrThrow();
  assert.match(String(audit.details), /"total":11/);

  // A second sync finds nobody new.
  assert.deepEqual((await editor.post(syncUrl(account.id))).json(), { total: 11 });
  assert.equal((await ledger(account.id)).length, 11);

  // One of those from before the callback leaves: the count drops by one, not to the callbacks' own zero.
  const left = await push(ctx, account, eventMessage(account, { from: earlier[0], event: 'unsubscribe' }));
  assert.equal(left.statusCode, 200);
  assert.equal((await channelOf(account.id)).latestCount, 10);
  // Someone new follows: up by one.
  await push(ctx, account, eventMessage(account, { from: nextOpenId(), event: 'subscribe' }));
  assert.equal((await channelOf(account.id)).latestCount, 11);
});
