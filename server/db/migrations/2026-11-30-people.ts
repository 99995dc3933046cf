import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Frozen. People: members (团员) with protected ID numbers and phones, the admission pipeline, requests approved
// upward (status changes, corrections), transfers, duplicates across orgs, annual review and registration, party
// recommendation, and what cadres gain (ID number, term, training, assessment, reserve pool).
//
// The initial migration created a placeholder `members` table that only let the org tree refuse to dissolve an
// org with members; no feature ever wrote to it. It is replaced here by the real table.
//
// Personal values are three columns: `*_cipher` (AES-256-GCM), `*_index` (HMAC blind index for exact look-up)
// and `*_masked`. Domain dates are 'YYYY-MM-DD' text, timestamps ISO-8601 UTC text.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = (col: ColumnDefinitionBuilder) => (pg ? col.primaryKey() : col.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  const orgRef = (c: ColumnDefinitionBuilder) => c.notNull().references('orgs.id');
  const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
  /** Names compared byte-wise, so that a prefix range (`>= q and < q || U+FFFF`) is an index range on both. */
  const nameCollation = (c: ColumnDefinitionBuilder) => (pg ? c.notNull().modifyFront(sql`collate "C"`) : c.notNull());

  await db.schema.dropTable('members').execute();
  await db.schema
    .createTable('members')
    .addColumn('id', idType, id)
    .addColumn('org_id', 'integer', orgRef)
    .addColumn('full_name', 'varchar(50)', nameCollation)
    .addColumn('id_cipher', 'text', notNull)
    .addColumn('id_index', 'varchar(64)', notNull)
    .addColumn('id_masked', 'varchar(20)', notNull)
    .addColumn('birth_date', 'varchar(10)', notNull)
    .addColumn('sex', 'varchar(8)', notNull)
    .addColumn('member_no', 'varchar(12)')
    .addColumn('joined_on', 'varchar(10)', notNull)
    .addColumn('membership_status', 'varchar(24)', notNull)
    .addColumn('political_status', 'varchar(24)', notNull)
    .addColumn('ethnicity', 'varchar(20)')
    .addColumn('education', 'varchar(20)')
    .addColumn('occupation', 'varchar(50)')
    .addColumn('workplace', 'varchar(100)')
    .addColumn('phone_cipher', 'text')
    .addColumn('phone_index', 'varchar(64)')
    .addColumn('phone_masked', 'varchar(20)')
    .addColumn('wechat', 'varchar(50)')
    .addColumn('household', 'varchar(100)')
    .addColumn('is_mobile', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mobile_origin', 'varchar(100)')
    .addColumn('mobile_current', 'varchar(100)')
    .addColumn('mobile_contact', 'varchar(100)')
    /** Last date the branch reached the member (dues, organisation life, a contact); drives "unreachable". */
    .addColumn('last_reached_on', 'varchar(10)')
    .addColumn('applicant_id', 'integer')
    .addColumn('created_at', 'varchar(32)', notNull)
    .addColumn('updated_at', 'varchar(32)', notNull)
    .execute();
  // One person, one record: a second org entering the same ID number opens a duplicate case instead.
  await db.schema.createIndex('members_id_index').on('members').column('id_index').unique().execute();
  await db.schema.createIndex('members_member_no').on('members').column('member_no').unique().execute();
  await db.schema.createIndex('members_org').on('members').columns(['org_id', 'membership_status']).execute();
  await db.schema.createIndex('members_name').on('members').columns(['full_name', 'id']).execute();
  await db.schema.createIndex('members_phone').on('members').column('phone_index').execute();
  await db.schema.createIndex('members_birth').on('members').columns(['birth_date']).execute();

  // Members per org and status, recounted in the transaction of every write that moves a member: counts up the
  // tree are a sum over the subtree's orgs, never a scan of members.
  await db.schema
    .createTable('member_counts')
    .addColumn('org_id', 'integer', orgRef)
    .addColumn('membership_status', 'varchar(24)', notNull)
    .addColumn('count', 'integer', notNull)
    .addPrimaryKeyConstraint('member_counts_pk', ['org_id', 'membership_status'])
    .execute();

  // The member's timeline: every step of their history, with the actor.
  await db.schema
    .createTable('member_events')
    .addColumn('id', idType, id)
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('at', 'varchar(32)', notNull)
    .addColumn('kind', 'varchar(40)', notNull)
    .addColumn('org_id', 'integer')
    .addColumn('actor_id', 'integer')
    .addColumn('actor_name', 'varchar(64)')
    .addColumn('details', 'text', notNull)
    .execute();
  await db.schema.createIndex('member_events_member').on('member_events').columns(['member_id', 'id']).execute();

  // Guardian consent for anyone under 14 (applicant or member). The version is the consent text's.
  await db.schema
    .createTable('guardian_consents')
    .addColumn('id', idType, id)
    .addColumn('subject_type', 'varchar(16)', notNull)
    .addColumn('subject_id', 'integer', notNull)
    .addColumn('guardian_name', 'varchar(50)', notNull)
    .addColumn('relation', 'varchar(20)', notNull)
    .addColumn('phone_cipher', 'text')
    .addColumn('phone_masked', 'varchar(20)')
    .addColumn('consent_version', 'varchar(20)', notNull)
    .addColumn('signed_on', 'varchar(10)', notNull)
    .addColumn('recorded_by', 'integer')
    .addColumn('created_at', 'varchar(32)', notNull)
    .execute();
  await db.schema
    .createIndex('guardian_consents_subject')
    .on('guardian_consents')
    .columns(['subject_type', 'subject_id'])
    .execute();

  // The admission pipeline (入团): one row per applicant with the dates of each stage.
  await db.schema
    .createTable('applicants')
    .addColumn('id', idType, id)
    .addColumn('org_id', 'integer', orgRef)
    .addColumn('full_name', 'varchar(50)', notNull)
    .addColumn('id_cipher', 'text', notNull)
    .addColumn('id_index', 'varchar(64)', notNull)
    .addColumn('id_masked', 'varchar(20)', notNull)
    .addColumn('birth_date', 'varchar(10)', notNull)
    .addColumn('sex', 'varchar(8)', notNull)
    .addColumn('phone_cipher', 'text')
    .addColumn('phone_index', 'varchar(64)')
    .addColumn('phone_masked', 'varchar(20)')
    .addColumn('stage', 'varchar(24)', notNull)
    .addColumn('applied_on', 'varchar(10)', notNull)
    .addColumn('talked_on', 'varchar(10)')
    .addColumn('activist_on', 'varchar(10)')
    .addColumn('lecture_hours', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('candidate_on', 'varchar(10)')
    .addColumn('introducer1_id', 'integer', (c) => c.references('members.id'))
    .addColumn('introducer2_id', 'integer', (c) => c.references('members.id'))
    .addColumn('vote_on', 'varchar(10)')
    .addColumn('vote_due', 'integer')
    .addColumn('vote_present', 'integer')
    .addColumn('vote_for', 'integer')
    .addColumn('approved_on', 'varchar(10)')
    .addColumn('approved_by', 'integer')
    .addColumn('ceremony_on', 'varchar(10)')
    .addColumn('member_id', 'integer', (c) => c.references('members.id'))
    .addColumn('closed_reason', 'varchar(200)')
    .addColumn('created_at', 'varchar(32)', notNull)
    .addColumn('updated_at', 'varchar(32)', notNull)
    .execute();
  await db.schema.createIndex('applicants_org').on('applicants').columns(['org_id', 'stage']).execute();
  await db.schema.createIndex('applicants_id_index').on('applicants').column('id_index').execute();
  // One open application per person, even when two branches register the same ID number at the same moment.
  await db.schema
    .createIndex('applicants_open_id_index')
    .on('applicants')
    .column('id_index')
    .unique()
    .where(sql.ref('stage'), 'in', ['applied', 'activist', 'candidate', 'voted'])
    .execute();

  await db.schema
    .createTable('applicant_lectures')
    .addColumn('id', idType, id)
    .addColumn('applicant_id', 'integer', (c) => c.notNull().references('applicants.id'))
    .addColumn('held_on', 'varchar(10)', notNull)
    .addColumn('title', 'varchar(100)', notNull)
    .addColumn('hours', 'double precision', notNull)
    .addColumn('recorded_by', 'integer')
    .addColumn('created_at', 'varchar(32)', notNull)
    .execute();
  await db.schema.createIndex('applicant_lectures_applicant').on('applicant_lectures').column('applicant_id').execute();

  await db.schema
    .createTable('applicant_documents')
    .addColumn('id', idType, id)
    .addColumn('applicant_id', 'integer', (c) => c.notNull().references('applicants.id'))
    .addColumn('stage', 'varchar(24)', notNull)
    .addColumn('file_sha256', 'varchar(64)', (c) => c.notNull().references('files.sha256'))
    .addColumn('file_name', 'varchar(200)', notNull)
    .addColumn('uploaded_by', 'integer')
    .addColumn('uploaded_at', 'varchar(32)', notNull)
    .execute();
  await db.schema
    .createIndex('applicant_documents_applicant')
    .on('applicant_documents')
    .column('applicant_id')
    .execute();

  // Requests approved upward: a change of membership status, or a correction of name or ID number.
  await db.schema
    .createTable('member_requests')
    .addColumn('id', idType, id)
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('org_id', 'integer', orgRef)
    .addColumn('kind', 'varchar(16)', notNull)
    .addColumn('to_status', 'varchar(24)')
    .addColumn('new_name', 'varchar(50)')
    .addColumn('new_id_cipher', 'text')
    .addColumn('new_id_index', 'varchar(64)')
    .addColumn('new_id_masked', 'varchar(20)')
    .addColumn('reason', 'varchar(400)', notNull)
    .addColumn('status', 'varchar(16)', notNull)
    .addColumn('requested_by', 'integer', notNull)
    .addColumn('requested_at', 'varchar(32)', notNull)
    .addColumn('decided_by', 'integer')
    .addColumn('decided_at', 'varchar(32)')
    .addColumn('decision_note', 'varchar(400)')
    .execute();
  await db.schema.createIndex('member_requests_org').on('member_requests').columns(['org_id', 'status']).execute();
  await db.schema.createIndex('member_requests_member').on('member_requests').columns(['member_id']).execute();
  // At most one pending request per member, even when two clerks submit at the same moment.
  await db.schema
    .createIndex('member_requests_pending_member')
    .on('member_requests')
    .column('member_id')
    .unique()
    .where(sql.ref('status'), '=', 'pending')
    .execute();

  // Transfers (组织关系转接): out-branch → its parent → in-branch → its parent.
  await db.schema
    .createTable('transfers')
    .addColumn('id', idType, id)
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('from_org_id', 'integer', orgRef)
    .addColumn('to_org_id', 'integer', orgRef)
    .addColumn('reason', 'varchar(16)', notNull)
    .addColumn('note', 'varchar(400)')
    .addColumn('step', 'varchar(16)', notNull)
    .addColumn('batch_key', 'varchar(40)')
    .addColumn('requested_by', 'integer', notNull)
    .addColumn('requested_at', 'varchar(32)', notNull)
    .addColumn('updated_at', 'varchar(32)', notNull)
    .execute();
  await db.schema.createIndex('transfers_from').on('transfers').columns(['from_org_id', 'step']).execute();
  await db.schema.createIndex('transfers_to').on('transfers').columns(['to_org_id', 'step']).execute();
  await db.schema.createIndex('transfers_member').on('transfers').columns(['member_id']).execute();
  // At most one open transfer per member (the steps still waiting for a decision).
  await db.schema
    .createIndex('transfers_open_member')
    .on('transfers')
    .column('member_id')
    .unique()
    .where(sql.ref('step'), 'in', ['out_branch', 'out_parent', 'in_branch', 'in_parent'])
    .execute();

  await db.schema
    .createTable('transfer_steps')
    .addColumn('id', idType, id)
    .addColumn('transfer_id', 'integer', (c) => c.notNull().references('transfers.id'))
    .addColumn('step', 'varchar(16)', notNull)
    .addColumn('decision', 'varchar(16)', notNull)
    .addColumn('actor_id', 'integer')
    .addColumn('actor_name', 'varchar(64)')
    .addColumn('at', 'varchar(32)', notNull)
    .addColumn('note', 'varchar(400)')
    .execute();
  await db.schema.createIndex('transfer_steps_transfer').on('transfer_steps').columns(['transfer_id', 'id']).execute();

  // The same ID number entered by a second org: the entered values wait here (encrypted) until one side resolves.
  await db.schema
    .createTable('member_duplicates')
    .addColumn('id', idType, id)
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('claimant_org_id', 'integer', orgRef)
    .addColumn('claimant_name', 'varchar(50)', notNull)
    .addColumn('payload_cipher', 'text', notNull)
    .addColumn('source', 'varchar(16)', notNull)
    .addColumn('status', 'varchar(16)', notNull)
    .addColumn('note', 'varchar(400)')
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'varchar(32)', notNull)
    .addColumn('resolved_by', 'integer')
    .addColumn('resolved_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('member_duplicates_member').on('member_duplicates').columns(['member_id']).execute();
  await db.schema
    .createIndex('member_duplicates_claimant')
    .on('member_duplicates')
    .columns(['claimant_org_id', 'status'])
    .execute();

  // 团员教育评议 and 年度注册: one review per member and year.
  await db.schema
    .createTable('annual_reviews')
    .addColumn('id', idType, id)
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('org_id', 'integer', orgRef)
    .addColumn('year', 'integer', notNull)
    .addColumn('grade', 'varchar(16)', notNull)
    .addColumn('registered_at', 'varchar(32)')
    .addColumn('reviewed_by', 'integer')
    .addColumn('created_at', 'varchar(32)', notNull)
    .addColumn('updated_at', 'varchar(32)', notNull)
    .execute();
  await db.schema
    .createIndex('annual_reviews_member_year')
    .on('annual_reviews')
    .columns(['member_id', 'year'])
    .unique()
    .execute();
  await db.schema.createIndex('annual_reviews_org_year').on('annual_reviews').columns(['org_id', 'year']).execute();

  // 推优入党: a round is one branch on one date.
  await db.schema
    .createTable('party_recommendations')
    .addColumn('id', idType, id)
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('org_id', 'integer', orgRef)
    .addColumn('recommended_on', 'varchar(10)', notNull)
    .addColumn('valid_until', 'varchar(10)', notNull)
    .addColumn('certified_on', 'varchar(10)')
    .addColumn('certified_by', 'integer')
    .addColumn('form_sha256', 'varchar(64)', (c) => c.references('files.sha256'))
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'varchar(32)', notNull)
    .execute();
  await db.schema
    .createIndex('party_recommendations_org')
    .on('party_recommendations')
    .columns(['org_id', 'recommended_on'])
    .execute();
  await db.schema
    .createIndex('party_recommendations_member')
    .on('party_recommendations')
    .columns(['member_id'])
    .execute();

  // Cadres gain an identity (ID number, or the member record they are when under 28), a term and a reserve flag.
  for (const [name, type] of [
    ['member_id', 'integer'],
    ['id_cipher', 'text'],
    ['id_index', 'varchar(64)'],
    ['id_masked', 'varchar(20)'],
    ['birth_date', 'varchar(10)'],
    ['term_start', 'varchar(10)'],
    ['term_end', 'varchar(10)'],
  ] as const) {
    await db.schema.alterTable('cadres').addColumn(name, type).execute();
  }
  await db.schema
    .alterTable('cadres')
    .addColumn('in_reserve', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('cadres_member').on('cadres').column('member_id').execute();
  await db.schema.createIndex('cadres_id_index').on('cadres').column('id_index').execute();

  await db.schema
    .createTable('cadre_trainings')
    .addColumn('id', idType, id)
    .addColumn('cadre_id', 'integer', (c) => c.notNull().references('cadres.id'))
    .addColumn('title', 'varchar(100)', notNull)
    .addColumn('organizer', 'varchar(100)')
    .addColumn('start_on', 'varchar(10)', notNull)
    .addColumn('end_on', 'varchar(10)')
    .addColumn('hours', 'double precision')
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'varchar(32)', notNull)
    .execute();
  await db.schema.createIndex('cadre_trainings_cadre').on('cadre_trainings').column('cadre_id').execute();

  await db.schema
    .createTable('cadre_assessments')
    .addColumn('id', idType, id)
    .addColumn('cadre_id', 'integer', (c) => c.notNull().references('cadres.id'))
    .addColumn('year', 'integer', notNull)
    .addColumn('grade', 'varchar(16)', notNull)
    .addColumn('note', 'varchar(400)')
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'varchar(32)', notNull)
    .execute();
  await db.schema
    .createIndex('cadre_assessments_cadre_year')
    .on('cadre_assessments')
    .columns(['cadre_id', 'year'])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'cadre_assessments',
    'cadre_trainings',
    'party_recommendations',
    'annual_reviews',
    'member_duplicates',
    'transfer_steps',
    'transfers',
    'member_requests',
    'applicant_documents',
    'applicant_lectures',
    'applicants',
    'guardian_consents',
    'member_events',
    'member_counts',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropIndex('cadres_id_index').execute();
  await db.schema.dropIndex('cadres_member').execute();
  for (const name of [
    'in_reserve',
    'term_end',
    'term_start',
    'birth_date',
    'id_masked',
    'id_index',
    'id_cipher',
    'member_id',
  ]) {
    await db.schema.alterTable('cadres').dropColumn(name).execute();
  }
  await db.schema.dropTable('members').execute();
  await db.schema
    .createTable('members')
    .addColumn('id', isPostgres(db) ? 'serial' : 'integer', (c) => c.primaryKey())
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
    .addColumn('full_name', 'varchar(60)', (c) => c.notNull())
    .addColumn('membership_status', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
}
