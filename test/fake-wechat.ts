import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  pushToCallback,
  type FakeCallbackConfig,
  type FakeCallbackResult,
  type PushOptions,
} from './fake-wechat-callbacks.js';

export {
  eventXml,
  textMessageXml,
  type FakeCallbackConfig,
  type FakeCallbackResult,
  type FakeEvent,
  type PushOptions,
} from './fake-wechat-callbacks.js';

// A fake WeChat for the tests: the official-account API (token, uploads, drafts, publish, mass send with its quotas,
// followers, tags, QR codes), the WeCom group robot webhook, and WeChat's side of an account's callback (signed,
// encrypted pushes re-POSTed after the 5 s timeout). It behaves as ../server/wechat/README.md describes ("The fake"),
// answering errors as WeChat does: HTTP 200 with JSON {errcode, errmsg}, errmsg carrying a hint suffix.

export type FakeAccount = { appId: string; secret: string; type: 'subscription' | 'service'; originalId: string };

export type FakeWechatOptions = {
  accounts: FakeAccount[];
  /** Webhook keys of the WeCom robots. */
  robots: string[];
  /** Accepted robot messages in a rolling minute before 45009 (WeCom: 20). */
  robotPerMinute?: number;
  /** How long WeChat waits for a callback answer before it re-POSTs (WeChat: 5 s). */
  callbackTimeoutMs?: number;
  /** OpenIDs a `user/get` page holds (WeChat: 10,000). */
  followersPageSize?: number;
  /** `expires_in` of a token (WeChat: 7200). */
  tokenTtlSeconds?: number;
  /** The clock of quotas, token expiry and the robot's minute (tests may move it). */
  now?: () => number;
};

export type FakeDraftArticle = {
  title: string;
  author?: string;
  digest?: string;
  content: string;
  content_source_url?: string;
  thumb_media_id: string;
};

export type FakeMassSend = {
  msgId: string;
  /** The request's clientmsgid ('' when it had none). */
  clientmsgid: string;
  clientMsgId: string | null;
  tagId: number | null;
  toAll: boolean;
  msgtype: string;
  mediaId?: string;
  text?: string;
  at: number;
};

/**
 * A robot message as WeCom received it: the parsed JSON body's fields (msgtype, text, markdown, news, image) spread,
 * plus `body` (the same object) and `at`. Parsed JSON, read freely by the tests like any response's json().
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON as received, see above
export type FakeRobotMessage = { msgtype: string; body: Record<string, any>; at: number; [field: string]: any };

export type FakeUpload = { kind: 'thumb' | 'image'; mediaId?: string; url: string; bytes: number; fileName: string };

export type FakeFollowerInfo = {
  subscribe?: boolean;
  subscribeTime?: number;
  tagIds?: number[];
  qrSceneStr?: string;
  remark?: string;
};

export type FakeWechat = Awaited<ReturnType<typeof startFakeWechat>>;

type TokenRecord = { appId: string; expiresAt: number; revoked: boolean };
type Follower = { openid: string; info: FakeFollowerInfo };
type AccountState = {
  account: FakeAccount;
  token: string | null;
  tokenFetches: number;
  uploads: FakeUpload[];
  drafts: Array<{ mediaId: string; articles: FakeDraftArticle[] }>;
  publishes: Array<{ publishId: string; mediaId: string }>;
  massSends: FakeMassSend[];
  followers: Follower[];
  tags: Array<{ id: number; name: string }>;
  qrCodes: Map<string, { ticket: string; url: string }>;
  callback: FakeCallbackConfig | null;
};

type Json = Record<string, unknown>;
type Answer = Json;

const errmsgs: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40004: 'invalid media type',
  40005: 'invalid file type',
  40007: 'invalid media_id',
  40008: 'invalid message type',
  40009: 'invalid image size',
  40013: 'invalid appid',
  40032: 'invalid openid list size',
  40050: 'invalid tag id',
  40058: 'invalid parameter',
  40097: 'invalid args',
  40125: 'invalid appsecret',
  41001: 'access_token missing',
  41005: 'media data missing',
  42001: 'access_token expired',
  44003: 'empty news data',
  44004: 'empty content',
  45002: 'content size out of limit',
  45003: 'title size out of limit',
  45004: 'description size out of limit',
  45008: 'article size out of limit',
  45009: 'api freq out of limit',
  45028: 'has no masssend quota',
  45056: 'too many tags',
  45059: 'too many tags of the user',
  45065: 'clientmsgid exist',
  45110: 'author size out of limit',
  45157: 'invalid tag name',
  45158: 'tag name too long',
  45159: 'invalid tag id',
  47001: 'data format error',
  93000: 'invalid webhook url',
};

const hint = () => ` rid: ${randomBytes(6).toString('hex')}`;
const failure = (errcode: number, extra: Json = {}): Answer => ({
  errcode,
  errmsg: (errmsgs[errcode] ?? 'fake failure') + hint(),
  ...extra,
});
const ok = (extra: Json = {}): Answer => ({ errcode: 0, errmsg: 'ok', ...extra });

/** China's calendar (UTC+8, no daylight saving): the day and month WeChat's quotas count in. */
const chinaDay = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
const chinaMonth = (ms: number) => chinaDay(ms).slice(0, 7);

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const bytesOf = (value: string) => Buffer.byteLength(value, 'utf8');
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

export async function startFakeWechat(options: FakeWechatOptions) {
  const now = options.now ?? Date.now;
  const robotPerMinute = options.robotPerMinute ?? 20;
  const callbackTimeoutMs = options.callbackTimeoutMs ?? 5000;
  const pageSize = options.followersPageSize ?? 10_000;
  const tokenTtl = options.tokenTtlSeconds ?? 7200;

  const accounts = new Map<string, AccountState>();
  for (const account of options.accounts) {
    accounts.set(account.appId, {
      account,
      token: null,
      tokenFetches: 0,
      uploads: [],
      drafts: [],
      publishes: [],
      massSends: [],
      followers: [],
      tags: [],
      qrCodes: new Map(),
      callback: null,
    });
  }
  const tokens = new Map<string, TokenRecord>();
  const robots = new Map<string, FakeRobotMessage[]>(options.robots.map((key) => [key, []]));
  const failures = new Map<string, number[]>();
  let serial = 1_000_000_000;

  const state = (appId: string): AccountState => {
    const found = accounts.get(appId);
    if (!found) throw new Error(`fake WeChat: no account ${appId}`);
    return found;
  };

  /** A new token ends the account's previous one at once (WeChat allows ≈5 min of overlap; none here is stricter). */
  function issueToken(account: AccountState): Answer {
    if (account.token) tokens.get(account.token)!.revoked = true;
    const token = `FAKE_${hex(24)}`;
    tokens.set(token, { appId: account.account.appId, expiresAt: now() + tokenTtl * 1000, revoked: false });
    account.token = token;
    account.tokenFetches++;
    return { access_token: token, expires_in: tokenTtl };
  }

  function credentials(appId: string, secret: string): AccountState | Answer {
    const account = accounts.get(appId);
    if (!account) return failure(40013);
    if (account.account.secret !== secret) return failure(40125);
    return account;
  }

  // ---- official account API ----

  function getToken(query: URLSearchParams): Answer {
    if (query.get('grant_type') !== 'client_credential') return failure(40002);
    const found = credentials(query.get('appid') ?? '', query.get('secret') ?? '');
    return 'errcode' in found ? found : issueToken(found as AccountState);
  }

  function stableToken(body: Json): Answer {
    if (body.grant_type !== 'client_credential') return failure(40002);
    const found = credentials(str(body.appid), str(body.secret));
    if ('errcode' in found) return found;
    const account = found as AccountState;
    const current = account.token ? tokens.get(account.token) : undefined;
    if (body.force_refresh !== true && current && !current.revoked && current.expiresAt > now()) {
      return { access_token: account.token, expires_in: Math.floor((current.expiresAt - now()) / 1000) };
    }
    return issueToken(account);
  }

  function authenticate(query: URLSearchParams): AccountState | Answer {
    const token = query.get('access_token');
    if (!token) return failure(41001);
    const record = tokens.get(token);
    if (!record || record.revoked) return failure(40001);
    if (record.expiresAt <= now()) return failure(42001);
    return state(record.appId);
  }

  async function upload(account: AccountState, request: Request, kind: 'thumb' | 'image', permanent: boolean) {
    let media: FormDataEntryValue | null = null;
    try {
      media = (await request.formData()).get('media');
    } catch {
      return failure(41005);
    }
    if (!media || typeof media === 'string') return failure(41005);
    // Formats by the file's extension: thumb jpg; a permanent image bmp/png/jpeg/gif; an article image jpg/png.
    const formats =
      kind === 'thumb' ? ['jpg', 'jpeg'] : permanent ? ['bmp', 'png', 'jpeg', 'jpg', 'gif'] : ['jpg', 'jpeg', 'png'];
    if (!formats.includes(media.name.split('.').at(-1)?.toLowerCase() ?? '')) return failure(40005);
    const size = media.size;
    // thumb ≤ 64 KB (JPG); an image of an article's text ≤ 1 MB; a permanent image ≤ 10 MB.
    const limit = kind === 'thumb' ? 64 * 1024 : permanent ? 10 * 1024 * 1024 : 1024 * 1024;
    if (size === 0 || size > limit) return failure(40009);
    const url = `http://mmbiz.qpic.cn/mmbiz_jpg/${hex(16)}/0?wx_fmt=jpeg`;
    const mediaId = permanent ? `${kind}_${hex(20)}` : undefined;
    account.uploads.push({ kind, mediaId, url, bytes: size, fileName: media.name });
    return permanent ? { media_id: mediaId, url } : { url };
  }

  function addDraft(account: AccountState, body: Json): Answer {
    const articles = Array.isArray(body.articles) ? (body.articles as unknown[]) : [];
    if (articles.length === 0) return failure(44003);
    if (articles.length > 8) return failure(45008);
    const known = new Set(account.uploads.map((u) => u.mediaId).filter(Boolean));
    const kept: FakeDraftArticle[] = [];
    for (const article of articles) {
      if (!isRecord(article) || !str(article.title) || !str(article.content)) return failure(44004);
      const content = str(article.content);
      // draft/add: title ≤ 32 characters, author ≤ 16, digest ≤ 128, content < 20,000 characters and < 1 MB.
      if ([...str(article.title)].length > 32) return failure(45003);
      if ([...str(article.author)].length > 16) return failure(45110);
      if ([...str(article.digest)].length > 128) return failure(45004);
      if (content.length >= 20_000 || bytesOf(content) >= 1024 * 1024) return failure(45002);
      if (!known.has(str(article.thumb_media_id))) return failure(40007);
      kept.push({
        title: str(article.title),
        content,
        thumb_media_id: str(article.thumb_media_id),
        ...(typeof article.author === 'string' ? { author: article.author } : {}),
        ...(typeof article.digest === 'string' ? { digest: article.digest } : {}),
        ...(typeof article.content_source_url === 'string' ? { content_source_url: article.content_source_url } : {}),
      });
    }
    const mediaId = `draft_${hex(20)}`;
    account.drafts.push({ mediaId, articles: kept });
    return { media_id: mediaId };
  }

  function submitPublish(account: AccountState, body: Json): Answer {
    const mediaId = str(body.media_id);
    if (!account.drafts.some((d) => d.mediaId === mediaId)) return failure(40007);
    const publishId = String(++serial);
    account.publishes.push({ publishId, mediaId });
    return ok({ publish_id: publishId, msg_data_id: ++serial });
  }

  /**
   * Quotas as chosen for the fake (README): a subscription account makes one mass send a China day, whatever its
   * filter; a service account four to-all sends a China month, tag sends unlimited (WeChat's real limit is per
   * follower). A repeated clientmsgid answers 45065 with the first msg_id before any quota is looked at.
   */
  function massSend(account: AccountState, body: Json): Answer {
    const filter = isRecord(body.filter) ? body.filter : {};
    const toAll = filter.is_to_all === true;
    const tagId = toAll ? null : typeof filter.tag_id === 'number' ? filter.tag_id : Number(filter.tag_id);
    if (tagId !== null && !Number.isInteger(tagId)) return failure(40050);
    const msgtype = str(body.msgtype);
    let mediaId: string | undefined;
    let text: string | undefined;
    if (msgtype === 'mpnews') {
      mediaId = isRecord(body.mpnews) ? str(body.mpnews.media_id) : '';
      if (!account.drafts.some((d) => d.mediaId === mediaId)) return failure(40007);
    } else if (msgtype === 'text') {
      text = isRecord(body.text) ? str(body.text.content) : '';
      if (!text) return failure(44004);
    } else {
      return failure(40008);
    }
    const clientMsgId = typeof body.clientmsgid === 'string' && body.clientmsgid !== '' ? body.clientmsgid : null;
    if (clientMsgId !== null && clientMsgId.length > 64) return failure(40058);
    const first = clientMsgId === null ? undefined : account.massSends.find((s) => s.clientMsgId === clientMsgId);
    if (first) return failure(45065, { msg_id: Number(first.msgId) });
    const at = now();
    const used =
      account.account.type === 'subscription'
        ? account.massSends.filter((s) => chinaDay(s.at) === chinaDay(at)).length
        : toAll
          ? account.massSends.filter((s) => s.toAll && chinaMonth(s.at) === chinaMonth(at)).length
          : 0;
    if (used >= (account.account.type === 'subscription' ? 1 : 4)) return failure(45028);
    const msgId = ++serial;
    account.massSends.push({
      msgId: String(msgId),
      clientmsgid: clientMsgId ?? '',
      clientMsgId,
      tagId,
      toAll,
      msgtype,
      ...(mediaId === undefined ? {} : { mediaId }),
      ...(text === undefined ? {} : { text }),
      at,
    });
    return { errcode: 0, errmsg: 'send job submission success', msg_id: msgId, msg_data_id: ++serial };
  }

  function listFollowers(account: AccountState, query: URLSearchParams): Answer {
    const subscribed = account.followers.filter((f) => f.info.subscribe !== false);
    const next = query.get('next_openid') ?? '';
    let start = 0;
    if (next) {
      const index = subscribed.findIndex((f) => f.openid === next);
      if (index < 0) return failure(40003);
      start = index + 1;
    }
    const page = subscribed.slice(start, start + pageSize).map((f) => f.openid);
    // As WeChat: the last page still names its last OpenID; the call after it answers count 0 and no data.
    if (page.length === 0) return { total: subscribed.length, count: 0, next_openid: '' };
    return { total: subscribed.length, count: page.length, data: { openid: page }, next_openid: page.at(-1) };
  }

  function userInfo(account: AccountState, query: URLSearchParams): Answer {
    const follower = account.followers.find((f) => f.openid === query.get('openid'));
    if (!follower) return failure(40003);
    const { info } = follower;
    if (info.subscribe === false) return { subscribe: 0, openid: follower.openid };
    return {
      subscribe: 1,
      openid: follower.openid,
      language: 'zh_CN',
      subscribe_time: info.subscribeTime ?? Math.floor(now() / 1000),
      unionid: '',
      remark: info.remark ?? '',
      groupid: 0,
      tagid_list: info.tagIds ?? [],
      subscribe_scene: info.qrSceneStr ? 'ADD_SCENE_QR_CODE' : 'ADD_SCENE_SEARCH',
      qr_scene: 0,
      qr_scene_str: info.qrSceneStr ?? '',
    };
  }

  function createTag(account: AccountState, body: Json): Answer {
    const name = isRecord(body.tag) ? str(body.tag.name) : '';
    if (!name || account.tags.some((t) => t.name === name)) return failure(45157);
    if (bytesOf(name) > 30) return failure(45158);
    if (account.tags.length >= 100) return failure(45056);
    const tag = { id: 100 + account.tags.length, name };
    account.tags.push(tag);
    return { tag };
  }

  function getTags(account: AccountState): Answer {
    const count = (id: number) => account.followers.filter((f) => f.info.tagIds?.includes(id)).length;
    return { tags: account.tags.map((t) => ({ ...t, count: count(t.id) })) };
  }

  function batchTag(account: AccountState, body: Json): Answer {
    const openids = Array.isArray(body.openid_list) ? body.openid_list.map(str) : [];
    if (openids.length === 0 || openids.length > 50) return failure(40032);
    const tagId = Number(body.tagid);
    if (!account.tags.some((t) => t.id === tagId)) return failure(45159);
    const followers = openids.map((openid) => account.followers.find((f) => f.openid === openid));
    if (followers.some((f) => !f)) return failure(40003);
    for (const follower of followers as Follower[]) {
      const ids = follower.info.tagIds ?? [];
      if (ids.includes(tagId)) continue;
      if (ids.length >= 20) return failure(45059);
      follower.info.tagIds = [...ids, tagId];
    }
    return ok();
  }

  function createQr(account: AccountState, body: Json): Answer {
    const action = str(body.action_name);
    const scene = isRecord(body.action_info) && isRecord(body.action_info.scene) ? body.action_info.scene : {};
    let key: string;
    if (action === 'QR_LIMIT_STR_SCENE' || action === 'QR_STR_SCENE') {
      key = str(scene.scene_str);
      if (key.length < 1 || key.length > 64) return failure(40097);
    } else if (action === 'QR_LIMIT_SCENE' || action === 'QR_SCENE') {
      const id = Number(scene.scene_id);
      if (!Number.isInteger(id) || id < 1 || (action === 'QR_LIMIT_SCENE' && id > 100_000)) return failure(40097);
      key = String(id);
    } else {
      return failure(40097);
    }
    const permanent = action.startsWith('QR_LIMIT');
    const existing = permanent ? account.qrCodes.get(`${action}:${key}`) : undefined;
    const code = existing ?? { ticket: `gQ${hex(24)}`, url: `http://weixin.qq.com/q/${hex(14)}` };
    if (permanent) account.qrCodes.set(`${action}:${key}`, code);
    return permanent ? code : { ...code, expire_seconds: Number(body.expire_seconds ?? 60) };
  }

  // ---- WeCom robot ----

  function robotSend(key: string, body: Json): Answer {
    const messages = robots.get(key);
    if (!messages) return failure(93000);
    const msgtype = str(body.msgtype);
    const part = isRecord(body[msgtype]) ? body[msgtype] : null;
    if (!part) return failure(msgtype === '' ? 40008 : 40058);
    switch (msgtype) {
      case 'text':
        if (!str(part.content) || bytesOf(str(part.content)) > 2048) return failure(40058);
        break;
      case 'markdown':
        if (!str(part.content) || bytesOf(str(part.content)) > 4096) return failure(40058);
        break;
      case 'news': {
        const articles = Array.isArray(part.articles) ? (part.articles as unknown[]) : [];
        if (articles.length < 1 || articles.length > 8) return failure(40058);
        if (articles.some((a) => !isRecord(a) || !str(a.title) || !str(a.url))) return failure(40058);
        break;
      }
      case 'image': {
        const bytes = Buffer.from(str(part.base64), 'base64');
        if (bytes.length === 0 || bytes.length > 2 * 1024 * 1024) return failure(40009);
        if (createHash('md5').update(bytes).digest('hex') !== str(part.md5)) return failure(40058);
        break;
      }
      default:
        return failure(40008);
    }
    const at = now();
    if (messages.filter((m) => m.at > at - 60_000).length >= robotPerMinute) return failure(45009);
    messages.push({ ...body, msgtype, body, at });
    return ok();
  }

  // ---- the HTTP server ----

  type Handler = (ctx: {
    query: URLSearchParams;
    json: () => Json | null;
    request: () => Request;
  }) => Answer | Promise<Answer>;
  type Authed = (account: AccountState, ctx: Parameters<Handler>[0] & { body: Json }) => Answer | Promise<Answer>;

  const authed =
    (handle: Authed, options: { json?: boolean } = {}): Handler =>
    (ctx) => {
      const found = authenticate(ctx.query);
      if ('errcode' in found) return found;
      let body: Json = {};
      if (options.json) {
        const parsed = ctx.json();
        if (parsed === null) return failure(47001);
        body = parsed;
      }
      return handle(found as AccountState, { ...ctx, body });
    };
  const withJson =
    (handle: (body: Json, ctx: Parameters<Handler>[0]) => Answer): Handler =>
    (ctx) => {
      const body = ctx.json();
      return body === null ? failure(47001) : handle(body, ctx);
    };

  const routes: Record<string, Handler> = {
    'GET /cgi-bin/token': ({ query }) => getToken(query),
    'POST /cgi-bin/stable_token': withJson((body) => stableToken(body)),
    'POST /cgi-bin/material/add_material': authed((account, { query, request }) => {
      const type = query.get('type');
      if (type !== 'thumb' && type !== 'image') return failure(40004);
      return upload(account, request(), type, true);
    }),
    'POST /cgi-bin/media/uploadimg': authed((account, { request }) => upload(account, request(), 'image', false)),
    'POST /cgi-bin/draft/add': authed((account, { body }) => addDraft(account, body), { json: true }),
    'POST /cgi-bin/freepublish/submit': authed((account, { body }) => submitPublish(account, body), { json: true }),
    'POST /cgi-bin/message/mass/sendall': authed((account, { body }) => massSend(account, body), { json: true }),
    'GET /cgi-bin/user/get': authed((account, { query }) => listFollowers(account, query)),
    'GET /cgi-bin/user/info': authed((account, { query }) => userInfo(account, query)),
    'POST /cgi-bin/tags/create': authed((account, { body }) => createTag(account, body), { json: true }),
    'GET /cgi-bin/tags/get': authed((account) => getTags(account)),
    'POST /cgi-bin/tags/members/batchtagging': authed((account, { body }) => batchTag(account, body), {
      json: true,
    }),
    'POST /cgi-bin/qrcode/create': authed((account, { body }) => createQr(account, body), { json: true }),
    'POST /cgi-bin/webhook/send': withJson((body, { query }) => robotSend(query.get('key') ?? '', body)),
  };

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const answer = (status: number, body: Answer | string) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
      res.end(text);
    };
    const queued = failures.get(url.pathname);
    if (queued?.length) return answer(200, failure(queued.shift()!));
    const handler = routes[`${req.method} ${url.pathname}`];
    if (!handler) return answer(404, 'not found');
    const result = await handler({
      query: url.searchParams,
      json: () => {
        try {
          const parsed: unknown = JSON.parse(raw.toString('utf8'));
          return isRecord(parsed) && !Array.isArray(parsed) ? parsed : null;
        } catch {
          return null;
        }
      },
      request: () =>
        new Request(url, {
          method: 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? '' },
          body: raw,
        }),
    });
    answer(200, result);
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
    drafts: (appId: string) => state(appId).drafts,
    publishes: (appId: string) => state(appId).publishes,
    massSends: (appId: string) => state(appId).massSends,
    robotMessages: (key: string): FakeRobotMessage[] => {
      const messages = robots.get(key);
      if (!messages) throw new Error(`fake WeChat: no robot ${key}`);
      return messages;
    },
    uploads: (appId: string) => state(appId).uploads,
    tags: (appId: string) => state(appId).tags,
    qrCodes: (appId: string) => [...state(appId).qrCodes.values()],
    tokenFetches: (appId: string) => state(appId).tokenFetches,
    /** The account's current token, as WeChat knows it (null before the first fetch). */
    currentToken: (appId: string) => state(appId).token,
    /** Every token of the account lapses: the next call with one answers 42001. */
    expireTokens(appId: string) {
      for (const record of tokens.values()) if (record.appId === appId) record.expiresAt = now() - 1;
    },
    /** The next request to `path` (any account, before any other check) answers {errcode, errmsg}; calls stack. */
    failNext(path: string, errcode: number) {
      failures.set(path, [...(failures.get(path) ?? []), errcode]);
    },
    followers: {
      add(appId: string, openids: string[], info: FakeFollowerInfo = {}) {
        const account = state(appId);
        for (const openid of openids) {
          const existing = account.followers.find((f) => f.openid === openid);
          if (existing) existing.info = { ...existing.info, ...info };
          else account.followers.push({ openid, info: { ...info, tagIds: [...(info.tagIds ?? [])] } });
        }
      },
    },
    setCallback(appId: string, callback: FakeCallbackConfig) {
      state(appId).callback = callback;
    },
    /** Pushes a message to the account's callback as WeChat does (see fake-wechat-callbacks.ts). */
    sendCallback(appId: string, xmlPlain: string, push: PushOptions = {}): Promise<FakeCallbackResult> {
      const { account, callback } = state(appId);
      if (!callback) throw new Error(`fake WeChat: no callback configured for ${appId}`);
      return pushToCallback({ ...account, callback, now, timeoutMs: callbackTimeoutMs }, xmlPlain, push);
    },
  };
}
