import type { Executor, UsersTable } from '../../db/schema.js';
import { subtreeRange } from '../../db/tree.js';

export type UserRow = Omit<UsersTable, 'id'> & { id: number };
export type UserWithOrg = UserRow & { org_name: string | null; org_path: string | null };

function withOrg(db: Executor) {
  return db
    .selectFrom('users')
    .leftJoin('orgs', 'orgs.id', 'users.org_id')
    .selectAll('users')
    .select(['orgs.name as org_name', 'orgs.path as org_path']);
}

export function findUserById(db: Executor, id: number): Promise<UserWithOrg | undefined> {
  return withOrg(db).where('users.id', '=', id).executeTakeFirst();
}

export function findUserByUsername(db: Executor, username: string): Promise<UserWithOrg | undefined> {
  return withOrg(db).where('users.username', '=', username).executeTakeFirst();
}

export type UserListFilter = { scopePath: string | null; q?: string; orgId?: number; offset: number; limit: number };

function filtered(db: Executor, filter: UserListFilter) {
  let query = db.selectFrom('users').leftJoin('orgs', 'orgs.id', 'users.org_id');
  if (filter.scopePath) {
    const [lower, upper] = subtreeRange(filter.scopePath);
    query = query.where('orgs.path', '>=', lower).where('orgs.path', '<', upper);
  }
  if (filter.orgId) query = query.where('users.org_id', '=', filter.orgId);
  if (filter.q) {
    const like = `%${filter.q}%`;
    query = query.where((eb) => eb.or([eb('users.username', 'like', like), eb('users.display_name', 'like', like)]));
  }
  return query;
}

export async function listUsers(db: Executor, filter: UserListFilter): Promise<{ rows: UserWithOrg[]; total: number }> {
  const rows = await filtered(db, filter)
    .selectAll('users')
    .select(['orgs.name as org_name', 'orgs.path as org_path'])
    .orderBy('users.id')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  const { total } = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total) };
}

export async function insertUser(db: Executor, values: Omit<UsersTable, 'id'>): Promise<number> {
  const { id } = await db.insertInto('users').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateUser(db: Executor, id: number, values: Partial<Omit<UsersTable, 'id'>>): Promise<void> {
  await db.updateTable('users').set(values).where('id', '=', id).execute();
}

export async function countUsers(db: Executor): Promise<number> {
  const { total } = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return Number(total);
}

/** The row of a new account: fresh counters, not locked, not disabled, never logged in. */
export function accountRow(input: {
  username: string;
  displayName: string;
  role: UsersTable['role'];
  orgId: number | null;
  passwordHash: string;
  mustChangePassword: boolean;
}): Omit<UsersTable, 'id'> {
  const at = new Date().toISOString();
  return {
    username: input.username,
    display_name: input.displayName,
    role: input.role,
    org_id: input.orgId,
    password_hash: input.passwordHash,
    must_change_password: input.mustChangePassword ? 1 : 0,
    failed_attempts: 0,
    locked_until: null,
    disabled: 0,
    created_at: at,
    updated_at: at,
    last_login_at: null,
    totp_secret: null,
    totp_pending_secret: null,
    totp_enabled_at: null,
    totp_last_step: null,
    password_changed_at: at,
  };
}
