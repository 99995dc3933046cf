import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Frozen. Identity (security.md "Identity and sessions"):
// - users.totp_*: the TOTP second factor. The secret is cipher text (the personal-data keyring), a pending one
//   waits for its first code; totp_last_step is the last time step accepted, so a code at or before it is a replay;
// - users.password_changed_at: the age of the password for the "mlps" profile's rotation. Existing accounts start
//   their clock now: nobody is forced to change a password the day the column appears;
// - password_history: earlier password hashes, so that the "mlps" profile refuses the last five again;
// - login_challenges: the short-lived step between a right password and a right code. No session exists until
//   the code is right; the challenge is a row (not a signed token) so that it is used once and ends with a reset.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (col: ColumnDefinitionBuilder) => (pg ? col.primaryKey() : col.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';

  await db.schema.alterTable('users').addColumn('totp_secret', 'varchar(200)').execute();
  await db.schema.alterTable('users').addColumn('totp_pending_secret', 'varchar(200)').execute();
  await db.schema.alterTable('users').addColumn('totp_enabled_at', 'varchar(32)').execute();
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();
  await db.schema.alterTable('users').addColumn('password_changed_at', 'varchar(32)').execute();
  await db.updateTable('users').set({ password_changed_at: new Date().toISOString() }).execute();

  await db.schema
    .createTable('password_history')
    .addColumn('id', idType, id)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('password_hash', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('password_history_user').on('password_history').columns(['user_id', 'id']).execute();

  await db.schema
    .createTable('login_challenges')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_challenges_user').on('login_challenges').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('login_challenges').execute();
  await db.schema.dropTable('password_history').execute();
  for (const column of [
    'password_changed_at',
    'totp_last_step',
    'totp_enabled_at',
    'totp_pending_secret',
    'totp_secret',
  ])
    await db.schema.alterTable('users').dropColumn(column).execute();
}
