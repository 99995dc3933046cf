import { operatorRoles, orgRoles, type Role } from '../../../common/domain.js';
import { actorSees, type Actor } from '../../http/actor.js';
import type { UserWithOrg } from './repo.js';

/**
 * Through the API only org roles are handed out: by the system administrator anywhere, by org admins inside their
 * subtree. Operator accounts (system, security, audit) are made and reset from the command line by whoever runs
 * the installation, so that no operator can mint or take over another's account (三员分立): a system
 * administrator who could create an audit administrator would learn its password and read the audit log.
 */
export function canAssignRole(actor: Actor, role: Role): boolean {
  return (actor.role === 'system_admin' || actor.role === 'org_admin') && orgRoles.includes(role);
}

/** A user is visible when their org lies in the actor's subtree; operators are visible to operators only. */
export function seesUser(actor: Actor, user: Pick<UserWithOrg, 'org_path'>): boolean {
  if (user.org_path === null) return actor.scopePath === null;
  return actorSees(actor, user.org_path);
}

export function roleNeedsOrg(role: Role): boolean {
  return !operatorRoles.includes(role);
}

/**
 * Org admins reset and unlock the accounts of their subtree (not their own); the security admin unlocks anyone and
 * resets every org account. Operator accounts are reset from the command line only: a reset hands its new
 * password to whoever did it.
 */
export function mayHandleSecurity(
  actor: Actor,
  user: Pick<UserWithOrg, 'id' | 'role'>,
  action: 'reset' | 'unlock',
): boolean {
  if (actor.role === 'security_admin') return action === 'unlock' || roleNeedsOrg(user.role);
  return user.id !== actor.userId && canAssignRole(actor, user.role);
}
