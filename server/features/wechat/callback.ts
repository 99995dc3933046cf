import { createHash, randomInt } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idString } from '../../../common/orgs.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { notFound } from '../../http/errors.js';
import type { Keyring } from '../../personal-data/keyring.js';
import {
  decryptMessage,
  encryptMessage,
  msgSignature,
  sameHex,
  verifySignature,
  WechatCryptoError,
} from '../../wechat/crypto.js';
import { encryptedReplyXml, parseWechatXml, textReplyXml, xmlText, type WechatXml } from '../../wechat/xml.js';
import { applyFollowerEvent, recordFollowerReading, type FollowerEvent } from './followers.js';
import { clickReply, keywordReply, subscribeReply } from './replies.js';
import { findCallbackAccount, findInbound, markInbound, setInboundReply, purgeInbound } from './repo.js';
import { publishResultFrom, recordPublishResult } from './results.js';

// The server side of an official account (服务器配置): WeChat calls /wechat/callback/<channelId> to verify the URL
// (GET) and to push messages and events (POST). The rules are in README.md. Everything here is local work in the
// database: WeChat gives up after 5 seconds and retries, so nothing calls out while it waits.

/** WeChat's pushes are small; anything larger is not one. */
export const callbackBodyLimit = 64 * 1024;
/** How long the de-duplication keys of pushes are kept: WeChat retries within seconds. */
const inboundKeySeconds = 2 * 24 * 3600;
/** A plain-mode signature does not cover the body: it is good once, and only while its de-duplication row lasts. */
const plainSignatureMaxAgeSeconds = inboundKeySeconds;

/** The scheduler's daily purge: keys older than their life are deleted; answers how many. */
export function purgeInboundKeys(db: Executor, now = new Date()): Promise<number> {
  return purgeInbound(db, new Date(now.getTime() - inboundKeySeconds * 1000).toISOString());
}

const callbackParams = z.object({ channelId: idString });
const callbackQuery = z.object({
  signature: z.string().max(100).optional(),
  timestamp: z.string().max(20).optional(),
  nonce: z.string().max(100).optional(),
  echostr: z.string().max(1000).optional(),
  encrypt_type: z.string().max(20).optional(),
  msg_signature: z.string().max(100).optional(),
  openid: z.string().max(100).optional(),
});
type CallbackQuery = z.infer<typeof callbackQuery>;

type Account = NonNullable<Awaited<ReturnType<typeof findCallbackAccount>>>;
type Secrets = { token: string; aesKey: string | null; appId: string | null };

/** The account a callback names, with its secrets in the clear; 404 (as for a missing channel) otherwise. */
async function loadAccount(db: Db, keyring: Keyring, channelId: number): Promise<{ account: Account } & Secrets> {
  const account = await findCallbackAccount(db, channelId);
  if (!account?.callback_token) throw notFound('公众号');
  return {
    account,
    token: keyring.decrypt(account.callback_token),
    aesKey: account.aes_key ? keyring.decrypt(account.aes_key) : null,
    appId: account.app_id,
  };
}

function text(reply: FastifyReply, status: number, body: string) {
  return reply.status(status).type('text/plain; charset=utf-8').send(body);
}

const refused = (reply: FastifyReply, why: string) => text(reply, 403, why);

/** What a push said, read from the decrypted or plain message. */
type Inbound = {
  to: string;
  from: string;
  createTime: string;
  msgType: string;
  event: string;
  eventKey: string;
  xml: WechatXml;
};

function inboundFrom(xml: WechatXml): Inbound {
  return {
    to: xmlText(xml, 'ToUserName'),
    from: xmlText(xml, 'FromUserName'),
    createTime: xmlText(xml, 'CreateTime').trim(),
    msgType: xmlText(xml, 'MsgType').trim(),
    event: xmlText(xml, 'Event').trim(),
    eventKey: xmlText(xml, 'EventKey'),
    xml,
  };
}

/**
 * Messages by MsgId; events by sender, time, event and event key, plus the job's id for the two job-finished events (two jobs
 * may finish in the same second, and their sender is WeChat's system account).
 */
export function dedupeKey(message: Inbound): string {
  let key: string;
  if (message.msgType !== 'event') {
    const msgId = xmlText(message.xml, 'MsgId').trim();
    key = msgId ? `msg:${msgId}` : `msg:${message.from}:${message.createTime}`;
  } else {
    const result = publishResultFrom(message.xml);
    const job = result ? `:${result.kind === 'mass_send' ? result.msgId : result.publishId}` : '';
    // The event's key too: two menu buttons pressed within a second are two clicks, a retry repeats its key.
    key = `evt:${message.from}:${message.createTime}:${message.event}:${message.eventKey.trim()}${job}`;
  }
  return key.length <= 160 ? key : `sha1:${createHash('sha1').update(key).digest('hex')}`;
}

function eventTime(createTime: string): string {
  const seconds = /^\d{1,12}$/.test(createTime) ? Number(createTime) : NaN;
  return Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : nowIso();
}

function followerEvent(message: Inbound): FollowerEvent | null {
  const at = eventTime(message.createTime);
  const key = message.eventKey.trim();
  switch (message.event) {
    case 'subscribe':
      return {
        kind: 'subscribe',
        openid: message.from,
        at,
        scene: key.startsWith('qrscene_') ? key.slice('qrscene_'.length) : null,
      };
    case 'unsubscribe':
      return { kind: 'unsubscribe', openid: message.from, at, scene: null };
    case 'SCAN':
      return { kind: 'scan', openid: message.from, at, scene: key || null };
    default:
      return null;
  }
}

/** Applies a push once; answers the text to reply with, or null for none. */
async function handleMessage(db: Executor, channelId: number, message: Inbound): Promise<string | null> {
  if (message.msgType === 'text') return keywordReply(db, channelId, xmlText(message.xml, 'Content'));
  if (message.msgType !== 'event') return null;
  const follower = followerEvent(message);
  if (follower && follower.openid) {
    if (await applyFollowerEvent(db, channelId, follower)) await recordFollowerReading(db, channelId);
    return follower.kind === 'subscribe' ? subscribeReply(db, channelId) : null;
  }
  if (message.event === 'CLICK') return clickReply(db, channelId, message.eventKey);
  const result = publishResultFrom(message.xml);
  if (result) await recordPublishResult(db, channelId, result);
  return null;
}

type Verified = { ok: true; xml: WechatXml; encrypted: boolean } | { ok: false; status: number; why: string };

/** Checks the mode, the signature and (encrypted) decrypts; the signature is checked before the body is read. */
function verifyPush(secrets: Secrets, account: Account, query: CallbackQuery, body: string): Verified {
  const { timestamp = '', nonce = '' } = query;
  const encrypted = query.encrypt_type === 'aes';
  const mode = account.encryption_mode;
  if ((mode === 'plain' && encrypted) || (mode === 'safe' && !encrypted)) {
    return { ok: false, status: 403, why: 'encryption mode mismatch' };
  }
  if (!encrypted) {
    if (!verifySignature(secrets.token, timestamp, nonce, query.signature ?? '')) {
      return { ok: false, status: 403, why: 'invalid signature' };
    }
    const age = Math.abs(Date.now() / 1000 - Number(timestamp));
    if (!(age <= plainSignatureMaxAgeSeconds)) return { ok: false, status: 403, why: 'stale timestamp' };
    return { ok: true, xml: parseWechatXml(body), encrypted };
  }
  if (!secrets.aesKey || !secrets.appId) return { ok: false, status: 403, why: 'no EncodingAESKey configured' };
  const envelope = parseWechatXml(body);
  const encrypt = xmlText(envelope, 'Encrypt').trim();
  if (!encrypt || !sameHex(msgSignature(secrets.token, timestamp, nonce, encrypt), query.msg_signature ?? '')) {
    return { ok: false, status: 403, why: 'invalid msg_signature' };
  }
  return { ok: true, xml: parseWechatXml(decryptMessage(secrets.aesKey, secrets.appId, encrypt)), encrypted };
}

function replyXml(secrets: Secrets, message: Inbound, content: string, encrypted: boolean): string {
  const createTime = Math.floor(Date.now() / 1000);
  const plain = textReplyXml({ to: message.from, from: message.to, createTime, content });
  if (!encrypted) return plain;
  const encrypt = encryptMessage(secrets.aesKey!, secrets.appId!, plain);
  const timestamp = String(createTime);
  const nonce = String(randomInt(100_000_000, 2_000_000_000));
  return encryptedReplyXml({
    encrypt,
    signature: msgSignature(secrets.token, timestamp, nonce, encrypt),
    timestamp,
    nonce,
  });
}

export function wechatCallbackRoutes({ db, keyring }: { db: Db; keyring: Keyring }): FastifyPluginAsyncZod {
  return async (app) => {
    // XML only here: the API routes keep refusing it (415).
    app.addContentTypeParser(
      ['text/xml', 'application/xml'],
      { parseAs: 'string', bodyLimit: callbackBodyLimit },
      (_request, body, done) => done(null, body),
    );

    app.get(
      '/wechat/callback/:channelId',
      {
        schema: { hide: true, params: callbackParams, querystring: callbackQuery },
        config: { permission: 'public' },
      },
      async (request, reply) => {
        const { token } = await loadAccount(db, keyring, request.params.channelId);
        const { signature = '', timestamp = '', nonce = '', echostr = '' } = request.query;
        if (!verifySignature(token, timestamp, nonce, signature)) {
          request.log.warn({ channelId: request.params.channelId }, 'wechat URL verification: bad signature');
          return refused(reply, 'invalid signature');
        }
        // An official account's echostr stays plain even in safe mode.
        return text(reply, 200, echostr);
      },
    );

    app.post(
      '/wechat/callback/:channelId',
      {
        bodyLimit: callbackBodyLimit,
        schema: { hide: true, params: callbackParams, querystring: callbackQuery },
        config: { permission: 'public', csrfExempt: true },
      },
      async (request, reply) => {
        const channelId = request.params.channelId;
        const secrets = await loadAccount(db, keyring, channelId);
        if (typeof request.body !== 'string') return text(reply, 400, 'expected an XML body');
        let verified: Verified;
        try {
          verified = verifyPush(secrets, secrets.account, request.query, request.body);
        } catch (error) {
          if (!(error instanceof WechatCryptoError)) throw error;
          request.log.warn({ channelId, code: error.code }, 'wechat callback refused');
          return text(reply, 400, `error ${error.code}`);
        }
        if (!verified.ok) {
          request.log.warn({ channelId, why: verified.why }, 'wechat callback refused');
          return text(reply, verified.status, verified.why);
        }
        const message = inboundFrom(verified.xml);
        const signatureKey = `sig:${verified.encrypted ? request.query.msg_signature : request.query.signature}`;
        const messageKey = dedupeKey(message);
        const answer = await db.transaction().execute(async (trx) => {
          const at = nowIso();
          // A push is applied once, under a new signature and a new message key. The signature first, so that a
          // forged body under a reused signature (plain mode signs no body) leaves no key behind.
          // WeChat's retry of a push whose answer came too late gets the reply the push got, and nothing is
          // applied again; on PostgreSQL a retry racing the first attempt waits for its key, then reads its reply.
          if (!(await markInbound(trx, channelId, signatureKey, at))) {
            return (await findInbound(trx, channelId, messageKey))?.reply ?? null;
          }
          if (!(await markInbound(trx, channelId, messageKey, at))) {
            return (await findInbound(trx, channelId, messageKey))?.reply ?? null;
          }
          const replyText = await handleMessage(trx, channelId, message);
          if (replyText !== null) await setInboundReply(trx, channelId, messageKey, replyText);
          return replyText;
        });
        if (answer === null || !message.from || !message.to) return text(reply, 200, 'success');
        return reply
          .type('application/xml; charset=utf-8')
          .send(replyXml(secrets, message, answer, verified.encrypted));
      },
    );
  };
}
