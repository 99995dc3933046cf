import { z } from 'zod';
import { paging } from './fields.js';
import { idString } from './orgs.js';

// The data-quality page (SPEC capability 12): what makes a ledger hollow, counted for an org's subtree, each
// figure with the list behind it. Personal values appear masked.

/**
 * - small_branches: active branches and joint branches with fewer than 3 normal members;
 * - unreachable_members: normal members not reached for 6 months (or never);
 * - cadres_below_target: active cadres in contact with fewer than 20 youth (the rural programme's target);
 * - invalid_records: members failing a rule (normal past the age-out date, joined under 13 since 2017, in an org
 *   that is not a branch, in a dissolved org);
 * - pending_duplicates: open duplicate cases whose holder or claimant lies in the subtree.
 */
export const dataQualityChecks = [
  'small_branches',
  'unreachable_members',
  'cadres_below_target',
  'invalid_records',
  'pending_duplicates',
] as const;
export type DataQualityCheck = (typeof dataQualityChecks)[number];

export const dataQualityLabels: Record<DataQualityCheck, string> = {
  small_branches: '团员不足 3 人的团支部',
  unreachable_members: '6 个月未联系上的团员',
  cadres_below_target: '联系青年不足 20 人的团干部',
  invalid_records: '不符合规则的团员记录',
  pending_duplicates: '待处理的重复登记',
};

export const dataQualityFigure = z.object({
  check: z.enum(dataQualityChecks),
  label: z.string(),
  count: z.number(),
});
export type DataQualityFigure = z.infer<typeof dataQualityFigure>;

export const dataQualityResponse = z.object({
  orgId: z.number(),
  /** The date the figures are computed for (China time). */
  asOf: z.string(),
  figures: z.array(dataQualityFigure),
});
export type DataQualityResponse = z.infer<typeof dataQualityResponse>;

export const dataQualityParams = z.object({ id: idString, check: z.enum(dataQualityChecks) });
export const dataQualityListQuery = z.object({ ...paging });

/** What a row is about; `id` is that object's id (an org, a member, a cadre or a duplicate case). */
export const dataQualitySubjects = ['org', 'member', 'cadre', 'duplicate'] as const;

export const dataQualityRow = z.object({
  subject: z.enum(dataQualitySubjects),
  id: z.number(),
  /** The org's, member's or cadre's name; for a duplicate, the name the claimant entered. */
  name: z.string(),
  orgId: z.number(),
  orgName: z.string(),
  /** Members (and duplicate holders): the masked ID number. */
  idMasked: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  /** Why the row is listed, in Chinese (e.g. "正常团员 2 人", "已满 28 周岁（2025-03-01）仍为正常团籍"). */
  reason: z.string(),
});
export type DataQualityRow = z.infer<typeof dataQualityRow>;

export const dataQualityListResponse = z.object({
  check: z.enum(dataQualityChecks),
  label: z.string(),
  items: z.array(dataQualityRow),
  total: z.number(),
});
export type DataQualityListResponse = z.infer<typeof dataQualityListResponse>;
