import { roles, type Role } from '../../../common/domain.js';
import type { Db } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import { deleteUserSessions } from '../auth/repo.js';
import { generatePassword, hashPassword } from '../auth/passwords.js';
import { storeNewPassword } from '../auth/service.js';
import { roleNeedsOrg } from './policy.js';
import { findUserByUsername, accountRow, insertUser, updateUser } from './repo.js';

// Account work done by whoever runs the installation, from the command line: the only way to create or reset the
// operator accounts (系统/安全/审计管理员). Audited with no actor and `via: "cli"`.

export function parseRole(value: string): Role {
  const role = roles.find((r) => r === value);
  if (!role) throw new Error(`角色应为 ${roles.join('、')} 之一`);
  return role;
}

export async function createAccountFromCli(
  db: Db,
  input: { username: string; displayName: string; role: Role; org: string | null },
): Promise<{ password: string }> {
  const username = input.username.toLowerCase();
  if (!/^[a-z0-9_.-]{3,32}$/.test(username)) throw new Error('用户名为 3–32 位字母、数字、下划线、点或短横线');
  if (await findUserByUsername(db, username)) throw new Error(`用户名“${username}”已被使用`);
  let orgId: number | null = null;
  if (roleNeedsOrg(input.role)) {
    if (!input.org) throw new Error('组织角色需要 --org（组织编号或 12 位统计用区划代码）');
    const org = await db
      .selectFrom('orgs')
      .select(['id', 'status'])
      .where(
        /^\d{12}$/.test(input.org) ? 'stat_code' : 'id',
        '=',
        /^\d{12}$/.test(input.org) ? input.org : Number(input.org),
      )
      .executeTakeFirst();
    if (!org || org.status !== 'active') throw new Error(`找不到组织 ${input.org}`);
    orgId = org.id;
  } else if (input.org) {
    throw new Error('系统、安全、审计管理员不隶属于任何组织，请去掉 --org');
  }
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const id = await insertUser(
      trx,
      accountRow({
        username: username,
        displayName: input.displayName,
        role: input.role,
        orgId: orgId,
        passwordHash: passwordHash,
        mustChangePassword: true,
      }),
    );
    await recordAudit(trx, null, {
      action: 'user.create',
      objectType: 'user',
      objectId: id,
      orgId,
      details: { username, role: input.role, via: 'cli' },
    });
  });
  return { password };
}

export async function resetPasswordFromCli(db: Db, usernameInput: string): Promise<{ password: string }> {
  const user = await findUserByUsername(db, usernameInput.toLowerCase());
  if (!user) throw new Error(`没有用户 ${usernameInput}`);
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await storeNewPassword(trx, user, passwordHash, true);
    await updateUser(trx, user.id, { failed_attempts: 0, locked_until: null, disabled: 0 });
    await deleteUserSessions(trx, user.id);
    await recordAudit(trx, null, {
      action: 'user.reset_password',
      objectType: 'user',
      objectId: user.id,
      orgId: user.org_id,
      details: { via: 'cli' },
    });
  });
  return { password };
}

/**
 * Clears an account's second factor from the command line: the last resort when the one who could reset it through
 * the API (the security admin) has lost their own phone. Its sessions end; the next login leads to enrolling again.
 */
export async function resetTotpFromCli(db: Db, usernameInput: string): Promise<void> {
  const user = await findUserByUsername(db, usernameInput.toLowerCase());
  if (!user) throw new Error(`没有用户 ${usernameInput}`);
  if (user.totp_secret === null) throw new Error(`用户 ${user.username} 尚未启用两步验证`);
  await db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { totp_secret: null, totp_pending_secret: null, totp_enabled_at: null });
    await deleteUserSessions(trx, user.id);
    await recordAudit(trx, null, {
      action: 'user.reset_totp',
      objectType: 'user',
      objectId: user.id,
      orgId: user.org_id,
      details: { via: 'cli' },
    });
  });
}
