import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited after release.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (col: ColumnDefinitionBuilder) => (pg ? col.primaryKey() : col.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  // Byte-wise ordering makes the materialized-path range query exact whatever the cluster's locale.
  const pathCollation = (col: ColumnDefinitionBuilder) =>
    pg ? col.notNull().modifyFront(sql`collate "C"`) : col.notNull();

  await db.schema
    .createTable('orgs')
    .addColumn('id', idType, id)
    .addColumn('parent_id', 'integer', (c) => c.references('orgs.id'))
    .addColumn('path', 'varchar(400)', pathCollation)
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('short_name', 'varchar(60)')
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('level', 'varchar(16)', (c) => c.notNull())
    .addColumn('is_direct', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('region_code', 'varchar(6)')
    .addColumn('stat_code', 'varchar(12)')
    .addColumn('import_key', 'varchar(40)', (c) => c.unique())
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('active'))
    .addColumn('phone', 'varchar(30)')
    .addColumn('email', 'varchar(100)')
    .addColumn('industry', 'varchar(30)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('dissolved_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('orgs_path').on('orgs').column('path').unique().execute();
  await db.schema.createIndex('orgs_parent').on('orgs').columns(['parent_id', 'name']).execute();
  await db.schema.createIndex('orgs_region_code').on('orgs').column('region_code').execute();
  await db.schema.createIndex('orgs_stat_code').on('orgs').column('stat_code').execute();

  await db.schema
    .createTable('org_history')
    .addColumn('id', idType, id)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor_id', 'integer')
    .addColumn('action', 'varchar(32)', (c) => c.notNull())
    .addColumn('changes', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('org_history_org').on('org_history').columns(['org_id', 'id']).execute();

  await db.schema
    .createTable('org_moves')
    .addColumn('id', idType, id)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
    .addColumn('from_parent_id', 'integer', (c) => c.notNull().references('orgs.id'))
    .addColumn('to_parent_id', 'integer', (c) => c.notNull().references('orgs.id'))
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('reason', 'varchar(400)', (c) => c.notNull())
    .addColumn('reject_reason', 'varchar(400)')
    .addColumn('requested_by', 'integer', (c) => c.notNull())
    .addColumn('requested_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('old_decided_by', 'integer')
    .addColumn('old_decided_at', 'varchar(32)')
    .addColumn('new_decided_by', 'integer')
    .addColumn('new_decided_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('org_moves_org').on('org_moves').columns(['org_id', 'status']).execute();
  await db.schema.createIndex('org_moves_status').on('org_moves').column('status').execute();

  // The people feature extends this table; the org tree needs it now to refuse dissolving an org with members.
  await db.schema
    .createTable('members')
    .addColumn('id', idType, id)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
    .addColumn('full_name', 'varchar(60)', (c) => c.notNull())
    .addColumn('membership_status', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('members_org').on('members').column('org_id').execute();

  await db.schema
    .createTable('users')
    .addColumn('id', idType, id)
    .addColumn('username', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('display_name', 'varchar(60)', (c) => c.notNull())
    .addColumn('role', 'varchar(32)', (c) => c.notNull())
    .addColumn('org_id', 'integer', (c) => c.references('orgs.id'))
    .addColumn('password_hash', 'varchar(200)', (c) => c.notNull())
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'varchar(32)')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_login_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('users_org').on('users').column('org_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('csrf_token', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_seen_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('ip', 'varchar(64)')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', idType, id)
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor_id', 'integer')
    .addColumn('actor_name', 'varchar(64)')
    .addColumn('org_id', 'integer')
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('object_type', 'varchar(32)')
    .addColumn('object_id', 'varchar(64)')
    .addColumn('result', 'varchar(16)', (c) => c.notNull())
    .addColumn('ip', 'varchar(64)')
    .addColumn('details', 'text')
    .addColumn('prev_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_org').on('audit_log').columns(['org_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_log', 'sessions', 'users', 'members', 'org_moves', 'org_history', 'orgs']) {
    await db.schema.dropTable(table).execute();
  }
}
