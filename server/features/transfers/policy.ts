import type { TransferStep } from '../../../common/domain.js';
import { openTransferSteps, type OpenTransferStep } from '../../../common/transfers.js';
import { actorCan, actorSees, type Actor } from '../../http/actor.js';
import { mayDecideFor } from '../members/policy.js';
import type { TransferRow } from './repo.js';

// Who decides each step of a transfer (组织关系转接): the out-branch, then whoever stands above it, then the
// in-branch, then whoever stands above that. Deciding needs people.approve; the branch steps are decided by
// anyone who sees the branch (its own admin or an org above), the parent steps by someone above the branch.

export const nextStep: Record<OpenTransferStep, TransferStep> = {
  out_branch: 'out_parent',
  out_parent: 'in_branch',
  in_branch: 'in_parent',
  in_parent: 'done',
};

export const stepLabels: Record<TransferStep, string> = {
  out_branch: '待转出支部审批',
  out_parent: '待转出支部的上级审批',
  in_branch: '待转入支部审批',
  in_parent: '待转入支部的上级审批',
  done: '已完成',
  rejected: '已驳回',
  withdrawn: '已撤回',
};

type StepFacts = Pick<TransferRow, 'step' | 'from_path' | 'to_path'>;

export function isOpen(step: TransferStep): step is OpenTransferStep {
  return (openTransferSteps as readonly TransferStep[]).includes(step);
}

export function mayDecideStep(actor: Actor, transfer: StepFacts): boolean {
  if (!actorCan(actor, 'people.approve')) return false;
  switch (transfer.step) {
    case 'out_branch':
      return actorSees(actor, transfer.from_path);
    case 'out_parent':
      return mayDecideFor(actor, { path: transfer.from_path });
    case 'in_branch':
      return actorSees(actor, transfer.to_path);
    case 'in_parent':
      return mayDecideFor(actor, { path: transfer.to_path });
    case 'done':
    case 'rejected':
    case 'withdrawn':
      return false;
  }
}

/** Who the step waits for, for a refusal that tells the actor where to send it. */
export function deciderOf(transfer: Pick<TransferRow, 'step' | 'from_name' | 'to_name'>): string {
  switch (transfer.step) {
    case 'out_branch':
      return `转出支部“${transfer.from_name}”`;
    case 'out_parent':
      return `“${transfer.from_name}”的上级团组织`;
    case 'in_branch':
      return `转入支部“${transfer.to_name}”`;
    case 'in_parent':
      return `“${transfer.to_name}”的上级团组织`;
    case 'done':
    case 'rejected':
    case 'withdrawn':
      return '无人（已结束）';
  }
}

/** Either side of the transfer sees it; the in side sees the member's name and masked ID number only. */
export function seesTransfer(actor: Actor, transfer: Pick<TransferRow, 'from_path' | 'to_path'>): boolean {
  return actorSees(actor, transfer.from_path) || actorSees(actor, transfer.to_path);
}

/** The requester, or the out side (people.write over the member's branch), until the transfer ends. */
export function mayWithdraw(actor: Actor, transfer: StepFacts & Pick<TransferRow, 'requested_by'>): boolean {
  if (!isOpen(transfer.step) || !actorCan(actor, 'people.write')) return false;
  return transfer.requested_by === actor.userId || actorSees(actor, transfer.from_path);
}
