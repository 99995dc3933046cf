import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { eventXml, startFakeWechat, textMessageXml } from '../../../test/fake-wechat.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeBulletin } from '../../../test/publishing-factories.js';
import { nowIso } from '../../db/tree.js';
import { parseWechatXml, xmlText } from '../../wechat/xml.js';
import { makeOfficialAccount, makeReply, nextOpenId } from './test-kit.js';

// WeChat's 5-second rule against the real app listening on a port: the fake WeChat POSTs signed (and, in compatible
// and safe mode, encrypted) pushes to /wechat/callback/<channelId>; when an answer comes too late it drops it and
// re-POSTs the identical request. Whatever the retries, the follower is counted once, and the answer WeChat finally
// takes still carries the reply — the user saw nothing of the late ones.

const modes = ['plain', 'compatible', 'safe'] as const;
const accounts = modes.map((mode) => ({
  mode,
  appId: `wx${randomBytes(8).toString('hex')}`,
  originalId: `gh_${randomBytes(6).toString('hex')}`,
}));

const fake = await startFakeWechat({
  accounts: accounts.map((a) => ({ ...a, secret: 'unused', type: 'subscription' as const })),
  robots: [],
});
after(() => fake.close());

const ctx = await createTestContext();
const tree = await makeTree(ctx);
await ctx.app.listen({ port: 0, host: '127.0.0.1' });
const { port } = ctx.app.server.address() as { port: number };

/** An official account in the app and the same account's server configuration at the fake WeChat. */
async function configured(mode: (typeof modes)[number]) {
  const { appId, originalId } = accounts.find((a) => a.mode === mode)!;
  const account = await makeOfficialAccount(ctx, { org: tree.townA1, mode, appId });
  fake.setCallback(appId, {
    url: `http://127.0.0.1:${port}/wechat/callback/${account.id}`,
    token: account.token,
    encodingAesKey: account.aesKey ?? undefined,
    mode,
  });
  await makeReply(ctx, account.id, 'keyword', '签到', '签到成功');
  await makeReply(ctx, account.id, 'subscribe', null, '欢迎关注');
  return { ...account, originalId };
}

async function followers(channelId: number) {
  const rows = await ctx.db
    .selectFrom('wechat_followers')
    .select('subscribed')
    .where('channel_id', '=', channelId)
    .execute();
  const channel = await ctx.db
    .selectFrom('channels')
    .select('latest_count')
    .where('id', '=', channelId)
    .executeTakeFirstOrThrow();
  return { rows: rows.length, latestCount: channel.latest_count };
}

let msgIds = 1_000_000_000;

/** A mass send the account made (a delivery with WeChat's msg_id), whose result WeChat pushes later. */
async function massSendDelivery(channelId: number) {
  const bulletinId = await makeBulletin(ctx, tree.townA1, { status: 'sent' });
  const target = await ctx.db
    .insertInto('bulletin_targets')
    .values({
      bulletin_id: bulletinId,
      kind: 'official_account',
      channel_id: channelId,
      oa_mode: 'mass_send',
      tag_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const at = nowIso();
  const msgId = String(++msgIds);
  const { id } = await ctx.db
    .insertInto('deliveries')
    .values({
      bulletin_id: bulletinId,
      target_id: target.id,
      channel_id: channelId,
      org_id: tree.townA1.id,
      kind: 'official_account',
      idempotency_key: `bulletin:${bulletinId}:target:${target.id}`,
      status: 'sent',
      step: 'submitted',
      attempts: 1,
      next_attempt_at: at,
      claimed_by: null,
      claimed_until: null,
      remote_media_id: 'draft-media',
      remote_publish_id: null,
      remote_msg_id: msgId,
      result: null,
      last_errcode: null,
      last_error: null,
      sent_at: at,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, msgId };
}

/** The results in a delivery's log: what the delivery page shows under 群发结果. */
async function results(deliveryId: number) {
  const rows = await ctx.db
    .selectFrom('delivery_log')
    .select('message')
    .where('delivery_id', '=', deliveryId)
    .where('event', '=', 'result')
    .execute();
  return rows.map((r) => r.message);
}

/** WeChat's system account, the sender of job-finished events. */
const system = 'oR5Gjjl_eiZoUpGozMo7dbBJ362A';

/** The text WeChat would show the user from the answer it took. */
function shown(answer: { status: number; body: string; replyProblem: string | null }) {
  assert.equal(answer.status, 200, answer.body);
  assert.equal(answer.replyProblem, null);
  assert.notEqual(answer.body, 'success', 'WeChat took "success": the user sees no reply');
  const xml = parseWechatXml(answer.body);
  assert.equal(xmlText(xml, 'MsgType'), 'text', answer.body);
  return { content: xmlText(xml, 'Content'), to: xmlText(xml, 'ToUserName'), from: xmlText(xml, 'FromUserName') };
}

for (const mode of modes) {
  test(`${mode} mode: a subscribe retried after a late answer counts the follower once, even while racing`, async () => {
    const account = await configured(mode);
    const answer = await fake.sendCallback(
      account.appId,
      eventXml({ to: account.originalId, from: nextOpenId(), event: 'subscribe' }),
      { lateAnswers: 1 },
    );
    assert.equal(answer.attempts, 2);
    assert.equal(answer.status, 200);
    assert.deepEqual(await followers(account.id), { rows: 1, latestCount: 1 });

    // Two attempts still in the app while WeChat retries (the app slower than 5 s twice): still one follower more.
    const racing = await fake.sendCallback(
      account.appId,
      eventXml({ to: account.originalId, from: nextOpenId(), event: 'subscribe' }),
      { lateAnswers: 2, overlap: true },
    );
    assert.equal(racing.attempts, 3);
    assert.equal(racing.status, 200);
    assert.deepEqual(await followers(account.id), { rows: 2, latestCount: 2 });
  });

  test(`${mode} mode: a mass-send result pushed four times (late, racing) is logged once on its delivery`, async () => {
    const account = await configured(mode);
    const delivery = await massSendDelivery(account.id);
    const finished = eventXml({
      to: account.originalId,
      from: system,
      event: 'MASSSENDJOBFINISH',
      msgId: delivery.msgId,
      totalCount: 1250,
      sentCount: 1200,
      errorCount: 16,
    });
    const answer = await fake.sendCallback(account.appId, finished, { lateAnswers: 3, overlap: true });
    assert.equal(answer.attempts, 4);
    assert.equal(answer.body, 'success');
    assert.deepEqual(await results(delivery.id), ['send success 发送 1200/1250，失败 16']);
  });

  test(`${mode} mode: after late answers the answer WeChat takes still carries the welcome and the keyword reply`, async () => {
    const account = await configured(mode);
    const user = nextOpenId();

    const onTime = await fake.sendCallback(
      account.appId,
      textMessageXml({ to: account.originalId, from: user, content: ' 签到 ' }),
    );
    assert.equal(onTime.attempts, 1);
    if (mode !== 'plain') assert.match(onTime.rawBody, /<Encrypt>/, 'the reply is encrypted like the push');
    assert.deepEqual(shown(onTime), { content: '签到成功', to: user, from: account.originalId });

    const welcome = await fake.sendCallback(
      account.appId,
      eventXml({ to: account.originalId, from: user, event: 'subscribe' }),
      { lateAnswers: 1 },
    );
    assert.equal(welcome.attempts, 2);
    assert.equal(shown(welcome).content, '欢迎关注');

    const late = await fake.sendCallback(
      account.appId,
      textMessageXml({ to: account.originalId, from: user, content: '签到' }),
      { lateAnswers: 3 },
    );
    assert.equal(late.attempts, 4, 'three retries at most');
    assert.deepEqual(shown(late), { content: '签到成功', to: user, from: account.originalId });
    assert.deepEqual(await followers(account.id), { rows: 1, latestCount: 1 });
  });
}

/**
 * A slow app: a proxy in front of it holds the first request `holdMs` before passing it on (the app gets it after
 * WeChat has dropped the connection), and passes the others at once. `drained` settles when the held one is done.
 */
async function slowFirstRequest(target: string, holdMs: number) {
  let held: Promise<unknown> = Promise.resolve();
  let seen = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const forward = async () => {
        if (++seen === 1) await sleep(holdMs);
        const answer = await fetch(new URL(req.url ?? '/', target), {
          method: 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? 'text/xml' },
          body: Buffer.concat(chunks),
        });
        const body = await answer.text();
        if (!res.destroyed) res.writeHead(answer.status, { 'content-type': 'application/xml' }).end(body);
      };
      const done = forward().catch(() => undefined);
      if (seen === 1) held = done;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    drained: () => held,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

test('a first answer slower than WeChat waits: the connection is dropped, the retry answered, the follower counted once', async () => {
  const account = await configured('safe');
  const proxy = await slowFirstRequest(`http://127.0.0.1:${port}`, 600);
  after(() => proxy.close());
  fake.setCallback(account.appId, {
    url: `${proxy.url}/wechat/callback/${account.id}`,
    token: account.token,
    encodingAesKey: account.aesKey ?? undefined,
    mode: 'safe',
  });
  const answer = await fake.sendCallback(
    account.appId,
    eventXml({ to: account.originalId, from: nextOpenId(), event: 'subscribe' }),
    { timeoutMs: 300 },
  );
  assert.ok(answer.attempts >= 2, `attempts: ${answer.attempts}`);
  assert.equal(answer.status, 200);
  await proxy.drained();
  assert.deepEqual(await followers(account.id), { rows: 1, latestCount: 1 });

  const delivery = await massSendDelivery(account.id);
  const result = await fake.sendCallback(
    account.appId,
    eventXml({ to: account.originalId, from: system, event: 'MASSSENDJOBFINISH', msgId: delivery.msgId }),
    { timeoutMs: 300 },
  );
  assert.ok(result.attempts >= 1);
  await proxy.drained();
  assert.equal((await results(delivery.id)).length, 1, 'the result is logged once');
});
