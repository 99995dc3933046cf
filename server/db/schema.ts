import type { Generated, Kysely, Transaction } from 'kysely';
import type { MoveStatus, OrgHistoryAction, OrgLevel, OrgStatus, OrgType, Role } from '../../common/domain.js';

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
  membership_status: string;
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

export type Database = {
  orgs: OrgsTable;
  org_history: OrgHistoryTable;
  org_moves: OrgMovesTable;
  members: MembersTable;
  users: UsersTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
};

export type Db = Kysely<Database>;
/** Repositories accept either the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;
