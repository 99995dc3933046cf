import { z } from 'zod';
import { isoDate } from './dates.js';
import { channelKinds, indicatorStatuses, metrics, orgLevels, orgTypes } from './domain.js';
import { idNumber, idString } from './orgs.js';

/** Metrics whose value is a share (0–1): their threshold is a share too. */
export const shareMetrics = ['cadre_contact_share', 'plan_completion'] as const;

export const campaignTemplates = ['rural_wechat', 'empty'] as const;
export type CampaignTemplate = (typeof campaignTemplates)[number];

const indicatorFields = z
  .object({
    name: z.string().trim().min(2, { message: '指标名称至少 2 个字' }).max(100),
    metric: z.enum(metrics),
    channelKind: z.enum(channelKinds).nullish(),
    minContacts: z.number().int().min(1).max(10000).nullish(),
    windowStart: isoDate.nullish(),
    levels: z.array(z.enum(orgLevels)).min(1, { message: '至少选择一个适用层级' }),
    types: z.array(z.enum(orgTypes)).min(1, { message: '至少选择一种适用组织类型' }),
    threshold: z.number().min(0).max(1_000_000),
    deadline: isoDate.nullish(),
  })
  .strict();

function checkIndicator(value: z.infer<typeof indicatorFields>, ctx: z.RefinementCtx): void {
  const needsKind = ['channel_count', 'plan_completion'].includes(value.metric);
  if (needsKind && !value.channelKind) {
    ctx.addIssue({ code: 'custom', path: ['channelKind'], message: '该指标需要选择渠道类型' });
  }
  if (value.metric === 'cadre_contact_share' && !value.minContacts) {
    ctx.addIssue({ code: 'custom', path: ['minContacts'], message: '该指标需要填写每名团干部联系青年的人数' });
  }
  if ((shareMetrics as readonly string[]).includes(value.metric) && value.threshold > 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['threshold'],
      message: '比例类指标的达标值应在 0 到 1 之间（如 0.9 表示 90%）',
    });
  }
}

export const indicatorInput = indicatorFields.superRefine(checkIndicator);
export type IndicatorInput = z.infer<typeof indicatorInput>;
export const indicatorPatch = indicatorFields.partial();

export const indicatorItem = z.object({
  id: z.number(),
  name: z.string(),
  metric: z.enum(metrics),
  channelKind: z.enum(channelKinds).nullable(),
  minContacts: z.number().nullable(),
  windowStart: z.string().nullable(),
  levels: z.array(z.enum(orgLevels)),
  types: z.array(z.enum(orgTypes)),
  threshold: z.number(),
  deadline: z.string().nullable(),
  sortOrder: z.number(),
});
export type IndicatorItem = z.infer<typeof indicatorItem>;

export const createCampaignBody = z
  .object({
    rootOrgId: idNumber,
    name: z.string().trim().min(2, { message: '活动名称至少 2 个字' }).max(100),
    startsOn: isoDate,
    endsOn: isoDate,
    reminderDays: z.number().int().min(0).max(60).default(7),
    template: z.enum(campaignTemplates).default('rural_wechat'),
    indicators: z.array(indicatorInput).max(30).optional(),
  })
  .strict()
  .refine((v) => v.startsOn <= v.endsOn, { path: ['endsOn'], message: '结束日期不能早于开始日期' });
export type CreateCampaignBody = z.infer<typeof createCampaignBody>;

export const updateCampaignBody = z
  .object({
    name: z.string().trim().min(2).max(100).optional(),
    startsOn: isoDate.optional(),
    endsOn: isoDate.optional(),
    reminderDays: z.number().int().min(0).max(60).optional(),
    status: z.enum(['active', 'closed']).optional(),
  })
  .strict();

export const campaignItem = z.object({
  id: z.number(),
  rootOrgId: z.number(),
  rootOrgName: z.string(),
  name: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  reminderDays: z.number(),
  status: z.enum(['active', 'closed']),
  abilities: z.object({ manage: z.boolean(), filePlans: z.boolean() }),
});
export type CampaignItem = z.infer<typeof campaignItem>;

export const campaignDetail = campaignItem.extend({ indicators: z.array(indicatorItem) });
export type CampaignDetail = z.infer<typeof campaignDetail>;

export const campaignListQuery = z.object({ orgId: idString.optional() });
export const campaignListResponse = z.object({ items: z.array(campaignItem) });

export const orgQuery = z.object({ orgId: idString });
export const laggardQuery = z.object({
  orgId: idString,
  indicatorId: idString,
  level: z.enum(orgLevels).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

const ownStatus = z.object({ value: z.number().nullable(), met: z.boolean(), status: z.enum(indicatorStatuses) });
const tally = z.object({
  applicable: z.number(),
  met: z.number(),
  /** met ÷ applicable; null when nothing applies. */
  share: z.number().nullable(),
  valueSum: z.number(),
});

export const dashboardResponse = z.object({
  today: z.string(),
  campaign: campaignItem,
  org: z.object({
    id: z.number(),
    name: z.string(),
    level: z.enum(orgLevels),
    ancestors: z.array(z.object({ id: z.number(), name: z.string() })),
  }),
  indicators: z.array(
    indicatorItem.extend({
      daysLeft: z.number().nullable(),
      /** What an org below the threshold is today: not yet due, overdue, or (campaign over) not met. */
      laggingStatus: z.enum(indicatorStatuses),
      own: ownStatus.nullable(),
      total: tally,
      byLevel: z.array(tally.extend({ level: z.enum(orgLevels) })),
    }),
  ),
  children: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      level: z.enum(orgLevels),
      indicators: z.array(tally.extend({ indicatorId: z.number(), own: ownStatus.nullable() })),
    }),
  ),
  trend: z.array(z.object({ date: z.string(), indicatorId: z.number(), applicable: z.number(), met: z.number() })),
});
export type DashboardResponse = z.infer<typeof dashboardResponse>;

export const laggardResponse = z.object({
  total: z.number(),
  items: z.array(
    z.object({
      orgId: z.number(),
      orgName: z.string(),
      level: z.enum(orgLevels),
      parentName: z.string().nullable(),
      value: z.number().nullable(),
      status: z.enum(indicatorStatuses),
      cadre: z.object({ name: z.string(), post: z.string(), phoneMasked: z.string().nullable() }).nullable(),
    }),
  ),
});
export type LaggardResponse = z.infer<typeof laggardResponse>;

export const planResponse = z.object({
  canEdit: z.boolean(),
  channelKind: z.enum(channelKinds).nullable(),
  items: z.array(
    z.object({
      orgId: z.number(),
      orgName: z.string(),
      statCode: z.string().nullable(),
      planned: z.number().nullable(),
      actual: z.number(),
    }),
  ),
});
export const savePlansBody = z
  .object({
    rows: z
      .array(z.object({ orgId: idNumber, planned: z.number().int().min(0).max(10000) }).strict())
      .min(1)
      .max(5000),
  })
  .strict();

export const notificationItem = z.object({
  id: z.number(),
  kind: z.enum(['deadline_reminder']),
  title: z.string(),
  body: z.string(),
  dueOn: z.string().nullable(),
  createdAt: z.string(),
  read: z.boolean(),
  /** The dashboard the reminder is about, when its indicator still exists. */
  dashboard: z.object({ campaignId: z.number(), indicatorId: z.number(), orgId: z.number() }).nullable(),
});
export const notificationListResponse = z.object({ items: z.array(notificationItem), unread: z.number() });
