import type { OrgType } from '../../../common/domain.js';
import { parentPath } from '../../db/tree.js';
import { actorCan, actorSees, type Actor } from '../../http/actor.js';
import { AppError } from '../../http/errors.js';
import type { OrgRow } from '../orgs/repo.js';

// Who may do what with people. Members belong only to branches (团支部, 联合团支部); requests are decided
// "upward": by someone who sees the parent of the org concerned, so that a branch never approves itself.

const memberOrgTypes: readonly OrgType[] = ['branch', 'joint_branch'];

export function holdsMembers(org: Pick<OrgRow, 'type'>): boolean {
  return memberOrgTypes.includes(org.type);
}

/** Members and applicants are registered in branches only (league charter). */
export function assertHoldsMembers(org: Pick<OrgRow, 'type' | 'name'>): void {
  if (!holdsMembers(org)) {
    throw new AppError('rule_violation', 409, `团员只能登记在团支部或联合团支部，“${org.name}”不是支部`);
  }
}

/** An approver above the org: holds people.approve and sees the org's parent. */
export function mayDecideFor(actor: Actor, org: Pick<OrgRow, 'path'>): boolean {
  const parent = parentPath(org.path);
  return actorCan(actor, 'people.approve') && parent !== null && actorSees(actor, parent);
}

export function assertMayDecideFor(actor: Actor, org: Pick<OrgRow, 'path' | 'name'>): void {
  if (!mayDecideFor(actor, org)) {
    throw new AppError('forbidden', 403, `应由“${org.name}”的上级团组织审批`);
  }
}

export function mayWritePeople(actor: Actor): boolean {
  return actorCan(actor, 'people.write');
}

export function mayRevealPeople(actor: Actor): boolean {
  return actorCan(actor, 'personal.reveal');
}
