import type { WechatSettings, WechatSettingsBody } from '../../../common/wechat.js';
import type { Config } from '../../config.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { actorCan, type Actor } from '../../http/actor.js';
import { invalid } from '../../http/errors.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { recordAudit } from '../audit/service.js';
import type { ChannelWithOrg } from '../channels/repo.js';
import { loadVisibleChannel } from '../channels/service.js';
import { followerSummary } from './followers.js';
import { findAccount, upsertAccount, type WechatAccountRow } from './repo.js';

// The WeChat settings of a channel: an official account's AppID, AppSecret, server token, EncodingAESKey and
// encryption mode, or a WeCom group robot's webhook key. Secrets are stored as keyring cipher text and never leave
// the server: the settings say which are set. Every change is audited with the names of the secrets changed only.

export type WechatChannel = ChannelWithOrg & { kind: 'official_account' | 'wecom_robot' };

/** A channel in the actor's subtree (else 404) that is an official account or a robot (else 400). */
export async function loadWechatChannel(db: Executor, actor: Actor, id: number): Promise<WechatChannel> {
  const channel = await loadVisibleChannel(db, actor, id);
  if (channel.kind !== 'official_account' && channel.kind !== 'wecom_robot') {
    throw invalid('只有公众号和企业微信群机器人可以配置微信接入', { field: 'kind' });
  }
  return channel as WechatChannel;
}

/** An official account in the actor's subtree: replies, QR codes, tags and followers exist only there. */
export async function loadOfficialAccount(db: Executor, actor: Actor, id: number): Promise<ChannelWithOrg> {
  const channel = await loadVisibleChannel(db, actor, id);
  if (channel.kind !== 'official_account')
    throw invalid('只有公众号有自动回复、关注二维码、用户标签和关注者', { field: 'kind' });
  return channel;
}

export function callbackUrl(config: Pick<Config, 'publicUrl'>, channelId: number): string {
  return `${config.publicUrl.replace(/\/+$/, '')}/wechat/callback/${channelId}`;
}

async function presentSettings(
  db: Executor,
  config: Config,
  actor: Actor,
  channel: WechatChannel,
): Promise<WechatSettings> {
  const account = await findAccount(db, channel.id);
  const official = channel.kind === 'official_account';
  return {
    channelId: channel.id,
    channelKind: channel.kind,
    appId: account?.app_id ?? null,
    secretsSet: {
      appSecret: Boolean(account?.app_secret),
      callbackToken: Boolean(account?.callback_token),
      encodingAesKey: Boolean(account?.aes_key),
      webhookKey: Boolean(account?.webhook_key),
    },
    encryptionMode: account?.encryption_mode ?? 'plain',
    callbackUrl: official ? callbackUrl(config, channel.id) : null,
    updatedAt: account?.updated_at ?? null,
    followers: official ? await followerSummary(db, channel.id) : null,
    abilities: { update: actorCan(actor, 'publishing.approve'), manage: actorCan(actor, 'publishing.write') },
  };
}

export async function getWechatSettings(db: Db, config: Config, actor: Actor, id: number) {
  const channel = await loadWechatChannel(db, actor, id);
  return presentSettings(db, config, actor, channel);
}

const officialFields = ['appId', 'appSecret', 'callbackToken', 'encodingAesKey', 'encryptionMode'] as const;
const secretFields = ['appSecret', 'callbackToken', 'encodingAesKey', 'webhookKey'] as const;
const secretColumns = {
  appSecret: 'app_secret',
  callbackToken: 'callback_token',
  encodingAesKey: 'aes_key',
  webhookKey: 'webhook_key',
} as const;

/** The stored row after the change; refuses what does not fit the channel's kind. */
function mergedAccount(
  channel: WechatChannel,
  stored: WechatAccountRow | undefined,
  body: WechatSettingsBody,
  keyring: Keyring,
  actor: Actor,
): WechatAccountRow {
  if (channel.kind === 'wecom_robot') {
    const stray = officialFields.find((field) => body[field] !== undefined);
    if (stray) throw invalid('企业微信群机器人只需填写 Webhook 密钥', { field: stray });
  } else if (body.webhookKey !== undefined) {
    throw invalid('公众号不需要填写机器人 Webhook 密钥', { field: 'webhookKey' });
  }
  const row: WechatAccountRow = {
    channel_id: channel.id,
    app_id: body.appId ?? stored?.app_id ?? null,
    app_secret: stored?.app_secret ?? null,
    callback_token: stored?.callback_token ?? null,
    aes_key: stored?.aes_key ?? null,
    encryption_mode: body.encryptionMode ?? stored?.encryption_mode ?? 'plain',
    webhook_key: stored?.webhook_key ?? null,
    updated_by: actor.userId,
    updated_at: nowIso(),
  };
  for (const field of secretFields) {
    const value = body[field];
    if (value !== undefined) row[secretColumns[field]] = keyring.encrypt(value);
  }
  if (channel.kind === 'official_account') {
    if (!row.app_id) throw invalid('请填写公众号的 AppID', { field: 'appId' });
    // A secret belongs to one app: after a new AppID the old secret would only earn 40125 from WeChat.
    if (stored?.app_id && body.appId && body.appId !== stored.app_id && stored.app_secret && !body.appSecret) {
      throw invalid('更换 AppID 时请同时填写新的 AppSecret', { field: 'appSecret' });
    }
    if (row.encryption_mode !== 'plain' && !row.aes_key) {
      throw invalid('兼容模式和安全模式须填写 EncodingAESKey', { field: 'encodingAesKey' });
    }
  }
  return row;
}

export async function updateWechatSettings(
  db: Db,
  deps: { config: Config; keyring: Keyring },
  actor: Actor,
  id: number,
  body: WechatSettingsBody,
) {
  return db.transaction().execute(async (trx) => {
    const channel = await loadWechatChannel(trx, actor, id);
    const stored = await findAccount(trx, channel.id);
    const row = mergedAccount(channel, stored, body, deps.keyring, actor);
    const secretsChanged = secretFields.filter((field) => body[field] !== undefined);
    const changed = [
      ...(row.app_id !== (stored?.app_id ?? null) ? ['appId'] : []),
      ...(row.encryption_mode !== (stored?.encryption_mode ?? 'plain') ? ['encryptionMode'] : []),
      ...secretsChanged,
    ];
    if (stored && changed.length === 0) return presentSettings(trx, deps.config, actor, channel);
    await upsertAccount(trx, row);
    await recordAudit(trx, actor, {
      action: 'wechat.settings',
      objectType: 'channel',
      objectId: channel.id,
      orgId: channel.org_id,
      // Names of the secrets set, never their values.
      details: {
        fields: changed,
        appId: row.app_id,
        encryptionMode: row.encryption_mode,
        secretsChanged,
      },
    });
    return presentSettings(trx, deps.config, actor, channel);
  });
}
