import { sql, type Insertable, type Selectable, type SqlBool, type Updateable } from 'kysely';
import type { ApplicantStage, OrgStatus } from '../../../common/domain.js';
import { openApplicantStages } from '../../../common/applicants.js';
import type { ApplicantDocumentsTable, ApplicantLecturesTable, ApplicantsTable, Executor } from '../../db/schema.js';
import { nowIso, subtreeRange } from '../../db/tree.js';
import { scopeCondition, type LedgerScope } from '../ledger/shared.js';
import type { OverdueCutoff } from './overdue.js';

export type ApplicantRow = Selectable<ApplicantsTable>;
export type ApplicantWithOrg = ApplicantRow & { org_name: string; org_path: string; org_status: OrgStatus };

function withOrg(db: Executor) {
  return db
    .selectFrom('applicants')
    .innerJoin('orgs', 'orgs.id', 'applicants.org_id')
    .selectAll('applicants')
    .select(['orgs.name as org_name', 'orgs.path as org_path', 'orgs.status as org_status']);
}

export function findApplicant(db: Executor, id: number): Promise<ApplicantWithOrg | undefined> {
  return withOrg(db).where('applicants.id', '=', id).executeTakeFirst();
}

export function findApplicantsByIds(db: Executor, ids: readonly number[]): Promise<ApplicantWithOrg[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return withOrg(db)
    .where('applicants.id', 'in', [...ids])
    .execute();
}

/** An application of this ID number still open anywhere (applied, activist, candidate, voted). */
export function findOpenApplication(db: Executor, idIndex: string): Promise<ApplicantWithOrg | undefined> {
  return withOrg(db)
    .where('applicants.id_index', '=', idIndex)
    .where('applicants.stage', 'in', [...openApplicantStages])
    .executeTakeFirst();
}

export async function insertApplicant(db: Executor, values: Insertable<ApplicantsTable>): Promise<number> {
  const row = await db.insertInto('applicants').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Moves an applicant on, provided it is still in `from`: a concurrent step on the same applicant finds nothing to
 * update and the caller refuses. Returns whether the row changed.
 */
export async function updateApplicantFrom(
  db: Executor,
  id: number,
  from: readonly ApplicantStage[],
  values: Updateable<ApplicantsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('applicants')
    .set(values)
    .where('id', '=', id)
    .where('stage', 'in', [...from])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export type ApplicantFilter = {
  scope: LedgerScope;
  stage?: ApplicantStage;
  stages?: readonly ApplicantStage[];
  namePrefix?: string;
  idIndex?: string;
  phoneIndex?: string;
  /** Only those late today by these cut-offs. */
  overdue?: readonly OverdueCutoff[];
  /** Only strict descendants of this org path (what an approver above may decide). */
  below?: string;
};

/** `q%` with LIKE's own characters escaped; use with `escape '\'`. */
function prefixPattern(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function overdueCondition(cutoffs: readonly OverdueCutoff[]) {
  return sql<SqlBool>`(${sql.join(
    cutoffs.map(
      (c) =>
        sql`(applicants.stage = ${c.stage} and ${sql.ref(`applicants.${c.column}`)} <= ${c.onOrBefore}${
          c.nullColumn ? sql` and ${sql.ref(`applicants.${c.nullColumn}`)} is null` : sql``
        })`,
    ),
    sql` or `,
  )})`;
}

function filtered(db: Executor, filter: ApplicantFilter) {
  let query = db
    .selectFrom('applicants')
    .innerJoin('orgs', 'orgs.id', 'applicants.org_id')
    .where(scopeCondition(filter.scope, 'applicants.org_id', 'orgs.path'));
  if (filter.stage) query = query.where('applicants.stage', '=', filter.stage);
  if (filter.stages) query = query.where('applicants.stage', 'in', [...filter.stages]);
  if (filter.idIndex) query = query.where('applicants.id_index', '=', filter.idIndex);
  if (filter.phoneIndex) query = query.where('applicants.phone_index', '=', filter.phoneIndex);
  if (filter.namePrefix) {
    query = query.where(sql<SqlBool>`applicants.full_name like ${prefixPattern(filter.namePrefix)} escape '\\'`);
  }
  if (filter.overdue) query = query.where(overdueCondition(filter.overdue));
  if (filter.below !== undefined) {
    const [lower, upper] = subtreeRange(filter.below);
    query = query.where('orgs.path', '>', lower).where('orgs.path', '<', upper);
  }
  return query;
}

export async function listApplicants(
  db: Executor,
  filter: ApplicantFilter & { offset: number; limit: number; order?: 'name' | 'applied'; withoutTotal?: boolean },
): Promise<{ rows: ApplicantWithOrg[]; total: number }> {
  let query = filtered(db, filter)
    .selectAll('applicants')
    .select(['orgs.name as org_name', 'orgs.path as org_path', 'orgs.status as org_status']);
  query =
    filter.order === 'applied'
      ? query.orderBy('applicants.applied_on').orderBy('applicants.id')
      : query.orderBy('applicants.full_name').orderBy('applicants.id');
  const rows = await query.offset(filter.offset).limit(filter.limit).execute();
  return { rows, total: filter.withoutTotal ? rows.length : await countApplicants(db, filter) };
}

export async function stageCounts(db: Executor, scope: LedgerScope): Promise<Map<ApplicantStage, number>> {
  const rows = await filtered(db, { scope })
    .select(['applicants.stage as stage', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('applicants.stage')
    .execute();
  return new Map(rows.map((row) => [row.stage, Number(row.n)]));
}

export async function countApplicants(db: Executor, filter: ApplicantFilter): Promise<number> {
  const { n } = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

export async function insertLecture(db: Executor, values: Insertable<ApplicantLecturesTable>): Promise<void> {
  await db.insertInto('applicant_lectures').values(values).execute();
}

export function listLectures(db: Executor, applicantId: number) {
  return db
    .selectFrom('applicant_lectures')
    .select(['id', 'held_on', 'title', 'hours'])
    .where('applicant_id', '=', applicantId)
    .orderBy('held_on')
    .orderBy('id')
    .execute();
}

export async function insertDocument(db: Executor, values: Insertable<ApplicantDocumentsTable>): Promise<number> {
  const row = await db.insertInto('applicant_documents').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export function listDocuments(db: Executor, applicantId: number) {
  return db
    .selectFrom('applicant_documents')
    .innerJoin('files', 'files.sha256', 'applicant_documents.file_sha256')
    .leftJoin('users', 'users.id', 'applicant_documents.uploaded_by')
    .select([
      'applicant_documents.id',
      'applicant_documents.stage',
      'applicant_documents.file_name',
      'applicant_documents.uploaded_at',
      'files.mime',
      'files.size',
      'users.display_name as uploaded_by_name',
    ])
    .where('applicant_documents.applicant_id', '=', applicantId)
    .orderBy('applicant_documents.id')
    .execute();
}

/** A document with the path of its applicant's org, for the scope check of a download. */
export function findDocument(db: Executor, id: number) {
  return db
    .selectFrom('applicant_documents')
    .innerJoin('applicants', 'applicants.id', 'applicant_documents.applicant_id')
    .innerJoin('orgs', 'orgs.id', 'applicants.org_id')
    .innerJoin('files', 'files.sha256', 'applicant_documents.file_sha256')
    .select(['applicant_documents.file_sha256', 'applicant_documents.file_name', 'files.mime', 'orgs.path as org_path'])
    .where('applicant_documents.id', '=', id)
    .executeTakeFirst();
}

export function findUserName(db: Executor, id: number | null) {
  if (id === null) return Promise.resolve(undefined);
  return db.selectFrom('users').select('display_name').where('id', '=', id).executeTakeFirst();
}

/** The largest member number of a join year (12 digits, the first 4 the year), or null. */
export async function maxMemberNo(db: Executor, year: string): Promise<string | null> {
  const row = await db
    .selectFrom('members')
    .select((eb) => eb.fn.max('member_no').as('max'))
    .where('member_no', '>=', `${year}00000000`)
    .where('member_no', '<=', `${year}99999999`)
    .executeTakeFirst();
  return row?.max ?? null;
}

/** The applicant's guardian consent becomes the member's, with the same version and signature date. */
export async function copyGuardianConsent(db: Executor, applicantId: number, memberId: number): Promise<boolean> {
  const consent = await db
    .selectFrom('guardian_consents')
    .selectAll()
    .where('subject_type', '=', 'applicant')
    .where('subject_id', '=', applicantId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!consent) return false;
  await db
    .insertInto('guardian_consents')
    .values({
      subject_type: 'member',
      subject_id: memberId,
      guardian_name: consent.guardian_name,
      relation: consent.relation,
      phone_cipher: consent.phone_cipher,
      phone_masked: consent.phone_masked,
      consent_version: consent.consent_version,
      signed_on: consent.signed_on,
      recorded_by: consent.recorded_by,
      created_at: nowIso(),
    })
    .execute();
  return true;
}
