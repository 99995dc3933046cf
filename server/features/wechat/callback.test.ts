import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chinaToday } from '../../../common/dates.js';
import { loginAsFrom } from '../../../test/clients.js';
import { makeOrg, makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeChannel } from '../../../test/ledger-factories.js';
import { makeBulletin } from '../../../test/publishing-factories.js';
import { decryptMessage, msgSignature } from '../../wechat/crypto.js';
import { parseWechatXml, xmlText } from '../../wechat/xml.js';
import { purgeInboundKeys } from './callback.js';
import {
  eventMessage,
  makeOfficialAccount,
  makeReply,
  makeScene,
  nextOpenId,
  push,
  signedPush,
  textMessage,
  type TestAccount,
} from './test-kit.js';

// The callback server as WeChat meets it: URL verification, pushes in the three modes, retries answered once, the
// follower ledger and the channel's reading, replies, publish results, and refusals that write nothing.

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const admin = await loginAsFrom(ctx, 'org_admin', tree.countyA);

/** Rows of the tables a push may write. */
async function written() {
  const count = async (table: 'wechat_inbound' | 'wechat_followers' | 'channel_readings' | 'delivery_log') =>
    Number(
      (
        await ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    inbound: await count('wechat_inbound'),
    followers: await count('wechat_followers'),
    readings: await count('channel_readings'),
    log: await count('delivery_log'),
  };
}

/** The text of a plain reply, or the decrypted text of an encrypted one (its signature checked first). */
function replyContent(account: TestAccount, body: string): { content: string; to: string; from: string } {
  let xml = parseWechatXml(body);
  if ('Encrypt' in xml) {
    const encrypt = xmlText(xml, 'Encrypt');
    const expected = msgSignature(account.token, xmlText(xml, 'TimeStamp'), xmlText(xml, 'Nonce'), encrypt);
    assert.equal(xmlText(xml, 'MsgSignature'), expected, 'the reply is signed with the token');
    xml = parseWechatXml(decryptMessage(account.aesKey!, account.appId, encrypt));
  }
  assert.equal(xmlText(xml, 'MsgType'), 'text');
  return { content: xmlText(xml, 'Content'), to: xmlText(xml, 'ToUserName'), from: xmlText(xml, 'FromUserName') };
}

test('URL verification: the published vector echoes echostr; a wrong signature is 403; no account is 404', async () => {
  const account = await makeOfficialAccount(ctx, { org: tree.townA1, token: 'test', mode: 'safe' });
  const query = {
    signature: 'f21891de399b4e33a1a93c9a7b8a8fffb5a443ff',
    timestamp: '1410685589',
    nonce: 'test',
    echostr: '5837397520993408473',
  };
  const ok = await ctx.app.inject({ method: 'GET', url: `/wechat/callback/${account.id}`, query });
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.body, '5837397520993408473', 'echoed verbatim, plain even in safe mode');
  assert.match(String(ok.headers['content-type']), /^text\/plain/);

  const wrong = await ctx.app.inject({
    method: 'GET',
    url: `/wechat/callback/${account.id}`,
    query: { ...query, nonce: 'tset' },
  });
  assert.equal(wrong.statusCode, 403);
  assert.match(String(wrong.headers['content-type']), /^text\/plain/);
  assert.doesNotMatch(wrong.body, /5837397520993408473/);

  // A group, an official account without settings, and a channel that does not exist answer alike.
  const group = await makeChannel(ctx, { org: tree.townA1 });
  const bare = await makeChannel(ctx, { org: tree.townA1, kind: 'official_account' });
  const answers = [];
  for (const id of [group.id, bare.id, 999999]) {
    const response = await ctx.app.inject({ method: 'GET', url: `/wechat/callback/${id}`, query });
    answers.push([response.statusCode, response.json<{ error: { code: string } }>().error.code]);
  }
  assert.deepEqual(answers, [
    [404, 'not_found'],
    [404, 'not_found'],
    [404, 'not_found'],
  ]);
});

test('safe mode: the real push of the published vector is decrypted, answered encrypted, and its MsgId kept whole', async () => {
  const account = await makeOfficialAccount(ctx, {
    org: tree.townA1,
    token: 'spamtest',
    aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    appId: 'wx2c2769f8efd9abc2',
    mode: 'safe',
  });
  await makeReply(ctx, account.id, 'keyword', 'abcd', '收到，谢谢关注');
  const encrypt =
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';
  const request = (msgSignature: string) =>
    ctx.app.inject({
      method: 'POST',
      url: `/wechat/callback/${account.id}`,
      query: {
        signature: '16120ec1b8dbb870f510d87ce6bc2463eae6ca1a',
        timestamp: '1409735669',
        nonce: '1320562132',
        encrypt_type: 'aes',
        msg_signature: msgSignature,
      },
      headers: { 'content-type': 'text/xml' },
      payload: `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    });

  const before = await written();
  const forged = await request('5d197aaffba7e9b25a30732f161a50dee96bd5fb');
  assert.equal(forged.statusCode, 403, 'a wrong msg_signature is refused');
  assert.deepEqual(await written(), before, 'and writes nothing');

  const response = await request('5d197aaffba7e9b25a30732f161a50dee96bd5fa');
  assert.equal(response.statusCode, 200, response.body);
  const reply = replyContent(account, response.body);
  assert.deepEqual(reply, { content: '收到，谢谢关注', to: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs', from: 'gh_10f6c3c3ac5a' });
  const keys = await ctx.db
    .selectFrom('wechat_inbound')
    .select('dedupe_key')
    .where('channel_id', '=', account.id)
    .execute();
  assert.ok(
    keys.some((k) => k.dedupe_key === 'msg:6054768590064713728'),
    JSON.stringify(keys),
  );

  // WeChat's retry (its first answer came too late for it) gets the same reply, and nothing is recorded twice.
  const again = await request('5d197aaffba7e9b25a30732f161a50dee96bd5fa');
  assert.equal(replyContent(account, again.body).content, '收到，谢谢关注');
  assert.deepEqual(await written(), { ...before, inbound: before.inbound + keys.length });

  // Safe mode takes cipher text only.
  const plain = await push(ctx, account, textMessage(account, { from: nextOpenId(), content: 'abcd' }));
  assert.equal(plain.statusCode, 403);
});

test('plain mode: keyword replies (exact first, then contained), unknown messages get success, cipher is refused', async () => {
  const account = await makeOfficialAccount(ctx, { org: tree.townA1, mode: 'plain' });
  await makeReply(ctx, account.id, 'keyword', '报名', '报名请点击菜单“活动报名”');
  await makeReply(ctx, account.id, 'keyword', '报名时间', '报名时间为每周一至周五');
  await makeReply(ctx, account.id, 'keyword', '活动报名', '活动报名已开始');
  const user = nextOpenId();
  const say = async (content: string) => {
    const response = await push(ctx, account, textMessage(account, { from: user, content }));
    assert.equal(response.statusCode, 200, response.body);
    return response.body === 'success' ? null : replyContent(account, response.body).content;
  };
  assert.equal(await say('报名'), '报名请点击菜单“活动报名”', 'exact match');
  assert.equal(await say(' 报名 '), '报名请点击菜单“活动报名”', 'spaces around do not matter');
  assert.equal(await say('请问报名时间是什么时候'), '报名时间为每周一至周五', 'the longest key contained');
  assert.equal(await say('你好'), null, 'no key: success');

  const image =
    `<xml><ToUserName><![CDATA[${account.originalId}]]></ToUserName><FromUserName><![CDATA[${user}]]></FromUserName>` +
    `<CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[image]]></MsgType>` +
    '<PicUrl><![CDATA[http://mmbiz.qpic.cn/x]]></PicUrl><MediaId><![CDATA[m1]]></MediaId><MsgId>1234567890123456</MsgId></xml>';
  assert.equal((await push(ctx, account, image)).body, 'success');
  const view = eventMessage(account, { from: user, event: 'VIEW', eventKey: 'https://example.com/' });
  assert.equal((await push(ctx, account, view)).body, 'success');

  const encrypted = await push(ctx, account, textMessage(account, { from: user, content: '报名' }), {
    encrypted: true,
  });
  assert.equal(encrypted.statusCode, 403, 'a plain account takes no cipher text');
});

test('compatible mode: plain pushes get plain replies, encrypted pushes encrypted ones', async () => {
  const account = await makeOfficialAccount(ctx, { org: tree.townA1, mode: 'compatible' });
  await makeReply(ctx, account.id, 'keyword', '你好', '你好呀');
  const plain = await push(ctx, account, textMessage(account, { from: nextOpenId(), content: '你好' }));
  assert.doesNotMatch(plain.body, /<Encrypt>/);
  assert.equal(replyContent(account, plain.body).content, '你好呀');
  const encrypted = await push(ctx, account, textMessage(account, { from: nextOpenId(), content: '你好' }), {
    encrypted: true,
  });
  assert.match(encrypted.body, /<Encrypt>/);
  assert.doesNotMatch(encrypted.body, /你好呀/, 'the reply travels as cipher text');
  assert.equal(replyContent(account, encrypted.body).content, '你好呀');
});

test('a retried push is handled once: the same reply to each retry, the follower once', async () => {
  const account = await makeOfficialAccount(ctx, { org: tree.townA1, mode: 'compatible' });
  await makeReply(ctx, account.id, 'keyword', '签到', '签到成功');
  await makeReply(ctx, account.id, 'subscribe', null, '欢迎关注');
  const user = nextOpenId();
  // WeChat retries with the identical request; a retry may also come with a new nonce (another signature).
  const message = signedPush(account, textMessage(account, { from: user, content: '签到' }), { encrypted: true });
  const send = (query = message.query) =>
    ctx.app.inject({
      method: 'POST',
      url: `/wechat/callback/${account.id}`,
      query,
      payload: message.body,
      headers: { 'content-type': 'text/xml' },
    });
  const answers = [await send(), await send(), await send()].map((r) => r.body);
  assert.equal(answers[0].includes('<Encrypt>'), true);
  assert.deepEqual(
    answers.map((body) => replyContent(account, body).content),
    ['签到成功', '签到成功', '签到成功'],
    'a retry comes because the first answer was late: it gets the same reply',
  );

  const subscribe = eventMessage(account, { from: user, event: 'subscribe' });
  const first = signedPush(account, subscribe);
  const resent = signedPush(account, subscribe);
  for (const pushed of [first, resent, first]) {
    await ctx.app.inject({
      method: 'POST',
      url: `/wechat/callback/${account.id}`,
      query: pushed.query,
      payload: pushed.body,
      headers: { 'content-type': 'text/xml' },
    });
  }
  const channel = await ctx.db
    .selectFrom('channels')
    .select('latest_count')
    .where('id', '=', account.id)
    .executeTakeFirstOrThrow();
  assert.equal(channel.latest_count, 1, 'one follower');
});

test('subscribe, SCAN and unsubscribe keep the ledger; the QR code attributes; the reading follows', async () => {
  const account = await makeOfficialAccount(ctx, { org: tree.townA1 });
  const village = await makeOrg(ctx, { parent: tree.townA1, name: '扫码村团支部' });
  const other = await makeOrg(ctx, { parent: tree.townA1, name: '后扫村团支部' });
  const villageCode = await makeScene(ctx, account.id, village);
  const otherCode = await makeScene(ctx, account.id, other);
  await makeReply(ctx, account.id, 'subscribe', null, '欢迎关注共青团甲一镇委员会');
  const [alice, bob] = [nextOpenId(), nextOpenId()];
  const t0 = Math.floor(Date.now() / 1000) - 600;
  const event = (from: string, name: string, eventKey: string | undefined, offset: number) =>
    push(ctx, account, eventMessage(account, { from, event: name, eventKey, createTime: t0 + offset }));
  const state = async () => {
    const channel = await ctx.db
      .selectFrom('channels')
      .select(['latest_count', 'latest_count_on'])
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    const reading = await ctx.db
      .selectFrom('channel_readings')
      .select(['count', 'source', 'on_date'])
      .where('channel_id', '=', account.id)
      .executeTakeFirst();
    const settings = (await admin.get(`/api/channels/${account.id}/wechat`)).json<{
      followers: {
        subscribed: number;
        unattributed: number;
        byOrg: { orgId: number; count: number }[];
        today: { gained: number; lost: number };
      };
    }>().followers;
    return { channel, reading, settings };
  };

  const welcome = await event(alice, 'subscribe', `qrscene_${villageCode.scene}`, 0);
  assert.equal(replyContent(account, welcome.body).content, '欢迎关注共青团甲一镇委员会');
  let now = await state();
  assert.deepEqual(now.channel, { latest_count: 1, latest_count_on: chinaToday() });
  assert.deepEqual(now.reading, { count: 1, source: 'wechat', on_date: chinaToday() });
  assert.deepEqual(now.settings.byOrg, [{ orgId: village.id, orgName: '扫码村团支部', count: 1 }]);

  await event(bob, 'subscribe', undefined, 1);
  now = await state();
  assert.equal(now.channel.latest_count, 2);
  assert.equal(now.settings.unattributed, 1);
  // Already following, Bob scans the other code: attributed there, as he had no org yet.
  assert.equal((await event(bob, 'SCAN', otherCode.scene, 2)).body, 'success');
  // Alice scans it too: she stays with the org whose code brought her.
  await event(alice, 'SCAN', otherCode.scene, 3);
  now = await state();
  assert.equal(now.settings.unattributed, 0);
  assert.deepEqual(
    now.settings.byOrg.map((r) => [r.orgId, r.count]).sort(),
    [
      [village.id, 1],
      [other.id, 1],
    ].sort(),
  );
  const list = (await admin.get(`/api/channels/${account.id}/wechat/qr-scenes`)).json<{
    items: { orgId: number; followers: number }[];
  }>();
  assert.deepEqual(
    list.items.map((s) => [s.orgId, s.followers]),
    [
      [village.id, 1],
      [other.id, 1],
    ],
  );

  assert.equal((await event(alice, 'unsubscribe', undefined, 10)).body, 'success');
  now = await state();
  assert.equal(now.channel.latest_count, 1, 'unsubscribe lowers the count');
  assert.deepEqual(now.reading, { count: 1, source: 'wechat', on_date: chinaToday() });
  assert.deepEqual(now.settings.today, { onDate: chinaToday(), gained: 2, lost: 1 });
  // A late subscribe (older than her unsubscribe) changes nothing.
  await event(alice, 'subscribe', undefined, 5);
  assert.equal((await state()).channel.latest_count, 1);
  // Someone who followed before the callbacks were set up leaves: recorded, the count unchanged.
  await event(nextOpenId(), 'unsubscribe', undefined, 11);
  assert.equal((await state()).channel.latest_count, 1);
});

test('menu clicks get their reply; a click without one gets success', async () => {
  const account = await makeOfficialAccount(ctx, { org: tree.townA1 });
  await makeReply(ctx, account.id, 'click', 'V1001_CONTACT', '联系电话：029-12345678');
  const user = nextOpenId();
  const click = (key: string) =>
    push(ctx, account, eventMessage(account, { from: user, event: 'CLICK', eventKey: key }));
  assert.equal(replyContent(account, (await click('V1001_CONTACT')).body).content, '联系电话：029-12345678');
  assert.equal((await click('V1002_OTHER')).body, 'success');
});

test('refused pushes write nothing: bad signature, a reused signature, malformed XML, a DTD, too large', async () => {
  const account = await makeOfficialAccount(ctx, { org: tree.townA1 });
  await makeReply(ctx, account.id, 'subscribe', null, '欢迎');
  const before = await written();
  const subscribe = eventMessage(account, { from: nextOpenId(), event: 'subscribe' });
  const signed = signedPush(account, subscribe);
  const post = (query: Record<string, string>, payload: string, type = 'text/xml') =>
    ctx.app.inject({
      method: 'POST',
      url: `/wechat/callback/${account.id}`,
      query,
      payload,
      headers: { 'content-type': type },
    });
  const badSignature = await post({ ...signed.query, signature: '0'.repeat(40) }, signed.body);
  assert.equal(badSignature.statusCode, 403);
  assert.match(String(badSignature.headers['content-type']), /^text\/plain/);
  const stale = signedPush(account, subscribe, { timestamp: String(Math.floor(Date.now() / 1000) - 3 * 86400) });
  assert.equal((await post(stale.query, stale.body)).statusCode, 403, 'a plain signature days old');
  const broken = signedPush(account, '<xml><ToUserName>gh_1</ToUserName><FromUserName>');
  assert.equal((await post(broken.query, broken.body)).statusCode, 400);
  const dtd = signedPush(
    account,
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml>&x;</xml>',
  );
  assert.equal((await post(dtd.query, dtd.body)).statusCode, 400);
  const huge = signedPush(account, `<xml><Content>${'团'.repeat(30_000)}</Content></xml>`);
  assert.equal((await post(huge.query, huge.body)).statusCode, 413);
  const json = await post(signed.query, '{"ToUserName":"gh"}', 'application/json');
  assert.equal(json.statusCode, 400);
  assert.deepEqual(await written(), before, 'nothing written by a refused push');

  // A captured plain signature with another body: the signature covers no body in plain mode, so it is good once.
  assert.notEqual((await post(signed.query, signed.body)).body, 'success', 'the genuine push is welcomed');
  const forged = eventMessage(account, { from: nextOpenId(), event: 'subscribe' });
  assert.equal((await post(signed.query, forged)).body, 'success');
  const followers = await ctx.db
    .selectFrom('wechat_followers')
    .select('openid')
    .where('channel_id', '=', account.id)
    .execute();
  assert.equal(followers.length, 1, 'the forged subscribe counted nobody');
});

test('MASSSENDJOBFINISH and PUBLISHJOBFINISH write the result onto the matching delivery and its log', async () => {
  const account = await makeOfficialAccount(ctx, { org: tree.townA1 });
  const at = new Date().toISOString();
  const bulletin = {
    id: await makeBulletin(ctx, tree.townA1, {
      title: '青年大学习',
      contentHtml: '<p>正文</p>',
      status: 'sent',
      publishedAt: at,
      createdAt: at,
      webTarget: false,
    }),
  };
  const delivery = async (mode: 'mass_send' | 'freepublish', remote: { msgId?: string; publishId?: string }) => {
    const target = await ctx.db
      .insertInto('bulletin_targets')
      .values({
        bulletin_id: bulletin.id,
        kind: 'official_account',
        channel_id: account.id,
        oa_mode: mode,
        tag_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = await ctx.db
      .insertInto('deliveries')
      .values({
        bulletin_id: bulletin.id,
        target_id: target.id,
        channel_id: account.id,
        org_id: tree.townA1.id,
        kind: 'official_account',
        idempotency_key: `test-${target.id}`,
        status: 'sent',
        step: 'submitted',
        attempts: 1,
        next_attempt_at: at,
        claimed_by: null,
        claimed_until: null,
        remote_media_id: 'media-1',
        remote_publish_id: remote.publishId ?? null,
        remote_msg_id: remote.msgId ?? null,
        result: null,
        last_errcode: null,
        last_error: null,
        sent_at: at,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };
  const mass = await delivery('mass_send', { msgId: '1000000001' });
  const published = await delivery('freepublish', { publishId: '2247503051' });
  const refused = await delivery('freepublish', { publishId: '2247503052' });
  const system = 'oR5Gjjl_eiZoUpGozMo7dbBJ362A';
  const massEvent = eventMessage(account, {
    from: system,
    event: 'MASSSENDJOBFINISH',
    extra:
      '<MsgID>1000000001</MsgID><Status><![CDATA[send success]]></Status><TotalCount>1250</TotalCount>' +
      '<FilterCount>1216</FilterCount><SentCount>1200</SentCount><ErrorCount>16</ErrorCount>',
  });
  const publishEvent = (publishId: string, status: number) =>
    eventMessage(account, {
      from: system,
      event: 'PUBLISHJOBFINISH',
      extra:
        `<PublishEventInfo><publish_id>${publishId}</publish_id><publish_status>${status}</publish_status>` +
        '<article_id><![CDATA[a1]]></article_id><article_detail><count>1</count><item><idx>1</idx>' +
        '<article_url><![CDATA[https://mp.weixin.qq.com/s/abc]]></article_url></item></article_detail>' +
        '</PublishEventInfo>',
    });
  for (const xml of [massEvent, publishEvent('2247503051', 0), publishEvent('2247503052', 4)]) {
    assert.equal((await push(ctx, account, xml)).body, 'success');
  }
  const results = await ctx.db
    .selectFrom('deliveries')
    .select(['id', 'result', 'status'])
    .where('id', 'in', [mass, published, refused])
    .orderBy('id')
    .execute();
  assert.deepEqual(results, [
    { id: mass, result: 'send success 发送 1200/1250，失败 16', status: 'sent' },
    { id: published, result: '发布成功 https://mp.weixin.qq.com/s/abc', status: 'sent' },
    { id: refused, result: '发布失败：平台审核不通过（publish_status 4）', status: 'sent' },
  ]);
  const log = await ctx.db
    .selectFrom('delivery_log')
    .select(['delivery_id', 'event'])
    .where('delivery_id', 'in', [mass, published, refused])
    .orderBy('delivery_id')
    .execute();
  assert.deepEqual(log, [
    { delivery_id: mass, event: 'result' },
    { delivery_id: published, event: 'result' },
    { delivery_id: refused, event: 'result' },
  ]);
  // A result for another account's msg_id touches nothing of this one.
  const stranger = await makeOfficialAccount(ctx, { org: tree.townA1 });
  await push(ctx, stranger, massEvent.replace(account.originalId, stranger.originalId));
  assert.equal(
    (await ctx.db.selectFrom('delivery_log').select('id').where('delivery_id', '=', mass).execute()).length,
    1,
  );
});

test('the daily purge forgets the retry keys of pushes older than two days and keeps the newer ones', async () => {
  const account = await makeOfficialAccount(ctx, { org: tree.townA1 });
  await makeReply(ctx, account.id, 'keyword', '你好', '你好呀');
  const keys = () =>
    ctx.db.selectFrom('wechat_inbound').select('dedupe_key').where('channel_id', '=', account.id).execute();
  const old = signedPush(
    account,
    textMessage(account, { from: nextOpenId(), content: '你好', msgId: '7000000000000000001' }),
  );
  const recent = signedPush(
    account,
    textMessage(account, { from: nextOpenId(), content: '你好', msgId: '7000000000000000002' }),
  );
  const send = (pushed: typeof old) =>
    ctx.app.inject({
      method: 'POST',
      url: `/wechat/callback/${account.id}`,
      query: pushed.query,
      payload: pushed.body,
      headers: { 'content-type': 'text/xml' },
    });
  assert.notEqual((await send(old)).body, 'success');
  assert.notEqual((await send(recent)).body, 'success');
  const threeDaysAgo = new Date(Date.now() - 3 * 24 * 3600_000).toISOString();
  const oldKeys = [`sig:${old.query.signature}`, 'msg:7000000000000000001'];
  await ctx.db
    .updateTable('wechat_inbound')
    .set({ received_at: threeDaysAgo })
    .where('channel_id', '=', account.id)
    .where('dedupe_key', 'in', oldKeys)
    .execute();

  assert.ok((await purgeInboundKeys(ctx.db)) >= 2);
  assert.deepEqual(
    (await keys()).map((k) => k.dedupe_key).sort(),
    [`sig:${recent.query.signature}`, 'msg:7000000000000000002'].sort(),
  );
  const retried = await send(recent);
  assert.equal(replyContent(account, retried.body).content, '你好呀', 'a retry within the two days gets its reply');
  assert.equal((await keys()).length, 2, 'and is recognised: no key added');
});
