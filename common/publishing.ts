import { z } from 'zod';
import { Cron } from 'croner';
import { bulletinKinds, bulletinStatuses, deliveryEvents, deliveryStatuses, oaModes, targetKinds } from './domain.js';
import { isoDate } from './dates.js';
import { idNumber, idString } from './orgs.js';
import { optionalText, paging, text } from './fields.js';

// Publishing: bulletins (articles and mobile-bulletin issues), their review, schedules, and the delivery log.

/** The stored HTML is sanitised on the server; this bounds what is sent (WeChat takes < 20,000 characters). */
export const maxContentChars = 100_000;
/** Articles in one issue (an official-account draft holds at most 8). */
export const maxIssueArticles = 8;

export const targetInput = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('web') }).strict(),
    z
      .object({
        kind: z.literal('official_account'),
        channelId: idNumber,
        oaMode: z.enum(oaModes, { message: '请选择群发或发布' }),
        /** Mass send to followers of one tag; null or absent: to all. */
        tagId: z.number().int().min(0).max(1_000_000).nullish(),
      })
      .strict(),
    z.object({ kind: z.literal('wecom_robot'), channelId: idNumber }).strict(),
  ],
  { message: '投放渠道不正确' },
);
export type TargetInput = z.infer<typeof targetInput>;
export const targetsInput = z.array(targetInput).max(20, { message: '投放渠道不能超过 20 个' });

/** A future send time, or null: as soon as it is approved. */
const sendAt = z.iso
  .datetime({ offset: true, message: '发送时间格式不正确' })
  .nullish()
  .transform((value) => (value ? new Date(value).toISOString() : null));

const coverSha = z
  .string()
  .regex(/^[0-9a-f]{64}$/, { message: '封面图片不正确' })
  .nullish();

const bulletinFields = {
  title: text('标题', 120),
  author: optionalText('作者', 30),
  digest: optionalText('摘要', 120),
  contentHtml: z.string().max(maxContentChars, { message: '正文过长' }),
  coverSha256: coverSha,
  targets: targetsInput,
  sendAt,
  /** Issue only: the articles it assembles, in order. */
  articleIds: z
    .array(idNumber)
    .max(maxIssueArticles, { message: `每期最多 ${maxIssueArticles} 篇` })
    .optional(),
};

export const createBulletinBody = z
  .object({ orgId: idNumber, kind: z.enum(bulletinKinds), ...bulletinFields })
  .strict();
export type CreateBulletinBody = z.infer<typeof createBulletinBody>;

export const updateBulletinBody = z.object(bulletinFields).strict();
export type UpdateBulletinBody = z.infer<typeof updateBulletinBody>;

export const reviewBody = z.object({ note: optionalText('审核意见', 200) }).strict();
export const rejectBody = z.object({ note: text('退回理由', 200) }).strict();

export const bulletinListQuery = z.object({
  orgId: idString.optional(),
  status: z.enum(bulletinStatuses).optional(),
  kind: z.enum(bulletinKinds).optional(),
  ...paging,
});

export const targetItem = z.object({
  id: z.number(),
  kind: z.enum(targetKinds),
  channelId: z.number().nullable(),
  channelName: z.string().nullable(),
  oaMode: z.enum(oaModes).nullable(),
  tagId: z.number().nullable(),
});

export const bulletinSummary = z.object({
  id: z.number(),
  orgId: z.number(),
  orgName: z.string(),
  kind: z.enum(bulletinKinds),
  title: z.string(),
  status: z.enum(bulletinStatuses),
  seriesId: z.number().nullable(),
  issueNumber: z.number().nullable(),
  sendAt: z.string().nullable(),
  publishedAt: z.string().nullable(),
  updatedAt: z.string(),
  createdByName: z.string().nullable(),
});
export type BulletinSummary = z.infer<typeof bulletinSummary>;

export const bulletinListResponse = z.object({ items: z.array(bulletinSummary), total: z.number() });

export const bulletinAbilities = z.object({
  update: z.boolean(),
  submit: z.boolean(),
  approve: z.boolean(),
  withdraw: z.boolean(),
});

export const deliveryItem = z.object({
  id: z.number(),
  bulletinId: z.number(),
  bulletinTitle: z.string(),
  orgId: z.number(),
  kind: z.enum(targetKinds),
  channelId: z.number().nullable(),
  channelName: z.string().nullable(),
  status: z.enum(deliveryStatuses),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  lastErrcode: z.number().nullable(),
  lastError: z.string().nullable(),
  result: z.string().nullable(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
});
export type DeliveryItem = z.infer<typeof deliveryItem>;

export const bulletinDetail = bulletinSummary.extend({
  author: z.string().nullable(),
  digest: z.string().nullable(),
  contentHtml: z.string(),
  coverSha256: z.string().nullable(),
  coverUrl: z.string().nullable(),
  targets: z.array(targetItem),
  articles: z.array(z.object({ id: z.number(), title: z.string(), status: z.enum(bulletinStatuses) })),
  reviewNote: z.string().nullable(),
  submittedAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decidedByName: z.string().nullable(),
  /** The public page (web and phones), once published. */
  shareUrl: z.string().nullable(),
  deliveries: z.array(deliveryItem),
  abilities: bulletinAbilities,
});
export type BulletinDetail = z.infer<typeof bulletinDetail>;

export const imageUploadResponse = z.object({ sha256: z.string(), url: z.string() });

/** Channels a bulletin of an org may go to: its official accounts and WeCom robots, and those below it. */
export const targetChannelsQuery = z.object({ orgId: idString });
export const targetChannel = z.object({
  id: z.number(),
  orgId: z.number(),
  orgName: z.string(),
  kind: z.enum(['official_account', 'wecom_robot']),
  name: z.string(),
  accountType: z.enum(['subscription', 'service']).nullable(),
  /** Credentials set (app secret, or the robot's webhook key). */
  configured: z.boolean(),
});
export const targetChannelsResponse = z.object({ items: z.array(targetChannel) });

// The delivery log.

export const deliveryListQuery = z.object({
  orgId: idString.optional(),
  bulletinId: idString.optional(),
  status: z.enum(deliveryStatuses).optional(),
  ...paging,
});
export const deliveryListResponse = z.object({ items: z.array(deliveryItem), total: z.number() });
export const deliveryLogItem = z.object({
  id: z.number(),
  at: z.string(),
  event: z.enum(deliveryEvents),
  errcode: z.number().nullable(),
  message: z.string().nullable(),
});
export const deliveryDetail = deliveryItem.extend({
  log: z.array(deliveryLogItem),
  abilities: z.object({ retry: z.boolean(), resolve: z.boolean() }),
});
/** An uncertain delivery: the person checked the account (or group) and says whether it went out. */
export const resolveDeliveryBody = z.object({ sent: z.boolean() }).strict();

// Periodic mobile bulletins (手机报) and the calendar.

export function isValidCron(expression: string): boolean {
  try {
    return new Cron(expression, { paused: true, timezone: 'Asia/Shanghai' }).nextRun() !== null;
  } catch {
    return false;
  }
}

const cronExpression = z
  .string()
  .trim()
  .min(1, { message: '请填写发送周期' })
  .max(100, { message: '发送周期过长' })
  .refine(isValidCron, { message: '发送周期格式不正确（cron 表达式，例如 "0 9 * * 1" 表示每周一 9:00）' });

export const createSeriesBody = z
  .object({ orgId: idNumber, name: text('名称', 50), cron: cronExpression, targets: targetsInput })
  .strict();
export const updateSeriesBody = z
  .object({
    name: text('名称', 50).optional(),
    cron: cronExpression.optional(),
    targets: targetsInput.optional(),
    active: z.boolean().optional(),
  })
  .strict();
export const seriesListQuery = z.object({ orgId: idString });
export const seriesItem = z.object({
  id: z.number(),
  orgId: z.number(),
  name: z.string(),
  cron: z.string(),
  targets: targetsInput,
  active: z.boolean(),
  /** The next few send times (ISO), China time zone. */
  nextRuns: z.array(z.string()),
  lastIssueNumber: z.number().nullable(),
});
export const seriesListResponse = z.object({ items: z.array(seriesItem) });
/** A new issue for the series' next send time, assembling the chosen articles. */
export const createIssueBody = z
  .object({
    articleIds: z.array(idNumber).min(1, { message: '请选择文章' }).max(maxIssueArticles),
    title: optionalText('标题', 120),
  })
  .strict();

export const calendarQuery = z.object({ orgId: idString, from: isoDate, to: isoDate });
export const calendarEvent = z.object({
  /** ISO time. */
  at: z.string(),
  kind: z.enum(['scheduled', 'sent', 'series_run']),
  title: z.string(),
  bulletinId: z.number().nullable(),
  seriesId: z.number().nullable(),
});
export const calendarResponse = z.object({ items: z.array(calendarEvent) });

/** Posts per channel per week: what the campaign's content indicator counts. */
export const weeklyPostsQuery = z.object({
  orgId: idString,
  weeks: z.coerce.number().int().min(1).max(52).default(12),
});
export const weeklyPostsResponse = z.object({
  weeks: z.array(z.string()),
  channels: z.array(
    z.object({ channelId: z.number(), name: z.string(), kind: z.string(), posts: z.array(z.number()) }),
  ),
});
