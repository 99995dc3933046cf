import { z } from 'zod';
import { transferReasons, transferSteps } from './domain.js';
import { boolQuery, optionalText, paging, searchText } from './fields.js';
import { idNumberInput } from './members.js';
import { idNumber, idString } from './orgs.js';
import { decisionAbilities } from './approvals.js';

// Transfers (组织关系转接): out-branch → its parent → in-branch → its parent, then the member moves. Decided with the
// shared approveBody / rejectBody of common/approvals.ts. The in side sees the member's name and masked ID number
// in the transfer, and the member record only once it is done.

/** The steps still waiting for a decision, in order. */
export const openTransferSteps = ['out_branch', 'out_parent', 'in_branch', 'in_parent'] as const;
export type OpenTransferStep = (typeof openTransferSteps)[number];

const uniqueValues = <T>(values: T[]) => new Set(values).size === values.length;

/**
 * POST /api/transfers, all or nothing (a refused batch answers 409 rule_violation with `details.refused`).
 * The out side names the members by id (members it sees); the in side, who cannot see them, names them by their
 * full ID numbers (checked, looked up by blind index, never stored from here). Exactly one of the two.
 */
export const createTransferBody = z
  .object({
    memberIds: z
      .array(idNumber)
      .min(1, { message: '请选择团员' })
      .max(500, { message: '一次最多转接 500 名团员' })
      .refine(uniqueValues, { message: '团员重复' })
      .optional(),
    idNumbers: z
      .array(idNumberInput)
      .min(1, { message: '请填写身份证号' })
      .max(500, { message: '一次最多转接 500 名团员' })
      .optional(),
    toOrgId: idNumber,
    reason: z.enum(transferReasons),
    note: optionalText('说明', 400),
  })
  .strict()
  .refine((body) => (body.memberIds === undefined) !== (body.idNumbers === undefined), {
    message: '请选择团员（或由转入方填写身份证号），二者选其一',
    path: ['memberIds'],
  });
export type CreateTransferBody = z.infer<typeof createTransferBody>;
export const createTransferResponse = z.object({ ids: z.array(z.number()), batchKey: z.string() });

/** POST /api/transfers/approve: several transfers at once, each at a step the actor decides; all or nothing. */
export const batchApproveTransfersBody = z
  .object({
    ids: z
      .array(idNumber)
      .min(1, { message: '请选择转接申请' })
      .max(500, { message: '一次最多审批 500 条' })
      .refine(uniqueValues, { message: '转接申请重复' }),
    note: optionalText('审批意见', 400),
  })
  .strict();
export type BatchApproveTransfersBody = z.infer<typeof batchApproveTransfersBody>;

export const transferAbilities = decisionAbilities.extend({
  /** The member record is visible to the actor (the out side, or the in side once done). */
  viewMember: z.boolean(),
});

export const transferItem = z.object({
  id: z.number(),
  memberId: z.number(),
  memberName: z.string(),
  idMasked: z.string(),
  fromOrgId: z.number(),
  fromOrgName: z.string(),
  toOrgId: z.number(),
  toOrgName: z.string(),
  reason: z.enum(transferReasons),
  note: z.string().nullable(),
  /** The step awaiting a decision, or how it ended (done, rejected, withdrawn). */
  step: z.enum(transferSteps),
  batchKey: z.string().nullable(),
  requestedBy: z.string().nullable(),
  requestedAt: z.string(),
  updatedAt: z.string(),
  abilities: transferAbilities,
});
export type TransferItem = z.infer<typeof transferItem>;

export const transferStepItem = z.object({
  /** 'requested' for the request itself, else the step decided or withdrawn at. */
  step: z.enum([...transferSteps, 'requested']),
  decision: z.enum(['requested', 'approved', 'rejected', 'withdrawn']),
  actorName: z.string().nullable(),
  at: z.string(),
  note: z.string().nullable(),
});
export const transferDetail = transferItem.extend({ steps: z.array(transferStepItem) });
export type TransferDetail = z.infer<typeof transferDetail>;

export const batchApproveTransfersResponse = z.object({ items: z.array(transferItem) });

export const transferListQuery = z.object({
  orgId: idString.optional(),
  scope: z.enum(['own', 'subtree']).default('subtree'),
  /** out: leaving the scope; in: arriving in it; all: either. */
  direction: z.enum(['in', 'out', 'all']).default('all'),
  /** A step, or 'open' for every transfer still waiting for a decision. */
  step: z.enum([...transferSteps, 'open']).optional(),
  /** true: only the transfers at a step the actor decides (the approval inbox). */
  awaiting: boolQuery.optional(),
  /** A member's name prefix. */
  q: searchText,
  ...paging,
});
export type TransferListQuery = z.infer<typeof transferListQuery>;
export const transferListResponse = z.object({ items: z.array(transferItem), total: z.number() });
