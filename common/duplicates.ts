import { z } from 'zod';
import { duplicateStatuses, membershipStatuses } from './domain.js';
import { optionalText, paging, searchText } from './fields.js';
import { idString } from './orgs.js';

// Duplicate cases (重复登记): a second org entered or imported an ID number another org holds. Both sides see the
// case; nothing is ever deleted. The holder side may transfer its record to the claimant org or merge the entry
// into its record (empty profile fields only); either side may reject the entry.

export const duplicateResolutions = ['transfer', 'merge', 'reject'] as const;
export type DuplicateResolution = (typeof duplicateResolutions)[number];

/** POST /api/member-duplicates/:id/resolve. A rejection must say why. */
export const resolveDuplicateBody = z
  .object({ resolution: z.enum(duplicateResolutions), note: optionalText('处理说明', 400) })
  .strict()
  .refine((body) => body.resolution !== 'reject' || Boolean(body.note), {
    message: '驳回时请填写理由',
    path: ['note'],
  });
export type ResolveDuplicateBody = z.infer<typeof resolveDuplicateBody>;

export const duplicateAbilities = z.object({
  /** Holder side: start a transfer of the holder's record to the claimant org. */
  transfer: z.boolean(),
  /** Holder side: fill the holder record's empty profile fields from the entry. */
  merge: z.boolean(),
  /** Either side. */
  reject: z.boolean(),
});

export const duplicateItem = z.object({
  id: z.number(),
  memberId: z.number(),
  holderOrgId: z.number(),
  holderOrgName: z.string(),
  holderName: z.string(),
  claimantOrgId: z.number(),
  claimantOrgName: z.string(),
  claimantName: z.string(),
  /** The ID number both entered, masked. */
  idMasked: z.string(),
  source: z.enum(['entry', 'import']),
  status: z.enum(duplicateStatuses),
  note: z.string().nullable(),
  /** Which side of the case the actor's subtree holds. */
  side: z.enum(['holder', 'claimant', 'both']),
  createdAt: z.string(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  abilities: duplicateAbilities,
});
export type DuplicateItem = z.infer<typeof duplicateItem>;

/** What the claimant entered, with the ID number and phones masked (never the full values). */
export const duplicateEntry = z.object({
  fullName: z.string().nullable(),
  idMasked: z.string().nullable(),
  birthDate: z.string().nullable(),
  sex: z.string().nullable(),
  memberNo: z.string().nullable(),
  joinedOn: z.string().nullable(),
  politicalStatus: z.string().nullable(),
  ethnicity: z.string().nullable(),
  education: z.string().nullable(),
  occupation: z.string().nullable(),
  workplace: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  wechat: z.string().nullable(),
  household: z.string().nullable(),
  isMobile: z.boolean().nullable(),
  mobileOrigin: z.string().nullable(),
  mobileCurrent: z.string().nullable(),
  mobileContact: z.string().nullable(),
  lastReachedOn: z.string().nullable(),
  guardianName: z.string().nullable(),
});
export type DuplicateEntry = z.infer<typeof duplicateEntry>;

export const duplicateDetail = duplicateItem.extend({
  entry: duplicateEntry,
  holder: z.object({
    fullName: z.string(),
    joinedOn: z.string(),
    membershipStatus: z.enum(membershipStatuses),
  }),
  /** Holder side only: the entry's fields a merge would fill (the holder's record has them empty). */
  mergeableFields: z.array(z.string()),
});
export type DuplicateDetail = z.infer<typeof duplicateDetail>;

export const resolveDuplicateResponse = z.object({
  case: duplicateItem,
  /** resolution 'transfer': the transfer started (it still needs its four approvals). */
  transferId: z.number().nullable(),
  /** resolution 'merge': the fields filled in the holder's record. */
  filledFields: z.array(z.string()),
});

export const duplicateListQuery = z.object({
  orgId: idString.optional(),
  status: z.enum(duplicateStatuses).optional(),
  /** A name prefix (the claimant's entry or the holder's record). */
  q: searchText,
  ...paging,
});
export type DuplicateListQuery = z.infer<typeof duplicateListQuery>;
export const duplicateListResponse = z.object({ items: z.array(duplicateItem), total: z.number() });

/** The fields a merge may fill; never the name, ID number, birth date, sex, join date or org. */
export const mergeableFieldNames = [
  'memberNo',
  'ethnicity',
  'education',
  'occupation',
  'workplace',
  'phone',
  'wechat',
  'household',
  'mobileOrigin',
  'mobileCurrent',
  'mobileContact',
  'lastReachedOn',
] as const;
export type MergeableField = (typeof mergeableFieldNames)[number];
