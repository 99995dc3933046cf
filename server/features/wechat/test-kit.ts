import { randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { EncryptionMode, ReplyTrigger } from '../../../common/domain.js';
import { nowIso } from '../../db/tree.js';
import type { OrgRow } from '../orgs/repo.js';
import { encryptMessage, msgSignature, sha1Signature } from '../../wechat/crypto.js';
import { cdata } from '../../wechat/xml.js';
import { makeChannel } from '../../../test/ledger-factories.js';
import type { TestContext } from '../../../test/harness.js';

// Fixtures of the WeChat tests (callbacks, settings, the authorization table): official accounts with their
// settings written directly, QR scenes, replies, and pushes signed (and encrypted) the way WeChat does.

export type TestAccount = {
  id: number;
  orgId: number;
  token: string;
  aesKey: string | null;
  appId: string;
  mode: EncryptionMode;
  originalId: string;
};

const alnum = (length: number) =>
  randomBytes(length * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, length);

export const newAppId = () => `wx${randomBytes(8).toString('hex')}`;
export const newAesKey = () => alnum(43);

/** An official account with its WeChat settings (secrets encrypted with the app's keyring). */
export async function makeOfficialAccount(
  ctx: TestContext,
  input: {
    org?: OrgRow;
    token?: string;
    aesKey?: string | null;
    appId?: string;
    appSecret?: string | null;
    mode?: EncryptionMode;
  } = {},
): Promise<TestAccount> {
  const channel = await makeChannel(ctx, { org: input.org, kind: 'official_account', name: `测试公众号${alnum(6)}` });
  const account = {
    token: input.token ?? alnum(16),
    aesKey: input.aesKey === undefined ? newAesKey() : input.aesKey,
    appId: input.appId ?? newAppId(),
    mode: input.mode ?? 'plain',
  };
  const encrypt = (value: string | null) => (value === null ? null : ctx.app.keyring.encrypt(value));
  await ctx.db
    .insertInto('wechat_accounts')
    .values({
      channel_id: channel.id,
      app_id: account.appId,
      app_secret: encrypt(input.appSecret === undefined ? null : input.appSecret),
      callback_token: encrypt(account.token),
      aes_key: encrypt(account.aesKey),
      encryption_mode: account.mode,
      webhook_key: null,
      updated_by: null,
      updated_at: nowIso(),
    })
    .execute();
  return { id: channel.id, orgId: channel.orgId, ...account, originalId: `gh_${randomBytes(6).toString('hex')}` };
}

export async function makeScene(
  ctx: TestContext,
  channelId: number,
  org: OrgRow,
): Promise<{ id: number; scene: string }> {
  const scene = `org:${org.id}`;
  const { id } = await ctx.db
    .insertInto('wechat_qr_scenes')
    .values({
      channel_id: channelId,
      org_id: org.id,
      scene,
      ticket: `ticket-${alnum(12)}`,
      url: `http://weixin.qq.com/q/${alnum(20)}`,
      created_at: nowIso(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, scene };
}

export async function makeReply(
  ctx: TestContext,
  channelId: number,
  trigger: ReplyTrigger,
  matchKey: string | null,
  replyText: string,
): Promise<number> {
  const { id } = await ctx.db
    .insertInto('wechat_replies')
    .values({
      channel_id: channelId,
      trigger,
      match_key: matchKey,
      reply_text: replyText,
      created_by: null,
      created_at: nowIso(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

// Messages as WeChat writes them: strings in CDATA, numbers bare.

let sequence = 0;
const seconds = () => Math.floor(Date.now() / 1000);

export function textMessage(
  account: Pick<TestAccount, 'originalId'>,
  input: { from: string; content: string; msgId?: string; createTime?: number },
): string {
  return (
    `<xml><ToUserName>${cdata(account.originalId)}</ToUserName><FromUserName>${cdata(input.from)}</FromUserName>` +
    `<CreateTime>${input.createTime ?? seconds()}</CreateTime><MsgType>${cdata('text')}</MsgType>` +
    `<Content>${cdata(input.content)}</Content>` +
    `<MsgId>${input.msgId ?? `60547685900647${String(++sequence).padStart(5, '0')}`}</MsgId></xml>`
  );
}

export function eventMessage(
  account: Pick<TestAccount, 'originalId'>,
  input: { from: string; event: string; eventKey?: string; createTime?: number; extra?: string },
): string {
  return (
    `<xml><ToUserName>${cdata(account.originalId)}</ToUserName><FromUserName>${cdata(input.from)}</FromUserName>` +
    `<CreateTime>${input.createTime ?? seconds()}</CreateTime><MsgType>${cdata('event')}</MsgType>` +
    `<Event>${cdata(input.event)}</Event>` +
    (input.eventKey === undefined ? '' : `<EventKey>${cdata(input.eventKey)}</EventKey>`) +
    `${input.extra ?? ''}</xml>`
  );
}

export const nextOpenId = () => `o${alnum(27)}`;

/** The query string and body of a push as WeChat signs it: plain, or encrypted (`encrypt_type=aes`). */
export function signedPush(
  account: Pick<TestAccount, 'token' | 'aesKey' | 'appId' | 'originalId'>,
  xml: string,
  options: { encrypted?: boolean; timestamp?: string; nonce?: string } = {},
): { query: Record<string, string>; body: string } {
  const timestamp = options.timestamp ?? String(seconds());
  const nonce = options.nonce ?? String(100_000_000 + Math.floor(Math.random() * 1_000_000_000));
  const signature = sha1Signature([account.token, timestamp, nonce]);
  if (!options.encrypted) return { query: { signature, timestamp, nonce }, body: xml };
  const encrypt = encryptMessage(account.aesKey!, account.appId, xml);
  return {
    query: {
      signature,
      timestamp,
      nonce,
      encrypt_type: 'aes',
      msg_signature: msgSignature(account.token, timestamp, nonce, encrypt),
    },
    body: `<xml><ToUserName>${cdata(account.originalId)}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt></xml>`,
  };
}

/** POSTs a signed push to the account's callback through app.inject. */
export function push(
  ctx: TestContext,
  account: TestAccount,
  xml: string,
  options: Parameters<typeof signedPush>[2] & { headers?: InjectOptions['headers'] } = {},
): Promise<LightMyRequestResponse> {
  const { query, body } = signedPush(account, xml, options);
  return ctx.app.inject({
    method: 'POST',
    url: `/wechat/callback/${account.id}`,
    query,
    payload: body,
    headers: { 'content-type': 'text/xml', ...options.headers },
  });
}
