import { z } from 'zod';
import {
  accountTypes,
  cadreGrades,
  cadreKinds,
  channelKinds,
  channelStatuses,
  contactCategories,
  contactChannels,
} from './domain.js';
import { chinaToday, isoDate } from './dates.js';
import { idNumber, idString } from './orgs.js';
import { boolQuery, nonEmpty, nothingToChange, optionalText, paging, phoneInput, searchText, text } from './fields.js';
import { idNumberInput } from './members.js';
import { reviewYear } from './reviews.js';

// The new-media ledger API (两群一号, cadres, youth contacts, hand-recorded posts and activities). Phones leave the
// server only masked (138****1234), except from the audited reveal routes.

/** A fact that has happened: a reading, posts, a contact, an activity held. */
export const pastDate = isoDate.refine((value) => value <= chinaToday(), { message: '日期不能晚于今天' });

/** own: the org itself; subtree: the org and everything under it. */
export const ledgerScopes = ['own', 'subtree'] as const;

export const revealPhoneResponse = z.object({ phone: z.string() });
const updateAbilities = z.object({ update: z.boolean() });
const personAbilities = z.object({ update: z.boolean(), revealPhone: z.boolean() });

// Cadres (团干部).

export const cadreStatuses = ['active', 'left'] as const;

const cadreAbilities = z.object({
  update: z.boolean(),
  revealPhone: z.boolean(),
  revealIdNumber: z.boolean(),
});

export const cadreItem = z.object({
  id: z.number(),
  orgId: z.number(),
  orgName: z.string(),
  fullName: z.string(),
  post: z.string(),
  kind: z.enum(cadreKinds),
  phoneMasked: z.string().nullable(),
  status: z.enum(cadreStatuses),
  /** Youth contacts linked to this cadre ("1 + N"). */
  contactCount: z.number(),
  /** 6101**********1234; from the member record when the cadre is one (under 28), else the cadre's own. */
  idMasked: z.string().nullable(),
  birthDate: z.string().nullable(),
  age: z.number().nullable(),
  /** The member record of a cadre who is also a member (every cadre under 28). */
  memberId: z.number().nullable(),
  termStart: z.string().nullable(),
  termEnd: z.string().nullable(),
  /** The term ended before today. */
  termEnded: z.boolean(),
  /** In the reserve pool (后备干部库). */
  inReserve: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  abilities: cadreAbilities,
});
export type CadreItem = z.infer<typeof cadreItem>;

export const cadreTrainingItem = z.object({
  id: z.number(),
  title: z.string(),
  organizer: z.string().nullable(),
  startOn: z.string(),
  endOn: z.string().nullable(),
  hours: z.number().nullable(),
  createdAt: z.string(),
});
export type CadreTrainingItem = z.infer<typeof cadreTrainingItem>;

export const cadreAssessmentItem = z.object({
  year: z.number(),
  grade: z.enum(cadreGrades),
  note: z.string().nullable(),
  createdAt: z.string(),
});
export type CadreAssessmentItem = z.infer<typeof cadreAssessmentItem>;

export const cadreDetail = cadreItem.extend({
  /** Newest first. */
  trainings: z.array(cadreTrainingItem),
  /** Newest year first. */
  assessments: z.array(cadreAssessmentItem),
});
export type CadreDetail = z.infer<typeof cadreDetail>;

export const cadreListQuery = z.object({
  includeSubtree: boolQuery.default(false),
  q: searchText,
  status: z.enum(cadreStatuses).optional(),
  /** true: the reserve pool only. */
  inReserve: boolQuery.optional(),
  ...paging,
});
export const cadreListResponse = z.object({ items: z.array(cadreItem), total: z.number() });

const termMessage = { message: '任期结束日期不能早于开始日期', path: ['termEnd'] };
const termInOrder = (body: { termStart?: string | null; termEnd?: string | null }) =>
  !body.termStart || !body.termEnd || body.termEnd >= body.termStart;

export const createCadreBody = z
  .object({
    orgId: idNumber,
    fullName: text('姓名', 50),
    /** 书记, 副书记, 组织委员, 宣传委员, 委员 …: free text. */
    post: text('职务', 30),
    kind: z.enum(cadreKinds),
    phone: phoneInput.nullish(),
    /** Under 28 the cadre is a member: the number links the member record, which must exist. */
    idNumber: idNumberInput.nullish(),
    termStart: isoDate.nullish(),
    termEnd: isoDate.nullish(),
    inReserve: z.boolean().default(false),
  })
  .strict()
  .refine(termInOrder, termMessage);
export type CreateCadreBody = z.infer<typeof createCadreBody>;

export const updateCadreBody = z
  .object({
    orgId: idNumber,
    fullName: text('姓名', 50),
    post: text('职务', 30),
    kind: z.enum(cadreKinds),
    phone: phoneInput.nullable(),
    status: z.enum(cadreStatuses),
    idNumber: idNumberInput.nullable(),
    termStart: isoDate.nullable(),
    termEnd: isoDate.nullable(),
    inReserve: z.boolean(),
  })
  .partial()
  .strict()
  .refine(nonEmpty, nothingToChange)
  .refine(termInOrder, termMessage);
export type UpdateCadreBody = z.infer<typeof updateCadreBody>;

export const cadreTrainingBody = z
  .object({
    title: text('培训名称', 100),
    organizer: optionalText('举办单位', 100),
    startOn: pastDate,
    endOn: isoDate.nullish(),
    hours: z.number().positive({ message: '学时应大于 0' }).max(2000, { message: '学时不能超过 2000' }).nullish(),
  })
  .strict()
  .refine((body) => !body.endOn || body.endOn >= body.startOn, {
    message: '结束日期不能早于开始日期',
    path: ['endOn'],
  });
export type CadreTrainingBody = z.infer<typeof cadreTrainingBody>;

export const cadreAssessmentBody = z
  .object({ grade: z.enum(cadreGrades), note: optionalText('考核评语', 400) })
  .strict();
export type CadreAssessmentBody = z.infer<typeof cadreAssessmentBody>;
export const cadreYearParams = z.object({ id: idString, year: reviewYear });

// Channels (两群一号 and the others).

const appId = z
  .string()
  .trim()
  .regex(/^wx[0-9a-f]{16}$/, { message: 'AppID 应为 wx 加 16 位小写十六进制字符' });
const originalId = z
  .string()
  .trim()
  .regex(/^gh_[0-9a-f]{12}$/, { message: '原始 ID 应为 gh_ 加 12 位小写十六进制字符' });

export const channelCadre = z.object({ id: z.number(), fullName: z.string(), phoneMasked: z.string().nullable() });

export const channelItem = z.object({
  id: z.number(),
  orgId: z.number(),
  orgName: z.string(),
  kind: z.enum(channelKinds),
  name: z.string(),
  status: z.enum(channelStatuses),
  accountType: z.enum(accountTypes).nullable(),
  appId: z.string().nullable(),
  originalId: z.string().nullable(),
  createdOn: z.string().nullable(),
  /** Why the name breaks the naming rule (青农 + place for county level and above); null when it does not. */
  namingIssue: z.string().nullable(),
  latestCount: z.number().nullable(),
  latestCountOn: z.string().nullable(),
  responsibleCadre: channelCadre.nullable(),
  updatedAt: z.string(),
  abilities: updateAbilities,
});
export type ChannelItem = z.infer<typeof channelItem>;

export const channelReading = z.object({ onDate: z.string(), count: z.number(), source: z.string() });
export const channelPosts = z.object({ onDate: z.string(), count: z.number() });
export const channelEvidenceItem = z.object({
  id: z.number(),
  fileName: z.string(),
  mime: z.string(),
  size: z.number(),
  uploadedAt: z.string(),
  uploadedBy: z.string().nullable(),
});
export type ChannelEvidenceItem = z.infer<typeof channelEvidenceItem>;

export const channelDetail = channelItem.extend({
  createdAt: z.string(),
  /** Member or follower counts, newest first. */
  readings: z.array(channelReading),
  evidence: z.array(channelEvidenceItem),
  /** Posts recorded per day, newest first. */
  recentPosts: z.array(channelPosts),
});
export type ChannelDetail = z.infer<typeof channelDetail>;

export const channelListQuery = z.object({
  /** Default: the actor's own org (the whole installation for the operators). */
  orgId: idString.optional(),
  scope: z.enum(ledgerScopes).default('subtree'),
  kind: z.enum(channelKinds).optional(),
  status: z.enum(channelStatuses).optional(),
  namingIssue: boolQuery.optional(),
  q: searchText,
  ...paging,
});
export const channelListResponse = z.object({ items: z.array(channelItem), total: z.number() });

const channelFields = {
  kind: z.enum(channelKinds),
  name: text('名称', 100),
  status: z.enum(channelStatuses),
  responsibleCadreId: idNumber.nullable(),
  createdOn: pastDate.nullable(),
  accountType: z.enum(accountTypes).nullable(),
  appId: appId.nullable(),
  originalId: originalId.nullable(),
};
const officialOnly = ['accountType', 'appId', 'originalId'] as const;
/** Account type, AppID and original id describe official accounts only. */
export function officialFieldsMisplaced(body: { kind?: string } & Partial<Record<string, unknown>>): boolean {
  return body.kind !== undefined && body.kind !== 'official_account' && officialOnly.some((f) => body[f] != null);
}
const officialMessage = { message: '只有公众号可以填写账号类型、AppID 和原始 ID', path: ['kind'] };

export const createChannelBody = z
  .object({
    orgId: idNumber,
    kind: channelFields.kind,
    name: channelFields.name,
    status: channelFields.status.default('active'),
    responsibleCadreId: channelFields.responsibleCadreId.optional(),
    createdOn: channelFields.createdOn.optional(),
    accountType: channelFields.accountType.optional(),
    appId: channelFields.appId.optional(),
    originalId: channelFields.originalId.optional(),
  })
  .strict()
  .refine((body) => !officialFieldsMisplaced(body), officialMessage);
export type CreateChannelBody = z.infer<typeof createChannelBody>;

export const updateChannelBody = z
  .object({ orgId: idNumber, ...channelFields })
  .partial()
  .strict()
  .refine(nonEmpty, nothingToChange)
  .refine((body) => !officialFieldsMisplaced(body), officialMessage);
export type UpdateChannelBody = z.infer<typeof updateChannelBody>;

export const channelReadingBody = z
  .object({ onDate: pastDate, count: z.number().int().min(0).max(100_000_000, { message: '人数超出范围' }) })
  .strict();
export const channelPostsBody = z
  .object({ onDate: pastDate, count: z.number().int().min(0).max(10_000, { message: '条数超出范围' }) })
  .strict();

// Activities recorded by hand.

/** 主题团日, 团课, 入团仪式, 志愿服务, 其他. */
export const activityKinds = ['theme_day', 'lecture', 'ceremony', 'volunteer', 'other'] as const;
export type ActivityKind = (typeof activityKinds)[number];

export const activityItem = z.object({
  id: z.number(),
  orgId: z.number(),
  orgName: z.string(),
  title: z.string(),
  kind: z.enum(activityKinds),
  heldOn: z.string(),
  createdAt: z.string(),
});
export type ActivityItem = z.infer<typeof activityItem>;
export const activityListQuery = z.object({
  includeSubtree: boolQuery.default(false),
  from: isoDate.optional(),
  to: isoDate.optional(),
  ...paging,
});
export const activityListResponse = z.object({ items: z.array(activityItem), total: z.number() });
export const createActivityBody = z
  .object({ orgId: idNumber, title: text('活动名称', 100), kind: z.enum(activityKinds), heldOn: pastDate })
  .strict();
export type CreateActivityBody = z.infer<typeof createActivityBody>;

// Youth contacts (青年) and the "1 cadre + N youth" contact ledger.

export const contactItem = z.object({
  id: z.number(),
  orgId: z.number(),
  orgName: z.string(),
  fullName: z.string(),
  phoneMasked: z.string(),
  village: z.string().nullable(),
  category: z.enum(contactCategories),
  note: z.string().nullable(),
  lastContactOn: z.string().nullable(),
  cadres: z.array(z.object({ id: z.number(), fullName: z.string() })),
  abilities: personAbilities,
});
export type ContactItem = z.infer<typeof contactItem>;

export const contactLogItem = z.object({
  id: z.number(),
  onDate: z.string(),
  channel: z.enum(contactChannels),
  note: z.string().nullable(),
  cadreId: z.number().nullable(),
  cadreName: z.string().nullable(),
  createdAt: z.string(),
});
export const contactDetail = contactItem.extend({
  linkedCadres: z.array(
    z.object({
      id: z.number(),
      fullName: z.string(),
      post: z.string(),
      orgName: z.string(),
      phoneMasked: z.string().nullable(),
    }),
  ),
  /** Newest first. */
  logs: z.array(contactLogItem),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ContactDetail = z.infer<typeof contactDetail>;

export const contactListQuery = z.object({
  orgId: idString.optional(),
  scope: z.enum(ledgerScopes).default('subtree'),
  /** Part of a name. */
  q: searchText,
  /** A whole phone number, found by its blind index. */
  phone: phoneInput.optional(),
  category: z.enum(contactCategories).optional(),
  cadreId: idString.optional(),
  ...paging,
});
export const contactListResponse = z.object({ items: z.array(contactItem), total: z.number() });

const contactFields = {
  fullName: text('姓名', 50),
  phone: phoneInput,
  village: optionalText('村（社区）', 60),
  category: z.enum(contactCategories),
  note: optionalText('备注', 200),
};
export const createContactBody = z.object({ orgId: idNumber, ...contactFields }).strict();
export type CreateContactBody = z.infer<typeof createContactBody>;
export const updateContactBody = z
  .object({ orgId: idNumber, ...contactFields })
  .partial()
  .strict()
  .refine(nonEmpty, nothingToChange);
export type UpdateContactBody = z.infer<typeof updateContactBody>;

export const linkCadreBody = z.object({ cadreId: idNumber }).strict();
export const contactCadreParams = z.object({ id: idString, cadreId: idString });
export const contactLogBody = z
  .object({
    onDate: pastDate,
    channel: z.enum(contactChannels),
    note: optionalText('联系内容', 500),
    cadreId: idNumber.nullish(),
  })
  .strict();
export type ContactLogBody = z.infer<typeof contactLogBody>;
