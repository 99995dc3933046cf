import { chinaToday } from '../../../common/dates.js';
import { applicantStages, type ApplicantStage } from '../../../common/domain.js';
import {
  openApplicantStages,
  pipelineColumnCap,
  type ApplicantAbilities,
  type ApplicantListQuery,
  type DocumentStage,
} from '../../../common/applicants.js';
import { addMonths, ageOn } from '../../../common/id-number.js';
import { observationMinMonths } from '../../../common/people-rules.js';
import type { Db } from '../../db/schema.js';
import { actorCan, assertSees, type Actor } from '../../http/actor.js';
import { resolveLedgerScope, pageWindow } from '../ledger/shared.js';
import { mayDecideFor, mayWritePeople } from '../members/policy.js';
import { findGuardianConsent, findMembersByIds } from '../members/repo.js';
import { searchKeys } from '../members/service.js';
import type { Keyring } from '../../personal-data/keyring.js';
import type { Config } from '../../config.js';
import { overdueCutoffs, overdueReasonsOf } from './overdue.js';
import {
  countApplicants,
  findApplicant,
  listApplicants,
  listDocuments,
  listLectures,
  stageCounts,
  findUserName,
  type ApplicantWithOrg,
} from './repo.js';

// What the pipeline shows: lists (masked), one applicant's file with what the actor may do next, a branch's or a
// subtree's board, and the upper committee's approval inbox.

type ReadDeps = { db: Db; keyring: Keyring; config: Config };

export function presentApplicant(row: ApplicantWithOrg, today = chinaToday()) {
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    fullName: row.full_name,
    idMasked: row.id_masked,
    birthDate: row.birth_date,
    age: ageOn(row.birth_date, today),
    sex: row.sex,
    phoneMasked: row.phone_masked,
    stage: row.stage,
    appliedOn: row.applied_on,
    talkedOn: row.talked_on,
    activistOn: row.activist_on,
    candidateOn: row.candidate_on,
    voteOn: row.vote_on,
    approvedOn: row.approved_on,
    ceremonyOn: row.ceremony_on,
    lectureHours: Number(row.lecture_hours),
    memberId: row.member_id,
    overdue: overdueReasonsOf(row, today),
  };
}

const openStages: readonly ApplicantStage[] = openApplicantStages;

/** What the actor may do next with this applicant, so that the UI offers only what the server would accept. */
export function applicantAbilities(actor: Actor, a: ApplicantWithOrg): ApplicantAbilities {
  const active = a.org_status === 'active';
  const write = active && mayWritePeople(actor);
  const decide = active && a.stage === 'voted' && mayDecideFor(actor, { path: a.org_path });
  return {
    talk: write && a.stage === 'applied' && a.talked_on === null,
    activist: write && a.stage === 'applied' && a.talked_on !== null,
    lecture: write && (a.stage === 'activist' || a.stage === 'candidate'),
    candidate: write && a.stage === 'activist',
    vote: write && a.stage === 'candidate',
    approve: decide,
    reject: decide,
    ceremony: write && a.stage === 'admitted' && a.ceremony_on === null,
    withdraw: write && openStages.includes(a.stage),
    upload: write && a.stage !== 'withdrawn' && a.stage !== 'rejected',
  };
}

export async function getApplicantDetail({ db, config }: ReadDeps, actor: Actor, id: number) {
  const a = await findApplicant(db, id);
  assertSees(actor, a?.org_path, '入团申请人');
  const [lectures, documents, consent, approver] = await Promise.all([
    listLectures(db, a.id),
    listDocuments(db, a.id),
    findGuardianConsent(db, 'applicant', a.id),
    findUserName(db, a.approved_by),
  ]);
  const introducerIds = [a.introducer1_id, a.introducer2_id].filter((x): x is number => x !== null);
  const members = await findMembersByIds(db, [...introducerIds, ...(a.member_id === null ? [] : [a.member_id])]);
  const byId = new Map(members.map((m) => [m.id, m]));
  return {
    ...presentApplicant(a),
    candidateFrom: a.activist_on === null ? null : addMonths(a.activist_on, observationMinMonths),
    minLectureHours: config.minLectureHours,
    lectures: lectures.map((l) => ({ id: l.id, heldOn: l.held_on, title: l.title, hours: Number(l.hours) })),
    documents: documents.map((d) => ({
      id: d.id,
      stage: d.stage as DocumentStage,
      fileName: d.file_name,
      mime: d.mime,
      size: Number(d.size),
      uploadedAt: d.uploaded_at,
      uploadedBy: d.uploaded_by_name ?? null,
    })),
    introducers: introducerIds.flatMap((introducerId) => {
      const m = byId.get(introducerId);
      return m ? [{ id: m.id, fullName: m.full_name, orgName: m.org_name }] : [];
    }),
    vote: a.vote_due === null ? null : { due: a.vote_due, present: a.vote_present ?? 0, for: a.vote_for ?? 0 },
    approvedBy: approver?.display_name ?? null,
    memberNo: a.member_id === null ? null : (byId.get(a.member_id)?.member_no ?? null),
    closedReason: a.closed_reason,
    guardianConsent: consent
      ? {
          guardianName: consent.guardian_name,
          relation: consent.relation,
          phoneMasked: consent.phone_masked,
          consentVersion: consent.consent_version,
          signedOn: consent.signed_on,
        }
      : null,
    createdAt: a.created_at,
    updatedAt: a.updated_at,
    abilities: applicantAbilities(actor, a),
  };
}

/**
 * The applicant list of an org or a subtree. `awaiting=approval` is the upper committee's inbox: voted
 * applicants of branches strictly below the actor's org (mayDecideFor), never those of its own org.
 */
export async function listApplicantsInScope({ db, keyring }: ReadDeps, actor: Actor, query: ApplicantListQuery) {
  const scope = await resolveLedgerScope(db, actor, { orgId: query.orgId, scope: query.scope });
  const today = chinaToday();
  let stage = query.stage;
  let below: string | undefined;
  if (query.awaiting === 'approval') {
    if (!actorCan(actor, 'people.approve') || (stage !== undefined && stage !== 'voted'))
      return { items: [], total: 0 };
    stage = 'voted';
    below = actor.scopePath ?? undefined;
  }
  const { rows, total } = await listApplicants(db, {
    scope,
    stage,
    ...searchKeys(keyring, query.q),
    overdue: query.overdue === true ? overdueCutoffs(today) : undefined,
    below,
    ...pageWindow(query),
  });
  return { items: rows.map((row) => presentApplicant(row, today)), total };
}

/** A branch's or a subtree's board: how many at each stage, how many late, and who is where (capped per stage). */
export async function orgPipeline({ db }: ReadDeps, actor: Actor, orgId: number, scopeKind: 'own' | 'subtree') {
  const scope = await resolveLedgerScope(db, actor, { orgId, scope: scopeKind });
  const today = chinaToday();
  const byStage = await stageCounts(db, scope);
  const counts = Object.fromEntries(applicantStages.map((s) => [s, byStage.get(s) ?? 0])) as Record<
    ApplicantStage,
    number
  >;
  const overdue = await countApplicants(db, { scope, overdue: overdueCutoffs(today) });
  const columns = [];
  for (const stage of openApplicantStages) {
    const { rows } = await listApplicants(db, {
      scope,
      stage,
      offset: 0,
      limit: pipelineColumnCap,
      order: 'applied',
      withoutTotal: true,
    });
    columns.push({ stage, total: counts[stage], items: rows.map((row) => presentApplicant(row, today)) });
  }
  return { orgId: scope!.orgId, counts, overdue, columns };
}
