import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { loginAsFrom } from '../../../test/clients.js';
import { makeOrg, makeTree } from '../../../test/factories.js';
import { eventXml, startFakeWechat } from '../../../test/fake-wechat.js';
import { createTestContext } from '../../../test/harness.js';
import { makeOfficialAccount, makeReply, newAppId, nextOpenId } from './test-kit.js';

// Per-org QR codes made through the fake WeChat, and what WeChat then does with them: a person scans the code,
// WeChat pushes the subscribe (encrypted, retried when the answer is late) to the callback, and the follower counts
// for the org whose code it was.

const wechat = {
  appId: newAppId(),
  secret: 'f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5',
  type: 'service',
  originalId: 'gh_5e1f0a7b9c2d',
};
const fake = await startFakeWechat({ accounts: [{ ...wechat, type: 'service' }], robots: [] });
after(() => fake.close());
const ctx = await createTestContext({ TUANJIAN_WECHAT_API_BASE: fake.url });
const tree = await makeTree(ctx);
const editor = await loginAsFrom(ctx, 'org_editor', tree.countyA);
const account = await makeOfficialAccount(ctx, {
  org: tree.townA1,
  appId: wechat.appId,
  appSecret: wechat.secret,
  mode: 'safe',
});

await ctx.app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
fake.setCallback(wechat.appId, {
  url: `${base}/wechat/callback/${account.id}`,
  token: account.token,
  encodingAesKey: account.aesKey!,
  mode: 'safe',
});

type Scene = {
  id: number;
  orgId: number;
  orgName: string;
  scene: string;
  url: string;
  imageUrl: string;
  followers: number;
};
type ApiError = { error: { code: string; message: string; details?: { errcode?: number; field?: string } } };

const scenesUrl = (channelId: number) => `/api/channels/${channelId}/wechat/qr-scenes`;
const listScenes = async () => (await editor.get(scenesUrl(account.id))).json<{ items: Scene[] }>().items;
const followersOf = async (orgId: number) => (await listScenes()).find((s) => s.orgId === orgId)?.followers;

test('a QR code per org: made through WeChat once, drawn as a PNG, and a subscribe by it counts for that org', async () => {
  const village = await makeOrg(ctx, { parent: tree.townA1, name: '二维码村团支部' });
  const made = await editor.post(scenesUrl(account.id), { orgId: village.id });
  assert.equal(made.statusCode, 201, made.body);
  const scene = made.json<Scene>();
  assert.equal(scene.scene, `org:${village.id}`);
  assert.equal(scene.orgName, '二维码村团支部');
  assert.deepEqual(
    fake.qrCodes(wechat.appId).map((code) => code.url),
    [scene.url],
    'the code WeChat made for the scene',
  );

  // Asked again, the org gets the code it has: WeChat is not called (a refusal queued for it stays unused).
  fake.failNext('/cgi-bin/qrcode/create', 45009);
  const again = await editor.post(scenesUrl(account.id), { orgId: village.id });
  assert.equal(again.statusCode, 200, again.body);
  assert.equal(again.json<Scene>().id, scene.id);
  const refused = await editor.post(scenesUrl(account.id), { orgId: tree.villageA1.id });
  assert.equal(refused.statusCode, 502, 'the queued refusal meets the next real call');

  const image = await editor.get(scene.imageUrl);
  assert.equal(image.statusCode, 200);
  assert.equal(image.headers['content-type'], 'image/png');
  assert.deepEqual([...image.rawPayload.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.match(String(image.headers['content-disposition']), new RegExp(encodeURIComponent('二维码村团支部')));

  // Someone scans it and subscribes; WeChat pushes the event, encrypted, to the callback.
  await makeReply(ctx, account.id, 'subscribe', null, '欢迎关注甲一镇团委');
  const pushed = await fake.sendCallback(
    wechat.appId,
    eventXml({ to: wechat.originalId, from: nextOpenId(), event: 'subscribe', scene: scene.scene }),
  );
  assert.equal(pushed.status, 200);
  assert.equal(pushed.replyProblem, null, 'WeChat accepts the encrypted reply');
  assert.match(pushed.body, /欢迎关注甲一镇团委/);
  assert.equal(await followersOf(village.id), 1);

  // The next one's answer is late twice: WeChat pushes the same event three times, the follower counts once.
  const retried = await fake.sendCallback(
    wechat.appId,
    eventXml({ to: wechat.originalId, from: nextOpenId(), event: 'subscribe', scene: scene.scene }),
    { lateAnswers: 2, overlap: true },
  );
  assert.equal(retried.attempts, 3);
  assert.match(retried.body, /欢迎关注甲一镇团委/, 'the retry WeChat waited for gets the welcome the push got');
  assert.equal(await followersOf(village.id), 2);
  const channel = await ctx.db
    .selectFrom('channels')
    .select('latest_count')
    .where('id', '=', account.id)
    .executeTakeFirstOrThrow();
  assert.equal(channel.latest_count, 2);
});

test('QR codes are refused in Chinese for orgs outside the account or unseen, without credentials, or by WeChat', async () => {
  const before = await listScenes();
  const post = (channelId: number, orgId: number) => editor.post(scenesUrl(channelId), { orgId });

  const sibling = await post(account.id, tree.townA2.id);
  assert.equal(sibling.statusCode, 400, 'an org beside the account, not under it');
  assert.match(sibling.json<ApiError>().error.message, /所属组织及其下级/);
  const unseen = await post(account.id, tree.villageB1.id);
  assert.equal(unseen.statusCode, 404, "an org outside the editor's subtree is as missing");

  const bare = await makeOfficialAccount(ctx, { org: tree.townA1, appSecret: null });
  const noSecret = await post(bare.id, tree.townA1.id);
  assert.equal(noSecret.statusCode, 409);
  assert.match(noSecret.json<ApiError>().error.message, /AppSecret/);

  const orgs = [await makeOrg(ctx, { parent: tree.townA1 }), await makeOrg(ctx, { parent: tree.townA1 })];
  fake.failNext('/cgi-bin/qrcode/create', 45009);
  const busy = await post(account.id, orgs[0].id);
  assert.equal(busy.statusCode, 502);
  assert.equal(busy.json<ApiError>().error.code, 'wechat_api_error');
  assert.equal(busy.json<ApiError>().error.details?.errcode, 45009);
  assert.match(busy.json<ApiError>().error.message, /^生成二维码失败/);

  assert.deepEqual(await listScenes(), before, 'no code was kept');
  // WeChat recovered: the next request makes the code.
  assert.equal((await post(account.id, orgs[0].id)).statusCode, 201);
});
