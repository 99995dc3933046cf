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
 * Org admins reset passwords and second factors and unlock the accounts of their subtree (not their own); the
 * security admin unlocks anyone, resets every org account's password and anyone else's second factor. Operator
 * passwords are reset from the command line only: a reset hands its new password to whoever did it. A second
 * factor's reset hands nothing over (the account's owner enrols a new one after logging in with their password).
 */
export function mayHandleSecurity(
  actor: Actor,
  user: Pick<UserWithOrg, 'id' | 'role'>,
  action: 'reset' | 'unlock' | 'resetTotp',
): boolean {
  if (actor.role === 'security_admin') {
    if (action === 'unlock') return true;
    if (action === 'reset') return roleNeedsOrg(user.role);
    return user.id !== actor.userId;
  }
  return user.id !== actor.userId && canAssignRole(actor, user.role);
}

/**
 * Ending another account's sessions: the security admin for anyone, the system admin and org admins for the org
 * accounts they manage (org admins within their subtree, which seesUser has checked). Nobody ends their own this
 * way: logging out does that.
 */
export function mayEndSessions(actor: Actor, user: Pick<UserWithOrg, 'id' | 'role'>): boolean {
  if (user.id === actor.userId) return false;
  return actor.role === 'security_admin' || canAssignRole(actor, user.role);
}
