import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../server/db/schema.js';
import { nowIso } from '../server/db/tree.js';
import { encryptMessage, msgSignature, sha1Signature } from '../server/wechat/crypto.js';
import { createOfficialAccountClient, memoryTokenStore } from '../server/wechat/oa-client.js';
import { cdata } from '../server/wechat/xml.js';
import { startFakeWechat, type FakeWechat } from '../test/fake-wechat.js';
import { figureList, median, type Figure } from './figures.js';
import { formatTable, summarize, type Dialect, type Run, type Stats } from './lib.js';
import { loadWorkloads, type LoadRow } from './member-bench.js';
import { callbackFloor } from './publishing-floors.js';
import {
  deliveryTag,
  isSubscribed,
  openidOf,
  type CallbackAccount,
  type PublishingFixtures,
  type PushMode,
} from './publishing-seed.js';

// The publishing figures (bench/README.md, "Publishing"), on the data of bench/publishing-seed.ts, against a server
// started with the fake WeChat's URLs:
// 1. WeChat callbacks: signed pushes (subscribe, unsubscribe, a text message with a keyword reply) POSTed to
//    /wechat/callback/:channelId, plain and encrypted, one and 8 in flight; WeChat waits 5 s for the answer. The
//    floor: the same pushes' SQL (keys, follower, count, reading, reply) in one transaction each, in-process.
// 2. News pages: the list, an article, the Atom feed, under autocannon beside a bare route with the same bytes.
// 3. Deliveries: a batch of approved bulletins, each a tag mass send to an official account through the delivery
//    worker and the fake WeChat (thumb upload, draft/add, mass/sendall), from the moment their send time is set to
//    now until the last is recorded sent. The floor: the same calls to the fake, one after the other, without the app.

export type PublishingSettings = {
  runs: number;
  requests: number;
  warmup: number;
  concurrency: readonly number[];
  connections: readonly number[];
  seconds: number;
  warmupSeconds: number;
};

export const pushKinds = ['subscribe', 'unsubscribe', 'text'] as const;
export type PushKind = (typeof pushKinds)[number];

export type CallbackRow = Stats & { mode: PushMode; kind: PushKind; runs: Stats[]; floor: Stats[] };

export type DeliveryRun = {
  bulletins: number;
  sent: number;
  failed: number;
  uncertain: number;
  /** From the send time set to now until the last delivery was recorded sent (the server's sent_at). */
  seconds: number;
  deliveriesPerSecond: number;
  /** Until the first delivery row existed (the worker's poll and dispatch). */
  firstDispatchMs: number;
  /** Mass sends the fake WeChat received in the run. */
  massSends: number;
  firstError: string | null;
  /** The floor: the same calls to the fake, one after the other, in the benchmark's process. */
  floorSeconds: number;
  floorPerSecond: number;
};

export type PublishingResult = {
  county: string;
  followers: number;
  newsBulletins: number;
  newsOrgs: number;
  callbacks: CallbackRow[];
  news: LoadRow[];
  deliveries: DeliveryRun[];
};

/** The fake WeChat the server calls: the delivery account and the floor's. */
export function startPublishingFake(fixtures: Pick<PublishingFixtures, 'delivery'>): Promise<FakeWechat> {
  const { delivery } = fixtures;
  return startFakeWechat({
    accounts: [delivery, delivery.floor].map((a) => ({ ...a, type: 'service' as const })),
    robots: [],
  });
}

/** The server's environment additions: WeChat and WeCom at the fake. */
export const fakeWechatEnvironment = (fake: FakeWechat) => ({
  TUANJIAN_WECHAT_API_BASE: fake.url,
  TUANJIAN_WECOM_API_BASE: fake.url,
});

// ---- pushes as WeChat makes them ----

type Push = { path: string; body: string; reply: boolean };

let pushSerial = 0;
const sessionTag = String(Date.now() % 1_000_000).padStart(6, '0');

/** Where each kind of push finds its sender: new followers, subscribed followers in turn, anyone for a text. */
export class PushSource {
  private unsubscribed = 0;
  private newFollowers = 0;

  constructor(readonly account: CallbackAccount) {}

  /** The next subscribed follower of the ledger, never the same twice. */
  nextSubscribed(): string {
    let i = this.unsubscribed;
    while (i < this.account.followers && !isSubscribed(i)) i++;
    if (i >= this.account.followers) throw new Error(`no subscribed follower left to unsubscribe: raise --followers`);
    this.unsubscribed = i + 1;
    return openidOf(this.account, i);
  }

  nextNewFollower(): string {
    return `oN${this.account.mode === 'plain' ? 'P' : 'S'}${sessionTag}${String(++this.newFollowers).padStart(19, '0')}`;
  }
}

function eventXml(account: CallbackAccount, from: string, event: string, createTime: number): string {
  return (
    `<xml><ToUserName>${cdata(account.originalId)}</ToUserName><FromUserName>${cdata(from)}</FromUserName>` +
    `<CreateTime>${createTime}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>${cdata(event)}</Event>` +
    `<EventKey>${cdata('')}</EventKey></xml>`
  );
}

function textXml(account: CallbackAccount, from: string, content: string, createTime: number, msgId: string): string {
  return (
    `<xml><ToUserName>${cdata(account.originalId)}</ToUserName><FromUserName>${cdata(from)}</FromUserName>` +
    `<CreateTime>${createTime}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(content)}</Content>` +
    `<MsgId>${msgId}</MsgId></xml>`
  );
}

/** The query string and body WeChat sends: signed, and in safe mode encrypted with msg_signature. */
function signed(account: CallbackAccount, xml: string): { query: string; body: string } {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = `${sessionTag}${String(++pushSerial).padStart(9, '0')}`;
  const signature = sha1Signature([account.token, timestamp, nonce]);
  const params = new URLSearchParams({ signature, timestamp, nonce });
  if (account.mode === 'plain') return { query: params.toString(), body: xml };
  const encrypt = encryptMessage(account.aesKey, account.appId, xml);
  params.set('encrypt_type', 'aes');
  params.set('msg_signature', msgSignature(account.token, timestamp, nonce, encrypt));
  return {
    query: params.toString(),
    body: `<xml><ToUserName>${cdata(account.originalId)}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt></xml>`,
  };
}

/** Who a push of this kind comes from and what it says; every push a new one (new key, new signature). */
export function nextPushInput(source: PushSource, kind: PushKind, keywords: readonly string[]) {
  const serial = ++pushSerial;
  switch (kind) {
    case 'subscribe':
      return { from: source.nextNewFollower(), msgKey: '', content: '' };
    case 'unsubscribe':
      return { from: source.nextSubscribed(), msgKey: '', content: '' };
    case 'text':
      return {
        from: openidOf(source.account, serial % source.account.followers),
        msgKey: `7${sessionTag}${String(serial).padStart(12, '0')}`,
        content: `你好，我想了解${keywords[serial % keywords.length]}的事，请问怎么办理？`,
      };
  }
}

function makePushes(source: PushSource, kind: PushKind, count: number, keywords: readonly string[]): Push[] {
  const account = source.account;
  const createTime = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, () => {
    const input = nextPushInput(source, kind, keywords);
    const xml =
      kind === 'text'
        ? textXml(account, input.from, input.content, createTime, input.msgKey)
        : eventXml(account, input.from, kind, createTime);
    const { query, body } = signed(account, xml);
    // A subscribe gets the welcome, a text its keyword's reply, an unsubscribe nothing ("success").
    return { path: `/wechat/callback/${account.channelId}?${query}`, body, reply: kind !== 'unsubscribe' };
  });
}

/** POSTs the pushes over keep-alive connections, `concurrency` in flight; each must get the answer its kind gets. */
async function postPushes(base: string, pushes: readonly Push[], concurrency: number): Promise<Run> {
  const samples: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < pushes.length) {
      const push = pushes[next++];
      const started = performance.now();
      const response = await fetch(`${base}${push.path}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: push.body,
      });
      const text = await response.text();
      samples.push(performance.now() - started);
      const answered = push.reply ? text.startsWith('<xml>') : text === 'success';
      if (response.status !== 200 || !answered)
        throw new Error(`POST ${push.path.split('?')[0]}: ${response.status} ${text.slice(0, 200)}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { samples, wallMs: performance.now() - started, byUrl: new Map() };
}

/** Calls `count` functions made by `make`, `concurrency` at a time, timing each. */
async function timeConcurrently(make: () => () => Promise<unknown>, count: number, concurrency: number): Promise<Run> {
  const calls = Array.from({ length: count }, make);
  const samples: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < calls.length) {
      const call = calls[next++];
      const started = performance.now();
      await call();
      samples.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { samples, wallMs: performance.now() - started, byUrl: new Map() };
}

const mid = (runs: Stats[], key: keyof Omit<Stats, 'workload'>) => median(runs.map((r) => r[key]));

function medianStats(workload: string, concurrency: number, runs: Stats[]): Stats {
  return {
    workload,
    concurrency,
    requests: runs.reduce((sum, r) => sum + r.requests, 0),
    p50: mid(runs, 'p50'),
    p95: mid(runs, 'p95'),
    p99: mid(runs, 'p99'),
    max: mid(runs, 'max'),
    mean: mid(runs, 'mean'),
    rps: mid(runs, 'rps'),
  };
}

/**
 * Per mode, kind and concurrency: a warm-up, then `runs` runs of `requests` pushes, each followed by a run of its
 * floor (the same number of pushes' SQL at the same concurrency, on the benchmark's own connection).
 */
async function measureCallbacks(input: {
  base: string;
  db: Db;
  fixtures: PublishingFixtures;
  settings: PublishingSettings;
  log: (line: string) => void;
}): Promise<CallbackRow[]> {
  const { base, db, fixtures, settings: s, log } = input;
  const rows: CallbackRow[] = [];
  for (const mode of ['plain', 'safe'] as const) {
    const source = new PushSource(fixtures.accounts[mode]);
    for (const kind of pushKinds) {
      for (const concurrency of s.concurrency) {
        const workload = `callback, ${mode}, ${kind}`;
        const floorCall = () => {
          const push = nextPushInput(source, kind, fixtures.keywords);
          return () => callbackFloor(db, source.account.channelId, kind, push);
        };
        await postPushes(base, makePushes(source, kind, s.warmup, fixtures.keywords), concurrency);
        await timeConcurrently(floorCall, Math.min(s.warmup, 50), concurrency);
        const runs: Stats[] = [];
        const floor: Stats[] = [];
        for (let i = 0; i < s.runs; i++) {
          const pushes = makePushes(source, kind, s.requests, fixtures.keywords);
          runs.push(summarize(workload, concurrency, await postPushes(base, pushes, concurrency)));
          floor.push(summarize(workload, concurrency, await timeConcurrently(floorCall, s.requests, concurrency)));
        }
        const row = { ...medianStats(workload, concurrency, runs), mode, kind, runs, floor };
        rows.push(row);
        log(
          `  ${workload} c=${concurrency}: p50 ${row.p50} ms, p99 ${row.p99} ms, ${row.rps} pushes/s; ` +
            `floor (SQL) p50 ${mid(floor, 'p50')} ms, ${mid(floor, 'rps')} pushes/s`,
        );
      }
    }
  }
  return rows;
}

/** News pages, public: the list (the county's pages 1–50, each township's first), articles, Atom feeds. */
function newsWorkloads(fixtures: PublishingFixtures) {
  const { news } = fixtures;
  return [
    { name: 'news list', route: 'GET /news/:orgId', cookie: '', urls: news.listUrls },
    { name: 'news article', route: 'GET /news/:orgId/:id', cookie: '', urls: news.articleUrls },
    { name: 'news Atom feed', route: 'GET /news/:orgId/feed.atom', cookie: '', urls: news.feedUrls },
  ];
}

async function deliveryStatuses(db: Db, [first, last]: [number, number]) {
  const rows = await db
    .selectFrom('deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('bulletin_id', '>=', first)
    .where('bulletin_id', '<=', last)
    .groupBy('status')
    .execute();
  const count = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return {
    sent: count('sent'),
    failed: count('failed'),
    uncertain: count('uncertain'),
    all: rows.reduce((a, r) => a + Number(r.n), 0),
  };
}

/** The floor of a delivery run: the same calls to the fake WeChat, one delivery after the other, no app. */
async function deliveryFloor(fake: FakeWechat, fixtures: PublishingFixtures, count: number, run: number) {
  const { delivery } = fixtures;
  const client = createOfficialAccountClient({
    baseUrl: fake.url,
    appId: delivery.floor.appId,
    appSecret: delivery.floor.secret,
    tokens: memoryTokenStore(),
  });
  await client.accessToken();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const article = delivery.articles[i % delivery.articles.length];
    const thumb = await client.uploadThumb(delivery.cover, `${delivery.coverSha.slice(0, 16)}.jpg`, 'image/jpeg');
    const mediaId = await client.addDraft([
      {
        title: article.title,
        digest: article.digest ?? article.contentHtml.replace(/<[^>]+>/g, '').slice(0, 120),
        content: article.contentHtml,
        thumbMediaId: thumb.mediaId,
      },
    ]);
    await client.massSend({ mediaId }, { tagId: deliveryTag, clientMsgId: `floor:${run}:${i}` });
  }
  return (performance.now() - started) / 1000;
}

/**
 * Each run: its batch's send time set to now (one UPDATE, as if an admin approved them all at that moment), then
 * the deliveries polled every 200 ms until every one has ended or the time allowed has passed.
 */
async function measureDeliveries(input: {
  db: Db;
  fake: FakeWechat;
  fixtures: PublishingFixtures;
  log: (line: string) => void;
}): Promise<DeliveryRun[]> {
  const { db, fake, fixtures, log } = input;
  const out: DeliveryRun[] = [];
  for (const [run, batch] of fixtures.delivery.batches.entries()) {
    const [first, last] = batch;
    const bulletins = last - first + 1;
    const sendsBefore = fake.massSends(fixtures.delivery.appId).length;
    const approvedAt = nowIso();
    const started = performance.now();
    await db
      .updateTable('bulletins')
      .set({ send_at: approvedAt, updated_at: approvedAt })
      .where('id', '>=', first)
      .where('id', '<=', last)
      .execute();
    const allowedMs = 60_000 + bulletins * 2_000;
    let statuses = await deliveryStatuses(db, batch);
    while (
      statuses.sent + statuses.failed + statuses.uncertain < bulletins &&
      performance.now() - started < allowedMs
    ) {
      await sleep(200);
      statuses = await deliveryStatuses(db, batch);
    }
    const times = await db
      .selectFrom('deliveries')
      .select((eb) => [eb.fn.min('created_at').as('firstCreated'), eb.fn.max('sent_at').as('lastSent')])
      .where('bulletin_id', '>=', first)
      .where('bulletin_id', '<=', last)
      .executeTakeFirstOrThrow();
    const failure = await db
      .selectFrom('deliveries')
      .select('last_error')
      .where('bulletin_id', '>=', first)
      .where('bulletin_id', '<=', last)
      .where('last_error', 'is not', null)
      .limit(1)
      .executeTakeFirst();
    const ended = statuses.sent + statuses.failed + statuses.uncertain;
    // Until the last was recorded sent; a run that did not finish counts until it was given up.
    const seconds =
      ended === bulletins && times.lastSent
        ? (Date.parse(String(times.lastSent)) - Date.parse(approvedAt)) / 1000
        : (performance.now() - started) / 1000;
    const floorSeconds = await deliveryFloor(fake, fixtures, bulletins, run);
    const result: DeliveryRun = {
      bulletins,
      sent: statuses.sent,
      failed: statuses.failed,
      uncertain: statuses.uncertain,
      seconds: Number(seconds.toFixed(2)),
      deliveriesPerSecond: Number((statuses.sent / seconds).toFixed(1)),
      firstDispatchMs: times.firstCreated ? Date.parse(String(times.firstCreated)) - Date.parse(approvedAt) : NaN,
      massSends: fake.massSends(fixtures.delivery.appId).length - sendsBefore,
      firstError: failure?.last_error ?? (ended < bulletins ? `${bulletins - ended} not ended in time` : null),
      floorSeconds: Number(floorSeconds.toFixed(2)),
      floorPerSecond: Number((bulletins / floorSeconds).toFixed(1)),
    };
    out.push(result);
    log(
      `  deliveries run ${run + 1}: ${result.sent}/${bulletins} sent in ${result.seconds} s, ${result.deliveriesPerSecond}/s ` +
        `(first dispatched after ${result.firstDispatchMs} ms; ${result.massSends} mass sends at the fake)` +
        `${result.firstError ? `; ${result.failed} failed, ${result.uncertain} uncertain: ${result.firstError}` : ''}; ` +
        `floor (the calls alone) ${result.floorPerSecond}/s`,
    );
  }
  return out;
}

/** Every publishing figure, against the running server `base` (started with fakeWechatEnvironment(fake)). */
export async function measurePublishing(input: {
  base: string;
  db: Db;
  fake: FakeWechat;
  fixtures: PublishingFixtures;
  settings: PublishingSettings;
  dir: string;
  followers: number;
  newsBulletins: number;
  log: (line: string) => void;
}): Promise<PublishingResult> {
  const { fixtures, settings: s, log } = input;
  log(`news pages with autocannon (${s.connections.join(' and ')} connections, ${s.runs} × ${s.seconds} s) …`);
  const news = await loadWorkloads({
    base: input.base,
    workloads: newsWorkloads(fixtures),
    dir: input.dir,
    settings: { connections: s.connections, seconds: s.seconds, runs: s.runs, warmupSeconds: s.warmupSeconds },
    log,
  });
  log(
    `WeChat callbacks (${s.runs} × ${s.requests} pushes per row after ${s.warmup}, concurrency ${s.concurrency.join(' and ')}) …`,
  );
  const callbacks = await measureCallbacks({ ...input, settings: s });
  const deliveries = fixtures.delivery.batches.length;
  log(`deliveries (${deliveries} runs of ${fixtures.delivery.articles.length} tag mass sends) …`);
  return {
    county: fixtures.county.name,
    followers: input.followers,
    newsBulletins: input.newsBulletins,
    newsOrgs: fixtures.news.orgs,
    callbacks,
    news,
    deliveries: await measureDeliveries(input),
  };
}

// ---- the figures ----

/**
 * Targets for the publishing figures (issue 5 sets none): WeChat's 5 s answer limit with room to spare, and rates
 * this code reached two to three times over on the 2-core VM under other work (bench/README.md, "Publishing").
 * PostgreSQL's are within 2×, as for every figure.
 */
export const publishingTargets = {
  callbackP99Ms: 1_000,
  callbackPushesPerSecond: 15,
  deliveriesPerSecond: 10,
  newsP99Ms: 1_500,
  newsRps: { 'news list': 100, 'news article': 150, 'news Atom feed': 50 } as Record<string, number>,
};

export function publishingFigures(db: Dialect, r: PublishingResult): Figure[] {
  const { out, add } = figureList(db);
  const low = Math.min(...r.callbacks.map((c) => c.concurrency));
  const high = Math.max(...r.callbacks.map((c) => c.concurrency));
  const floorIs = 'its SQL in one transaction, in-process';
  for (const row of r.callbacks) {
    const label = `WeChat callback, ${row.mode}, ${row.kind}`;
    if (row.concurrency === low) {
      add({
        name: `${label}, p50 (c=${low})`,
        unit: 'ms',
        better: 'lower',
        values: row.runs.map((x) => x.p50),
        floor: row.floor.map((x) => x.p50),
        floorIs,
      });
    }
    if (row.concurrency === high) {
      add({
        name: `${label}, p99 (c=${high})`,
        unit: 'ms',
        better: 'lower',
        values: row.runs.map((x) => x.p99),
        floor: row.floor.map((x) => x.p99),
        floorIs,
        target: publishingTargets.callbackP99Ms,
      });
      add({
        name: `${label}, pushes/s (c=${high})`,
        unit: 'pushes/s',
        better: 'higher',
        values: row.runs.map((x) => x.rps),
        floor: row.floor.map((x) => x.rps),
        floorIs,
        target: publishingTargets.callbackPushesPerSecond,
      });
    }
  }
  if (r.deliveries.length > 0) {
    const d = r.deliveries;
    const bad = d.filter((x) => x.sent < x.bulletins);
    add({
      name: `deliveries, ${d[0].bulletins.toLocaleString('en-US')} tag mass sends${bad.length ? ` (${bad[0].firstError})` : ''}`,
      unit: 'deliveries/s',
      better: 'higher',
      values: d.map((x) => x.deliveriesPerSecond),
      floor: d.map((x) => x.floorPerSecond),
      floorIs: 'the same calls to the fake WeChat, no app',
      target: publishingTargets.deliveriesPerSecond,
    });
  }
  for (const row of r.news) {
    for (const key of ['p99', 'rps'] as const) {
      add({
        name: `${row.workload}, ${key === 'rps' ? 'req/s' : key} (c=${row.connections})`,
        unit: key === 'rps' ? 'req/s' : 'ms',
        better: key === 'rps' ? 'higher' : 'lower',
        values: row.app.map((a) => a[key]),
        floor: row.floor.map((f) => f[key]),
        floorIs: 'bare Fastify route, same bytes',
        target:
          row.connections !== Math.max(...r.news.map((x) => x.connections))
            ? undefined
            : key === 'rps'
              ? publishingTargets.newsRps[row.workload]
              : publishingTargets.newsP99Ms,
      });
    }
  }
  return out;
}

const n = (value: number) => value.toLocaleString('en-US');

/** The detail behind the publishing figures, as the run prints it before the headline table. */
export function printPublishing(r: PublishingResult, log: (line: string) => void): void {
  log(
    `\npublishing on ${r.county}: ${n(r.followers)} followers per callback account, ${n(r.newsBulletins)} published bulletins over ${r.newsOrgs} orgs\n`,
  );
  log(
    formatTable(
      ['callback push', 'conc', 'pushes', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'pushes/s', 'floor p50', 'floor /s'],
      r.callbacks.map((c) => [
        `${c.mode}, ${c.kind}`,
        c.concurrency,
        c.requests,
        c.p50,
        c.p95,
        c.p99,
        c.max,
        c.rps,
        mid(c.floor, 'p50'),
        mid(c.floor, 'rps'),
      ]),
    ),
  );
  log('');
  log(
    formatTable(
      ['news page', 'conn', 'urls', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s', 'bare req/s'],
      r.news.map((row) => [
        row.workload,
        row.connections,
        row.urls,
        median(row.app.map((a) => a.p50)),
        median(row.app.map((a) => a.p95)),
        median(row.app.map((a) => a.p99)),
        median(row.app.map((a) => a.rps)),
        median(row.floor.map((f) => f.rps)),
      ]),
    ),
  );
  log('');
  log(
    formatTable(
      ['delivery run', 'bulletins', 'sent', 'failed', 'seconds', 'deliveries/s', 'first dispatch ms', 'floor /s'],
      r.deliveries.map((d, i) => [
        `run ${i + 1}`,
        d.bulletins,
        d.sent,
        d.failed + d.uncertain,
        d.seconds,
        d.deliveriesPerSecond,
        d.firstDispatchMs,
        d.floorPerSecond,
      ]),
    ),
  );
}
