import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Frozen. Shares and sums are 'double precision' (PostgreSQL's 'real' is a 4-byte float: 1/3 became 0.33333334).
// The new-media ledger (两群一号 channels, cadres and their youth contacts), campaigns with their
// maintained status and roll-up tables, uploaded files, in-app notifications and background jobs.
// Dates of the domain ("held on", "deadline") are 'YYYY-MM-DD' text; timestamps are ISO-8601 UTC text.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (col: ColumnDefinitionBuilder) => (pg ? col.primaryKey() : col.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  const orgRef = (c: ColumnDefinitionBuilder) => c.notNull().references('orgs.id');
  const stamp = (c: ColumnDefinitionBuilder) => c.notNull();

  // Content-addressed files: the bytes live under <data dir>/files, named by their SHA-256.
  await db.schema
    .createTable('files')
    .addColumn('sha256', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('mime', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', stamp)
    .execute();

  // Cadres (团干部): the people who keep the ledger and keep contact with youth. The people issue extends them.
  await db.schema
    .createTable('cadres')
    .addColumn('id', idType, id)
    .addColumn('org_id', 'integer', orgRef)
    .addColumn('full_name', 'varchar(50)', (c) => c.notNull())
    .addColumn('post', 'varchar(30)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('phone_cipher', 'text')
    .addColumn('phone_index', 'varchar(64)')
    .addColumn('phone_masked', 'varchar(20)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('active'))
    /** Maintained: youth contacts linked to this cadre. */
    .addColumn('contact_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', stamp)
    .addColumn('updated_at', 'varchar(32)', stamp)
    .execute();
  await db.schema.createIndex('cadres_org').on('cadres').columns(['org_id', 'status', 'contact_count']).execute();
  await db.schema.createIndex('cadres_phone').on('cadres').columns(['phone_index']).execute();

  await db.schema
    .createTable('channels')
    .addColumn('id', idType, id)
    .addColumn('org_id', 'integer', orgRef)
    .addColumn('kind', 'varchar(24)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('account_type', 'varchar(16)')
    .addColumn('app_id', 'varchar(32)')
    .addColumn('original_id', 'varchar(32)')
    .addColumn('responsible_cadre_id', 'integer', (c) => c.references('cadres.id'))
    .addColumn('created_on', 'varchar(10)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('active'))
    /** Null when the name follows the naming rule or the rule does not apply; otherwise what is wrong. */
    .addColumn('naming_issue', 'varchar(100)')
    .addColumn('latest_count', 'integer')
    .addColumn('latest_count_on', 'varchar(10)')
    .addColumn('created_at', 'varchar(32)', stamp)
    .addColumn('updated_at', 'varchar(32)', stamp)
    .execute();
  await db.schema.createIndex('channels_org_kind').on('channels').columns(['org_id', 'kind', 'status']).execute();
  await db.schema
    .createIndex('channels_natural_key')
    .on('channels')
    .columns(['org_id', 'kind', 'name'])
    .unique()
    .execute();
  await db.schema.createIndex('channels_app_id').on('channels').column('app_id').execute();

  await db.schema
    .createTable('channel_readings')
    .addColumn('id', idType, id)
    .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id'))
    .addColumn('on_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('recorded_by', 'integer')
    .addColumn('created_at', 'varchar(32)', stamp)
    .execute();
  await db.schema
    .createIndex('channel_readings_day')
    .on('channel_readings')
    .columns(['channel_id', 'on_date'])
    .unique()
    .execute();

  await db.schema
    .createTable('channel_evidence')
    .addColumn('id', idType, id)
    .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id'))
    .addColumn('file_sha256', 'varchar(64)', (c) => c.notNull().references('files.sha256'))
    .addColumn('file_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('uploaded_by', 'integer')
    .addColumn('uploaded_at', 'varchar(32)', stamp)
    .execute();
  await db.schema.createIndex('channel_evidence_channel').on('channel_evidence').columns(['channel_id']).execute();

  // Posts per channel per day, recorded by hand until publishing feeds them.
  await db.schema
    .createTable('channel_posts')
    .addColumn('id', idType, id)
    .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id'))
    .addColumn('on_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('recorded_by', 'integer')
    .addColumn('created_at', 'varchar(32)', stamp)
    .execute();
  await db.schema
    .createIndex('channel_posts_day')
    .on('channel_posts')
    .columns(['channel_id', 'on_date'])
    .unique()
    .execute();

  // Activities held, recorded by hand until the activities feature replaces the entry form.
  await db.schema
    .createTable('activities')
    .addColumn('id', idType, id)
    .addColumn('org_id', 'integer', orgRef)
    .addColumn('title', 'varchar(100)', (c) => c.notNull())
    .addColumn('kind', 'varchar(24)', (c) => c.notNull())
    .addColumn('held_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'varchar(32)', stamp)
    .execute();
  await db.schema.createIndex('activities_org_day').on('activities').columns(['org_id', 'held_on']).execute();

  // Youth (青年): contacts who need not be members. The phone is personal data: cipher, blind index, mask.
  await db.schema
    .createTable('youth_contacts')
    .addColumn('id', idType, id)
    .addColumn('org_id', 'integer', orgRef)
    .addColumn('full_name', 'varchar(50)', (c) => c.notNull())
    .addColumn('phone_cipher', 'text', (c) => c.notNull())
    .addColumn('phone_index', 'varchar(64)', (c) => c.notNull())
    .addColumn('phone_masked', 'varchar(20)', (c) => c.notNull())
    .addColumn('village', 'varchar(60)')
    .addColumn('category', 'varchar(24)', (c) => c.notNull())
    .addColumn('note', 'varchar(200)')
    .addColumn('last_contact_on', 'varchar(10)')
    .addColumn('created_at', 'varchar(32)', stamp)
    .addColumn('updated_at', 'varchar(32)', stamp)
    .execute();
  await db.schema
    .createIndex('youth_contacts_natural_key')
    .on('youth_contacts')
    .columns(['org_id', 'phone_index'])
    .unique()
    .execute();
  await db.schema.createIndex('youth_contacts_phone').on('youth_contacts').column('phone_index').execute();
  await db.schema
    .createIndex('youth_contacts_org_name')
    .on('youth_contacts')
    .columns(['org_id', 'full_name'])
    .execute();

  // "1 + N": which cadres keep contact with which youth.
  await db.schema
    .createTable('cadre_contacts')
    .addColumn('cadre_id', 'integer', (c) => c.notNull().references('cadres.id'))
    .addColumn('contact_id', 'integer', (c) => c.notNull().references('youth_contacts.id'))
    .addColumn('created_at', 'varchar(32)', stamp)
    .addPrimaryKeyConstraint('cadre_contacts_pk', ['cadre_id', 'contact_id'])
    .execute();
  await db.schema.createIndex('cadre_contacts_contact').on('cadre_contacts').column('contact_id').execute();

  await db.schema
    .createTable('contact_logs')
    .addColumn('id', idType, id)
    .addColumn('contact_id', 'integer', (c) => c.notNull().references('youth_contacts.id'))
    .addColumn('cadre_id', 'integer', (c) => c.references('cadres.id'))
    .addColumn('on_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('note', 'varchar(500)')
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'varchar(32)', stamp)
    .execute();
  await db.schema.createIndex('contact_logs_contact').on('contact_logs').columns(['contact_id', 'on_date']).execute();

  await db.schema
    .createTable('campaigns')
    .addColumn('id', idType, id)
    .addColumn('root_org_id', 'integer', orgRef)
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('starts_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('ends_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('reminder_days', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'varchar(32)', stamp)
    .addColumn('updated_at', 'varchar(32)', stamp)
    .execute();
  await db.schema.createIndex('campaigns_root').on('campaigns').columns(['root_org_id']).execute();

  await db.schema
    .createTable('indicators')
    .addColumn('id', idType, id)
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('metric', 'varchar(32)', (c) => c.notNull())
    .addColumn('channel_kind', 'varchar(24)')
    .addColumn('min_contacts', 'integer')
    .addColumn('window_start', 'varchar(10)')
    /** JSON arrays of the org levels and types the indicator applies to. */
    .addColumn('levels', 'varchar(200)', (c) => c.notNull())
    .addColumn('types', 'varchar(200)', (c) => c.notNull())
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('deadline', 'varchar(10)')
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('indicators_campaign').on('indicators').columns(['campaign_id', 'sort_order']).execute();

  // The plan table a county files for its townships: how many channels each should build.
  await db.schema
    .createTable('campaign_plans')
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id'))
    .addColumn('org_id', 'integer', orgRef)
    .addColumn('planned', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'integer')
    .addColumn('updated_at', 'varchar(32)', stamp)
    .addPrimaryKeyConstraint('campaign_plans_pk', ['campaign_id', 'org_id'])
    .execute();

  // Maintained in the transaction of every ledger write: each applicable org's value and whether it meets the
  // threshold, and per ancestor and level how many descendants apply and how many meet. Dashboards read only these.
  await db.schema
    .createTable('indicator_status')
    .addColumn('indicator_id', 'integer', (c) => c.notNull().references('indicators.id'))
    .addColumn('org_id', 'integer', orgRef)
    .addColumn('org_path', 'varchar(400)', (c) => c.notNull())
    .addColumn('org_level', 'varchar(16)', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('met', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', stamp)
    .addPrimaryKeyConstraint('indicator_status_pk', ['indicator_id', 'org_id'])
    .execute();
  await db.schema
    .createIndex('indicator_status_lagging')
    .on('indicator_status')
    .columns(['indicator_id', 'met', 'org_path'])
    .execute();

  await db.schema
    .createTable('indicator_rollup')
    .addColumn('indicator_id', 'integer', (c) => c.notNull().references('indicators.id'))
    .addColumn('org_id', 'integer', orgRef)
    .addColumn('level', 'varchar(16)', (c) => c.notNull())
    .addColumn('applicable', 'integer', (c) => c.notNull())
    .addColumn('met', 'integer', (c) => c.notNull())
    .addColumn('value_sum', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('indicator_rollup_pk', ['indicator_id', 'org_id', 'level'])
    .execute();
  await db.schema.createIndex('indicator_rollup_org').on('indicator_rollup').columns(['org_id']).execute();

  await db.schema
    .createTable('indicator_snapshots')
    .addColumn('indicator_id', 'integer', (c) => c.notNull().references('indicators.id'))
    .addColumn('org_id', 'integer', orgRef)
    .addColumn('on_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('level', 'varchar(16)', (c) => c.notNull())
    .addColumn('applicable', 'integer', (c) => c.notNull())
    .addColumn('met', 'integer', (c) => c.notNull())
    .addColumn('value_sum', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('indicator_snapshots_pk', ['indicator_id', 'org_id', 'on_date', 'level'])
    .execute();
  await db.schema
    .createIndex('indicator_snapshots_org')
    .on('indicator_snapshots')
    .columns(['org_id', 'indicator_id', 'on_date'])
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', idType, id)
    .addColumn('org_id', 'integer', orgRef)
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('indicator_id', 'integer', (c) => c.references('indicators.id'))
    .addColumn('due_on', 'varchar(10)')
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('body', 'varchar(1000)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', stamp)
    .execute();
  await db.schema
    .createIndex('notifications_once')
    .on('notifications')
    .columns(['org_id', 'kind', 'indicator_id', 'due_on'])
    .unique()
    .execute();
  await db.schema.createIndex('notifications_org').on('notifications').columns(['org_id', 'id']).execute();

  await db.schema
    .createTable('notification_reads')
    .addColumn('notification_id', 'integer', (c) => c.notNull().references('notifications.id'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('read_at', 'varchar(32)', stamp)
    .addPrimaryKeyConstraint('notification_reads_pk', ['notification_id', 'user_id'])
    .execute();

  // Background work (imports now, deliveries later): claimed by one worker, progress visible, result kept.
  await db.schema
    .createTable('jobs')
    .addColumn('id', idType, id)
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('org_id', 'integer', (c) => c.references('orgs.id'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('progress_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('progress_total', 'integer')
    .addColumn('result', 'text')
    .addColumn('error', 'varchar(1000)')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_by', 'varchar(64)')
    .addColumn('heartbeat_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', stamp)
    .addColumn('started_at', 'varchar(32)')
    .addColumn('finished_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('jobs_status').on('jobs').columns(['status', 'id']).execute();
  await db.schema.createIndex('jobs_creator').on('jobs').columns(['created_by', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'jobs',
    'notification_reads',
    'notifications',
    'indicator_snapshots',
    'indicator_rollup',
    'indicator_status',
    'campaign_plans',
    'indicators',
    'campaigns',
    'contact_logs',
    'cadre_contacts',
    'youth_contacts',
    'activities',
    'channel_posts',
    'channel_evidence',
    'channel_readings',
    'channels',
    'cadres',
    'files',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
