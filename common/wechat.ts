import { z } from 'zod';
import { encryptionModes, replyTriggers } from './domain.js';
import { idNumber, idString } from './orgs.js';
import { text } from './fields.js';

// WeChat accounts (公众号 and WeCom group robots): the credentials of a channel, the follower ledger kept from
// WeChat's callbacks, automatic replies and per-org QR scene codes. Secrets go in and never come out: the settings
// say only which of them are set.

/** wx followed by 16 letters or digits, as WeChat issues them. */
const appId = z
  .string()
  .trim()
  .regex(/^wx[0-9A-Za-z]{16}$/, { message: 'AppID 应为 wx 开头的 18 位字母或数字' });
const appSecret = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z]{16,64}$/, { message: 'AppSecret 应为 16 至 64 位字母或数字' });
/** WeChat's own rule for the server configuration token: 3 to 32 letters or digits. */
const callbackToken = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z]{3,32}$/, { message: '令牌（Token）应为 3 至 32 位字母或数字' });
const encodingAesKey = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z]{43}$/, { message: 'EncodingAESKey 应为 43 位字母或数字' });
/** The key of a group robot, or the whole webhook address people copy from WeCom (…/webhook/send?key=…). */
const webhookKey = z
  .string()
  .trim()
  .max(300, { message: 'Webhook 地址过长' })
  .transform((value) => /[?&]key=([^&#\s]+)/.exec(value)?.[1] ?? value)
  .pipe(z.string().regex(/^[0-9A-Za-z-]{8,64}$/, { message: '机器人 Webhook 密钥格式不正确' }));

/** An omitted secret keeps the stored one; official-account fields and the robot key never mix (checked per kind). */
export const wechatSettingsBody = z
  .object({
    appId: appId.optional(),
    appSecret: appSecret.optional(),
    callbackToken: callbackToken.optional(),
    encodingAesKey: encodingAesKey.optional(),
    encryptionMode: z.enum(encryptionModes, { message: '消息加解密方式应为明文、兼容或安全模式' }).optional(),
    webhookKey: webhookKey.optional(),
  })
  .strict();
export type WechatSettingsBody = z.infer<typeof wechatSettingsBody>;

const count = z.number().int();

export const wechatSettings = z.object({
  channelId: z.number(),
  channelKind: z.enum(['official_account', 'wecom_robot']),
  appId: z.string().nullable(),
  /** Which secrets are stored; their values never leave the server. */
  secretsSet: z.object({
    appSecret: z.boolean(),
    callbackToken: z.boolean(),
    encodingAesKey: z.boolean(),
    webhookKey: z.boolean(),
  }),
  encryptionMode: z.enum(encryptionModes),
  /** The URL to enter in the official account's server configuration (服务器配置); null for a robot. */
  callbackUrl: z.string().nullable(),
  updatedAt: z.string().nullable(),
  /** From the callbacks: subscribed followers, those attributed to an org's QR code (top 20), today's changes. */
  followers: z
    .object({
      subscribed: count,
      unattributed: count,
      byOrg: z.array(z.object({ orgId: z.number(), orgName: z.string(), count })),
      today: z.object({ onDate: z.string(), gained: count, lost: count }),
    })
    .nullable(),
  abilities: z.object({ update: z.boolean(), manage: z.boolean() }),
});
export type WechatSettings = z.infer<typeof wechatSettings>;

const replyText = text('回复内容', 600);

/** keyword: a text message equal to the key, else containing it; click: a menu button's key; subscribe: welcome. */
export const wechatReplyBody = z.discriminatedUnion(
  'trigger',
  [
    z.object({ trigger: z.literal('keyword'), matchKey: text('关键词', 30), replyText }).strict(),
    z.object({ trigger: z.literal('click'), matchKey: text('菜单键值（key）', 64), replyText }).strict(),
    z.object({ trigger: z.literal('subscribe'), replyText }).strict(),
  ],
  { message: '回复类型应为关键词、菜单点击或关注回复' },
);
export type WechatReplyBody = z.infer<typeof wechatReplyBody>;

export const wechatReplyItem = z.object({
  id: z.number(),
  trigger: z.enum(replyTriggers),
  matchKey: z.string().nullable(),
  replyText: z.string(),
  createdAt: z.string(),
});
export const wechatReplyList = z.object({ items: z.array(wechatReplyItem) });

export const replyParams = z.object({ id: idString, replyId: idString });

export const createQrSceneBody = z.object({ orgId: idNumber }).strict();

export const qrSceneItem = z.object({
  id: z.number(),
  orgId: z.number(),
  orgName: z.string(),
  scene: z.string(),
  /** What the QR code holds (WeChat's short link); the image is at imageUrl. */
  url: z.string(),
  imageUrl: z.string(),
  /** Followers subscribed now whom this code brought. */
  followers: count,
  createdAt: z.string(),
});
export const qrSceneList = z.object({ items: z.array(qrSceneItem) });

/** A user tag of an official account as WeChat lists it (tags/get): mass sends may go to one tag's followers. */
export const wechatTag = z.object({ id: z.number(), name: z.string(), count });
export const wechatTagList = z.object({ items: z.array(wechatTag) });
export type WechatTag = z.infer<typeof wechatTag>;

/** After a follower sync: WeChat's own count of the account's followers, now today's reading. */
export const followerSyncResult = z.object({ total: count });
export type FollowerSyncResult = z.infer<typeof followerSyncResult>;
