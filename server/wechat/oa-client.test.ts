import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startFakeWechat } from '../../test/fake-wechat.js';
import { createOfficialAccountClient, memoryTokenStore, WechatApiError, type TokenStore } from './oa-client.js';

// The official-account client against the fake WeChat (test/fake-wechat.ts), which answers as WeChat documents:
// errors as HTTP 200 {errcode, errmsg}, one valid token per account, quotas, paging.

// The fake's clock starts at noon China time, so no test runs into a China midnight by accident.
let clock = Date.parse('2025-03-10T12:00:00+08:00');
const fake = await startFakeWechat({
  accounts: [
    { appId: 'wxtoken00000000001', secret: 'token-secret', type: 'subscription', originalId: 'gh_token0000001' },
    { appId: 'wxdraft00000000001', secret: 'draft-secret', type: 'subscription', originalId: 'gh_draft0000001' },
    { appId: 'wxsub000000000001', secret: 'sub-secret', type: 'subscription', originalId: 'gh_sub00000001' },
    { appId: 'wxservice00000001', secret: 'svc-secret', type: 'service', originalId: 'gh_svc00000001' },
    { appId: 'wxfollow000000001', secret: 'follow-secret', type: 'service', originalId: 'gh_follow000001' },
  ],
  robots: [],
  followersPageSize: 3,
  now: () => clock,
});
after(() => fake.close());

const secrets: Record<string, string> = {
  wxtoken00000000001: 'token-secret',
  wxdraft00000000001: 'draft-secret',
  wxsub000000000001: 'sub-secret',
  wxservice00000001: 'svc-secret',
  wxfollow000000001: 'follow-secret',
};

function client(appId: string, tokens: TokenStore = memoryTokenStore(), appSecret = secrets[appId]) {
  return createOfficialAccountClient({ baseUrl: fake.url, appId, appSecret, tokens });
}

async function rejectsWith(promise: Promise<unknown>, errcode: number) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof WechatApiError, String(error));
    assert.equal(error.errcode, errcode, error.message);
    return true;
  });
}

const follower = (i: number) => `oFollower${String(i).padStart(19, '0')}`;

/** A PNG of the given size (its signature, then filler): covers are rarely the 64 KB a `thumb` may be. */
const png = (size: number) => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(size - 8, 7)]);
const cover = png(300 * 1024);

/** A thumb and a draft of one article on the account; returns the draft's media_id. */
async function draftOn(oa: ReturnType<typeof client>, title: string) {
  const thumb = await oa.uploadThumb(cover, 'cover.jpg', 'image/jpeg');
  return oa.addDraft([{ title, content: `<p>${title}</p>`, thumbMediaId: thumb.mediaId }]);
}

test('the token is fetched once and kept; concurrent first calls share one fetch', async () => {
  const appId = 'wxtoken00000000001';
  const oa = client(appId);
  await Promise.all(Array.from({ length: 8 }, () => oa.getTags()));
  assert.equal(fake.tokenFetches(appId), 1);
  await oa.getTags();
  await oa.createTag('青年突击队');
  assert.equal(fake.tokenFetches(appId), 1, 'later calls reuse the stored token');
  assert.equal(await oa.accessToken(), fake.currentToken(appId));
});

test('a refused token (42001 expired, 40001 replaced) is fetched again once and the call retried', async () => {
  const appId = 'wxtoken00000000001';
  const tokens = memoryTokenStore();
  const oa = client(appId, tokens);
  await oa.getTags();
  const fetches = fake.tokenFetches(appId);

  fake.expireTokens(appId);
  assert.equal((await oa.getTags()).length, 1);
  assert.equal(fake.tokenFetches(appId), fetches + 1);

  // Another instance with a cache of its own fetches a token: WeChat ends ours, the next call meets 40001.
  await client(appId).getTags();
  assert.equal(fake.tokenFetches(appId), fetches + 2);
  assert.deepEqual(
    (await oa.getTags()).map((t) => t.name),
    ['青年突击队'],
  );
  assert.equal(fake.tokenFetches(appId), fetches + 3);
  assert.equal((await tokens.get(appId))?.token, fake.currentToken(appId));
});

test('a token refused twice surfaces instead of looping; other errors are not retried', async () => {
  const appId = 'wxtoken00000000001';
  const oa = client(appId);
  await oa.getTags();
  const fetches = fake.tokenFetches(appId);
  fake.failNext('/cgi-bin/tags/get', 40001);
  fake.failNext('/cgi-bin/tags/get', 40001);
  await rejectsWith(oa.getTags(), 40001);
  assert.equal(fake.tokenFetches(appId), fetches + 1, 'one refresh');

  fake.failNext('/cgi-bin/tags/get', -1);
  await rejectsWith(oa.getTags(), -1);
  assert.equal((await oa.getTags()).length, 1, 'the busy answer was used up by one call: no retry');
  assert.equal(fake.tokenFetches(appId), fetches + 1);
});

test('WeChat errors surface as WechatApiError with errcode, the errmsg and the path', async () => {
  await rejectsWith(client('wxtoken00000000001', memoryTokenStore(), 'wrong-secret').getTags(), 40125);
  await rejectsWith(client('wxunknown00000001', memoryTokenStore(), 'x').getTags(), 40013);

  fake.failNext('/cgi-bin/qrcode/create', 45009);
  const error = await client('wxtoken00000000001')
    .createQrScene('org:1')
    .catch((e: unknown) => e);
  assert.ok(error instanceof WechatApiError);
  assert.equal(error.errcode, 45009);
  assert.equal(error.path, '/cgi-bin/qrcode/create');
  assert.match(error.errmsg, /^api freq out of limit/);
});

test('a draft with its cover and article image, then published; a draft WeChat refuses says why', async () => {
  const appId = 'wxdraft00000000001';
  const oa = client(appId);
  // Stored files are named .jpg whatever they hold: the upload is named after the bytes.
  const thumb = await oa.uploadThumb(cover, 'cover.jpg', 'image/jpeg');
  assert.ok(thumb.mediaId);
  const imageUrl = await oa.uploadArticleImage(png(2048), 'a.jpg', 'image/jpeg');
  assert.match(imageUrl, /^http:\/\/mmbiz\.qpic\.cn\//);
  assert.deepEqual(
    fake.uploads(appId).map((u) => [u.kind, u.fileName, u.bytes, Boolean(u.mediaId)]),
    [
      ['image', 'cover.png', cover.length, true],
      ['image', 'a.png', 2048, false],
    ],
  );
  await rejectsWith(oa.uploadArticleImage(png(1024 * 1024 + 1), 'big.jpg', 'image/jpeg'), 40009);
  await rejectsWith(oa.uploadArticleImage(Buffer.from('RIFF\0\0\0\0WEBPVP8 '), 'a.webp', 'image/webp'), 40005);

  const content = `<p>团员大会</p><p><img src="${imageUrl}"></p>`;
  const mediaId = await oa.addDraft([
    {
      title: '团员大会通知',
      author: '甲县团委',
      digest: '本周五召开',
      content,
      contentSourceUrl: 'https://tj.example/news/1',
      thumbMediaId: thumb.mediaId,
    },
  ]);
  assert.deepEqual(fake.drafts(appId), [
    {
      mediaId,
      articles: [
        {
          title: '团员大会通知',
          author: '甲县团委',
          digest: '本周五召开',
          content,
          content_source_url: 'https://tj.example/news/1',
          thumb_media_id: thumb.mediaId,
        },
      ],
    },
  ]);
  const { publishId } = await oa.submitPublish(mediaId);
  assert.deepEqual(fake.publishes(appId), [{ publishId, mediaId }]);

  await rejectsWith(oa.submitPublish('not-a-draft'), 40007);
  await rejectsWith(oa.addDraft([{ title: '无封面', content: '<p>x</p>', thumbMediaId: 'unknown' }]), 40007);
  await rejectsWith(oa.addDraft([{ title: '太长', content: 'x'.repeat(20_000), thumbMediaId: thumb.mediaId }]), 45002);
  await rejectsWith(oa.addDraft([{ title: '标'.repeat(33), content: '<p>x</p>', thumbMediaId: thumb.mediaId }]), 45003);
  assert.equal(fake.drafts(appId).length, 1);
});

test('a mass send repeated with its clientmsgid answers the same msg_id and is sent once', async () => {
  const appId = 'wxsub000000000001';
  const oa = client(appId);
  const mediaId = await draftOn(oa, '群发一次');
  const first = await oa.massSend({ mediaId }, { tagId: null, clientMsgId: 'bulletin:1:target:1' });
  const again = await oa.massSend({ mediaId }, { tagId: null, clientMsgId: 'bulletin:1:target:1' });
  assert.ok(first.msgId);
  assert.equal(again.msgId, first.msgId);
  assert.deepEqual(
    fake.massSends(appId).map((s) => [s.msgId, s.clientmsgid, s.toAll, s.msgtype, s.mediaId]),
    [[first.msgId, 'bulletin:1:target:1', true, 'mpnews', mediaId]],
  );
});

test('the quota: a subscription account sends once a China day (45028), again the next day', async () => {
  const appId = 'wxsub000000000001';
  const oa = client(appId);
  const mediaId = await draftOn(oa, '第二次群发');
  await rejectsWith(oa.massSend({ mediaId }, { tagId: null, clientMsgId: 'bulletin:2:target:1' }), 45028);
  await rejectsWith(oa.massSend({ text: '通知' }, { tagId: 100, clientMsgId: 'bulletin:3:target:1' }), 45028);
  assert.equal(fake.massSends(appId).length, 1);

  clock += 24 * 3600_000;
  const next = await oa.massSend({ mediaId }, { tagId: null, clientMsgId: 'bulletin:2:target:1' });
  assert.equal(fake.massSends(appId).at(-1)?.msgId, next.msgId);
});

test('the quota: a service account sends to all four times a China month; tag sends are not counted', async () => {
  const appId = 'wxservice00000001';
  const oa = client(appId);
  const mediaId = await draftOn(oa, '服务号群发');
  for (let i = 1; i <= 4; i++) await oa.massSend({ mediaId }, { tagId: null, clientMsgId: `all:${i}` });
  await rejectsWith(oa.massSend({ mediaId }, { tagId: null, clientMsgId: 'all:5' }), 45028);
  const tagged = await oa.massSend({ text: '只发给团干部' }, { tagId: 101, clientMsgId: 'tag:1' });
  const sends = fake.massSends(appId);
  assert.equal(sends.length, 5);
  assert.deepEqual(sends.at(-1), {
    msgId: tagged.msgId,
    clientmsgid: 'tag:1',
    clientMsgId: 'tag:1',
    tagId: 101,
    toAll: false,
    msgtype: 'text',
    text: '只发给团干部',
    at: clock,
  });
  // The repeat of an accepted send is still answered with its msg_id when the quota is used up.
  assert.equal((await oa.massSend({ mediaId }, { tagId: null, clientMsgId: 'all:1' })).msgId, sends[0].msgId);
  await rejectsWith(oa.massSend({ mediaId: 'no-such-draft' }, { tagId: 101, clientMsgId: 'tag:2' }), 40007);
});

test('followers are read page by page until a page is empty; user info reads tags and the QR scene', async () => {
  const appId = 'wxfollow000000001';
  const openids = Array.from({ length: 7 }, (_, i) => follower(i));
  fake.followers.add(appId, openids);
  fake.followers.add(appId, ['oLeft000000000000000000000000'], { subscribe: false });
  fake.followers.add(appId, [openids[2]], { qrSceneStr: 'org:12', subscribeTime: 1_741_579_200 });
  const oa = client(appId);

  const seen: string[] = [];
  const pages: number[] = [];
  let next = '';
  for (;;) {
    const page = await oa.listFollowers(next);
    assert.equal(page.total, 7);
    if (page.openids.length === 0) break;
    pages.push(page.openids.length);
    seen.push(...page.openids);
    next = page.next;
  }
  assert.deepEqual(pages, [3, 3, 1]);
  assert.deepEqual(seen, openids);

  const info = await oa.userInfo(openids[2]);
  assert.deepEqual(info, {
    openid: openids[2],
    subscribe: true,
    subscribeTime: 1_741_579_200,
    tagIds: [],
    qrSceneStr: 'org:12',
  });
  assert.equal((await oa.userInfo('oLeft000000000000000000000000')).subscribe, false);
  await rejectsWith(oa.userInfo('oNobody'), 40003);
});

test('tags: created, given to followers and counted; duplicate (45157), too long (45158), too many (45056)', async () => {
  const appId = 'wxfollow000000001';
  const oa = client(appId);
  const tag = await oa.createTag('团干部');
  await oa.batchTag([follower(0), follower(1)], tag.id);
  assert.deepEqual(await oa.getTags(), [{ id: tag.id, name: '团干部', count: 2 }]);
  assert.deepEqual((await oa.userInfo(follower(1))).tagIds, [tag.id]);

  await rejectsWith(oa.createTag('团干部'), 45157);
  assert.equal((await oa.createTag('一二三四五六七八九十')).name, '一二三四五六七八九十', '30 bytes is allowed');
  await rejectsWith(oa.createTag('一二三四五六七八九十一'), 45158);
  await rejectsWith(oa.batchTag([follower(0)], 9999), 45159);
  for (let i = (await oa.getTags()).length; i < 100; i++) await oa.createTag(`标签${i}`);
  await rejectsWith(oa.createTag('第一百零一个'), 45056);
  assert.equal((await oa.getTags()).length, 100);
});

test('a permanent QR scene: ticket and URL, the same code for the same scene', async () => {
  const oa = client('wxfollow000000001');
  const code = await oa.createQrScene('org:42');
  assert.match(code.url, /^http:\/\/weixin\.qq\.com\/q\//);
  assert.ok(code.ticket);
  assert.deepEqual(await oa.createQrScene('org:42'), code);
  assert.notEqual((await oa.createQrScene('org:43')).ticket, code.ticket);
});
