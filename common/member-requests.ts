import { z } from 'zod';
import { membershipStatuses, requestKinds, requestStatuses } from './domain.js';
import { boolQuery, paging, searchText, text } from './fields.js';
import { idNumberInput } from './members.js';
import { idNumber, idString } from './orgs.js';
import { decisionAbilities } from './approvals.js';

// Requests approved upward (status changes 团籍变更, corrections 信息更正). The branch (people.write) asks; someone
// above the branch (people.approve on its parent) decides with the shared approveBody / rejectBody of
// common/approvals.ts; the requester may withdraw. A member has at most one pending request.

const reason = text('申请理由', 400);

/** POST /api/members/:id/status-requests. */
export const statusRequestBody = z.object({ toStatus: z.enum(membershipStatuses), reason }).strict();
export type StatusRequestBody = z.infer<typeof statusRequestBody>;

const uniqueIds = (ids: number[]) => new Set(ids).size === ids.length;

/**
 * POST /api/member-requests/batch: one status for many members (typically 满28周岁离团), all or nothing. A refused
 * batch answers 409 rule_violation with `details.refused` (common/approvals.ts refusedDetails).
 */
export const batchStatusRequestBody = z
  .object({
    memberIds: z
      .array(idNumber)
      .min(1, { message: '请选择团员' })
      .max(500, { message: '一次最多 500 名团员' })
      .refine(uniqueIds, { message: '团员重复' }),
    toStatus: z.enum(membershipStatuses),
    reason,
  })
  .strict();
export type BatchStatusRequestBody = z.infer<typeof batchStatusRequestBody>;
export const batchStatusRequestResponse = z.object({ ids: z.array(z.number()) });

/** POST /api/members/:id/corrections: the name, the ID number, or both; the ID number is checked and stored protected. */
export const correctionBody = z
  .object({ fullName: text('姓名', 50).optional(), idNumber: idNumberInput.optional(), reason })
  .strict()
  .refine((body) => body.fullName !== undefined || body.idNumber !== undefined, {
    message: '请填写要更正的姓名或身份证号',
    path: ['fullName'],
  });
export type CorrectionBody = z.infer<typeof correctionBody>;

export const memberRequestItem = z.object({
  id: z.number(),
  kind: z.enum(requestKinds),
  memberId: z.number(),
  memberName: z.string(),
  /** The member's ID number as registered now, masked. */
  idMasked: z.string(),
  /** The member's status now (before approval: the "from" of a status request). */
  memberStatus: z.enum(membershipStatuses),
  orgId: z.number(),
  orgName: z.string(),
  toStatus: z.enum(membershipStatuses).nullable(),
  /** Corrections: the new name and the new ID number, masked; null when that field is not corrected. */
  newName: z.string().nullable(),
  newIdMasked: z.string().nullable(),
  reason: z.string(),
  status: z.enum(requestStatuses),
  requestedBy: z.string().nullable(),
  requestedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  abilities: decisionAbilities,
});
export type MemberRequestItem = z.infer<typeof memberRequestItem>;

export const memberRequestListQuery = z.object({
  orgId: idString.optional(),
  scope: z.enum(['own', 'subtree']).default('subtree'),
  kind: z.enum(requestKinds).optional(),
  status: z.enum(requestStatuses).optional(),
  /** true: only the pending requests the actor may decide (the approval inbox). */
  awaiting: boolQuery.optional(),
  /** A member's name prefix. */
  q: searchText,
  ...paging,
});
export type MemberRequestListQuery = z.infer<typeof memberRequestListQuery>;
export const memberRequestListResponse = z.object({ items: z.array(memberRequestItem), total: z.number() });
