import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { eventXml, startFakeWechat, textMessageXml } from '../../../test/fake-wechat.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
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

/** The text WeChat would show the user from the answer it took. */
function shown(answer: { status: number; body: string; replyProblem: string | null }) {
  assert.equal(answer.status, 200, answer.body);
  assert.equal(answer.replyProblem, null);
  assert.notEqual(answer.body, 'success', 'WeChat took "success": the user sees no reply');
  const xml = parseWechatXml(answer.body);
  assert.equal(xmlText(xml, 'MsgType'), 'text', answer.body);
  return { content: xmlText(xml, 'Content'), to: xmlText(xml, 'ToUserName'), from: xmlText(xml, 'FromUserName') };
}

// The callback answers `success` to a push it has seen (README "Retries"), so when WeChat retries because the first
// answer came late, the reply of the first answer is lost: the user gets no welcome and no keyword reply. Reported;
// the reply tests stay `todo` until a repeated push is answered with its reply again (and the work done once).
const replyLostOnRetry = 'a retried push is answered success: the reply of the late first answer is lost';

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

  test(
    `${mode} mode: after late answers the answer WeChat takes still carries the welcome and the keyword reply`,
    { todo: replyLostOnRetry },
    async () => {
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
    },
  );
}
