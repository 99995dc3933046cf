import { createHash, randomBytes } from 'node:crypto';
import type { Permission } from '../../../common/domain.js';
import { grants } from '../../../common/domain.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { AppError } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import {
  countUsers,
  findUserById,
  findUserByUsername,
  accountRow,
  insertUser,
  updateUser,
  type UserWithOrg,
} from '../users/repo.js';
import {
  checkPasswordPolicy,
  generatePassword,
  hashPassword,
  verifyAgainstDummy,
  verifyPassword,
} from './passwords.js';
import { deleteSession, deleteUserSessions, findSession, insertSession, touchSession } from './repo.js';

export type SessionPolicy = Pick<
  Config,
  'sessionIdleMinutes' | 'sessionAbsoluteHours' | 'lockoutThreshold' | 'lockoutMinutes'
>;

const invalidCredentials = () =>
  // One answer for unknown user, wrong password, locked or disabled account: nothing to enumerate.
  new AppError('invalid_credentials', 401, '用户名或密码错误；连续失败 5 次后账户将被临时锁定');

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

export type NewSession = { token: string; user: UserWithOrg; csrfToken: string };

async function openSession(db: Db, user: UserWithOrg, policy: SessionPolicy, ip: string | null): Promise<NewSession> {
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

export async function login(input: {
  db: Db;
  policy: SessionPolicy;
  username: string;
  password: string;
  ip: string | null;
  previousSessionHash: string | null;
}): Promise<NewSession> {
  const { db, policy, ip } = input;
  const username = input.username.toLowerCase();
  const user = await findUserByUsername(db, username);
  const failure = (reason: string, actor: UserWithOrg | null) =>
    recordAudit(db, actor && { userId: actor.id, username: actor.username, orgId: actor.org_id, ip }, {
      action: 'auth.login',
      result: 'failure',
      objectType: 'user',
      objectId: actor?.id,
      details: { username, reason },
    });

  if (!user) {
    await verifyAgainstDummy(input.password);
    await failure('unknown_user', null);
    throw invalidCredentials();
  }
  const locked = user.locked_until !== null && user.locked_until > nowIso();
  const passwordOk = await verifyPassword(user.password_hash, input.password);
  if (user.disabled || locked || !passwordOk) {
    if (!user.disabled && !locked) {
      const attempts = user.failed_attempts + 1;
      const lockNow = attempts >= policy.lockoutThreshold;
      await updateUser(db, user.id, {
        failed_attempts: lockNow ? 0 : attempts,
        locked_until: lockNow ? minutesFromNow(policy.lockoutMinutes) : user.locked_until,
      });
      if (lockNow)
        await recordAudit(db, null, {
          action: 'user.locked',
          objectType: 'user',
          objectId: user.id,
          orgId: user.org_id,
        });
    }
    await failure(user.disabled ? 'disabled' : locked ? 'locked' : 'wrong_password', user);
    throw invalidCredentials();
  }

  // Rotation: whatever session the browser had is dropped, the new id is fresh.
  if (input.previousSessionHash) await deleteSession(db, input.previousSessionHash);
  const at = nowIso();
  await updateUser(db, user.id, { failed_attempts: 0, locked_until: null, last_login_at: at });
  const session = await openSession(db, { ...user, last_login_at: at }, policy, ip);
  await recordAudit(
    db,
    { userId: user.id, username: user.username, orgId: user.org_id, ip },
    {
      action: 'auth.login',
      objectType: 'user',
      objectId: user.id,
    },
  );
  return session;
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
  policy: SessionPolicy;
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
    sessionHash: tokenHash,
    csrfToken: row.csrf_token,
    ip: input.ip,
  };
}

export async function changePassword(input: {
  db: Db;
  policy: SessionPolicy;
  actor: Actor;
  currentPassword: string;
  newPassword: string;
}): Promise<NewSession> {
  const { db, actor } = input;
  const user = await findUserById(db, actor.userId);
  if (!user || !(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw new AppError('invalid_credentials', 400, '当前密码不正确');
  }
  checkPasswordPolicy(input.newPassword, user.username);
  if (await verifyPassword(user.password_hash, input.newPassword)) {
    throw new AppError('weak_password', 400, '新密码不能与当前密码相同');
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { password_hash: passwordHash, must_change_password: 0, updated_at: nowIso() });
    // Every other session of this user ends with the old password.
    await deleteUserSessions(trx, user.id);
    await recordAudit(trx, actor, { action: 'auth.password_changed', objectType: 'user', objectId: user.id });
  });
  return openSession(db, { ...user, must_change_password: 0 }, input.policy, actor.ip);
}

export function sessionPayload(session: { user: UserWithOrg; csrfToken: string }) {
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
    },
    csrfToken: session.csrfToken,
    abilities: [...grants[user.role]] as Permission[],
  };
}

/** First start: the system administrator, with a password from the environment or generated and shown once. */
export async function ensureFirstAdmin(db: Db, configuredPassword: string | null): Promise<string | null> {
  if ((await countUsers(db)) > 0) return null;
  const password = configuredPassword ?? generatePassword();
  await db.transaction().execute(async (trx) => {
    const id = await insertUser(
      trx,
      accountRow({
        username: 'admin',
        displayName: '系统管理员',
        role: 'system_admin',
        orgId: null,
        passwordHash: await hashPassword(password),
        mustChangePassword: true,
      }),
    );
    await recordAudit(trx, null, { action: 'user.bootstrap_admin', objectType: 'user', objectId: id, orgId: null });
  });
  return configuredPassword ? null : password;
}
