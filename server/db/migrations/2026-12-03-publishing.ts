import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Frozen. Publishing and WeChat (issue 7):
// - bulletins: articles and mobile-bulletin issues (手机报, kind 'issue', whose articles are bulletin_issue_items),
//   their sanitised HTML, review and approval, and when they go out; bulletin_targets: where each goes;
// - bulletin_series: a periodic mobile bulletin with its cron schedule and default targets (JSON text);
// - deliveries: the durable delivery queue, one row per bulletin and target, claimed with a lease; its
//   idempotency_key is unique so that a bulletin is queued for a target once; delivery_log: what happened to it;
// - wechat_accounts: the credentials of an official account or a WeCom robot (secrets are cipher text);
//   wechat_tokens: the access-token cache shared by every instance;
// - wechat_inbound: callbacks seen (MsgId, or FromUserName + CreateTime), so WeChat's retries are answered once;
//   wechat_followers: the follower ledger kept from subscribe/unsubscribe/SCAN; wechat_qr_scenes: one QR scene
//   code per org and account; wechat_replies: keyword, menu-click and subscribe replies.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (col: ColumnDefinitionBuilder) => (pg ? col.primaryKey() : col.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
  const channelRef = (c: ColumnDefinitionBuilder) => c.notNull().references('channels.id');

  await db.schema
    .createTable('bulletin_series')
    .addColumn('id', idType, id)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
    .addColumn('name', 'varchar(100)', notNull)
    .addColumn('cron', 'varchar(100)', notNull)
    .addColumn('targets', 'text', notNull)
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'varchar(32)', notNull)
    .addColumn('updated_at', 'varchar(32)', notNull)
    .execute();
  await db.schema.createIndex('bulletin_series_org').on('bulletin_series').columns(['org_id', 'id']).execute();

  await db.schema
    .createTable('bulletins')
    .addColumn('id', idType, id)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
    .addColumn('kind', 'varchar(16)', notNull)
    .addColumn('series_id', 'integer', (c) => c.references('bulletin_series.id'))
    .addColumn('issue_number', 'integer')
    .addColumn('title', 'varchar(200)', notNull)
    .addColumn('author', 'varchar(50)')
    .addColumn('digest', 'varchar(500)')
    .addColumn('content_html', 'text', notNull)
    .addColumn('cover_sha256', 'varchar(64)', (c) => c.references('files.sha256'))
    .addColumn('status', 'varchar(16)', notNull)
    .addColumn('send_at', 'varchar(32)')
    .addColumn('review_note', 'varchar(500)')
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('updated_by', 'integer', (c) => c.references('users.id'))
    .addColumn('submitted_by', 'integer', (c) => c.references('users.id'))
    .addColumn('submitted_at', 'varchar(32)')
    .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
    .addColumn('decided_at', 'varchar(32)')
    .addColumn('published_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', notNull)
    .addColumn('updated_at', 'varchar(32)', notNull)
    .execute();
  await db.schema.createIndex('bulletins_org').on('bulletins').columns(['org_id', 'status', 'id']).execute();
  await db.schema.createIndex('bulletins_due').on('bulletins').columns(['status', 'send_at']).execute();
  await db.schema.createIndex('bulletins_published').on('bulletins').columns(['org_id', 'published_at']).execute();
  await db.schema
    .createIndex('bulletins_series_number')
    .on('bulletins')
    .columns(['series_id', 'issue_number'])
    .unique()
    .execute();

  await db.schema
    .createTable('bulletin_issue_items')
    .addColumn('issue_id', 'integer', (c) => c.notNull().references('bulletins.id'))
    .addColumn('article_id', 'integer', (c) => c.notNull().references('bulletins.id'))
    .addColumn('position', 'integer', notNull)
    .addPrimaryKeyConstraint('bulletin_issue_items_pk', ['issue_id', 'article_id'])
    .execute();
  await db.schema.createIndex('bulletin_issue_items_article').on('bulletin_issue_items').column('article_id').execute();

  // Every file a bulletin shows (cover, images in the text): the news pages serve a file to anyone once a
  // bulletin that shows it is published.
  await db.schema
    .createTable('bulletin_files')
    .addColumn('bulletin_id', 'integer', (c) => c.notNull().references('bulletins.id'))
    .addColumn('file_sha256', 'varchar(64)', (c) => c.notNull().references('files.sha256'))
    .addPrimaryKeyConstraint('bulletin_files_pk', ['bulletin_id', 'file_sha256'])
    .execute();
  await db.schema.createIndex('bulletin_files_file').on('bulletin_files').column('file_sha256').execute();

  await db.schema
    .createTable('bulletin_targets')
    .addColumn('id', idType, id)
    .addColumn('bulletin_id', 'integer', (c) => c.notNull().references('bulletins.id'))
    .addColumn('kind', 'varchar(24)', notNull)
    .addColumn('channel_id', 'integer', (c) => c.references('channels.id'))
    .addColumn('oa_mode', 'varchar(16)')
    .addColumn('tag_id', 'integer')
    .execute();
  await db.schema.createIndex('bulletin_targets_bulletin').on('bulletin_targets').column('bulletin_id').execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', idType, id)
    .addColumn('bulletin_id', 'integer', (c) => c.notNull().references('bulletins.id'))
    .addColumn('target_id', 'integer', (c) => c.notNull().references('bulletin_targets.id'))
    .addColumn('channel_id', 'integer', (c) => c.references('channels.id'))
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
    .addColumn('kind', 'varchar(24)', notNull)
    .addColumn('idempotency_key', 'varchar(80)', (c) => c.notNull().unique())
    .addColumn('status', 'varchar(16)', notNull)
    .addColumn('step', 'varchar(16)', notNull)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'varchar(32)', notNull)
    .addColumn('claimed_by', 'varchar(64)')
    .addColumn('claimed_until', 'varchar(32)')
    .addColumn('remote_media_id', 'varchar(128)')
    .addColumn('remote_publish_id', 'varchar(64)')
    .addColumn('remote_msg_id', 'varchar(64)')
    .addColumn('result', 'varchar(200)')
    .addColumn('last_errcode', 'integer')
    .addColumn('last_error', 'varchar(500)')
    .addColumn('sent_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', notNull)
    .addColumn('updated_at', 'varchar(32)', notNull)
    .execute();
  await db.schema.createIndex('deliveries_due').on('deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('deliveries_bulletin').on('deliveries').columns(['bulletin_id']).execute();
  await db.schema.createIndex('deliveries_channel_sent').on('deliveries').columns(['channel_id', 'sent_at']).execute();
  await db.schema.createIndex('deliveries_org').on('deliveries').columns(['org_id', 'id']).execute();
  await db.schema
    .createIndex('deliveries_remote_msg')
    .on('deliveries')
    .columns(['channel_id', 'remote_msg_id'])
    .execute();

  await db.schema
    .createTable('delivery_log')
    .addColumn('id', idType, id)
    .addColumn('delivery_id', 'integer', (c) => c.notNull().references('deliveries.id'))
    .addColumn('at', 'varchar(32)', notNull)
    .addColumn('event', 'varchar(16)', notNull)
    .addColumn('errcode', 'integer')
    .addColumn('message', 'varchar(500)')
    .execute();
  await db.schema.createIndex('delivery_log_delivery').on('delivery_log').columns(['delivery_id', 'id']).execute();

  await db.schema
    .createTable('wechat_accounts')
    .addColumn('channel_id', 'integer', (c) => c.primaryKey().references('channels.id'))
    .addColumn('app_id', 'varchar(32)')
    .addColumn('app_secret', 'text')
    .addColumn('callback_token', 'text')
    .addColumn('aes_key', 'text')
    .addColumn('encryption_mode', 'varchar(16)', (c) => c.notNull().defaultTo('plain'))
    .addColumn('webhook_key', 'text')
    .addColumn('updated_by', 'integer', (c) => c.references('users.id'))
    .addColumn('updated_at', 'varchar(32)', notNull)
    .execute();

  await db.schema
    .createTable('wechat_tokens')
    .addColumn('app_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('access_token', 'text', notNull)
    .addColumn('expires_at', 'varchar(32)', notNull)
    .addColumn('refreshed_at', 'varchar(32)', notNull)
    .execute();

  await db.schema
    .createTable('wechat_inbound')
    .addColumn('id', idType, id)
    .addColumn('channel_id', 'integer', channelRef)
    .addColumn('dedupe_key', 'varchar(160)', notNull)
    .addColumn('received_at', 'varchar(32)', notNull)
    // The text replied to the push, answered again to WeChat's retry when the first answer came too late.
    .addColumn('reply', 'text')
    .execute();
  await db.schema
    .createIndex('wechat_inbound_key')
    .on('wechat_inbound')
    .columns(['channel_id', 'dedupe_key'])
    .unique()
    .execute();
  await db.schema.createIndex('wechat_inbound_received').on('wechat_inbound').column('received_at').execute();

  await db.schema
    .createTable('wechat_followers')
    .addColumn('id', idType, id)
    .addColumn('channel_id', 'integer', channelRef)
    .addColumn('openid', 'varchar(64)', notNull)
    .addColumn('subscribed', 'integer', notNull)
    .addColumn('scene_org_id', 'integer', (c) => c.references('orgs.id'))
    .addColumn('subscribed_at', 'varchar(32)')
    .addColumn('unsubscribed_at', 'varchar(32)')
    .addColumn('updated_at', 'varchar(32)', notNull)
    .execute();
  await db.schema
    .createIndex('wechat_followers_openid')
    .on('wechat_followers')
    .columns(['channel_id', 'openid'])
    .unique()
    .execute();
  await db.schema
    .createIndex('wechat_followers_scene')
    .on('wechat_followers')
    .columns(['scene_org_id', 'subscribed'])
    .execute();

  await db.schema
    .createTable('wechat_qr_scenes')
    .addColumn('id', idType, id)
    .addColumn('channel_id', 'integer', channelRef)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
    .addColumn('scene', 'varchar(64)', notNull)
    .addColumn('ticket', 'varchar(200)', notNull)
    .addColumn('url', 'varchar(300)', notNull)
    .addColumn('created_at', 'varchar(32)', notNull)
    .execute();
  await db.schema
    .createIndex('wechat_qr_scenes_org')
    .on('wechat_qr_scenes')
    .columns(['channel_id', 'org_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('wechat_replies')
    .addColumn('id', idType, id)
    .addColumn('channel_id', 'integer', channelRef)
    .addColumn('trigger', 'varchar(16)', notNull)
    .addColumn('match_key', 'varchar(100)')
    .addColumn('reply_text', 'varchar(2000)', notNull)
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'varchar(32)', notNull)
    .execute();
  await db.schema
    .createIndex('wechat_replies_channel')
    .on('wechat_replies')
    .columns(['channel_id', 'trigger'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'wechat_replies',
    'wechat_qr_scenes',
    'wechat_followers',
    'wechat_inbound',
    'wechat_tokens',
    'wechat_accounts',
    'delivery_log',
    'deliveries',
    'bulletin_targets',
    'bulletin_files',
    'bulletin_issue_items',
    'bulletins',
    'bulletin_series',
  ])
    await db.schema.dropTable(table).execute();
}
