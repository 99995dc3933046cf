import { randomBytes } from 'node:crypto';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { AppError } from '../../http/errors.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { recordAudit } from '../audit/service.js';
import {
  accountRow,
  countUsers,
  findUserById,
  findUserByUsername,
  insertUser,
  updateUser,
  type UserWithOrg,
} from '../users/repo.js';
import {
  assertNotReused,
  checkPasswordPolicy,
  generatePassword,
  hashPassword,
  passwordExpired,
  verifyAgainstDummy,
  verifyPassword,
} from './passwords.js';
import {
  claimTotpStep,
  clearChallenges,
  deleteChallenge,
  deleteSession,
  deleteUserSessions,
  findChallenge,
  insertChallenge,
  recentPasswordHashes,
  rememberPassword,
} from './repo.js';
import { hashToken, minutesFromNow, openSession, type AuthPolicy, type NewSession } from './sessions.js';
import { codeStep } from './totp.js';

const invalidCredentials = () =>
  // One answer for unknown user, wrong password, locked or disabled account: nothing to enumerate.
  new AppError('invalid_credentials', 401, '用户名或密码错误；连续失败 5 次后账户将被临时锁定');

const loginExpired = () => new AppError('login_expired', 401, '验证已超时，请重新输入用户名和密码');

/** How long the step between a right password and its code may take. */
const challengeMinutes = 5;

const auditActor = (user: UserWithOrg, ip: string | null) => ({
  userId: user.id,
  username: user.username,
  orgId: user.org_id,
  ip,
});

const isLocked = (user: UserWithOrg) => user.locked_until !== null && user.locked_until > nowIso();

/** Counts a failed password or code toward the lockout; answers whether this failure locked the account. */
async function countFailure(db: Db, user: UserWithOrg, policy: AuthPolicy): Promise<boolean> {
  const attempts = user.failed_attempts + 1;
  const lockNow = attempts >= policy.lockoutThreshold;
  await updateUser(db, user.id, {
    failed_attempts: lockNow ? 0 : attempts,
    locked_until: lockNow ? minutesFromNow(policy.lockoutMinutes) : user.locked_until,
  });
  if (lockNow)
    await recordAudit(db, null, { action: 'user.locked', objectType: 'user', objectId: user.id, orgId: user.org_id });
  return lockNow;
}

export type LoginResult =
  { kind: 'session'; session: NewSession } | { kind: 'totp_required'; pendingToken: string; expiresAt: string };

/**
 * The password step. An account with a second factor gets a pending token instead of a session: the session
 * opens only when the code is right (loginWithCode). A right password does not clear the failure count then,
 * or someone holding the password could guess codes forever, four at a time.
 */
export async function login(input: {
  db: Db;
  policy: AuthPolicy;
  username: string;
  password: string;
  ip: string | null;
  previousSessionHash: string | null;
}): Promise<LoginResult> {
  const { db, policy, ip } = input;
  const username = input.username.toLowerCase();
  const user = await findUserByUsername(db, username);
  const failure = (reason: string, actor: UserWithOrg | null) =>
    recordAudit(db, actor && auditActor(actor, ip), {
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
  const locked = isLocked(user);
  const passwordOk = await verifyPassword(user.password_hash, input.password);
  if (user.disabled || locked || !passwordOk) {
    if (!user.disabled && !locked) await countFailure(db, user, policy);
    await failure(user.disabled ? 'disabled' : locked ? 'locked' : 'wrong_password', user);
    throw invalidCredentials();
  }

  if (user.totp_secret !== null) {
    const pendingToken = randomBytes(32).toString('base64url');
    const at = nowIso();
    const expiresAt = minutesFromNow(challengeMinutes);
    await db.transaction().execute(async (trx) => {
      await clearChallenges(trx, user.id, at);
      await insertChallenge(trx, {
        token_hash: hashToken(pendingToken),
        user_id: user.id,
        created_at: at,
        expires_at: expiresAt,
      });
    });
    return { kind: 'totp_required', pendingToken, expiresAt };
  }
  return { kind: 'session', session: await completeLogin(db, policy, user, ip, input.previousSessionHash) };
}

/** The code step: the pending token of a right password and a TOTP code not used before. */
export async function loginWithCode(input: {
  db: Db;
  policy: AuthPolicy;
  keyring: Keyring;
  pendingToken: string;
  code: string;
  ip: string | null;
  previousSessionHash: string | null;
}): Promise<NewSession> {
  const { db, policy, ip } = input;
  const tokenHash = hashToken(input.pendingToken);
  const challenge = await findChallenge(db, tokenHash);
  if (!challenge) throw loginExpired();
  const user = await findUserById(db, challenge.user_id);
  if (challenge.expires_at <= nowIso() || !user || user.disabled || isLocked(user) || user.totp_secret === null) {
    await deleteChallenge(db, tokenHash);
    throw loginExpired();
  }
  const step = codeStep(input.keyring.decrypt(user.totp_secret), input.code);
  // A code of the last accepted step or an earlier one is refused: each code works once.
  if (step === null || !(await claimTotpStep(db, user.id, step))) {
    const lockedNow = await countFailure(db, user, policy);
    if (lockedNow) await deleteChallenge(db, tokenHash);
    await recordAudit(db, auditActor(user, ip), {
      action: 'auth.login',
      result: 'failure',
      objectType: 'user',
      objectId: user.id,
      details: { username: user.username, reason: step === null ? 'wrong_code' : 'replayed_code' },
    });
    throw new AppError(
      'invalid_totp',
      401,
      lockedNow
        ? '验证码错误次数过多，账户已临时锁定，请稍后重新登录'
        : '验证码不正确或已使用过，请输入验证器上当前显示的验证码',
    );
  }
  const consumed = await db.deleteFrom('login_challenges').where('token_hash', '=', tokenHash).executeTakeFirst();
  if (Number(consumed.numDeletedRows) !== 1) throw loginExpired();
  return completeLogin(db, policy, user, ip, input.previousSessionHash);
}

/**
 * Opens the session of a fully authenticated login: the browser's previous session is dropped (rotation), the
 * failure count cleared, and under the "mlps" profile a password past its 90 days must change before anything else.
 */
async function completeLogin(
  db: Db,
  policy: AuthPolicy,
  user: UserWithOrg,
  ip: string | null,
  previousSessionHash: string | null,
): Promise<NewSession> {
  const at = nowIso();
  const expired =
    user.must_change_password === 0 &&
    passwordExpired(policy.passwordProfile, user.password_changed_at ?? user.created_at);
  const mustChange = expired ? 1 : user.must_change_password;
  return db.transaction().execute(async (trx) => {
    if (previousSessionHash) await deleteSession(trx, previousSessionHash);
    await updateUser(trx, user.id, {
      failed_attempts: 0,
      locked_until: null,
      last_login_at: at,
      must_change_password: mustChange,
    });
    const session = await openSession(
      trx,
      { ...user, last_login_at: at, must_change_password: mustChange },
      policy,
      ip,
    );
    await recordAudit(trx, auditActor(user, ip), {
      action: 'auth.login',
      objectType: 'user',
      objectId: user.id,
      details: user.totp_secret !== null ? { secondFactor: 'totp' } : undefined,
    });
    if (expired)
      await recordAudit(trx, auditActor(user, ip), {
        action: 'auth.password_expired',
        objectType: 'user',
        objectId: user.id,
        details: { profile: policy.passwordProfile },
      });
    return session;
  });
}

/** Sets a new password hash, keeping the replaced one for the reuse rule and starting the rotation clock. */
export async function storeNewPassword(
  trx: Executor,
  user: Pick<UserWithOrg, 'id' | 'password_hash'>,
  passwordHash: string,
  mustChange: boolean,
): Promise<void> {
  const at = nowIso();
  await rememberPassword(trx, user.id, user.password_hash, at);
  await updateUser(trx, user.id, {
    password_hash: passwordHash,
    must_change_password: mustChange ? 1 : 0,
    password_changed_at: at,
    updated_at: at,
  });
}

export async function changePassword(input: {
  db: Db;
  policy: AuthPolicy;
  actor: Actor;
  currentPassword: string;
  newPassword: string;
}): Promise<NewSession> {
  const { db, actor, policy } = input;
  const user = await findUserById(db, actor.userId);
  if (!user || !(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw new AppError('invalid_credentials', 400, '当前密码不正确');
  }
  checkPasswordPolicy(input.newPassword, user.username, policy.passwordProfile);
  const earlier = policy.passwordProfile === 'mlps' ? await recentPasswordHashes(db, user.id) : [];
  await assertNotReused(input.newPassword, { current: user.password_hash, earlier }, policy.passwordProfile);
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction().execute(async (trx) => {
    await storeNewPassword(trx, user, passwordHash, false);
    // Every other session of this user ends with the old password.
    await deleteUserSessions(trx, user.id);
    await recordAudit(trx, actor, { action: 'auth.password_changed', objectType: 'user', objectId: user.id });
    const fresh = (await findUserById(trx, user.id))!;
    return openSession(trx, fresh, policy, actor.ip);
  });
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
