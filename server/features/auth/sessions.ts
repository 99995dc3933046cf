import { createHash, randomBytes } from 'node:crypto';
import type { Permission } from '../../../common/domain.js';
import { grants, requiresSecondFactor } from '../../../common/domain.js';
import type { Config } from '../../config.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { recordAudit } from '../audit/service.js';
import type { UserWithOrg } from '../users/repo.js';
import { deleteSession, findSession, insertSession, touchSession } from './repo.js';

/** The configuration the login, the sessions and the password rules obey. */
export type AuthPolicy = Pick<
  Config,
  | 'sessionIdleMinutes'
  | 'sessionAbsoluteHours'
  | 'lockoutThreshold'
  | 'lockoutMinutes'
  | 'requireTotp'
  | 'totpIssuer'
  | 'passwordProfile'
>;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

/** Whether this account may do nothing but enrol a second factor (its role needs one and it has none). */
export function mustEnrolTotp(
  policy: Pick<AuthPolicy, 'requireTotp'>,
  user: Pick<UserWithOrg, 'role' | 'totp_enabled_at'>,
): boolean {
  return policy.requireTotp && requiresSecondFactor(user.role) && user.totp_enabled_at === null;
}

export type NewSession = { token: string; user: UserWithOrg; csrfToken: string };

/** A new session: 256 random bits, stored only as their SHA-256. */
export async function openSession(
  db: Executor,
  user: UserWithOrg,
  policy: AuthPolicy,
  ip: string | null,
): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const at = nowIso();
  await insertSession(db, {
    token_hash: hashToken(token),
    user_id: user.id,
    csrf_token: csrfToken,
    created_at: at,
    last_seen_at: at,
    expires_at: minutesFromNow(policy.sessionAbsoluteHours * 60),
    ip,
  });
  return { token, user, csrfToken };
}

export async function logout(db: Db, actor: Actor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await deleteSession(trx, actor.sessionHash);
    await recordAudit(trx, actor, { action: 'auth.logout', objectType: 'user', objectId: actor.userId });
  });
}

/** Sessions whose last_seen_at is being written now (see resolveSession). */
const touching = new Set<string>();

/** Resolves a session cookie to an actor, enforcing idle and absolute timeouts. */
export async function resolveSession(input: {
  db: Db;
  policy: AuthPolicy;
  token: string;
  ip: string | null;
}): Promise<Actor | null> {
  const tokenHash = hashToken(input.token);
  const row = await findSession(input.db, tokenHash);
  if (!row) return null;
  const now = Date.now();
  const idleLimit = new Date(now - input.policy.sessionIdleMinutes * 60_000).toISOString();
  if (row.disabled || row.expires_at <= new Date(now).toISOString() || row.last_seen_at < idleLimit) {
    await deleteSession(input.db, tokenHash);
    return null;
  }
  // Touch at most once a minute: an idle timeout needs minute precision, not a write per request. The touch is not
  // awaited: on SQLite a write waits for any open write transaction (an import applying two million rows), and a
  // read-only request must not wait with it. One touch per session is in flight at a time; a failed touch is
  // retried by the next request (until then the session can only look idler than it is, never less).
  if (Date.parse(row.last_seen_at) < now - 60_000 && !touching.has(tokenHash)) {
    touching.add(tokenHash);
    touchSession(input.db, tokenHash, new Date(now).toISOString())
      .catch(() => undefined)
      .finally(() => touching.delete(tokenHash));
  }
  return {
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    orgId: row.org_id,
    scopePath: row.org_path,
    mustChangePassword: row.must_change_password === 1,
    mustEnrolTotp: mustEnrolTotp(input.policy, row),
    sessionHash: tokenHash,
    csrfToken: row.csrf_token,
    ip: input.ip,
  };
}

export function sessionPayload(session: { user: UserWithOrg; csrfToken: string }, policy: AuthPolicy) {
  const { user } = session;
  return {
    user: {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      role: user.role,
      orgId: user.org_id,
      orgName: user.org_name,
      mustChangePassword: user.must_change_password === 1,
      totpEnabled: user.totp_enabled_at !== null,
      mustEnrolTotp: mustEnrolTotp(policy, user),
    },
    csrfToken: session.csrfToken,
    abilities: [...grants[user.role]] as Permission[],
    passwordProfile: policy.passwordProfile,
  };
}
