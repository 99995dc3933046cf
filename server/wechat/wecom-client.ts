import { createHash } from 'node:crypto';
import { WechatApiError } from './oa-client.js';

// A WeCom (企业微信) group robot: one webhook key, four message kinds. Limits WeChat would refuse (40058) are
// checked here first, so a bulletin too long for a robot fails with a clear message instead of a round trip.

/** WeCom answers 45009 beyond this; the delivery worker queues the rest for the next minute. */
export const ROBOT_MESSAGES_PER_MINUTE = 20;

const TEXT_MAX_BYTES = 2048;
const MARKDOWN_MAX_BYTES = 4096;
const IMAGE_MAX_BYTES = 2 * 1024 * 1024;
const NEWS_MAX_ARTICLES = 8;

export type RobotArticle = { title: string; description?: string; url: string; picurl?: string };

export type WecomRobotClient = ReturnType<typeof createWecomRobotClient>;

const tooLong = (what: string) => new WechatApiError(40058, `${what} too long`, '/cgi-bin/webhook/send');

export function createWecomRobotClient(options: {
  baseUrl: string;
  key: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function send(message: Record<string, unknown>): Promise<void> {
    const url = new URL(`${base}/cgi-bin/webhook/send`);
    url.searchParams.set('key', options.key);
    const response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`WeCom robot: HTTP ${response.status}`);
    const data = (await response.json()) as { errcode?: number; errmsg?: string };
    if (data.errcode) throw new WechatApiError(data.errcode, String(data.errmsg ?? ''), '/cgi-bin/webhook/send', data);
  }

  return {
    async sendText(content: string, mentions: { userIds?: string[]; mobiles?: string[] } = {}): Promise<void> {
      if (Buffer.byteLength(content) > TEXT_MAX_BYTES) throw tooLong('text');
      await send({
        msgtype: 'text',
        text: { content, mentioned_list: mentions.userIds, mentioned_mobile_list: mentions.mobiles },
      });
    },

    async sendMarkdown(content: string): Promise<void> {
      if (Buffer.byteLength(content) > MARKDOWN_MAX_BYTES) throw tooLong('markdown');
      await send({ msgtype: 'markdown', markdown: { content } });
    },

    async sendNews(articles: RobotArticle[]): Promise<void> {
      if (articles.length < 1 || articles.length > NEWS_MAX_ARTICLES) {
        throw new WechatApiError(40058, `news needs 1 to ${NEWS_MAX_ARTICLES} articles`, '/cgi-bin/webhook/send');
      }
      await send({ msgtype: 'news', news: { articles } });
    },

    async sendImage(bytes: Buffer): Promise<void> {
      if (bytes.length > IMAGE_MAX_BYTES) throw tooLong('image');
      await send({
        msgtype: 'image',
        image: { base64: bytes.toString('base64'), md5: createHash('md5').update(bytes).digest('hex') },
      });
    },
  };
}
