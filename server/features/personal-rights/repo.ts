import type { Expression, SqlBool } from 'kysely';
import type { Executor } from '../../db/schema.js';
import type { ApplicantWithOrg } from '../applicants/repo.js';
import type { CadreWithOrg } from '../cadres/repo.js';
import type { ContactWithOrg } from '../contacts/repo.js';
import type { MemberWithOrg } from '../members/repo.js';

// The records of one person and everything hanging off them: Kysely queries only. Records are found by the blind
// index of an ID number, by ids, or by a phone's blind index together with the name (a phone alone may be shared
// within a family).

/** How records are matched: any of the conditions given. */
export type RecordMatch = {
  idIndex?: string | null;
  ids?: readonly number[];
  /** Members: this record (members.id) ; applicants, cadres: their member record. */
  memberIds?: readonly number[];
  /** phone_index in `indexes` and full_name in `names`. */
  phoneAndName?: { indexes: readonly string[]; names: readonly string[] } | null;
};

const none = [-1];
const list = <T>(values: readonly T[] | undefined, empty: T[]) => (values && values.length > 0 ? [...values] : empty);
const phoneLists = (match: RecordMatch) => ({
  indexes: list(match.phoneAndName?.indexes, ['']),
  names: list(match.phoneAndName?.names, ['']),
});

export function findMembers(db: Executor, match: RecordMatch): Promise<MemberWithOrg[]> {
  const phone = phoneLists(match);
  return db
    .selectFrom('members')
    .innerJoin('orgs', 'orgs.id', 'members.org_id')
    .selectAll('members')
    .select(['orgs.name as org_name', 'orgs.path as org_path'])
    .where((eb) => {
      const or: Expression<SqlBool>[] = [eb('members.id', 'in', list(match.ids, none))];
      if (match.idIndex) {
        or.push(eb('members.id_index', '=', match.idIndex));
        // A record being corrected to this ID number is this person's too.
        or.push(
          eb(
            'members.id',
            'in',
            eb
              .selectFrom('member_requests')
              .select('member_id')
              .where('new_id_index', '=', match.idIndex)
              .where('status', '=', 'pending'),
          ),
        );
      }
      if (match.phoneAndName) {
        or.push(eb.and([eb('members.phone_index', 'in', phone.indexes), eb('members.full_name', 'in', phone.names)]));
      }
      return eb.or(or);
    })
    .orderBy('members.id')
    .execute();
}

export function findApplicants(
  db: Executor,
  match: RecordMatch & { applicantIds?: readonly number[] },
): Promise<ApplicantWithOrg[]> {
  const phone = phoneLists(match);
  return db
    .selectFrom('applicants')
    .innerJoin('orgs', 'orgs.id', 'applicants.org_id')
    .selectAll('applicants')
    .select(['orgs.name as org_name', 'orgs.path as org_path', 'orgs.status as org_status'])
    .where((eb) => {
      const or: Expression<SqlBool>[] = [
        eb('applicants.id', 'in', list([...(match.ids ?? []), ...(match.applicantIds ?? [])], none)),
        eb('applicants.member_id', 'in', list(match.memberIds, none)),
      ];
      if (match.idIndex) or.push(eb('applicants.id_index', '=', match.idIndex));
      if (match.phoneAndName) {
        or.push(
          eb.and([eb('applicants.phone_index', 'in', phone.indexes), eb('applicants.full_name', 'in', phone.names)]),
        );
      }
      return eb.or(or);
    })
    .orderBy('applicants.id')
    .execute();
}

/** `withoutIdentity`: phone-and-name matches only among cadres with no ID number of their own nor a member record. */
export function findCadres(db: Executor, match: RecordMatch & { withoutIdentity?: boolean }): Promise<CadreWithOrg[]> {
  const phone = phoneLists(match);
  return db
    .selectFrom('cadres')
    .innerJoin('orgs', 'orgs.id', 'cadres.org_id')
    .leftJoin('members', 'members.id', 'cadres.member_id')
    .selectAll('cadres')
    .select([
      'orgs.name as org_name',
      'orgs.path as org_path',
      'members.id_masked as member_id_masked',
      'members.birth_date as member_birth_date',
    ])
    .where((eb) => {
      const or: Expression<SqlBool>[] = [
        eb('cadres.id', 'in', list(match.ids, none)),
        eb('cadres.member_id', 'in', list(match.memberIds, none)),
      ];
      if (match.idIndex) or.push(eb('cadres.id_index', '=', match.idIndex));
      if (match.phoneAndName) {
        const byPhone = [eb('cadres.phone_index', 'in', phone.indexes), eb('cadres.full_name', 'in', phone.names)];
        if (match.withoutIdentity) byPhone.push(eb('cadres.id_index', 'is', null), eb('cadres.member_id', 'is', null));
        or.push(eb.and(byPhone));
      }
      return eb.or(or);
    })
    .orderBy('cadres.id')
    .execute();
}

export function findContacts(db: Executor, match: RecordMatch): Promise<ContactWithOrg[]> {
  const phone = phoneLists(match);
  return db
    .selectFrom('youth_contacts')
    .innerJoin('orgs', 'orgs.id', 'youth_contacts.org_id')
    .selectAll('youth_contacts')
    .select(['orgs.name as org_name', 'orgs.path as org_path'])
    .where((eb) => {
      const or: Expression<SqlBool>[] = [eb('youth_contacts.id', 'in', list(match.ids, none))];
      if (match.phoneAndName) {
        or.push(
          eb.and([
            eb('youth_contacts.phone_index', 'in', phone.indexes),
            eb('youth_contacts.full_name', 'in', phone.names),
          ]),
        );
      }
      return eb.or(or);
    })
    .orderBy('youth_contacts.id')
    .execute();
}

/** The ID numbers' blind indexes of members, for cadres who are members. */
export async function memberIdIndexes(db: Executor, memberIds: readonly number[]): Promise<string[]> {
  if (memberIds.length === 0) return [];
  const rows = await db
    .selectFrom('members')
    .select('id_index')
    .where('id', 'in', [...memberIds])
    .execute();
  return rows.map((r) => r.id_index);
}

// --- what hangs off the records (the sections of the copy, the rows an erasure removes) ---

export function memberEvents(db: Executor, memberIds: number[]) {
  return db
    .selectFrom('member_events as e')
    .leftJoin('orgs as o', 'o.id', 'e.org_id')
    .select(['e.id', 'e.member_id', 'e.at', 'e.kind', 'e.actor_name', 'e.details', 'o.name as org_name'])
    .where('e.member_id', 'in', list(memberIds, none))
    .orderBy('e.id')
    .execute();
}

export function transfers(db: Executor, memberIds: number[]) {
  return db
    .selectFrom('transfers as t')
    .innerJoin('orgs as f', 'f.id', 't.from_org_id')
    .innerJoin('orgs as o', 'o.id', 't.to_org_id')
    .select(['t.id', 't.member_id', 't.reason', 't.note', 't.step', 't.requested_at', 't.updated_at'])
    .select(['f.name as from_name', 'o.name as to_name'])
    .where('t.member_id', 'in', list(memberIds, none))
    .orderBy('t.id')
    .execute();
}

export function transferSteps(db: Executor, transferIds: number[]) {
  return db
    .selectFrom('transfer_steps')
    .selectAll()
    .where('transfer_id', 'in', list(transferIds, none))
    .orderBy('id')
    .execute();
}

export function annualReviews(db: Executor, memberIds: number[]) {
  return db
    .selectFrom('annual_reviews as r')
    .innerJoin('orgs as o', 'o.id', 'r.org_id')
    .select(['r.id', 'r.member_id', 'r.year', 'r.grade', 'r.registered_at', 'r.created_at', 'o.name as org_name'])
    .where('r.member_id', 'in', list(memberIds, none))
    .orderBy('r.year')
    .execute();
}

export function memberRequests(db: Executor, memberIds: number[]) {
  return db
    .selectFrom('member_requests as q')
    .innerJoin('orgs as o', 'o.id', 'q.org_id')
    .selectAll('q')
    .select('o.name as org_name')
    .where('q.member_id', 'in', list(memberIds, none))
    .orderBy('q.id')
    .execute();
}

export function partyRecommendations(db: Executor, memberIds: number[]) {
  return db
    .selectFrom('party_recommendations as p')
    .innerJoin('orgs as o', 'o.id', 'p.org_id')
    .selectAll('p')
    .select('o.name as org_name')
    .where('p.member_id', 'in', list(memberIds, none))
    .orderBy('p.id')
    .execute();
}

export function memberDuplicates(db: Executor, memberIds: number[]) {
  return db
    .selectFrom('member_duplicates as d')
    .innerJoin('orgs as o', 'o.id', 'd.claimant_org_id')
    .select(['d.id', 'd.member_id', 'd.claimant_name', 'd.source', 'd.status', 'd.created_at', 'd.resolved_at'])
    .select('o.name as claimant_org_name')
    .where('d.member_id', 'in', list(memberIds, none))
    .orderBy('d.id')
    .execute();
}

export function guardianConsents(db: Executor, memberIds: number[], applicantIds: number[]) {
  return db
    .selectFrom('guardian_consents')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('subject_type', '=', 'member'), eb('subject_id', 'in', list(memberIds, none))]),
        eb.and([eb('subject_type', '=', 'applicant'), eb('subject_id', 'in', list(applicantIds, none))]),
      ]),
    )
    .orderBy('id')
    .execute();
}

export function applicantLectures(db: Executor, applicantIds: number[]) {
  return db
    .selectFrom('applicant_lectures')
    .selectAll()
    .where('applicant_id', 'in', list(applicantIds, none))
    .orderBy('held_on')
    .execute();
}

export function applicantDocuments(db: Executor, applicantIds: number[]) {
  return db
    .selectFrom('applicant_documents as d')
    .leftJoin('files as f', 'f.sha256', 'd.file_sha256')
    .select(['d.id', 'd.applicant_id', 'd.stage', 'd.file_sha256', 'd.file_name', 'd.uploaded_at'])
    .select(['f.size', 'f.mime'])
    .where('d.applicant_id', 'in', list(applicantIds, none))
    .orderBy('d.id')
    .execute();
}

/** Names of members, e.g. an applicant's introducers as their admission form names them. */
export async function memberNames(db: Executor, ids: number[]): Promise<Map<number, string>> {
  const rows = await db.selectFrom('members').select(['id', 'full_name']).where('id', 'in', list(ids, none)).execute();
  return new Map(rows.map((r) => [r.id, r.full_name]));
}

export function cadreTrainings(db: Executor, cadreIds: number[]) {
  return db
    .selectFrom('cadre_trainings')
    .selectAll()
    .where('cadre_id', 'in', list(cadreIds, none))
    .orderBy('start_on')
    .execute();
}

export function cadreAssessments(db: Executor, cadreIds: number[]) {
  return db
    .selectFrom('cadre_assessments')
    .selectAll()
    .where('cadre_id', 'in', list(cadreIds, none))
    .orderBy('year')
    .execute();
}

export function contactLogs(db: Executor, contactIds: number[]) {
  return db
    .selectFrom('contact_logs as l')
    .leftJoin('cadres as c', 'c.id', 'l.cadre_id')
    .select(['l.id', 'l.contact_id', 'l.on_date', 'l.channel', 'l.note', 'l.created_at', 'c.full_name as cadre_name'])
    .where('l.contact_id', 'in', list(contactIds, none))
    .orderBy('l.on_date')
    .execute();
}

/** Links between cadres and youth where either side is one of these records. */
export function cadreContactLinks(db: Executor, cadreIds: number[], contactIds: number[]) {
  return db
    .selectFrom('cadre_contacts as l')
    .innerJoin('cadres as c', 'c.id', 'l.cadre_id')
    .select(['l.cadre_id', 'l.contact_id', 'l.created_at', 'c.full_name as cadre_name', 'c.org_id as cadre_org_id'])
    .where((eb) =>
      eb.or([eb('l.cadre_id', 'in', list(cadreIds, none)), eb('l.contact_id', 'in', list(contactIds, none))]),
    )
    .execute();
}

/**
 * Import jobs that may have read the person's rows: those of an org above or at one of the person's orgs, and
 * those of the actor's subtree. Finished or not, with what they still hold (preview, error report).
 */
export function importJobsAround(db: Executor, input: { orgIds: number[]; subtree: [string, string] | null }) {
  return db
    .selectFrom('jobs')
    .innerJoin('orgs', 'orgs.id', 'jobs.org_id')
    .select(['jobs.id', 'jobs.status', 'jobs.result'])
    .where('jobs.kind', '=', 'import')
    .where((eb) => {
      const or: Expression<SqlBool>[] = [eb('jobs.org_id', 'in', list(input.orgIds, none))];
      if (input.subtree) {
        or.push(eb.and([eb('orgs.path', '>=', input.subtree[0]), eb('orgs.path', '<', input.subtree[1])]));
      }
      return eb.or(or);
    })
    .orderBy('jobs.id')
    .execute();
}
