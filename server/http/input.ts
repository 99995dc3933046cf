import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.js';

// Input that every route refuses alike, before any schema sees it. Fastify's JSON parser reads the body as UTF-8
// and replaces bytes that are not by U+FFFD: a name sent in another encoding would be stored garbled, silently.
// PostgreSQL cannot store NUL in text at all ("invalid byte sequence"), so a \u0000 in a JSON string or %00 in a
// query string was a 500 there while SQLite stored it; a lone surrogate (\ud800) became U+FFFD on the way in.

const notUtf8 = () => new AppError('validation_failed', 400, '请求内容不是有效的 UTF-8 文本');
const badCharacters = () =>
  new AppError('validation_failed', 400, '请求中含有不允许的字符（空字符或不成对的 UTF-16 代理项）');

/** A lone surrogate, not part of a pair. */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** The only ways such characters get into parsed JSON: escapes. Raw ones are not valid JSON or UTF-8. */
const suspectEscape = /\\u(?:0000|[dD][89a-fA-F])/;

function badText(text: string): boolean {
  return text.includes('\0') || loneSurrogate.test(text);
}

/** Any string (key or value) with NUL or a lone surrogate, walked without recursion (the nesting may be deep). */
function holdsBadText(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (badText(item)) return true;
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (badText(key)) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

/** Strict JSON bodies (UTF-8, no NUL, no lone surrogates), URLs without NUL, no compressed bodies, for every route. */
export function registerStrictInput(app: FastifyInstance): void {
  // Fastify's own parser, for what it checks besides: syntax, empty bodies, __proto__ and constructor.prototype.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers['content-type'] ?? '')?.[1];
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
      done(new AppError('validation_failed', 415, '请以 UTF-8 编码的 JSON 提交'), undefined);
      return;
    }
    let text: string;
    try {
      text = decoder.decode(body as Buffer);
    } catch {
      done(notUtf8(), undefined);
      return;
    }
    void parseJson(request, text, (error, value) => {
      if (error) done(error, undefined);
      else if (suspectEscape.test(text) && holdsBadText(value)) done(badCharacters(), undefined);
      else done(null, value);
    });
  });
  app.addHook('onRequest', async (request) => {
    if (/%00/.test(request.url) || request.url.includes('\0')) throw badCharacters();
    // A body said to be compressed would be read as if it were not: no client of ours compresses what it sends.
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      throw new AppError('validation_failed', 415, '不支持压缩的请求内容，请直接提交');
    }
  });
}
