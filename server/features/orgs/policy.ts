import { orgLevels, type OrgLevel, type OrgType } from '../../../common/domain.js';
import { actorCan, actorSees, type Actor } from '../../http/actor.js';
import type { OrgRow } from './repo.js';

// Branches hold members, not other orgs (league charter: members belong only to branches).
const leafTypes: readonly OrgType[] = ['branch', 'joint_branch'];

export function canHaveChildren(type: OrgType): boolean {
  return !leafTypes.includes(type);
}

export function levelRank(level: OrgLevel): number {
  return orgLevels.indexOf(level);
}

/** An org sits at its parent's level (a direct org such as a school committee) or below it. */
export function levelFitsParent(level: OrgLevel, parentLevel: OrgLevel): boolean {
  return levelRank(level) >= levelRank(parentLevel);
}

/** The actor's own org is the top of their scope: they may work inside it but not dissolve or move it. */
export function isStrictlyInside(actor: Actor, org: Pick<OrgRow, 'path'>): boolean {
  return actorSees(actor, org.path) && org.path !== actor.scopePath;
}

export function orgAbilities(actor: Actor, org: OrgRow, hasPendingMove: boolean) {
  const active = org.status === 'active';
  const inside = isStrictlyInside(actor, org);
  return {
    update: active && actorCan(actor, 'org.write'),
    createChild: active && canHaveChildren(org.type) && actorCan(actor, 'org.write'),
    dissolve: active && inside && actorCan(actor, 'org.dissolve'),
    requestMove: active && inside && org.parent_id !== null && !hasPendingMove && actorCan(actor, 'org.move'),
  };
}

/** Who may decide a pending step: an admin who sees the parent concerned, never the requester. */
export function canDecideMove(actor: Actor, requestedBy: number, parentPath: string): boolean {
  return actorCan(actor, 'org.move') && actor.userId !== requestedBy && actorSees(actor, parentPath);
}
