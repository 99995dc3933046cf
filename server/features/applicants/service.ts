import type { Updateable } from 'kysely';
import { chinaToday } from '../../../common/dates.js';
import type { ApplicantStage } from '../../../common/domain.js';
import {
  openApplicantStages,
  type CreateApplicantBody,
  type LectureBody,
  type VoteBody,
} from '../../../common/applicants.js';
import { addMonths, ageOn } from '../../../common/id-number.js';
import { applyMaxAge, applyMinAge, observationMinMonths } from '../../../common/people-rules.js';
import type { Config } from '../../config.js';
import type { ApplicantsTable, Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { actorSees, assertSees, type Actor } from '../../http/actor.js';
import { AppError, conflict, invalid } from '../../http/errors.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { recordAudit } from '../audit/service.js';
import { isUniqueViolation, loadWritableOrg, phoneColumns } from '../ledger/shared.js';
import { recordMemberEvent } from '../members/events.js';
import { checkIdNumber, idColumns } from '../members/identity.js';
import { assertHoldsMembers, assertMayDecideFor } from '../members/policy.js';
import { findMemberByIdIndex, findMembersByIds } from '../members/repo.js';
import { assertConsentGiven, recordGuardianConsent } from '../members/service.js';
import { getApplicantDetail } from './reading.js';
import {
  findApplicant,
  findOpenApplication,
  insertApplicant,
  insertLecture,
  updateApplicantFrom,
  type ApplicantWithOrg,
} from './repo.js';

// The branch's steps of the pipeline (application, talk, activist, lectures, candidate, vote, ceremony,
// withdrawal) and the upper committee's rejection. Each step: load through the org, check the stage and the
// league's rule, move the row on only if it is still where it was, one audit row. A refused step writes nothing.

export type ApplicantDeps = { db: Db; keyring: Keyring; config: Config };

export const stageNames: Record<ApplicantStage, string> = {
  applied: '申请入团',
  activist: '入团积极分子',
  candidate: '发展对象',
  voted: '待上级审批',
  admitted: '已入团',
  withdrawn: '已撤回',
  rejected: '未获批准',
};

export const ruleViolation = (message: string, field?: string) =>
  new AppError('rule_violation', 409, message, field ? { field } : undefined);

/** An applicant whose branch lies in the actor's subtree; anything else is "not found", whether it exists or not. */
export async function loadVisibleApplicant(db: Executor, actor: Actor, id: number): Promise<ApplicantWithOrg> {
  const applicant = await findApplicant(db, id);
  assertSees(actor, applicant?.org_path, '入团申请人');
  return applicant;
}

function assertNotFuture(date: string, field: string, label: string): void {
  if (date > chinaToday()) throw invalid(`${label}不能晚于今天`, { field });
}

function assertStage(applicant: ApplicantWithOrg, stages: readonly ApplicantStage[], doing: string): void {
  if (!stages.includes(applicant.stage)) {
    throw ruleViolation(`“${applicant.full_name}”当前为“${stageNames[applicant.stage]}”，不能${doing}`);
  }
}

function assertNotBefore(date: string, earlier: string | null, message: string, field: string): void {
  if (earlier !== null && date < earlier) throw ruleViolation(message, field);
}

type Step = {
  from: readonly ApplicantStage[];
  doing: string;
  /** Decided by the upper committee rather than written by the branch. */
  upward?: boolean;
  check?: (applicant: ApplicantWithOrg, trx: Executor) => Promise<void> | void;
  values: (applicant: ApplicantWithOrg) => Updateable<ApplicantsTable>;
  action: string;
  details?: Record<string, unknown>;
  after?: (applicant: ApplicantWithOrg, trx: Executor) => Promise<void>;
};

/** One step on one applicant, in a transaction; answers the detail as it is afterwards. */
async function runStep(deps: ApplicantDeps, actor: Actor, id: number, step: Step) {
  await deps.db.transaction().execute(async (trx) => {
    const applicant = await loadVisibleApplicant(trx, actor, id);
    await loadWritableOrg(trx, actor, applicant.org_id);
    if (step.upward) assertMayDecideFor(actor, { path: applicant.org_path, name: applicant.org_name });
    assertStage(applicant, step.from, step.doing);
    await step.check?.(applicant, trx);
    const moved = await updateApplicantFrom(trx, applicant.id, step.from, {
      ...step.values(applicant),
      updated_at: nowIso(),
    });
    if (!moved) throw conflict('该申请人刚被他人处理过，请刷新后再试');
    await step.after?.(applicant, trx);
    await recordAudit(trx, actor, {
      action: step.action,
      objectType: 'applicant',
      objectId: applicant.id,
      orgId: applicant.org_id,
      details: { from: applicant.stage, ...step.details },
    });
  });
  return getApplicantDetail(deps, actor, id);
}

/**
 * A branch registers a written application. The applicant is 14 to 28 on the day of the application; someone who
 * is already a member, or whose application is still open anywhere, is refused with where that record is.
 */
export async function createApplicant(deps: ApplicantDeps, actor: Actor, body: CreateApplicantBody) {
  const { db, keyring } = deps;
  const facts = checkIdNumber(body.idNumber);
  assertNotFuture(body.appliedOn, 'appliedOn', '申请日期');
  const phone = body.phone ? phoneColumns(keyring, body.phone) : null;
  const ids = idColumns(keyring, facts);
  const id = await db
    .transaction()
    .execute(async (trx) => {
      const org = await loadWritableOrg(trx, actor, body.orgId);
      assertHoldsMembers(org);
      const age = ageOn(facts.birthDate, body.appliedOn);
      if (age < applyMinAge) {
        throw ruleViolation(`申请人在 ${body.appliedOn} 未满 ${applyMinAge} 周岁，不能申请入团`, 'appliedOn');
      }
      if (age >= applyMaxAge) {
        throw ruleViolation(`申请人在 ${body.appliedOn} 已满 ${applyMaxAge} 周岁，超过入团年龄`, 'appliedOn');
      }
      assertConsentGiven(facts.birthDate, body.guardianConsent);
      const member = await findMemberByIdIndex(trx, ids.id_index);
      if (member) {
        throw ruleViolation(`该身份证号已是团员（登记在“${member.org_name}”），不能再申请入团`, 'idNumber');
      }
      await assertNoOpenApplication(trx, ids.id_index);
      const at = nowIso();
      const applicantId = await insertApplicant(trx, {
        org_id: org.id,
        full_name: body.fullName,
        ...ids,
        birth_date: facts.birthDate,
        sex: facts.sex,
        ...(phone ?? { phone_cipher: null, phone_index: null, phone_masked: null }),
        stage: 'applied',
        applied_on: body.appliedOn,
        talked_on: null,
        activist_on: null,
        candidate_on: null,
        introducer1_id: null,
        introducer2_id: null,
        vote_on: null,
        vote_due: null,
        vote_present: null,
        vote_for: null,
        approved_on: null,
        approved_by: null,
        ceremony_on: null,
        member_id: null,
        closed_reason: null,
        created_at: at,
        updated_at: at,
      });
      if (body.guardianConsent) {
        await recordGuardianConsent(trx, keyring, actor, { type: 'applicant', id: applicantId }, body.guardianConsent);
      }
      await recordAudit(trx, actor, {
        action: 'applicant.create',
        objectType: 'applicant',
        objectId: applicantId,
        orgId: org.id,
        details: {
          appliedOn: body.appliedOn,
          withPhone: phone !== null,
          guardianConsent: Boolean(body.guardianConsent),
        },
      });
      return applicantId;
    })
    .catch(async (error: unknown) => {
      // Another branch registered the same person a moment ago: the unique index on open applications refused us.
      if (isUniqueViolation(error)) await assertNoOpenApplication(db, ids.id_index);
      throw error;
    });
  return getApplicantDetail(deps, actor, id);
}

async function assertNoOpenApplication(db: Executor, idIndex: string): Promise<void> {
  const open = await findOpenApplication(db, idIndex);
  if (open) {
    throw ruleViolation(
      `该身份证号已有未结束的入团申请（“${open.org_name}”，${stageNames[open.stage]}），不能重复申请`,
      'idNumber',
    );
  }
}

/** 谈话: due within a month of the application (late talks are recorded and flagged, not refused). */
export function recordTalk(deps: ApplicantDeps, actor: Actor, id: number, talkedOn: string) {
  assertNotFuture(talkedOn, 'talkedOn', '谈话日期');
  return runStep(deps, actor, id, {
    from: ['applied'],
    doing: '登记谈话',
    check: (a) => {
      if (a.talked_on !== null) throw ruleViolation(`已于 ${a.talked_on} 登记谈话`);
      assertNotBefore(talkedOn, a.applied_on, `谈话日期不能早于申请日期 ${a.applied_on}`, 'talkedOn');
    },
    values: () => ({ talked_on: talkedOn }),
    action: 'applicant.talk',
    details: { talkedOn },
  });
}

/** The branch committee names the activist (入团积极分子), once the talk is on record. */
export function nameActivist(deps: ApplicantDeps, actor: Actor, id: number, activistOn: string) {
  assertNotFuture(activistOn, 'activistOn', '确定日期');
  return runStep(deps, actor, id, {
    from: ['applied'],
    doing: '确定为入团积极分子',
    check: (a) => {
      if (a.talked_on === null) throw ruleViolation('尚未登记谈话：请先登记与申请人的谈话，再确定为入团积极分子');
      assertNotBefore(activistOn, a.applied_on, `确定日期不能早于申请日期 ${a.applied_on}`, 'activistOn');
      assertNotBefore(activistOn, a.talked_on, `确定日期不能早于谈话日期 ${a.talked_on}`, 'activistOn');
    },
    values: () => ({ stage: 'activist', activist_on: activistOn }),
    action: 'applicant.activist',
    details: { activistOn },
  });
}

/** 团课 attended during education and observation; its hours add up towards the candidate's minimum. */
export function recordLecture(deps: ApplicantDeps, actor: Actor, id: number, lecture: LectureBody) {
  assertNotFuture(lecture.heldOn, 'heldOn', '团课日期');
  return runStep(deps, actor, id, {
    from: ['activist', 'candidate'],
    doing: '登记团课（入团积极分子和发展对象才能登记）',
    check: (a) =>
      assertNotBefore(
        lecture.heldOn,
        a.activist_on,
        `团课日期不能早于确定为入团积极分子的日期 ${a.activist_on}`,
        'heldOn',
      ),
    values: (a) => ({ lecture_hours: Number(a.lecture_hours) + lecture.hours }),
    after: (a, trx) =>
      insertLecture(trx, {
        applicant_id: a.id,
        held_on: lecture.heldOn,
        title: lecture.title,
        hours: lecture.hours,
        recorded_by: actor.userId,
        created_at: nowIso(),
      }),
    action: 'applicant.lecture',
    details: { heldOn: lecture.heldOn, title: lecture.title, hours: lecture.hours },
  });
}

/** The earliest day an activist named on `activistOn` may become a candidate. */
export function candidateFrom(activistOn: string): string {
  return addMonths(activistOn, observationMinMonths);
}

/** 发展对象: after at least three months of observation and the configured lecture hours. */
export function nameCandidate(deps: ApplicantDeps, actor: Actor, id: number, candidateOn: string) {
  assertNotFuture(candidateOn, 'candidateOn', '确定日期');
  const minHours = deps.config.minLectureHours;
  return runStep(deps, actor, id, {
    from: ['activist'],
    doing: '确定为发展对象',
    check: (a) => {
      const from = candidateFrom(a.activist_on!);
      if (candidateOn < from) {
        throw ruleViolation(
          `培养考察不足 ${observationMinMonths} 个月：${a.activist_on} 确定为入团积极分子，最早 ${from} 才能确定为发展对象`,
          'candidateOn',
        );
      }
      const hours = Number(a.lecture_hours);
      if (hours < minHours) {
        throw ruleViolation(`团课学时不足：已登记 ${hours} 学时，确定为发展对象至少需要 ${minHours} 学时`);
      }
    },
    values: () => ({ stage: 'candidate', candidate_on: candidateOn }),
    action: 'applicant.candidate',
    details: { candidateOn },
  });
}

/**
 * The branch general meeting: two member introducers in the normal status whose branch the actor sees; more than
 * half of the members due present, and more than half of them in favour (赞成票超过应到会有表决权团员的半数).
 * The applicant then waits for the upper committee.
 */
export function recordVote(deps: ApplicantDeps, actor: Actor, id: number, vote: VoteBody) {
  assertNotFuture(vote.voteOn, 'voteOn', '表决日期');
  return runStep(deps, actor, id, {
    from: ['candidate'],
    doing: '登记支部大会表决',
    check: async (a, trx) => {
      assertNotBefore(vote.voteOn, a.candidate_on, `表决日期不能早于确定为发展对象的日期 ${a.candidate_on}`, 'voteOn');
      if (vote.introducer1Id === vote.introducer2Id) {
        throw ruleViolation('两名入团介绍人不能是同一人', 'introducer2Id');
      }
      const introducers = await findMembersByIds(trx, [vote.introducer1Id, vote.introducer2Id]);
      for (const [field, introducerId] of [
        ['introducer1Id', vote.introducer1Id],
        ['introducer2Id', vote.introducer2Id],
      ] as const) {
        const member = introducers.find((m) => m.id === introducerId);
        if (!member || !actorSees(actor, member.org_path)) {
          // Said without the id, so that an id of another branch reads exactly like one that does not exist.
          const which = field === 'introducer1Id' ? '第一' : '第二';
          throw ruleViolation(`${which}入团介绍人不存在或不在本组织范围内`, field);
        }
        if (member.membership_status !== 'normal') {
          throw ruleViolation(`“${member.full_name}”的团籍状态不是“正常”，不能作入团介绍人`, field);
        }
      }
      const half = vote.votersDue / 2;
      if (vote.votersPresent <= half) {
        throw ruleViolation(
          `实到 ${vote.votersPresent} 人，未超过应到 ${vote.votersDue} 人的半数，支部大会不能表决`,
          'votersPresent',
        );
      }
      if (vote.votesFor <= half) {
        throw ruleViolation(
          `赞成 ${vote.votesFor} 票，未超过应到会有表决权团员 ${vote.votersDue} 人的半数，表决未通过`,
          'votesFor',
        );
      }
    },
    values: () => ({
      stage: 'voted',
      introducer1_id: vote.introducer1Id,
      introducer2_id: vote.introducer2Id,
      vote_on: vote.voteOn,
      vote_due: vote.votersDue,
      vote_present: vote.votersPresent,
      vote_for: vote.votesFor,
    }),
    action: 'applicant.vote',
    details: {
      voteOn: vote.voteOn,
      votersDue: vote.votersDue,
      votersPresent: vote.votersPresent,
      votesFor: vote.votesFor,
      introducerIds: [vote.introducer1Id, vote.introducer2Id],
    },
  });
}

/** The upper committee does not approve: the application closes with the reason. */
export function rejectApplicant(deps: ApplicantDeps, actor: Actor, id: number, reason: string) {
  return runStep(deps, actor, id, {
    from: ['voted'],
    doing: '不予批准（只有待上级审批的申请人可以）',
    upward: true,
    values: () => ({ stage: 'rejected', closed_reason: reason }),
    action: 'applicant.reject',
    details: { reason },
  });
}

/** The branch closes an open application (the applicant withdrew, moved away …). */
export function withdrawApplicant(deps: ApplicantDeps, actor: Actor, id: number, reason: string) {
  return runStep(deps, actor, id, {
    from: openApplicantStages,
    doing: '撤回申请',
    values: () => ({ stage: 'withdrawn', closed_reason: reason }),
    action: 'applicant.withdraw',
    details: { reason },
  });
}

/** 入团仪式, after the approval; it goes on the new member's timeline too. */
export function recordCeremony(deps: ApplicantDeps, actor: Actor, id: number, ceremonyOn: string) {
  assertNotFuture(ceremonyOn, 'ceremonyOn', '入团仪式日期');
  return runStep(deps, actor, id, {
    from: ['admitted'],
    doing: '登记入团仪式（批准入团后才能登记）',
    check: (a) => {
      if (a.ceremony_on !== null) throw ruleViolation(`已于 ${a.ceremony_on} 登记入团仪式`);
      assertNotBefore(ceremonyOn, a.approved_on, `入团仪式日期不能早于批准日期 ${a.approved_on}`, 'ceremonyOn');
    },
    values: () => ({ ceremony_on: ceremonyOn }),
    after: async (a, trx) => {
      if (a.member_id === null) return;
      await recordMemberEvent(trx, actor, {
        memberId: a.member_id,
        kind: 'ceremony',
        orgId: a.org_id,
        details: { ceremonyOn, applicantId: a.id },
      });
    },
    action: 'applicant.ceremony',
    details: { ceremonyOn },
  });
}
