import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { BulletinDetail } from '../../../common/publishing.js';
import { loginAsFrom } from '../../../test/clients.js';
import { startFakeWechat } from '../../../test/fake-wechat.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeChannel, multipartFile, pngBytes } from '../../../test/ledger-factories.js';

// Deliveries against a fake WeChat that behaves as documented: an official account (draft + mass send or
// publish, quotas, token errors), a WeCom robot (20 a minute), retries, and the campaign's post count.

const fake = await startFakeWechat({
  accounts: [
    { appId: 'wxcounty0000000001', secret: 'county-secret', type: 'subscription', originalId: 'gh_county000001' },
    { appId: 'wxservice000000001', secret: 'service-secret', type: 'service', originalId: 'gh_service00001' },
  ],
  robots: ['robot-key-1', 'robot-key-2'],
});
after(() => fake.close());
const ctx = await createTestContext({ TUANJIAN_WECHAT_API_BASE: fake.url, TUANJIAN_WECOM_API_BASE: fake.url });
const tree = await makeTree(ctx);
const editor = await loginAsFrom(ctx, 'org_editor', tree.countyA);
const admin = await loginAsFrom(ctx, 'org_admin', tree.countyA);

const account = await makeChannel(ctx, { org: tree.countyA, kind: 'official_account', name: '甲县青年' });
const service = await makeChannel(ctx, { org: tree.countyA, kind: 'official_account', name: '甲县青年服务号' });
const robot = await makeChannel(ctx, { org: tree.townA1, kind: 'wecom_robot', name: '甲一镇团青一群机器人' });
const robot2 = await makeChannel(ctx, { org: tree.townA2, kind: 'wecom_robot', name: '甲二镇机器人' });
await ctx.db.updateTable('channels').set({ account_type: 'service' }).where('id', '=', service.id).execute();
await ctx.db.updateTable('channels').set({ account_type: 'subscription' }).where('id', '=', account.id).execute();

async function configure(channelId: number, values: { app_id?: string; app_secret?: string; webhook_key?: string }) {
  await ctx.db
    .insertInto('wechat_accounts')
    .values({
      channel_id: channelId,
      app_id: values.app_id ?? null,
      app_secret: values.app_secret ? ctx.app.keyring.encrypt(values.app_secret) : null,
      callback_token: null,
      aes_key: null,
      encryption_mode: 'plain',
      webhook_key: values.webhook_key ? ctx.app.keyring.encrypt(values.webhook_key) : null,
      updated_by: null,
      updated_at: new Date().toISOString(),
    })
    .execute();
}
await configure(account.id, { app_id: 'wxcounty0000000001', app_secret: 'county-secret' });
await configure(service.id, { app_id: 'wxservice000000001', app_secret: 'service-secret' });
await configure(robot.id, { webhook_key: 'robot-key-1' });
await configure(robot2.id, { webhook_key: 'robot-key-2' });

// A campaign whose content indicator counts posts per official account from today; it starts at zero.
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const campaign = (
  await admin.post('/api/campaigns', {
    rootOrgId: tree.countyA.id,
    name: '新媒体发布频次',
    startsOn: today,
    endsOn: `${Number(today.slice(0, 4)) + 1}-12-31`,
    template: 'empty',
    indicators: [
      {
        name: '公众号每号发布条数',
        metric: 'posts_per_channel',
        channelKind: 'official_account',
        windowStart: today,
        levels: ['county'],
        types: ['committee'],
        threshold: 1,
      },
    ],
  })
).json();
assert.equal(campaign.indicators.length, 1, JSON.stringify(campaign));

const cover = (
  await editor.request({
    method: 'POST',
    url: `/api/publishing/images?orgId=${tree.countyA.id}`,
    ...multipartFile(pngBytes('delivery-cover'), '封面.png'),
  })
).json();

/** Writes, submits and approves a bulletin; returns its detail after the worker has nothing left to do. */
async function publish(title: string, targets: object[], extra: Record<string, unknown> = {}) {
  const created = await editor.post('/api/publishing/bulletins', {
    orgId: tree.countyA.id,
    kind: 'article',
    title,
    digest: `${title}摘要`,
    contentHtml: `<p>${title}正文</p><p><img src="${cover.url}"></p>`,
    coverSha256: cover.sha256,
    targets,
    ...extra,
  });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id;
  assert.equal((await editor.post(`/api/publishing/bulletins/${id}/submit`)).statusCode, 200);
  const approved = await admin.post(`/api/publishing/bulletins/${id}/approve`, {});
  assert.equal(approved.statusCode, 200, approved.body);
  await ctx.app.deliveries.idle();
  return (await admin.get(`/api/publishing/bulletins/${id}`)).json<BulletinDetail>();
}

test('an official account gets the article as a draft with its images uploaded, then one mass send; the robot a news card', async () => {
  const detail = await publish('青春献礼新时代', [
    { kind: 'web' },
    { kind: 'official_account', channelId: account.id, oaMode: 'mass_send' },
    { kind: 'wecom_robot', channelId: robot.id },
  ]);
  assert.equal(detail.status, 'sent');
  const byKind = Object.fromEntries(detail.deliveries.map((d) => [d.kind, d]));
  assert.equal(byKind.official_account.status, 'sent', JSON.stringify(byKind.official_account));
  assert.equal(byKind.wecom_robot.status, 'sent', JSON.stringify(byKind.wecom_robot));

  const drafts = fake.drafts('wxcounty0000000001');
  assert.equal(drafts.length, 1);
  const [draft] = drafts[0].articles;
  assert.equal(draft.title, '青春献礼新时代');
  assert.doesNotMatch(draft.content, /\/news\/images\//, 'images point at WeChat, not at us');
  const sends = fake.massSends('wxcounty0000000001');
  assert.equal(sends.length, 1);
  assert.equal(sends[0].clientmsgid, `bulletin:${detail.id}:target:${detail.targets[1].id}`);

  const [message] = fake.robotMessages('robot-key-1');
  assert.equal(message.msgtype, 'news');
  assert.equal(message.news.articles[0].title, '青春献礼新时代');
  assert.equal(message.news.articles[0].url, detail.shareUrl);

  const log = (await admin.get(`/api/publishing/deliveries/${byKind.official_account.id}`)).json().log;
  assert.deepEqual(
    log.map((l: { event: string }) => l.event),
    ['queued', 'sending', 'sending', 'sent'],
  );
});

test('a subscription account mass-sends once a day: the second bulletin waits for tomorrow, not failed', async () => {
  const detail = await publish('第二条群发', [
    { kind: 'official_account', channelId: account.id, oaMode: 'mass_send' },
  ]);
  const [delivery] = detail.deliveries;
  assert.equal(delivery.status, 'queued');
  assert.ok(delivery.nextAttemptAt > new Date().toISOString());
  const log = (await admin.get(`/api/publishing/deliveries/${delivery.id}`)).json().log;
  assert.equal(log.at(-1).event, 'deferred');
  assert.match(log.at(-1).message, /群发次数已用完/);
  assert.equal(fake.massSends('wxcounty0000000001').length, 1, 'WeChat was not asked again');
});

test('publish (freepublish) needs no quota; an expired token is refreshed once and the call succeeds', async () => {
  fake.expireTokens('wxcounty0000000001');
  const detail = await publish('仅发布不群发', [
    { kind: 'official_account', channelId: account.id, oaMode: 'freepublish' },
  ]);
  const [delivery] = detail.deliveries;
  assert.equal(delivery.status, 'sent', JSON.stringify(delivery));
  assert.equal(fake.publishes('wxcounty0000000001').length, 1);
});

test('WeChat busy: retried with backoff; a bad secret fails at once with its errcode and a Chinese reason', async () => {
  fake.failNext('/cgi-bin/message/mass/sendall', -1);
  const busy = await publish('系统繁忙时', [{ kind: 'official_account', channelId: service.id, oaMode: 'mass_send' }]);
  const [retrying] = busy.deliveries;
  assert.equal(retrying.status, 'queued');
  assert.equal(retrying.lastErrcode, -1);
  assert.ok(retrying.nextAttemptAt > new Date(Date.now() + 20_000).toISOString(), 'backs off');
  await ctx.db
    .updateTable('deliveries')
    .set({ next_attempt_at: new Date().toISOString() })
    .where('id', '=', retrying.id)
    .execute();
  await ctx.app.deliveries.idle();
  const done = (await admin.get(`/api/publishing/deliveries/${retrying.id}`)).json();
  assert.equal(done.status, 'sent', JSON.stringify(done.log));
  assert.equal(fake.massSends('wxservice000000001').length, 1);

  await ctx.db
    .updateTable('wechat_accounts')
    .set({ app_secret: ctx.app.keyring.encrypt('wrong-secret') })
    .where('channel_id', '=', service.id)
    .execute();
  await ctx.db.deleteFrom('wechat_tokens').execute();
  const refused = await publish('密钥错误时', [
    { kind: 'official_account', channelId: service.id, oaMode: 'mass_send' },
  ]);
  const [failed] = refused.deliveries;
  assert.equal(failed.status, 'failed');
  assert.ok(failed.lastErrcode === 40013 || failed.lastErrcode === 40125, String(failed.lastErrcode));
  assert.match(failed.lastError ?? '', /AppSecret|AppID/);
  const retried = await admin.post(`/api/publishing/deliveries/${failed.id}/retry`);
  assert.equal(retried.statusCode, 200, retried.body);
  assert.equal(retried.json().status, 'queued');
});

test('a robot takes 20 messages a minute: the rest wait in the queue and go later, none refused', async () => {
  const before = fake.robotMessages('robot-key-2').length;
  const ids = [];
  for (let i = 0; i < 22; i++) {
    const detail = await publish(`批量通知 ${i + 1}`, [{ kind: 'wecom_robot', channelId: robot2.id }]);
    ids.push(detail.deliveries[0].id);
  }
  assert.equal(fake.robotMessages('robot-key-2').length - before, 20);
  const waiting = await ctx.db
    .selectFrom('deliveries')
    .select(['status', 'next_attempt_at'])
    .where('id', 'in', ids)
    .where('status', '=', 'queued')
    .execute();
  assert.equal(waiting.length, 2);
  for (const row of waiting) assert.ok(row.next_attempt_at > new Date().toISOString());
});

test('the campaign counts delivered posts per channel, and the weekly chart shows them', async () => {
  const weekly = (await admin.get(`/api/publishing/weekly-posts?orgId=${tree.countyA.id}&weeks=4`)).json();
  const county = weekly.channels.find((c: { channelId: number }) => c.channelId === account.id);
  assert.equal(county.posts.length, 4);
  assert.equal(county.posts.at(-1), 2, 'this week: one mass send and one publish');

  const dashboard = (await admin.get(`/api/campaigns/${campaign.id}/dashboard?orgId=${tree.countyA.id}`)).json();
  const [indicator] = dashboard.indicators;
  // Three posts (two on the subscription account, one on the service account) over two official accounts.
  assert.equal(indicator.own.value, 1.5, JSON.stringify(indicator.own));
  assert.equal(indicator.own.met, true);
});
