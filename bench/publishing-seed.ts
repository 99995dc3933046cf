import { addDays, chinaToday } from '../common/dates.js';
import type { Db } from '../server/db/schema.js';
import { nowIso, subtreeRange } from '../server/db/tree.js';
import { storeFile } from '../server/files/store.js';
import type { Keyring } from '../server/personal-data/keyring.js';
import { bulkInsert, type Cell } from './bulk.js';
import { createRandom, deriveSeed, type Random } from './random.js';

// The publishing figures' data, written before the server starts (bench/publishing-bench.ts measures on it), on the
// demo county 周至县 of the imported Shaanxi tree: two official accounts whose callbacks are pushed to (one plain,
// one in safe mode), each with `followers` followers already in the ledger, a welcome and keyword replies; a third
// account (a service account the fake WeChat knows) that the delivery runs send to; `newsBulletins` published
// bulletins over the county's orgs for the news pages; and per run a batch of `deliveries` approved bulletins,
// each with a tag mass send to the third account, held back by a send time far ahead until its run begins.

/** The demo county (server/demo.ts): 周至县. */
export const publishingCounty = { statCode: '610124000000', name: '周至县' };

export type PushMode = 'plain' | 'safe';

export type CallbackAccount = {
  channelId: number;
  mode: PushMode;
  token: string;
  aesKey: string;
  appId: string;
  originalId: string;
  /** Followers in the ledger; follower i has openidOf(this, i), subscribed unless i is a multiple of 10. */
  followers: number;
};

export type DeliveryAccount = { channelId: number; appId: string; secret: string; originalId: string };

export type PublishingFixtures = {
  county: { id: number; name: string };
  accounts: Record<PushMode, CallbackAccount>;
  /** The keyword replies' keys: a text message containing one gets its reply. */
  keywords: string[];
  delivery: DeliveryAccount & {
    /** A second account the fake knows, for the floor: the same calls without the app. */
    floor: Omit<DeliveryAccount, 'channelId'>;
    coverSha: string;
    cover: Buffer;
    /** Per run, the first and last id of its batch of approved bulletins. */
    batches: [number, number][];
    /** What the floor sends: the batch's articles as the worker reads them. */
    articles: { title: string; digest: string | null; contentHtml: string }[];
  };
  news: { orgs: number; published: number; listUrls: string[]; articleUrls: string[]; feedUrls: string[] };
};

/** When the delivery batches go out: not before their run sets it to now. */
const heldBack = '2999-12-31T00:00:00.000Z';
/** The tag the delivery runs send to (the fake takes any tag id; tag sends have no quota there). */
export const deliveryTag = 100;

export const openidOf = (account: Pick<CallbackAccount, 'mode'>, i: number) =>
  `o${account.mode === 'plain' ? 'P' : 'S'}bench${String(i).padStart(21, '0')}`;
export const isSubscribed = (i: number) => i % 10 !== 0;

const alnum = (random: Random, length: number) => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length }, () => chars[random.int(0, chars.length - 1)]).join('');
};
const hex = (random: Random, length: number) =>
  Array.from({ length }, () => '0123456789abcdef'[random.int(0, 15)]).join('');

/** A JPEG's markers around a comment that makes it a cover's size (the fake takes a thumb up to 64 KB). */
function coverJpeg(bytes: number): Buffer {
  const segment = (marker: number, data: Buffer) => {
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(data.length + 2, 2);
    return Buffer.concat([head, data]);
  };
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    segment(0xfe, Buffer.alloc(Math.min(60_000, Math.max(16, bytes - 30)), 0x20)),
    Buffer.from([0xff, 0xd9]),
  ]);
}

const topics = [
  '青春助农直播带货活动',
  '主题团日活动',
  '青年志愿者冬季防火宣传',
  '“两群一号”建设推进会',
  '返乡创业青年座谈会',
  '青年大学习专题学习',
  '乡村振兴青春行动',
  '团干部培训班',
  '“我为群众办实事”志愿服务',
  '好青年推选公示',
  '青少年暑期安全教育',
  '青年人才招聘会',
];
const sentences = [
  '县团委联合有关部门，组织各镇街团委书记和返乡青年代表参加活动。',
  '活动现场，青年志愿者分组走进村组和社区，向群众宣传政策、收集意见。',
  '团员青年通过集中学习、交流发言、志愿服务等形式，把学习成果转化为服务家乡的实际行动。',
  '下一步，县团委将把这项工作纳入年度重点任务，每个镇街至少培养 2 名青年带头人。',
  '各村团支部结合实际，制定了本支部的工作计划，明确了责任人和完成时间。',
  '参加活动的青年纷纷表示，将立足岗位、服务群众，在乡村振兴中贡献青春力量。',
  '据统计，本次活动共有 120 余名团员青年参与，服务群众 800 余人次。',
  '会议要求，各镇街要在年底前建成团青群、青农群，公众号每周至少发布 1 次。',
];

function article(random: Random, place: string, n: number) {
  const paragraphs = Array.from({ length: random.int(4, 8) }, () => `<p>${random.pick(sentences)}</p>`);
  const title = `${place}${random.pick(topics)}`.slice(0, 28);
  return {
    title: n % 7 === 0 ? `${title}（${(n % 97) + 1}）` : title,
    digest: random.chance(0.5) ? `${place}团委${random.pick(topics)}，团员青年踊跃参与。` : null,
    contentHtml: paragraphs.join(''),
  };
}

type Org = { id: number; name: string; short_name: string | null; level: string };

const placeOf = (org: Org) => (org.short_name ?? org.name).replace(/^共青团|委员会$/g, '').slice(0, 10);

async function insertAccount(
  db: Db,
  keyring: Keyring,
  input: { orgId: number; name: string; appId: string; originalId: string; mode: 'plain' | 'safe' | 'compatible' },
  secrets: { appSecret?: string; token?: string; aesKey?: string },
): Promise<number> {
  const at = nowIso();
  const { id } = await db
    .insertInto('channels')
    .values({
      org_id: input.orgId,
      kind: 'official_account',
      name: input.name,
      account_type: 'service',
      app_id: input.appId,
      original_id: input.originalId,
      responsible_cadre_id: null,
      created_on: addDays(chinaToday(), -800),
      status: 'active',
      naming_issue: null,
      latest_count: null,
      latest_count_on: null,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const encrypt = (value: string | undefined) => (value === undefined ? null : keyring.encrypt(value));
  await db
    .insertInto('wechat_accounts')
    .values({
      channel_id: id,
      app_id: input.appId,
      app_secret: encrypt(secrets.appSecret),
      callback_token: encrypt(secrets.token),
      aes_key: encrypt(secrets.aesKey),
      encryption_mode: input.mode,
      webhook_key: null,
      updated_by: null,
      updated_at: at,
    })
    .execute();
  return id;
}

const bulletinColumns = [
  'org_id',
  'kind',
  'series_id',
  'issue_number',
  'title',
  'author',
  'digest',
  'content_html',
  'cover_sha256',
  'status',
  'send_at',
  'review_note',
  'created_by',
  'updated_by',
  'submitted_by',
  'submitted_at',
  'decided_by',
  'decided_at',
  'published_at',
  'created_at',
  'updated_at',
] as const;

export async function seedPublishing(
  db: Db,
  keyring: Keyring,
  options: {
    dataDir: string;
    seed: number;
    followers: number;
    newsBulletins: number;
    deliveries: number;
    runs: number;
    log: (line: string) => void;
  },
): Promise<PublishingFixtures> {
  const random = createRandom(deriveSeed(options.seed, 'publishing'));
  const county = await db
    .selectFrom('orgs')
    .select(['id', 'name', 'path'])
    .where('stat_code', '=', publishingCounty.statCode)
    .executeTakeFirstOrThrow();
  const [from, to] = subtreeRange(county.path);
  const orgs: Org[] = await db
    .selectFrom('orgs')
    .select(['id', 'name', 'short_name', 'level'])
    .where('path', '>=', from)
    .where('path', '<', to)
    .where('status', '=', 'active')
    .orderBy('path')
    .execute();
  const townships = orgs.filter((o) => o.level === 'township');
  const villages = orgs.filter((o) => o.level === 'village');
  const at = nowIso();

  // The callback accounts, their replies and followers.
  const keywords = ['报名', '志愿者', '青年大学习', '招聘', '团费', '入团', '转接', '证明', '活动', '联系方式'];
  const accounts = {} as Record<PushMode, CallbackAccount>;
  for (const mode of ['plain', 'safe'] as const) {
    const account = {
      mode,
      token: alnum(random, 32),
      aesKey: alnum(random, 43),
      appId: `wx${hex(random, 16)}`,
      originalId: `gh_${hex(random, 12)}`,
      followers: options.followers,
    };
    const channelId = await insertAccount(
      db,
      keyring,
      {
        orgId: county.id,
        name: mode === 'plain' ? '周至青年之声' : '周至团青服务',
        appId: account.appId,
        originalId: account.originalId,
        mode,
      },
      { token: account.token, aesKey: account.aesKey },
    );
    accounts[mode] = { ...account, channelId };
    const replies: Cell[][] = [
      [channelId, 'subscribe', null, '欢迎关注！回复“报名”了解最新活动，回复“入团”了解入团流程。', null, at],
      ...keywords.map((k) => [
        channelId,
        'keyword',
        k,
        `关于“${k}”：请查看菜单“团务办理”，或拨打 029-87654321。`,
        null,
        at,
      ]),
    ];
    await bulkInsert(
      db,
      'wechat_replies',
      ['channel_id', 'trigger', 'match_key', 'reply_text', 'created_by', 'created_at'],
      replies,
    );
    const rows: Cell[][] = [];
    const day = 86_400_000;
    for (let i = 0; i < options.followers; i++) {
      const subscribedAt = new Date(Date.now() - random.int(2, 900) * day - random.int(0, day)).toISOString();
      const unsubscribedAt = isSubscribed(i) ? null : new Date(Date.parse(subscribedAt) + day).toISOString();
      const scene = random.chance(0.4) ? random.pick(townships).id : null;
      rows.push([channelId, openidOf(account, i), isSubscribed(i) ? 1 : 0, scene, subscribedAt, unsubscribedAt, at]);
      if (rows.length === 10_000 || i === options.followers - 1) {
        await bulkInsert(
          db,
          'wechat_followers',
          ['channel_id', 'openid', 'subscribed', 'scene_org_id', 'subscribed_at', 'unsubscribed_at', 'updated_at'],
          rows.splice(0),
        );
      }
    }
  }

  // The delivery account, known to the fake WeChat, and a second one for the floor.
  const delivery = {
    appId: `wx${hex(random, 16)}`,
    secret: hex(random, 32),
    originalId: `gh_${hex(random, 12)}`,
  };
  const deliveryChannel = await insertAccount(
    db,
    keyring,
    { orgId: county.id, name: '周至青年发布', appId: delivery.appId, originalId: delivery.originalId, mode: 'plain' },
    { appSecret: delivery.secret },
  );
  const floorAccount = { appId: `wx${hex(random, 16)}`, secret: hex(random, 32), originalId: `gh_${hex(random, 12)}` };
  const cover = coverJpeg(30_000);
  const { sha256: coverSha } = await storeFile(db, options.dataDir, cover, 'image/jpeg');

  // The news pages: 40% by the county, 50% by its townships, 10% by its first 100 villages, over the past year.
  const newsOrgs = [orgs[0], ...townships, ...villages.slice(0, 100)];
  const byOrg = (i: number): Org => {
    const r = (i * 7919) % 100;
    if (r < 40) return orgs[0];
    if (r < 90 || villages.length === 0) return townships[i % townships.length];
    return villages[i % Math.min(100, villages.length)];
  };
  const yearAgo = Date.now() - 365 * 86_400_000;
  const news: Cell[][] = [];
  const insertNews = async () => {
    if (news.length > 0) await bulkInsert(db, 'bulletins', bulletinColumns, news.splice(0));
  };
  for (let i = 0; i < options.newsBulletins; i++) {
    const org = byOrg(i);
    const published = new Date(yearAgo + Math.floor((i / options.newsBulletins) * 365 * 86_400_000)).toISOString();
    const a = article(random, placeOf(org), i);
    const cover = random.chance(0.6) ? coverSha : null;
    news.push([
      org.id,
      'article',
      null,
      null,
      a.title,
      random.chance(0.3) ? '县团委宣传部' : null,
      a.digest,
      a.contentHtml,
      cover,
      'sent',
      null,
      null,
      null,
      null,
      null,
      published,
      null,
      published,
      published,
      published,
      published,
    ]);
    if (news.length === 2_000) await insertNews();
  }
  await insertNews();

  // The delivery batches: approved, held back until their run.
  const articles = Array.from({ length: options.deliveries }, (_, i) => article(random, publishingCounty.name, i));
  const batches: [number, number][] = [];
  for (let run = 0; run < options.runs; run++) {
    const rows = articles.map((a) => [
      county.id,
      'article',
      null,
      null,
      a.title,
      null,
      a.digest,
      a.contentHtml,
      coverSha,
      'approved',
      heldBack,
      null,
      null,
      null,
      null,
      at,
      null,
      at,
      null,
      at,
      at,
    ]);
    const ids = (await bulkInsert<'bulletins', { id: number }>(db, 'bulletins', bulletinColumns, rows, ['id'])).map(
      (r) => Number(r.id),
    );
    await bulkInsert(
      db,
      'bulletin_targets',
      ['bulletin_id', 'kind', 'channel_id', 'oa_mode', 'tag_id'],
      ids.map((id) => [id, 'official_account', deliveryChannel, 'mass_send', deliveryTag]),
    );
    batches.push([Math.min(...ids), Math.max(...ids)]);
  }

  // What the news pages are asked for: the county's list pages 1–50 and each township's first; articles spread
  // over the orgs and the year; the feeds of the county and its townships.
  const published = await db
    .selectFrom('bulletins')
    .select(['id', 'org_id'])
    .where('status', '=', 'sent')
    .where(
      'org_id',
      'in',
      newsOrgs.map((o) => o.id),
    )
    .orderBy('id')
    .execute();
  const countyPages = Math.ceil(published.filter((b) => b.org_id === county.id).length / 20);
  const listUrls = [
    ...[1, 2, 5, 10, 20, 50]
      .filter((p) => p <= countyPages)
      .map((p) => `/news/${county.id}${p > 1 ? `?page=${p}` : ''}`),
    ...townships.map((t) => `/news/${t.id}`),
  ];
  const step = Math.max(1, Math.floor(published.length / 200));
  const articleUrls = published.filter((_, i) => i % step === 0).map((b) => `/news/${b.org_id}/${b.id}`);
  const feedUrls = [county, ...townships].map((o) => `/news/${o.id}/feed.atom`);
  options.log(
    `publishing: 2 callback accounts with ${options.followers.toLocaleString('en-US')} followers each, ` +
      `${options.newsBulletins.toLocaleString('en-US')} published bulletins over ${newsOrgs.length} orgs of ${county.name}, ` +
      `${options.runs} × ${options.deliveries.toLocaleString('en-US')} approved bulletins held for the delivery runs`,
  );
  return {
    county: { id: county.id, name: county.name },
    accounts,
    keywords,
    delivery: {
      ...delivery,
      channelId: deliveryChannel,
      floor: floorAccount,
      coverSha,
      cover,
      batches,
      articles,
    },
    news: { orgs: newsOrgs.length, published: published.length, listUrls, articleUrls, feedUrls },
  };
}
