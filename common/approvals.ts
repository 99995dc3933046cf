import { z } from 'zod';
import { optionalText, text } from './fields.js';

// What lower orgs ask and upper orgs decide (审批): status changes, corrections, transfer steps, admissions and
// duplicate cases. The decision bodies are shared by every "approve / reject" route; the summary feeds the inbox.

/** Approving may carry a note (审批意见). */
export const approveBody = z.object({ note: optionalText('审批意见', 400) }).strict();
export type ApproveBody = z.infer<typeof approveBody>;

/** Rejecting must say why: the requester reads it. */
export const rejectBody = z.object({ note: text('驳回理由', 400) }).strict();
export type RejectBody = z.infer<typeof rejectBody>;

/** What a decision may do, per object, so the UI shows only the buttons the server would accept. */
export const decisionAbilities = z.object({
  approve: z.boolean(),
  reject: z.boolean(),
  /** The requester (or, for transfers, the out side) takes the request back. */
  withdraw: z.boolean(),
});
export type DecisionAbilities = z.infer<typeof decisionAbilities>;

/** One member a batch refused, and why; a refused batch changes nothing (all or nothing). */
export const refusedMember = z.object({ memberId: z.number(), fullName: z.string(), reason: z.string() });
export type RefusedMember = z.infer<typeof refusedMember>;
/** `error.details` of a 409 rule_violation answering a batch. */
export const refusedDetails = z.object({ refused: z.array(refusedMember) });

/** GET /api/approvals/summary: what awaits the actor's decision. */
export const approvalsSummary = z.object({
  /** Applicants voted in by a branch below, awaiting the upper committee (入团审批). */
  admissions: z.number(),
  statusRequests: z.number(),
  corrections: z.number(),
  /** Transfers at a step the actor decides (转出支部, 转出上级, 转入支部, 转入上级). */
  transferSteps: z.number(),
  /** Open duplicate cases on either side of the actor's subtree, when the actor may resolve them. */
  duplicates: z.number(),
  total: z.number(),
});
export type ApprovalsSummary = z.infer<typeof approvalsSummary>;
