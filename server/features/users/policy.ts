import { operatorRoles, orgRoles, type Role } from '../../../common/domain.js';
import { actorSees, type Actor } from '../../http/actor.js';
import type { UserWithOrg } from './repo.js';

/** Only the system administrator creates operators; org admins hand out org roles inside their subtree. */
export function canAssignRole(actor: Actor, role: Role): boolean {
  if (actor.role === 'system_admin') return true;
  return actor.role === 'org_admin' && orgRoles.includes(role);
}

/** A user is visible when their org lies in the actor's subtree; operators are visible to operators only. */
export function seesUser(actor: Actor, user: Pick<UserWithOrg, 'org_path'>): boolean {
  if (user.org_path === null) return actor.scopePath === null;
  return actorSees(actor, user.org_path);
}

export function roleNeedsOrg(role: Role): boolean {
  return !operatorRoles.includes(role);
}
