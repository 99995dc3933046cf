import type { Executor, LoginChallengesTable, SessionsTable } from '../../db/schema.js';

export async function insertSession(db: Executor, session: SessionsTable): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

export function findSession(db: Executor, tokenHash: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('orgs', 'orgs.id', 'users.org_id')
    .select([
      'sessions.token_hash',
      'sessions.csrf_token',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'users.id as user_id',
      'users.username',
      'users.display_name',
      'users.role',
      'users.org_id',
      'users.disabled',
      'users.must_change_password',
      'users.totp_enabled_at',
      'orgs.path as org_path',
      'orgs.name as org_name',
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function touchSession(db: Executor, tokenHash: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('token_hash', '=', tokenHash).execute();
}

export async function deleteSession(db: Executor, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

/** Ends every session of an account and any login of it waiting for its code; answers how many sessions ended. */
export async function deleteUserSessions(db: Executor, userId: number): Promise<number> {
  await db.deleteFrom('login_challenges').where('user_id', '=', userId).execute();
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function insertChallenge(db: Executor, challenge: LoginChallengesTable): Promise<void> {
  await db.insertInto('login_challenges').values(challenge).execute();
}

export function findChallenge(db: Executor, tokenHash: string) {
  return db.selectFrom('login_challenges').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function deleteChallenge(db: Executor, tokenHash: string): Promise<void> {
  await db.deleteFrom('login_challenges').where('token_hash', '=', tokenHash).execute();
}

/** One login waits for its code per account (a new password step replaces the old), and none past its time. */
export async function clearChallenges(db: Executor, userId: number, now: string): Promise<void> {
  await db
    .deleteFrom('login_challenges')
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('expires_at', '<=', now)]))
    .execute();
}

/**
 * Accepts a TOTP time step only if it is later than the last one accepted, in one conditional UPDATE: of two
 * requests carrying the same code at once, one wins and the other is a replay.
 */
export async function claimTotpStep(db: Executor, userId: number, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** How many earlier passwords are kept: the "mlps" profile refuses the current one and the four before it. */
export const passwordHistoryDepth = 4;

/** Keeps a replaced password's hash, and no more of them than the rule looks at. */
export async function rememberPassword(db: Executor, userId: number, passwordHash: string, at: string): Promise<void> {
  await db
    .insertInto('password_history')
    .values({ user_id: userId, password_hash: passwordHash, created_at: at })
    .execute();
  const kept = await db
    .selectFrom('password_history')
    .select('id')
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(passwordHistoryDepth)
    .execute();
  await db
    .deleteFrom('password_history')
    .where('user_id', '=', userId)
    .where(
      'id',
      'not in',
      kept.map((row) => row.id),
    )
    .execute();
}

export async function recentPasswordHashes(db: Executor, userId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('password_history')
    .select('password_hash')
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(passwordHistoryDepth)
    .execute();
  return rows.map((row) => row.password_hash);
}

export async function deleteExpiredSessions(db: Executor, now: string, idleCutoff: string): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleCutoff)]))
    .execute();
  await db.deleteFrom('login_challenges').where('expires_at', '<=', now).execute();
}
