import type { Generated, Kysely, Transaction } from 'kysely';
import type {
  ApplicantStage,
  CadreGrade,
  DuplicateStatus,
  MembershipStatus,
  PoliticalStatus,
  RequestKind,
  RequestStatus,
  ReviewGrade,
  Sex,
  TransferReason,
  TransferStep,
  CadreKind,
  CampaignStatus,
  ChannelKind,
  ChannelStatus,
  ContactCategory,
  ContactChannel,
  JobStatus,
  BulletinKind,
  BulletinStatus,
  DeliveryEvent,
  DeliveryStatus,
  EncryptionMode,
  OaMode,
  ReplyTrigger,
  TargetKind,
  Metric,
  MoveStatus,
  OrgHistoryAction,
  OrgLevel,
  OrgStatus,
  OrgType,
  Role,
} from '../../common/domain.js';

// Timestamps are ISO-8601 UTC strings and booleans are 0/1 integers: the one representation both SQLite and
// PostgreSQL store and compare identically (the audit hash chain depends on it).

export type OrgsTable = {
  id: Generated<number>;
  parent_id: number | null;
  /** Materialized path of ids, "/1/23/456/": everything under X is the range [path, path with last "/" → "0"). */
  path: string;
  depth: number;
  name: string;
  short_name: string | null;
  type: OrgType;
  level: OrgLevel;
  is_direct: number;
  region_code: string | null;
  stat_code: string | null;
  /** Set by the division import ("division:<12-digit code>") so that a second run recognises what it made. */
  import_key: string | null;
  status: OrgStatus;
  phone: string | null;
  email: string | null;
  industry: string | null;
  created_at: string;
  updated_at: string;
  dissolved_at: string | null;
};

export type OrgHistoryTable = {
  id: Generated<number>;
  org_id: number;
  at: string;
  actor_id: number | null;
  action: OrgHistoryAction;
  changes: string;
};

export type OrgMovesTable = {
  id: Generated<number>;
  org_id: number;
  from_parent_id: number;
  to_parent_id: number;
  status: MoveStatus;
  reason: string;
  reject_reason: string | null;
  requested_by: number;
  requested_at: string;
  old_decided_by: number | null;
  old_decided_at: string | null;
  new_decided_by: number | null;
  new_decided_at: string | null;
};

export type MembersTable = {
  id: Generated<number>;
  org_id: number;
  full_name: string;
  id_cipher: string;
  id_index: string;
  id_masked: string;
  birth_date: string;
  sex: Sex;
  member_no: string | null;
  joined_on: string;
  membership_status: MembershipStatus;
  political_status: PoliticalStatus;
  ethnicity: string | null;
  education: string | null;
  occupation: string | null;
  workplace: string | null;
  phone_cipher: string | null;
  phone_index: string | null;
  phone_masked: string | null;
  wechat: string | null;
  household: string | null;
  is_mobile: Generated<number>;
  mobile_origin: string | null;
  mobile_current: string | null;
  mobile_contact: string | null;
  last_reached_on: string | null;
  applicant_id: number | null;
  created_at: string;
  updated_at: string;
};

export type MemberCountsTable = { org_id: number; membership_status: MembershipStatus; count: number };

/** Members per status in an org's whole subtree (the org itself included), kept with member_counts. */
export type MemberRollupsTable = MemberCountsTable;

export type MemberEventsTable = {
  id: Generated<number>;
  member_id: number;
  at: string;
  kind: string;
  org_id: number | null;
  actor_id: number | null;
  actor_name: string | null;
  /** JSON, never a personal value. */
  details: string;
};

export type GuardianConsentsTable = {
  id: Generated<number>;
  subject_type: 'applicant' | 'member';
  subject_id: number;
  guardian_name: string;
  relation: string;
  phone_cipher: string | null;
  phone_masked: string | null;
  consent_version: string;
  signed_on: string;
  recorded_by: number | null;
  created_at: string;
};

export type ApplicantsTable = {
  id: Generated<number>;
  org_id: number;
  full_name: string;
  id_cipher: string;
  id_index: string;
  id_masked: string;
  birth_date: string;
  sex: Sex;
  phone_cipher: string | null;
  phone_index: string | null;
  phone_masked: string | null;
  stage: ApplicantStage;
  applied_on: string;
  talked_on: string | null;
  activist_on: string | null;
  lecture_hours: Generated<number>;
  candidate_on: string | null;
  introducer1_id: number | null;
  introducer2_id: number | null;
  vote_on: string | null;
  vote_due: number | null;
  vote_present: number | null;
  vote_for: number | null;
  approved_on: string | null;
  approved_by: number | null;
  ceremony_on: string | null;
  member_id: number | null;
  closed_reason: string | null;
  created_at: string;
  updated_at: string;
};

export type ApplicantLecturesTable = {
  id: Generated<number>;
  applicant_id: number;
  held_on: string;
  title: string;
  hours: number;
  recorded_by: number | null;
  created_at: string;
};

export type ApplicantDocumentsTable = {
  id: Generated<number>;
  applicant_id: number;
  stage: ApplicantStage;
  file_sha256: string;
  file_name: string;
  uploaded_by: number | null;
  uploaded_at: string;
};

export type MemberRequestsTable = {
  id: Generated<number>;
  member_id: number;
  org_id: number;
  kind: RequestKind;
  to_status: MembershipStatus | null;
  new_name: string | null;
  new_id_cipher: string | null;
  new_id_index: string | null;
  new_id_masked: string | null;
  reason: string;
  status: RequestStatus;
  requested_by: number;
  requested_at: string;
  decided_by: number | null;
  decided_at: string | null;
  decision_note: string | null;
};

export type TransfersTable = {
  id: Generated<number>;
  member_id: number;
  from_org_id: number;
  to_org_id: number;
  reason: TransferReason;
  note: string | null;
  step: TransferStep;
  batch_key: string | null;
  requested_by: number;
  requested_at: string;
  updated_at: string;
};

export type TransferStepsTable = {
  id: Generated<number>;
  transfer_id: number;
  step: TransferStep | 'requested';
  decision: 'requested' | 'approved' | 'rejected' | 'withdrawn';
  actor_id: number | null;
  actor_name: string | null;
  at: string;
  note: string | null;
};

export type MemberDuplicatesTable = {
  id: Generated<number>;
  member_id: number;
  claimant_org_id: number;
  claimant_name: string;
  /** Encrypted JSON of what the second org entered. */
  payload_cipher: string;
  source: 'entry' | 'import';
  status: DuplicateStatus;
  note: string | null;
  created_by: number | null;
  created_at: string;
  resolved_by: number | null;
  resolved_at: string | null;
};

export type AnnualReviewsTable = {
  id: Generated<number>;
  member_id: number;
  org_id: number;
  year: number;
  grade: ReviewGrade;
  registered_at: string | null;
  reviewed_by: number | null;
  created_at: string;
  updated_at: string;
};

export type PartyRecommendationsTable = {
  id: Generated<number>;
  member_id: number;
  org_id: number;
  recommended_on: string;
  valid_until: string;
  certified_on: string | null;
  certified_by: number | null;
  form_sha256: string | null;
  created_by: number | null;
  created_at: string;
};

export type CadreTrainingsTable = {
  id: Generated<number>;
  cadre_id: number;
  title: string;
  organizer: string | null;
  start_on: string;
  end_on: string | null;
  hours: number | null;
  created_by: number | null;
  created_at: string;
};

export type CadreAssessmentsTable = {
  id: Generated<number>;
  cadre_id: number;
  year: number;
  grade: CadreGrade;
  note: string | null;
  created_by: number | null;
  created_at: string;
};

export type UsersTable = {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: Role;
  org_id: number | null;
  password_hash: string;
  must_change_password: number;
  failed_attempts: number;
  locked_until: string | null;
  disabled: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  /** The TOTP secret (base32), encrypted with the personal-data keyring; set once a first code confirmed it. */
  totp_secret: string | null;
  /** A secret handed out for enrolment and not yet confirmed by a code (encrypted as well). */
  totp_pending_secret: string | null;
  totp_enabled_at: string | null;
  /** The last TOTP time step accepted: a code of this step or an earlier one is a replay. */
  totp_last_step: number | null;
  /** When the password was last set; null for rows written before it was kept (the creation time then counts). */
  password_changed_at: string | null;
};

/** Earlier password hashes of an account, for the "mlps" profile's rule against reusing the last five. */
export type PasswordHistoryTable = {
  id: Generated<number>;
  user_id: number;
  password_hash: string;
  created_at: string;
};

/** A right password waiting for its TOTP code: no session exists until the code is right. */
export type LoginChallengesTable = {
  /** SHA-256 of the pending token handed to the browser. */
  token_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
};

export type SessionsTable = {
  /** SHA-256 of the session token: a leaked table does not yield usable cookies. */
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
};

export type AuditLogTable = {
  id: Generated<number>;
  at: string;
  actor_id: number | null;
  actor_name: string | null;
  org_id: number | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  result: 'success' | 'failure';
  ip: string | null;
  details: string | null;
  prev_hash: string;
  hash: string;
};

export type FilesTable = { sha256: string; size: number; mime: string; created_at: string };

/** A protected personal value: AES-256-GCM cipher text, HMAC blind index for look-up, mask for display. */
type ProtectedColumns<P extends string> = {
  [K in `${P}_cipher` | `${P}_index` | `${P}_masked`]: string;
};

export type CadresTable = {
  id: Generated<number>;
  org_id: number;
  full_name: string;
  post: string;
  kind: CadreKind;
  phone_cipher: string | null;
  phone_index: string | null;
  phone_masked: string | null;
  status: 'active' | 'left';
  contact_count: Generated<number>;
  /** The member record of a cadre under 28: their ID number lives there, never twice. */
  member_id: number | null;
  id_cipher: string | null;
  id_index: string | null;
  id_masked: string | null;
  birth_date: string | null;
  term_start: string | null;
  term_end: string | null;
  in_reserve: Generated<number>;
  created_at: string;
  updated_at: string;
};

export type ChannelsTable = {
  id: Generated<number>;
  org_id: number;
  kind: ChannelKind;
  name: string;
  account_type: 'subscription' | 'service' | null;
  app_id: string | null;
  original_id: string | null;
  responsible_cadre_id: number | null;
  created_on: string | null;
  status: ChannelStatus;
  naming_issue: string | null;
  latest_count: number | null;
  latest_count_on: string | null;
  created_at: string;
  updated_at: string;
};

export type ChannelReadingsTable = {
  id: Generated<number>;
  channel_id: number;
  on_date: string;
  count: number;
  source: 'manual' | 'import' | 'wechat';
  recorded_by: number | null;
  created_at: string;
};

export type ChannelEvidenceTable = {
  id: Generated<number>;
  channel_id: number;
  file_sha256: string;
  file_name: string;
  uploaded_by: number | null;
  uploaded_at: string;
};

export type ChannelPostsTable = {
  id: Generated<number>;
  channel_id: number;
  on_date: string;
  count: number;
  recorded_by: number | null;
  created_at: string;
};

export type ActivitiesTable = {
  id: Generated<number>;
  org_id: number;
  title: string;
  kind: string;
  held_on: string;
  created_by: number | null;
  created_at: string;
};

export type YouthContactsTable = ProtectedColumns<'phone'> & {
  id: Generated<number>;
  org_id: number;
  full_name: string;
  village: string | null;
  category: ContactCategory;
  note: string | null;
  last_contact_on: string | null;
  created_at: string;
  updated_at: string;
};

export type CadreContactsTable = { cadre_id: number; contact_id: number; created_at: string };

export type ContactLogsTable = {
  id: Generated<number>;
  contact_id: number;
  cadre_id: number | null;
  on_date: string;
  channel: ContactChannel;
  note: string | null;
  created_by: number | null;
  created_at: string;
};

export type CampaignsTable = {
  id: Generated<number>;
  root_org_id: number;
  name: string;
  starts_on: string;
  ends_on: string;
  reminder_days: number;
  status: CampaignStatus;
  created_by: number | null;
  created_at: string;
  updated_at: string;
};

export type IndicatorsTable = {
  id: Generated<number>;
  campaign_id: number;
  name: string;
  metric: Metric;
  channel_kind: ChannelKind | null;
  min_contacts: number | null;
  window_start: string | null;
  /** JSON arrays of OrgLevel and OrgType. */
  levels: string;
  types: string;
  threshold: number;
  deadline: string | null;
  sort_order: number;
};

export type CampaignPlansTable = {
  campaign_id: number;
  org_id: number;
  planned: number;
  updated_by: number | null;
  updated_at: string;
};

export type IndicatorStatusTable = {
  indicator_id: number;
  org_id: number;
  org_path: string;
  org_level: OrgLevel;
  value: number | null;
  met: number;
  updated_at: string;
};

export type IndicatorRollupTable = {
  indicator_id: number;
  org_id: number;
  level: OrgLevel;
  applicable: number;
  met: number;
  /** Sum of the applicable orgs' values (groups built, share of cadres…), for totals and averages. */
  value_sum: number;
};

export type IndicatorSnapshotsTable = IndicatorRollupTable & { on_date: string };

export type NotificationsTable = {
  id: Generated<number>;
  org_id: number;
  kind: 'deadline_reminder';
  indicator_id: number | null;
  due_on: string | null;
  title: string;
  body: string;
  created_at: string;
};

export type NotificationReadsTable = { notification_id: number; user_id: number; read_at: string };

export type JobsTable = {
  id: Generated<number>;
  kind: string;
  status: JobStatus;
  org_id: number | null;
  created_by: number | null;
  /** JSON: what the job works on. */
  input: string;
  progress_done: Generated<number>;
  progress_total: number | null;
  /** JSON: what the job produced (counts, preview, error file). */
  result: string | null;
  error: string | null;
  attempts: Generated<number>;
  claimed_by: string | null;
  heartbeat_at: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
};

export type BulletinSeriesTable = {
  id: Generated<number>;
  org_id: number;
  name: string;
  cron: string;
  /** JSON: TargetInput[] (common/publishing.ts), copied to each issue. */
  targets: string;
  active: number;
  created_by: number | null;
  created_at: string;
  updated_at: string;
};

export type BulletinsTable = {
  id: Generated<number>;
  org_id: number;
  kind: BulletinKind;
  series_id: number | null;
  issue_number: number | null;
  title: string;
  author: string | null;
  digest: string | null;
  /** Sanitised on the server (allow-list) before it is stored. */
  content_html: string;
  cover_sha256: string | null;
  status: BulletinStatus;
  /** When it goes out (ISO UTC); null: as soon as it is approved. */
  send_at: string | null;
  review_note: string | null;
  created_by: number | null;
  updated_by: number | null;
  submitted_by: number | null;
  submitted_at: string | null;
  decided_by: number | null;
  decided_at: string | null;
  /** When it appeared on the platform's news pages. */
  published_at: string | null;
  created_at: string;
  updated_at: string;
};

export type BulletinIssueItemsTable = {
  issue_id: number;
  article_id: number;
  position: number;
};

export type BulletinFilesTable = {
  bulletin_id: number;
  file_sha256: string;
};

export type BulletinTargetsTable = {
  id: Generated<number>;
  bulletin_id: number;
  kind: TargetKind;
  channel_id: number | null;
  oa_mode: OaMode | null;
  /** Mass send to one tag; null: to all followers. */
  tag_id: number | null;
};

export type DeliveriesTable = {
  id: Generated<number>;
  bulletin_id: number;
  target_id: number;
  channel_id: number | null;
  org_id: number;
  kind: TargetKind;
  idempotency_key: string;
  status: DeliveryStatus;
  /** How far a multi-step send got (official account: 'start' → 'draft' → 'submitted'). */
  step: string;
  attempts: number;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  remote_media_id: string | null;
  remote_publish_id: string | null;
  remote_msg_id: string | null;
  /** The publish-result event, once it arrives. */
  result: string | null;
  last_errcode: number | null;
  last_error: string | null;
  sent_at: string | null;
  created_at: string;
  updated_at: string;
};

export type DeliveryLogTable = {
  id: Generated<number>;
  delivery_id: number;
  at: string;
  event: DeliveryEvent;
  errcode: number | null;
  message: string | null;
};

export type WechatAccountsTable = {
  channel_id: number;
  app_id: string | null;
  /** Cipher text (the keyring), as are callback_token, aes_key and webhook_key. */
  app_secret: string | null;
  callback_token: string | null;
  aes_key: string | null;
  encryption_mode: EncryptionMode;
  webhook_key: string | null;
  updated_by: number | null;
  updated_at: string;
};

export type WechatTokensTable = {
  app_id: string;
  /** Cipher text. */
  access_token: string;
  expires_at: string;
  refreshed_at: string;
};

export type WechatInboundTable = {
  id: Generated<number>;
  channel_id: number;
  dedupe_key: string;
  received_at: string;
  /** What was replied (text), for WeChat's retry of the same push. */
  reply: string | null;
};

export type WechatFollowersTable = {
  id: Generated<number>;
  channel_id: number;
  openid: string;
  subscribed: number;
  scene_org_id: number | null;
  subscribed_at: string | null;
  unsubscribed_at: string | null;
  updated_at: string;
};

export type WechatQrScenesTable = {
  id: Generated<number>;
  channel_id: number;
  org_id: number;
  scene: string;
  ticket: string;
  url: string;
  created_at: string;
};

export type WechatRepliesTable = {
  id: Generated<number>;
  channel_id: number;
  trigger: ReplyTrigger;
  match_key: string | null;
  reply_text: string;
  created_by: number | null;
  created_at: string;
};

export type Database = {
  orgs: OrgsTable;
  org_history: OrgHistoryTable;
  org_moves: OrgMovesTable;
  members: MembersTable;
  member_counts: MemberCountsTable;
  member_rollups: MemberRollupsTable;
  member_events: MemberEventsTable;
  guardian_consents: GuardianConsentsTable;
  applicants: ApplicantsTable;
  applicant_lectures: ApplicantLecturesTable;
  applicant_documents: ApplicantDocumentsTable;
  member_requests: MemberRequestsTable;
  transfers: TransfersTable;
  transfer_steps: TransferStepsTable;
  member_duplicates: MemberDuplicatesTable;
  annual_reviews: AnnualReviewsTable;
  party_recommendations: PartyRecommendationsTable;
  cadre_trainings: CadreTrainingsTable;
  cadre_assessments: CadreAssessmentsTable;
  users: UsersTable;
  sessions: SessionsTable;
  password_history: PasswordHistoryTable;
  login_challenges: LoginChallengesTable;
  audit_log: AuditLogTable;
  files: FilesTable;
  cadres: CadresTable;
  channels: ChannelsTable;
  channel_readings: ChannelReadingsTable;
  channel_evidence: ChannelEvidenceTable;
  channel_posts: ChannelPostsTable;
  activities: ActivitiesTable;
  youth_contacts: YouthContactsTable;
  cadre_contacts: CadreContactsTable;
  contact_logs: ContactLogsTable;
  campaigns: CampaignsTable;
  indicators: IndicatorsTable;
  campaign_plans: CampaignPlansTable;
  indicator_status: IndicatorStatusTable;
  indicator_rollup: IndicatorRollupTable;
  indicator_snapshots: IndicatorSnapshotsTable;
  notifications: NotificationsTable;
  notification_reads: NotificationReadsTable;
  jobs: JobsTable;
  bulletin_series: BulletinSeriesTable;
  bulletins: BulletinsTable;
  bulletin_issue_items: BulletinIssueItemsTable;
  bulletin_files: BulletinFilesTable;
  bulletin_targets: BulletinTargetsTable;
  deliveries: DeliveriesTable;
  delivery_log: DeliveryLogTable;
  wechat_accounts: WechatAccountsTable;
  wechat_tokens: WechatTokensTable;
  wechat_inbound: WechatInboundTable;
  wechat_followers: WechatFollowersTable;
  wechat_qr_scenes: WechatQrScenesTable;
  wechat_replies: WechatRepliesTable;
};

export type Db = Kysely<Database>;
/** Repositories accept either the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;
