import { addDays, chinaToday } from '../../../common/dates.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/schema.js';
import { readStoredFile } from '../../files/store.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { createOfficialAccountClient, dbTokenStore, WechatApiError } from '../../wechat/oa-client.js';
import { createWecomRobotClient, ROBOT_MESSAGES_PER_MINUTE } from '../../wechat/wecom-client.js';
import { listIssueArticles } from '../publishing/repo.js';
import { htmlToText } from '../publishing/sanitize.js';
import { newsUrl } from '../publishing/service.js';
import type { DeliveryRow } from './repo.js';

// What one delivery does on its target. Each function returns an Outcome; the worker records it. A step that
// WeChat can de-duplicate is repeated after a crash (mass send carries the delivery's key as clientmsgid); a step
// it cannot (a robot message, a publish submit) is never repeated blindly: the delivery becomes 'uncertain'.

export type Outcome =
  | { kind: 'sent'; values: Partial<DeliveryRow>; message: string }
  /** A first step done and recorded (the draft's media_id): carry on at once. */
  | { kind: 'progress'; values: Partial<DeliveryRow>; message: string }
  /** Not now, not an error: a quota or a rate limit. */
  | { kind: 'defer'; until: string; message: string }
  | { kind: 'retry'; errcode: number | null; message: string }
  | { kind: 'fail'; errcode: number | null; message: string };

export type SendDeps = {
  db: Db;
  keyring: Keyring;
  config: Pick<Config, 'wechatApiBase' | 'wecomApiBase' | 'publicUrl' | 'dataDir'>;
  fetch?: typeof fetch;
};

/** Errcodes worth another try later; anything else is the account's or the content's problem. */
const transient = new Set([-1, 45009, 45011, 45066]);
/** The mass-send quota is used up (subscription: 1 a day; service: 4 a month per follower). */
const quotaExhausted = 45028;

const errcodeMessages: Record<number, string> = {
  40013: 'AppID 不正确，请检查公众号设置',
  40125: 'AppSecret 不正确，请检查公众号设置',
  40164: '服务器 IP 不在公众号的 IP 白名单中',
  48001: '公众号没有该接口权限（未认证或类型不符）',
  40058: '内容超出长度限制',
  93000: '企业微信机器人 Webhook 地址（key）无效',
  45009: '调用过于频繁，稍后自动重试',
  [-1]: '微信系统繁忙，稍后自动重试',
};

export function describeError(error: unknown): { errcode: number | null; message: string; transient: boolean } {
  if (error instanceof WechatApiError) {
    const known = errcodeMessages[error.errcode];
    return {
      errcode: error.errcode,
      message: `${known ?? '微信接口返回错误'}（${error.errcode} ${error.errmsg}）`.slice(0, 500),
      transient: transient.has(error.errcode),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  // Network errors, timeouts, a WeChat 5xx: try again later.
  return { errcode: null, message: `网络错误：${message}`.slice(0, 500), transient: true };
}

type Context = {
  delivery: DeliveryRow;
  bulletin: {
    id: number;
    org_id: number;
    kind: 'article' | 'issue';
    title: string;
    author: string | null;
    digest: string | null;
    content_html: string;
    cover_sha256: string | null;
    published_at: string | null;
  };
  target: { oa_mode: 'mass_send' | 'freepublish' | null; tag_id: number | null };
  channel: { id: number; name: string; account_type: 'subscription' | 'service' | null };
  account: { app_id: string | null; app_secret: string | null; webhook_key: string | null } | null;
};

export async function loadContext(db: Db, delivery: DeliveryRow): Promise<Context> {
  const bulletin = await db
    .selectFrom('bulletins')
    .select(['id', 'org_id', 'kind', 'title', 'author', 'digest', 'content_html', 'cover_sha256', 'published_at'])
    .where('id', '=', delivery.bulletin_id)
    .executeTakeFirstOrThrow();
  const target = await db
    .selectFrom('bulletin_targets')
    .select(['oa_mode', 'tag_id'])
    .where('id', '=', delivery.target_id)
    .executeTakeFirstOrThrow();
  const channel = await db
    .selectFrom('channels')
    .select(['id', 'name', 'account_type'])
    .where('id', '=', delivery.channel_id!)
    .executeTakeFirstOrThrow();
  const account =
    (await db
      .selectFrom('wechat_accounts')
      .select(['app_id', 'app_secret', 'webhook_key'])
      .where('channel_id', '=', channel.id)
      .executeTakeFirst()) ?? null;
  return { delivery, bulletin, target, channel, account };
}

/** The articles that go out: an article itself, or an issue's articles in order. */
async function articlesOf(db: Db, bulletin: Context['bulletin']) {
  if (bulletin.kind === 'article') return [bulletin];
  const items = await listIssueArticles(db, bulletin.id);
  return items.map((a) => ({
    ...a,
    org_id: bulletin.org_id,
    kind: 'article' as const,
    published_at: bulletin.published_at,
  }));
}

function excerpt(article: { digest: string | null; content_html: string }, max: number): string {
  return article.digest ?? htmlToText(article.content_html, max);
}

/** The API client of an official account from its stored (encrypted) credentials; the token from the shared cache. */
export function accountClient(
  deps: Pick<SendDeps, 'db' | 'keyring' | 'fetch'> & { config: Pick<Config, 'wechatApiBase'> },
  account: { app_id: string; app_secret: string },
) {
  return createOfficialAccountClient({
    baseUrl: deps.config.wechatApiBase,
    appId: account.app_id,
    appSecret: deps.keyring.decrypt(account.app_secret),
    tokens: dbTokenStore(deps.db, deps.keyring),
    fetch: deps.fetch,
  });
}

/** A WeCom group robot: a news card linking to the news page when it is on the web, else markdown text. */
export async function sendToRobot(
  deps: SendDeps,
  context: Context,
  markCalling: () => Promise<void>,
): Promise<Outcome> {
  const { db, keyring, config } = deps;
  if (!context.account?.webhook_key)
    return { kind: 'fail', errcode: null, message: '未配置企业微信机器人的 Webhook key' };
  const minuteAgo = new Date(Date.now() - 60_000).toISOString();
  const recent = await db
    .selectFrom('deliveries')
    .select('sent_at')
    .where('channel_id', '=', context.channel.id)
    .where('sent_at', '>', minuteAgo)
    .orderBy('sent_at', 'desc')
    .limit(ROBOT_MESSAGES_PER_MINUTE)
    .execute();
  if (recent.length >= ROBOT_MESSAGES_PER_MINUTE) {
    const oldest = recent[recent.length - 1].sent_at!;
    const until = new Date(Date.parse(oldest) + 60_000 + 500).toISOString();
    return { kind: 'defer', until, message: `该机器人每分钟最多发送 ${ROBOT_MESSAGES_PER_MINUTE} 条，已排队稍后发送` };
  }
  const robot = createWecomRobotClient({
    baseUrl: config.wecomApiBase,
    key: keyring.decrypt(context.account.webhook_key),
    fetch: deps.fetch,
  });
  const articles = await articlesOf(db, context.bulletin);
  await markCalling();
  const cover = (sha: string | null) => (sha ? `${config.publicUrl}/news/images/${sha}` : undefined);
  if (context.bulletin.published_at) {
    await robot.sendNews(
      articles.slice(0, 8).map((a) => ({
        title: a.title,
        description: excerpt(a, 120),
        url: newsUrl(config, context.bulletin.org_id, a.id),
        picurl: cover(a.cover_sha256 ?? context.bulletin.cover_sha256),
      })),
    );
  } else {
    const lines = articles.map((a) => `**${a.title}**\n${excerpt(a, 300)}`);
    await robot.sendMarkdown(truncateBytes(lines.join('\n\n'), 4000));
  }
  return { kind: 'sent', values: {}, message: '企业微信群已收到' };
}

function truncateBytes(text: string, maxBytes: number): string {
  let out = text;
  while (Buffer.byteLength(out) > maxBytes) out = out.slice(0, Math.floor(out.length * 0.9));
  return out === text ? out : `${out}…`;
}

/** The next moment the mass-send quota allows: tomorrow (subscription) or the 1st of next month (service), China time. */
function nextQuotaWindow(accountType: 'subscription' | 'service' | null): string {
  const today = chinaToday();
  const day = accountType === 'service' ? `${addDays(`${today.slice(0, 7)}-28`, 4).slice(0, 7)}-01` : addDays(today, 1);
  return new Date(`${day}T00:05:00+08:00`).toISOString();
}

/** Mass sends to all followers already made through this platform in the current quota window. */
async function massSendsInWindow(db: Db, context: Context): Promise<number> {
  const today = chinaToday();
  const start = context.channel.account_type === 'service' ? `${today.slice(0, 7)}-01` : today;
  const row = await db
    .selectFrom('deliveries as d')
    .innerJoin('bulletin_targets as t', 't.id', 'd.target_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('d.channel_id', '=', context.channel.id)
    .where('t.oa_mode', '=', 'mass_send')
    .where('d.status', '=', 'sent')
    .where('d.sent_at', '>=', new Date(`${start}T00:00:00+08:00`).toISOString())
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * An official account in two recorded steps: (1) images uploaded and a draft added — the draft's media_id is
 * stored; (2) the draft mass-sent (clientmsgid = the delivery's key, so WeChat ignores a repeat) or published.
 */
export async function sendToOfficialAccount(
  deps: SendDeps,
  context: Context,
  markCalling: () => Promise<void>,
): Promise<Outcome> {
  const { db, config } = deps;
  const account = context.account;
  if (!account?.app_id || !account.app_secret)
    return { kind: 'fail', errcode: null, message: '未配置公众号的 AppID 和 AppSecret' };
  const client = accountClient(deps, { app_id: account.app_id, app_secret: account.app_secret });
  const { delivery, target } = context;
  if (delivery.step === 'start') {
    const articles = await articlesOf(db, context.bulletin);
    const drafts = [];
    for (const article of articles) {
      const coverSha = article.cover_sha256 ?? context.bulletin.cover_sha256;
      if (!coverSha)
        return { kind: 'fail', errcode: null, message: `《${article.title}》没有封面图片，公众号图文需要封面` };
      const thumb = await client.uploadThumb(
        readStoredFile(config.dataDir, coverSha),
        `${coverSha.slice(0, 16)}.jpg`,
        'image/jpeg',
      );
      drafts.push({
        title: article.title,
        author: article.author ?? undefined,
        digest: excerpt(article, 120),
        content: await withWechatImages(
          article.content_html,
          (bytes, name, mime) => client.uploadArticleImage(bytes, name, mime),
          config.dataDir,
        ),
        contentSourceUrl: article.published_at ? newsUrl(config, context.bulletin.org_id, article.id) : undefined,
        thumbMediaId: thumb.mediaId,
      });
    }
    const mediaId = await client.addDraft(drafts);
    return {
      kind: 'progress',
      values: { step: 'draft', remote_media_id: mediaId },
      message: `已上传图文草稿（media_id ${mediaId}）`,
    };
  }
  // Mass send needs no 'calling' mark: repeated with the same clientmsgid, WeChat answers 45065 and its msg_id.
  const mediaId = delivery.remote_media_id!;
  if (target.oa_mode === 'freepublish') {
    await markCalling();
    const { publishId } = await client.submitPublish(mediaId);
    return {
      kind: 'sent',
      values: { step: 'submitted', remote_publish_id: publishId },
      message: `已提交发布（publish_id ${publishId}），等待微信发布结果`,
    };
  }
  if (
    target.tag_id === null &&
    (await massSendsInWindow(db, context)) >= (context.channel.account_type === 'service' ? 4 : 1)
  ) {
    return {
      kind: 'defer',
      until: nextQuotaWindow(context.channel.account_type),
      message: '群发次数已用完，顺延到下一个可群发的时间',
    };
  }
  try {
    const { msgId } = await client.massSend(
      { mediaId },
      { tagId: target.tag_id, clientMsgId: delivery.idempotency_key },
    );
    return {
      kind: 'sent',
      values: { step: 'submitted', remote_msg_id: msgId },
      message: `已提交群发（msg_id ${msgId}），等待群发结果`,
    };
  } catch (error) {
    if (error instanceof WechatApiError && error.errcode === quotaExhausted) {
      return {
        kind: 'defer',
        until: nextQuotaWindow(context.channel.account_type),
        message: '微信提示群发次数已用完，顺延到下一个可群发的时间',
      };
    }
    throw error;
  }
}

/** Images in the text point at this platform; WeChat shows only images uploaded to it, so they are swapped. */
async function withWechatImages(
  html: string,
  upload: (bytes: Buffer, fileName: string, mime: string) => Promise<string>,
  dataDir: string,
): Promise<string> {
  const shas = [...new Set([...html.matchAll(/\/news\/images\/([0-9a-f]{64})/g)].map((m) => m[1]))];
  let out = html;
  for (const sha of shas) {
    const url = await upload(readStoredFile(dataDir, sha), `${sha.slice(0, 16)}.jpg`, 'image/jpeg');
    out = out.replaceAll(`/news/images/${sha}`, url);
  }
  return out;
}
