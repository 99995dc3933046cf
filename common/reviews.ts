import { z } from 'zod';
import { chinaToday, isoDate } from './dates.js';
import { reviewGrades } from './domain.js';
import { boolQuery, paging } from './fields.js';
import { idNumber, idString } from './orgs.js';

// 团员教育评议 and 年度注册 (the "two systems" of 三会两制一课), and 推优入党. Members appear with masked ID numbers.

/** The first year a review can be recorded for; later years up to the current one. */
export const firstReviewYear = 2000;

/** A year in a path: four digits, not before 2000 and not after the current year (China time). */
export const reviewYear = z
  .string()
  .regex(/^\d{4}$/, { message: '年度应为 4 位数字' })
  .transform(Number)
  .refine((year) => year >= firstReviewYear, { message: `年度不能早于 ${firstReviewYear} 年` })
  .refine((year) => year <= Number(chinaToday().slice(0, 4)), { message: '年度不能晚于今年' });
export const orgYearParams = z.object({ id: idString, year: reviewYear });

/** Grades that allow the year's registration (优秀, 合格, 基本合格); 不合格 does not. */
export const registrableGrades = ['excellent', 'qualified', 'basic'] as const;

const memberIds = z
  .array(idNumber)
  .min(1, { message: '请至少选择一名团员' })
  .max(500, { message: '一次最多处理 500 名团员' })
  .refine((ids) => new Set(ids).size === ids.length, { message: '同一名团员不能重复选择' });

export const saveReviewsBody = z
  .object({
    entries: z
      .array(z.object({ memberId: idNumber, grade: z.enum(reviewGrades) }).strict())
      .min(1, { message: '请至少评议一名团员' })
      .max(500, { message: '一次最多评议 500 名团员' })
      .refine((entries) => new Set(entries.map((e) => e.memberId)).size === entries.length, {
        message: '同一名团员不能重复评议',
      }),
  })
  .strict();
export type SaveReviewsBody = z.infer<typeof saveReviewsBody>;

export const registerMembersBody = z.object({ memberIds }).strict();
export type RegisterMembersBody = z.infer<typeof registerMembersBody>;

export const reviewListQuery = z.object({
  /** own: the branch itself; subtree: every branch under the org (paged). */
  scope: z.enum(['own', 'subtree']).default('subtree'),
  grade: z.enum([...reviewGrades, 'none']).optional(),
  registered: boolQuery.optional(),
  ...paging,
});
export type ReviewListQuery = z.infer<typeof reviewListQuery>;

/** One normal member with the year's review; grade null = not reviewed yet. */
export const reviewItem = z.object({
  memberId: z.number(),
  fullName: z.string(),
  idMasked: z.string(),
  orgId: z.number(),
  orgName: z.string(),
  joinedOn: z.string(),
  grade: z.enum(reviewGrades).nullable(),
  registered: z.boolean(),
  registeredAt: z.string().nullable(),
  /** Reviewed with a grade that allows registration, and not registered yet. */
  mayRegister: z.boolean(),
});
export type ReviewItem = z.infer<typeof reviewItem>;

/** The year's figures over the normal members of the scope. */
export const reviewSummary = z.object({
  year: z.number(),
  members: z.number(),
  byGrade: z.record(z.enum(reviewGrades), z.number()),
  registered: z.number(),
  notReviewed: z.number(),
});
export type ReviewSummary = z.infer<typeof reviewSummary>;

export const reviewListResponse = z.object({
  items: z.array(reviewItem),
  total: z.number(),
  summary: reviewSummary,
  /** review and register: the org is an open branch and the actor may write people. */
  abilities: z.object({ review: z.boolean(), register: z.boolean() }),
});
export type ReviewListResponse = z.infer<typeof reviewListResponse>;

export const saveReviewsResponse = z.object({ saved: z.number(), summary: reviewSummary });
export const registerMembersResponse = z.object({ registered: z.number(), summary: reviewSummary });

/** Why one member was refused (registration or recommendation); the request answers 409 with all of them. */
export const memberRefusal = z.object({ memberId: z.number(), fullName: z.string().nullable(), message: z.string() });
export type MemberRefusal = z.infer<typeof memberRefusal>;

// 推优入党: one round = one branch on one date.

export const recommendBody = z
  .object({
    recommendedOn: isoDate.refine((value) => value <= chinaToday(), { message: '推优日期不能晚于今天' }),
    memberIds,
  })
  .strict();
export type RecommendBody = z.infer<typeof recommendBody>;

export const certifyBody = z
  .object({
    certifiedOn: isoDate.refine((value) => value <= chinaToday(), { message: '认定日期不能晚于今天' }),
  })
  .strict();
export type CertifyBody = z.infer<typeof certifyBody>;

export const recommendationItem = z.object({
  id: z.number(),
  memberId: z.number(),
  fullName: z.string(),
  idMasked: z.string(),
  orgId: z.number(),
  orgName: z.string(),
  recommendedOn: z.string(),
  /** The last day the recommendation holds (recommendedOn + 2 years). */
  validUntil: z.string(),
  /** Valid today. */
  valid: z.boolean(),
  certifiedOn: z.string().nullable(),
  certifiedBy: z.string().nullable(),
  createdAt: z.string(),
  /** certify: the actor decides for the branch (people.approve, sees its parent) and it is not certified. */
  abilities: z.object({ certify: z.boolean() }),
});
export type RecommendationItem = z.infer<typeof recommendationItem>;

export const recommendationListQuery = z.object({
  orgId: idString.optional(),
  scope: z.enum(['own', 'subtree']).default('subtree'),
  /** true: still valid today; false: expired. */
  valid: boolQuery.optional(),
  certified: boolQuery.optional(),
  ...paging,
});
export type RecommendationListQuery = z.infer<typeof recommendationListQuery>;

export const recommendationListResponse = z.object({
  items: z.array(recommendationItem),
  total: z.number(),
  /** When the list is of one branch: its normal members and how many one round may recommend (20%). */
  branch: z.object({ normalMembers: z.number(), quota: z.number() }).nullable(),
  /** recommend: the list is of one open branch and the actor may write people. */
  abilities: z.object({ recommend: z.boolean() }),
});
export const recommendResponse = z.object({ items: z.array(recommendationItem) });
