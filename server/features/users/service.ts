import type { z } from 'zod';
import type { createUserBody, updateUserBody } from '../../../common/users.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { actorCan, actorSees, type Actor } from '../../http/actor.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { deleteUserSessions } from '../auth/repo.js';
import { generatePassword, hashPassword } from '../auth/passwords.js';
import { storeNewPassword } from '../auth/service.js';
import { findOrg } from '../orgs/repo.js';
import { canAssignRole, mayEndSessions, mayHandleSecurity, roleNeedsOrg, seesUser } from './policy.js';
import {
  findUserById,
  findUserByUsername,
  accountRow,
  insertUser,
  listUsers,
  updateUser,
  type UserListFilter,
  type UserWithOrg,
} from './repo.js';

export function presentUser(actor: Actor, user: UserWithOrg) {
  const locked = user.locked_until !== null && user.locked_until > nowIso();
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    orgId: user.org_id,
    orgName: user.org_name,
    disabled: user.disabled === 1,
    locked,
    mustChangePassword: user.must_change_password === 1,
    totpEnabled: user.totp_enabled_at !== null,
    lastLoginAt: user.last_login_at,
    createdAt: user.created_at,
    abilities: {
      update: actorCan(actor, 'user.manage') && canAssignRole(actor, user.role),
      resetPassword: actorCan(actor, 'user.security') && mayHandleSecurity(actor, user, 'reset'),
      unlock: locked && actorCan(actor, 'user.security') && mayHandleSecurity(actor, user, 'unlock'),
      resetTotp:
        user.totp_secret !== null && actorCan(actor, 'user.security') && mayHandleSecurity(actor, user, 'resetTotp'),
      endSessions: actorCan(actor, 'user.sessions') && mayEndSessions(actor, user),
    },
  };
}

async function loadVisibleUser(db: Executor, actor: Actor, id: number): Promise<UserWithOrg> {
  const user = await findUserById(db, id);
  if (!user || !seesUser(actor, user)) throw notFound('用户');
  return user;
}

/** Checks that a role/org pair is one the actor may hand out, with the org inside the actor's subtree. */
async function assertAssignable(db: Executor, actor: Actor, role: UserWithOrg['role'], orgId: number | null) {
  if (!canAssignRole(actor, role)) throw forbidden('无权授予该角色');
  if (!roleNeedsOrg(role)) {
    if (orgId !== null) throw invalid('系统、安全、审计管理员不隶属于任何组织', { field: 'orgId' });
    return;
  }
  if (orgId === null) throw invalid('请选择用户所属组织', { field: 'orgId' });
  const org = await findOrg(db, orgId);
  if (!org || !actorSees(actor, org.path)) throw notFound('组织');
  if (org.status !== 'active') throw new AppError('org_dissolved', 409, `“${org.name}”已撤销`);
}

export async function listVisibleUsers(db: Db, actor: Actor, filter: Omit<UserListFilter, 'scopePath'>) {
  const { rows, total } = await listUsers(db, { ...filter, scopePath: actor.scopePath });
  // Org-scoped actors never see the operators (who have no org, hence no path inside any subtree).
  return { items: rows.map((row) => presentUser(actor, row)), total };
}

export async function createUser(db: Db, actor: Actor, body: z.infer<typeof createUserBody>) {
  const username = body.username.toLowerCase();
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    await assertAssignable(trx, actor, body.role, body.orgId);
    if (await findUserByUsername(trx, username)) throw conflict(`用户名“${username}”已被使用`);
    const id = await insertUser(
      trx,
      accountRow({
        username: username,
        displayName: body.displayName,
        role: body.role,
        orgId: body.orgId,
        passwordHash: passwordHash,
        mustChangePassword: true,
      }),
    );
    await recordAudit(trx, actor, {
      action: 'user.create',
      objectType: 'user',
      objectId: id,
      orgId: body.orgId,
      details: { username, role: body.role },
    });
    return { user: presentUser(actor, (await findUserById(trx, id))!), initialPassword: password };
  });
}

export async function updateUserAccount(db: Db, actor: Actor, id: number, body: z.infer<typeof updateUserBody>) {
  return db.transaction().execute(async (trx) => {
    const user = await loadVisibleUser(trx, actor, id);
    if (!canAssignRole(actor, user.role)) throw forbidden('无权修改该用户');
    if (user.id === actor.userId && (body.role !== undefined || body.orgId !== undefined || body.disabled)) {
      throw forbidden('不能修改自己的角色、所属组织或停用自己');
    }
    const role = body.role ?? user.role;
    const orgId = body.orgId === undefined ? user.org_id : body.orgId;
    if (body.role !== undefined || body.orgId !== undefined) await assertAssignable(trx, actor, role, orgId);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const next = {
      display_name: body.displayName,
      role: body.role,
      org_id: body.orgId,
      disabled: body.disabled === undefined ? undefined : body.disabled ? 1 : 0,
    };
    for (const [column, value] of Object.entries(next) as [keyof typeof next, unknown][]) {
      if (value !== undefined && value !== user[column]) changes[column] = { from: user[column], to: value };
    }
    if (Object.keys(changes).length === 0) return presentUser(actor, user);
    await updateUser(trx, id, {
      ...Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)),
      updated_at: nowIso(),
    });
    // A disabled account, or one whose powers changed, starts again from a fresh login.
    if (changes.disabled || changes.role || changes.org_id) await deleteUserSessions(trx, id);
    await recordAudit(trx, actor, {
      action: 'user.update',
      objectType: 'user',
      objectId: id,
      orgId: orgId,
      details: changes,
    });
    return presentUser(actor, (await findUserById(trx, id))!);
  });
}

const refusals = {
  reset: '无权重置该用户的密码（管理员账户请在服务器命令行重置）',
  unlock: '无权解锁该用户',
  resetTotp: '无权重置该用户的两步验证',
} as const;

function assertMayHandleSecurity(actor: Actor, user: UserWithOrg, action: keyof typeof refusals): void {
  if (mayHandleSecurity(actor, user, action)) return;
  throw forbidden(refusals[action]);
}

export async function resetPassword(db: Db, actor: Actor, id: number) {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const user = await loadVisibleUser(trx, actor, id);
    assertMayHandleSecurity(actor, user, 'reset');
    await storeNewPassword(trx, user, passwordHash, true);
    await updateUser(trx, id, { failed_attempts: 0, locked_until: null });
    await deleteUserSessions(trx, id);
    await recordAudit(trx, actor, {
      action: 'user.reset_password',
      objectType: 'user',
      objectId: id,
      orgId: user.org_id,
    });
    return { user: presentUser(actor, (await findUserById(trx, id))!), initialPassword: password };
  });
}

export async function unlockUser(db: Db, actor: Actor, id: number) {
  return db.transaction().execute(async (trx) => {
    const user = await loadVisibleUser(trx, actor, id);
    assertMayHandleSecurity(actor, user, 'unlock');
    await updateUser(trx, id, { failed_attempts: 0, locked_until: null, updated_at: nowIso() });
    await recordAudit(trx, actor, { action: 'user.unlock', objectType: 'user', objectId: id, orgId: user.org_id });
    return presentUser(actor, (await findUserById(trx, id))!);
  });
}

/**
 * Clears an account's second factor (a lost phone): its sessions end, and its next login, with the password alone,
 * leads to enrolling a new one. Only an enrolled factor can be reset.
 */
export async function resetTotp(db: Db, actor: Actor, id: number) {
  return db.transaction().execute(async (trx) => {
    const user = await loadVisibleUser(trx, actor, id);
    assertMayHandleSecurity(actor, user, 'resetTotp');
    if (user.totp_secret === null) throw conflict('该用户尚未启用两步验证');
    await updateUser(trx, id, {
      totp_secret: null,
      totp_pending_secret: null,
      totp_enabled_at: null,
      updated_at: nowIso(),
    });
    await deleteUserSessions(trx, id);
    await recordAudit(trx, actor, { action: 'user.reset_totp', objectType: 'user', objectId: id, orgId: user.org_id });
    return presentUser(actor, (await findUserById(trx, id))!);
  });
}

/** Ends every session of another account at once (a lost laptop, a departure); audited with the count. */
export async function endSessions(db: Db, actor: Actor, id: number) {
  return db.transaction().execute(async (trx) => {
    const user = await loadVisibleUser(trx, actor, id);
    if (!mayEndSessions(actor, user)) throw forbidden('无权结束该用户的会话');
    const ended = await deleteUserSessions(trx, id);
    await recordAudit(trx, actor, {
      action: 'user.end_sessions',
      objectType: 'user',
      objectId: id,
      orgId: user.org_id,
      details: { ended },
    });
    return { ended };
  });
}
