import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { WechatCryptoError } from './crypto.js';

// WeChat's XML: one <xml> root, strings in CDATA, numbers bare. Values are kept as strings (a 64-bit MsgId is
// beyond Number.MAX_SAFE_INTEGER) and are not trimmed (a user's Content is theirs, spaces and newlines included).

export type WechatXml = { [field: string]: string | WechatXml };

type OrderedNode = { [tag: string]: OrderedNode[] | string };

const parser = new XMLParser({
  preserveOrder: true,
  parseTagValue: false,
  trimValues: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: false,
});

// A repeated element (fail_idx, item) keeps its first occurrence under its name and the later ones under
// `name#2`, `name#3`…; xmlItems() lists them all in document order.
function toWechatXml(children: OrderedNode[]): WechatXml {
  const out: WechatXml = {};
  for (const child of children) {
    const tag = Object.keys(child).find((key) => key !== ':@');
    if (tag === undefined || tag === '#text') continue;
    const value = child[tag] as OrderedNode[];
    let name = tag;
    for (let n = 2; name in out; n++) name = `${tag}#${n}`;
    out[name] = value.some((node) => Object.keys(node).some((key) => key !== '#text' && key !== ':@'))
      ? toWechatXml(value)
      : value.map((node) => (typeof node['#text'] === 'string' ? node['#text'] : '')).join('');
  }
  return out;
}

/** Parses a WeChat message; throws WechatCryptoError(−40002) when it is not one well-formed <xml> document. */
export function parseWechatXml(xml: string): WechatXml {
  // WeChat never sends a DTD; refusing one rules out entity-expansion tricks.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new WechatCryptoError(-40002, 'DTDs are not accepted');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new WechatCryptoError(-40002, valid.err.msg);
  const nodes = parser.parse(xml) as OrderedNode[];
  const roots = nodes.filter((node) => !(typeof node['#text'] === 'string' && node['#text'].trim() === ''));
  if (roots.length !== 1 || !Array.isArray(roots[0].xml)) {
    throw new WechatCryptoError(-40002, 'expected a single <xml> root');
  }
  return toWechatXml(roots[0].xml);
}

/** Every occurrence of a (possibly repeated) child element, in document order. */
export function xmlItems(node: WechatXml, name: string): Array<string | WechatXml> {
  const items: Array<string | WechatXml> = [];
  if (name in node) items.push(node[name]);
  for (let n = 2; `${name}#${n}` in node; n++) items.push(node[`${name}#${n}`]);
  return items;
}

/** The string value of a field, or '' when it is absent or has children. */
export function xmlText(node: WechatXml, name: string): string {
  const value = node[name];
  return typeof value === 'string' ? value : '';
}

// Characters XML 1.0 cannot carry at all, even in CDATA.
const invalidXmlChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** A CDATA section holding any text: a `]]>` inside is split across two sections. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(invalidXmlChars, '').replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError('CreateTime must be an integer');
  return String(value);
}

export type ReplyHeader = { to: string; from: string; createTime: number };

export function textReplyXml(reply: ReplyHeader & { content: string }): string {
  return (
    `<xml><ToUserName>${cdata(reply.to)}</ToUserName><FromUserName>${cdata(reply.from)}</FromUserName>` +
    `<CreateTime>${integer(reply.createTime)}</CreateTime><MsgType>${cdata('text')}</MsgType>` +
    `<Content>${cdata(reply.content)}</Content></xml>`
  );
}

export type NewsReplyArticle = { title: string; description: string; picUrl: string; url: string };

/** A news (图文) reply; WeChat shows at most 8 articles (only the first in recent clients). */
export function newsReplyXml(reply: ReplyHeader & { articles: NewsReplyArticle[] }): string {
  const items = reply.articles
    .map(
      (a) =>
        `<item><Title>${cdata(a.title)}</Title><Description>${cdata(a.description)}</Description>` +
        `<PicUrl>${cdata(a.picUrl)}</PicUrl><Url>${cdata(a.url)}</Url></item>`,
    )
    .join('');
  return (
    `<xml><ToUserName>${cdata(reply.to)}</ToUserName><FromUserName>${cdata(reply.from)}</FromUserName>` +
    `<CreateTime>${integer(reply.createTime)}</CreateTime><MsgType>${cdata('news')}</MsgType>` +
    `<ArticleCount>${reply.articles.length}</ArticleCount><Articles>${items}</Articles></xml>`
  );
}

/** The envelope of an encrypted (safe-mode) reply. */
export function encryptedReplyXml(reply: {
  encrypt: string;
  signature: string;
  timestamp: string;
  nonce: string;
}): string {
  if (!/^\d+$/.test(reply.timestamp)) throw new RangeError('timestamp must be digits');
  return (
    `<xml><Encrypt>${cdata(reply.encrypt)}</Encrypt><MsgSignature>${cdata(reply.signature)}</MsgSignature>` +
    `<TimeStamp>${reply.timestamp}</TimeStamp><Nonce>${cdata(reply.nonce)}</Nonce></xml>`
  );
}
