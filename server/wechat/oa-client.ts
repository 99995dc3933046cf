import { isUsable, type TokenStore } from './token-store.js';

export { dbTokenStore, memoryTokenStore, type TokenStore } from './token-store.js';

// A small typed client of the official-account API (see README.md): fetch against a configurable base URL, the
// access token from one shared store, errors matched on errcode only (errmsg carries hint suffixes).

/** WeChat answered with a non-zero errcode (HTTP 200 JSON `{errcode, errmsg}`). */
export class WechatApiError extends Error {
  readonly errcode: number;
  readonly errmsg: string;
  readonly path: string;
  /** The whole answer: some errors carry data (a repeated mass send names the first one's msg_id). */
  readonly body: Record<string, unknown>;

  constructor(errcode: number, errmsg: string, path: string, body: Record<string, unknown> = {}) {
    super(`WeChat ${path}: ${errcode} ${errmsg}`);
    this.name = 'WechatApiError';
    this.errcode = errcode;
    this.errmsg = errmsg;
    this.path = path;
    this.body = body;
  }
}

/** The token was refused: drop it, fetch another, try the call once more. */
const tokenRefused = new Set([40001, 40014, 42001]);

export type DraftArticle = {
  title: string;
  author?: string;
  digest?: string;
  content: string;
  contentSourceUrl?: string;
  thumbMediaId: string;
};

export type Follower = {
  openid: string;
  subscribe: boolean;
  subscribeTime: number | null;
  tagIds: number[];
  qrSceneStr: string;
};

export type OfficialAccountClient = ReturnType<typeof createOfficialAccountClient>;

type Json = Record<string, unknown>;

/** A string or number field of an answer as text; anything else (missing, an object) as ''. */
const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

const imageKinds = [
  { magic: [0x89, 0x50, 0x4e, 0x47], ext: 'png', mime: 'image/png' },
  { magic: [0xff, 0xd8, 0xff], ext: 'jpg', mime: 'image/jpeg' },
  { magic: [0x47, 0x49, 0x46, 0x38], ext: 'gif', mime: 'image/gif' },
  { magic: [0x42, 0x4d], ext: 'bmp', mime: 'image/bmp' },
];

/**
 * WeChat takes only some formats (article images: jpg/png) and reads the format from the upload's name and type: they
 * follow the bytes, so a PNG stored under a .jpg name goes as a PNG. Unknown bytes keep the name they were given.
 */
function namedByContent(bytes: Buffer, fileName: string, mime: string): { fileName: string; mime: string } {
  const kind = imageKinds.find((k) => k.magic.every((byte, i) => bytes[i] === byte));
  if (!kind) return { fileName, mime };
  const stem = fileName.replace(/\.[A-Za-z0-9]{1,5}$/, '') || 'image';
  return { fileName: `${stem}.${kind.ext}`, mime: kind.mime };
}

export function createOfficialAccountClient(options: {
  baseUrl: string;
  appId: string;
  appSecret: string;
  tokens: TokenStore;
  fetch?: typeof fetch;
  timeoutMs?: number;
}) {
  const { appId, appSecret, tokens } = options;
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function call(path: string, init: { method: 'GET' | 'POST'; query?: Json; body?: BodyInit; json?: Json }) {
    const url = new URL(base + path);
    for (const [key, value] of Object.entries(init.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, text(value));
    }
    const response = await doFetch(url, {
      method: init.method,
      headers: init.json ? { 'content-type': 'application/json' } : undefined,
      body: init.json ? JSON.stringify(init.json) : init.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`WeChat ${path}: HTTP ${response.status}`);
    const data = (await response.json()) as Json;
    const errcode = typeof data.errcode === 'number' ? data.errcode : 0;
    if (errcode !== 0) throw new WechatApiError(errcode, text(data.errmsg), path, data);
    return data;
  }

  async function fetchToken() {
    const data = await call('/cgi-bin/token', {
      method: 'GET',
      query: { grant_type: 'client_credential', appid: appId, secret: appSecret },
    });
    if (typeof data.access_token !== 'string' || typeof data.expires_in !== 'number') {
      throw new Error('WeChat /cgi-bin/token: no access_token in the answer');
    }
    return { token: data.access_token, expiresIn: data.expires_in };
  }

  async function accessToken(stale: string | null = null): Promise<string> {
    if (stale === null) {
      const stored = await tokens.get(appId);
      if (isUsable(stored)) return stored.token;
    }
    return tokens.refresh(appId, fetchToken, stale);
  }

  /** A call with the access token; a refused token is replaced once. The body is rebuilt for the second try. */
  async function authed(
    path: string,
    init: { method: 'GET' | 'POST'; query?: Json; json?: Json; body?: () => BodyInit },
  ): Promise<Json> {
    const attempt = (token: string) =>
      call(path, {
        method: init.method,
        query: { ...init.query, access_token: token },
        json: init.json,
        body: init.body?.(),
      });
    const token = await accessToken();
    try {
      return await attempt(token);
    } catch (error) {
      if (!(error instanceof WechatApiError) || !tokenRefused.has(error.errcode)) throw error;
      return attempt(await accessToken(token));
    }
  }

  const upload = (bytes: Buffer, fileName: string, mime: string) => () => {
    const named = namedByContent(bytes, fileName, mime);
    const form = new FormData();
    form.append('media', new Blob([new Uint8Array(bytes)], { type: named.mime }), named.fileName);
    return form;
  };

  return {
    accessToken: () => accessToken(),

    /**
     * A draft's cover (its `thumb_media_id`): a permanent image, `add_material?type=image` (bmp/png/jpeg/gif up to
     * 10 MB). WeChat takes any permanent image as a cover; `type=thumb` would take only a JPEG up to 64 KB.
     */
    async uploadThumb(bytes: Buffer, fileName: string, mime: string): Promise<{ mediaId: string; url: string }> {
      const data = await authed('/cgi-bin/material/add_material', {
        method: 'POST',
        query: { type: 'image' },
        body: upload(bytes, fileName, mime),
      });
      return { mediaId: text(data.media_id), url: text(data.url) };
    },

    /** An image inside an article's text (`/cgi-bin/media/uploadimg`): answers the URL WeChat shows it at. */
    async uploadArticleImage(bytes: Buffer, fileName: string, mime: string): Promise<string> {
      const data = await authed('/cgi-bin/media/uploadimg', { method: 'POST', body: upload(bytes, fileName, mime) });
      return text(data.url);
    },

    async addDraft(articles: DraftArticle[]): Promise<string> {
      const data = await authed('/cgi-bin/draft/add', {
        method: 'POST',
        json: {
          articles: articles.map((a) => ({
            title: a.title,
            author: a.author,
            digest: a.digest,
            content: a.content,
            content_source_url: a.contentSourceUrl,
            thumb_media_id: a.thumbMediaId,
          })),
        },
      });
      return text(data.media_id);
    },

    async submitPublish(mediaId: string): Promise<{ publishId: string }> {
      const data = await authed('/cgi-bin/freepublish/submit', { method: 'POST', json: { media_id: mediaId } });
      return { publishId: text(data.publish_id) };
    },

    /**
     * Mass send to a tag, or to all followers when tagId is null. The clientMsgId makes a repeat harmless: WeChat
     * answers 45065 with the first send's msg_id, which is success here.
     */
    async massSend(
      content: { mediaId: string } | { text: string },
      to: { tagId: number | null; clientMsgId: string },
    ): Promise<{ msgId: string }> {
      const message =
        'mediaId' in content
          ? { msgtype: 'mpnews', mpnews: { media_id: content.mediaId }, send_ignore_reprint: 0 }
          : { msgtype: 'text', text: { content: content.text } };
      const json = {
        filter: to.tagId === null ? { is_to_all: true } : { is_to_all: false, tag_id: to.tagId },
        ...message,
        clientmsgid: to.clientMsgId.slice(0, 64),
      };
      try {
        const data = await authed('/cgi-bin/message/mass/sendall', { method: 'POST', json });
        return { msgId: text(data.msg_id) };
      } catch (error) {
        if (error instanceof WechatApiError && error.errcode === 45065) {
          return { msgId: text(error.body.msg_id) };
        }
        throw error;
      }
    },

    /** One page of follower OpenIDs (≤ 10,000); `next` is '' after the last page. */
    async listFollowers(nextOpenid = ''): Promise<{ total: number; openids: string[]; next: string }> {
      const data = await authed('/cgi-bin/user/get', {
        method: 'GET',
        query: { next_openid: nextOpenid || undefined },
      });
      const count = Number(data.count ?? 0);
      const list = (data.data as { openid?: string[] } | undefined)?.openid ?? [];
      const openids = count === 0 ? [] : list;
      return {
        total: Number(data.total ?? 0),
        openids,
        next: openids.length === 0 ? '' : text(data.next_openid),
      };
    },

    async userInfo(openid: string): Promise<Follower> {
      const data = await authed('/cgi-bin/user/info', { method: 'GET', query: { openid, lang: 'zh_CN' } });
      return {
        openid,
        subscribe: Number(data.subscribe) === 1,
        subscribeTime: typeof data.subscribe_time === 'number' ? data.subscribe_time : null,
        tagIds: Array.isArray(data.tagid_list) ? data.tagid_list.map(Number) : [],
        qrSceneStr: text(data.qr_scene_str),
      };
    },

    async createTag(name: string): Promise<{ id: number; name: string }> {
      const data = await authed('/cgi-bin/tags/create', { method: 'POST', json: { tag: { name } } });
      const tag = data.tag as { id: number; name: string };
      return { id: Number(tag.id), name: text(tag.name) };
    },

    async getTags(): Promise<Array<{ id: number; name: string; count: number }>> {
      const data = await authed('/cgi-bin/tags/get', { method: 'GET' });
      const tags = (data.tags ?? []) as Array<{ id: number; name: string; count?: number }>;
      return tags.map((t) => ({ id: Number(t.id), name: text(t.name), count: Number(t.count ?? 0) }));
    },

    async batchTag(openids: string[], tagId: number): Promise<void> {
      await authed('/cgi-bin/tags/members/batchtagging', {
        method: 'POST',
        json: { openid_list: openids, tagid: tagId },
      });
    },

    /** A permanent QR code with a string scene (QR_LIMIT_STR_SCENE); `url` is what the code encodes. */
    async createQrScene(sceneStr: string): Promise<{ ticket: string; url: string }> {
      const data = await authed('/cgi-bin/qrcode/create', {
        method: 'POST',
        json: { action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: sceneStr } } },
      });
      return { ticket: text(data.ticket), url: text(data.url) };
    },
  };
}
