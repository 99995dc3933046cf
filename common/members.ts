import { z } from 'zod';
import { isoDate } from './dates.js';
import { membershipStatuses, politicalStatuses, sexes } from './domain.js';
import { boolQuery, nonEmpty, nothingToChange, optionalText, paging, phoneInput, searchText, text } from './fields.js';
import { idNumber, idString } from './orgs.js';

// The member register (团员). ID numbers and phones leave the server masked (6101**********1234, 138****1234)
// except from the audited reveal routes.

/** An ID number as people type it; the server checks the check digit, the birth date and Excel's number form. */
export const idNumberInput = z
  .string()
  .trim()
  .min(1, { message: '请填写身份证号' })
  .max(40, { message: '身份证号过长' });

export const memberNoInput = z
  .string()
  .trim()
  .regex(/^\d{12}$/, { message: '团员编号应为 12 位数字' });

/** Required for anyone under 14 (the guardian's consent, with the version of the consent text). */
export const guardianConsentInput = z
  .object({
    guardianName: text('监护人姓名', 50),
    relation: text('与本人关系', 20),
    phone: phoneInput.nullish(),
    signedOn: isoDate,
  })
  .strict();
export type GuardianConsentInput = z.infer<typeof guardianConsentInput>;

export const guardianConsentItem = z.object({
  guardianName: z.string(),
  relation: z.string(),
  phoneMasked: z.string().nullable(),
  consentVersion: z.string(),
  signedOn: z.string(),
});

/** The fields a branch keeps up to date itself; name, ID number, status and branch change only by request. */
const profileFields = {
  politicalStatus: z.enum(politicalStatuses),
  ethnicity: optionalText('民族', 20),
  education: optionalText('学历', 20),
  occupation: optionalText('职业', 50),
  workplace: optionalText('工作单位或学校', 100),
  phone: phoneInput.nullish(),
  wechat: optionalText('微信号', 50),
  household: optionalText('户籍所在地', 100),
  isMobile: z.boolean(),
  mobileOrigin: optionalText('流出地', 100),
  mobileCurrent: optionalText('现所在地', 100),
  mobileContact: optionalText('流动期间联系方式', 100),
  lastReachedOn: isoDate.nullish(),
};

export const createMemberBody = z
  .object({
    orgId: idNumber,
    fullName: text('姓名', 50),
    idNumber: idNumberInput,
    /** Optional: when given they must agree with the ID number. */
    birthDate: isoDate.optional(),
    sex: z.enum(sexes).optional(),
    memberNo: memberNoInput.nullish(),
    joinedOn: isoDate,
    ...profileFields,
    politicalStatus: z.enum(politicalStatuses).default('member'),
    isMobile: z.boolean().default(false),
    guardianConsent: guardianConsentInput.nullish(),
  })
  .strict();
export type CreateMemberBody = z.infer<typeof createMemberBody>;

export const updateMemberBody = z.object(profileFields).partial().strict().refine(nonEmpty, nothingToChange);
export type UpdateMemberBody = z.infer<typeof updateMemberBody>;

export const memberAbilities = z.object({
  update: z.boolean(),
  revealIdNumber: z.boolean(),
  revealPhone: z.boolean(),
  requestStatus: z.boolean(),
  requestCorrection: z.boolean(),
  transfer: z.boolean(),
});

export const memberItem = z.object({
  id: z.number(),
  orgId: z.number(),
  orgName: z.string(),
  fullName: z.string(),
  idMasked: z.string(),
  birthDate: z.string(),
  age: z.number(),
  sex: z.enum(sexes),
  memberNo: z.string().nullable(),
  joinedOn: z.string(),
  membershipStatus: z.enum(membershipStatuses),
  politicalStatus: z.enum(politicalStatuses),
  phoneMasked: z.string().nullable(),
  isMobile: z.boolean(),
  /** The day the member turns 28 (满28周岁离团), shown ahead of time. */
  ageOutOn: z.string(),
  ageOutDue: z.boolean(),
});
export type MemberItem = z.infer<typeof memberItem>;

export const memberDetail = memberItem.extend({
  ethnicity: z.string().nullable(),
  education: z.string().nullable(),
  occupation: z.string().nullable(),
  workplace: z.string().nullable(),
  wechat: z.string().nullable(),
  household: z.string().nullable(),
  mobileOrigin: z.string().nullable(),
  mobileCurrent: z.string().nullable(),
  mobileContact: z.string().nullable(),
  lastReachedOn: z.string().nullable(),
  guardianConsent: guardianConsentItem.nullable(),
  /** A pending request, transfer or duplicate case holds the record until it is decided. */
  pending: z.object({ requests: z.number(), transfers: z.number(), duplicates: z.number() }),
  createdAt: z.string(),
  updatedAt: z.string(),
  abilities: memberAbilities,
});
export type MemberDetail = z.infer<typeof memberDetail>;

/** Age bands of the member list; `age_out_due` are those turning 28 within the notice period (or past it). */
export const ageBands = ['under_14', '14_17', '18_22', '23_27', '28_plus', 'age_out_due'] as const;
export type AgeBand = (typeof ageBands)[number];

export const memberListQuery = z.object({
  orgId: idString.optional(),
  scope: z.enum(['own', 'subtree']).default('subtree'),
  /** A name (prefix), a full ID number or a full phone number. */
  q: searchText,
  status: z.enum(membershipStatuses).optional(),
  ageBand: z.enum(ageBands).optional(),
  mobile: boolQuery.optional(),
  ...paging,
});
export type MemberListQuery = z.infer<typeof memberListQuery>;
export const memberListResponse = z.object({ items: z.array(memberItem), total: z.number() });

export const revealIdResponse = z.object({ idNumber: z.string() });

/** One step of a member's history (timeline). */
export const memberEventItem = z.object({
  id: z.number(),
  at: z.string(),
  kind: z.string(),
  orgId: z.number().nullable(),
  orgName: z.string().nullable(),
  actorName: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export const memberEventsResponse = z.object({ items: z.array(memberEventItem) });

/** Members of an org's subtree by status, and the figures a branch acts on. */
export const memberStats = z.object({
  orgId: z.number(),
  byStatus: z.record(z.enum(membershipStatuses), z.number()),
  total: z.number(),
});
export type MemberStats = z.infer<typeof memberStats>;
