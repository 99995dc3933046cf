import type { Permission, Role } from '../../common/domain.js';
import { can } from '../../common/domain.js';
import { isInSubtree } from '../db/tree.js';
import { notFound } from './errors.js';

/** The person behind a request, with the subtree they may see. */
export type Actor = {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  orgId: number | null;
  /** Path of the actor's org; null for the operators, whose scope is the whole installation. */
  scopePath: string | null;
  mustChangePassword: boolean;
  /**
   * The role needs a TOTP second factor and the account has none yet: only enrolment answers. Absent for actors
   * made outside a request (an import job acting for its uploader), which the guard never sees.
   */
  mustEnrolTotp?: boolean;
  sessionHash: string;
  csrfToken: string;
  ip: string | null;
};

/** Route-level permission: "public" needs no session, "authenticated" any session. */
export type RoutePermission = Permission | 'public' | 'authenticated';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RoutePermission;
    /** Reachable while the user still has to change a generated password. */
    allowBeforePasswordChange?: boolean;
    /** Reachable while an account that needs a second factor has not enrolled one. */
    allowBeforeTotpEnrolment?: boolean;
    /**
     * A public route called by another server that proves itself otherwise (WeChat's callbacks carry a signature
     * over a shared token): no CSRF header, no same-origin check. Only for 'public' routes without a session.
     */
    csrfExempt?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw new Error('route declared a permission but no actor was attached');
  return actor;
}

export function actorCan(actor: Actor, permission: Permission): boolean {
  return can(actor.role, permission);
}

export function actorSees(actor: Actor, path: string): boolean {
  return actor.scopePath === null || isInSubtree(path, actor.scopePath);
}

/** Object-level check: outside the subtree answers exactly like a missing object. */
export function assertSees(actor: Actor, path: string | undefined, what: string): asserts path is string {
  if (path === undefined || !actorSees(actor, path)) throw notFound(what);
}
