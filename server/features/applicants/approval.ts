import { chinaToday } from '../../../common/dates.js';
import type { ApprovalRefusal, ApproveBody, ApproveResponse } from '../../../common/applicants.js';
import { ageOn } from '../../../common/id-number.js';
import { applyMaxAge } from '../../../common/people-rules.js';
import { nowIso } from '../../db/tree.js';
import type { Executor } from '../../db/schema.js';
import { actorSees, type Actor } from '../../http/actor.js';
import { AppError, conflict, invalid, notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { isUniqueViolation } from '../ledger/shared.js';
import { refreshMemberCounts } from '../members/counts.js';
import { recordMemberEvent } from '../members/events.js';
import { mayDecideFor } from '../members/policy.js';
import { insertMember } from '../members/repo.js';
import {
  copyGuardianConsent,
  findApplicantsByIds,
  maxMemberNo,
  updateApplicantFrom,
  type ApplicantWithOrg,
} from './repo.js';
import { ruleViolation, stageNames, type ApplicantDeps } from './service.js';

// The upper committee approves voted applicants in batches. All or nothing: one applicant that cannot be approved
// refuses the whole batch, with the list of who and why. Approval creates the member record in the same
// transaction (member number, timeline, counts), so an approved applicant is a member at once.

type Refusal = ApprovalRefusal & { kind: 'forbidden' | 'rule' };

function refusalOf(actor: Actor, a: ApplicantWithOrg, approvedOn: string): Refusal | null {
  const id = a.id;
  const name = a.full_name;
  if (!mayDecideFor(actor, { path: a.org_path })) {
    return { id, fullName: name, message: `${name}：应由“${a.org_name}”的上级团组织审批`, kind: 'forbidden' };
  }
  if (a.stage !== 'voted') {
    return { id, fullName: name, message: `${name}：当前为“${stageNames[a.stage]}”，不是待上级审批`, kind: 'rule' };
  }
  if (a.org_status !== 'active') {
    return { id, fullName: name, message: `${name}：“${a.org_name}”已撤销`, kind: 'rule' };
  }
  if (approvedOn < a.vote_on!) {
    return { id, fullName: name, message: `${name}：批准日期早于支部大会表决日期 ${a.vote_on}`, kind: 'rule' };
  }
  if (ageOn(a.birth_date, approvedOn) >= applyMaxAge) {
    return { id, fullName: name, message: `${name}：批准日已满 ${applyMaxAge} 周岁，不能接收入团`, kind: 'rule' };
  }
  return null;
}

function refuseBatch(refusals: Refusal[]): never {
  const shown = refusals.slice(0, 10).map((r) => r.message);
  const more = refusals.length > shown.length ? ` 等 ${refusals.length} 人` : '';
  const message = `以下申请人不能批准，本批次未作任何处理：${shown.join('；')}${more}`;
  const details = { refused: refusals.map(({ id, fullName, message: m }) => ({ id, fullName, message: m })) };
  if (refusals.every((r) => r.kind === 'forbidden')) throw new AppError('forbidden', 403, message, details);
  throw new AppError('rule_violation', 409, message, details);
}

/** Numbers of a join year: the year and an 8-digit sequence, next after the largest one already given. */
function memberNumbers(trx: Executor) {
  const next = new Map<string, number>();
  return async (year: string): Promise<string> => {
    if (!next.has(year)) {
      const max = await maxMemberNo(trx, year);
      next.set(year, max === null ? 1 : Number(max.slice(4)) + 1);
    }
    const sequence = next.get(year)!;
    if (sequence > 99_999_999) throw conflict(`${year} 年的团员编号已用完`);
    next.set(year, sequence + 1);
    return `${year}${String(sequence).padStart(8, '0')}`;
  };
}

async function approveInTransaction(
  trx: Executor,
  actor: Actor,
  body: ApproveBody,
): Promise<ApproveResponse['approved']> {
  const rows = await findApplicantsByIds(trx, body.ids);
  const byId = new Map(rows.map((row) => [row.id, row]));
  // An id outside the actor's subtree answers exactly like one that does not exist: the batch is refused as a whole
  // with the plain 404 of a single applicant, naming no one.
  if (body.ids.some((id) => !byId.has(id) || !actorSees(actor, byId.get(id)!.org_path))) throw notFound('入团申请人');
  const refusals = body.ids
    .map((id) => refusalOf(actor, byId.get(id)!, body.approvedOn))
    .filter((r): r is Refusal => r !== null);
  if (refusals.length > 0) refuseBatch(refusals);
  const nextMemberNo = memberNumbers(trx);
  const approved: ApproveResponse['approved'] = [];
  const at = nowIso();
  for (const id of body.ids) {
    const a = byId.get(id)!;
    const memberNo = await nextMemberNo(body.approvedOn.slice(0, 4));
    const memberId = await insertMember(trx, {
      org_id: a.org_id,
      full_name: a.full_name,
      id_cipher: a.id_cipher,
      id_index: a.id_index,
      id_masked: a.id_masked,
      birth_date: a.birth_date,
      sex: a.sex,
      member_no: memberNo,
      joined_on: body.approvedOn,
      membership_status: 'normal',
      political_status: 'member',
      ethnicity: null,
      education: null,
      occupation: null,
      workplace: null,
      phone_cipher: a.phone_cipher,
      phone_index: a.phone_index,
      phone_masked: a.phone_masked,
      wechat: null,
      household: null,
      is_mobile: 0,
      mobile_origin: null,
      mobile_current: null,
      mobile_contact: null,
      // The branch met the new member at the meeting that voted them in.
      last_reached_on: a.vote_on,
      applicant_id: a.id,
      created_at: at,
      updated_at: at,
    });
    if (memberId === null) {
      throw ruleViolation(`${a.full_name}：该身份证号已登记为团员，本批次未作任何处理（请撤回该申请）`);
    }
    const moved = await updateApplicantFrom(trx, a.id, ['voted'], {
      stage: 'admitted',
      approved_on: body.approvedOn,
      approved_by: actor.userId,
      member_id: memberId,
      updated_at: at,
    });
    if (!moved) throw conflict(`${a.full_name}：刚被他人处理过，本批次未作任何处理，请刷新后再试`);
    const consentCopied = await copyGuardianConsent(trx, a.id, memberId);
    await recordMemberEvent(trx, actor, {
      memberId,
      kind: 'admitted',
      orgId: a.org_id,
      details: {
        applicantId: a.id,
        memberNo,
        appliedOn: a.applied_on,
        talkedOn: a.talked_on,
        activistOn: a.activist_on,
        candidateOn: a.candidate_on,
        lectureHours: Number(a.lecture_hours),
        voteOn: a.vote_on,
        votersDue: a.vote_due,
        votersPresent: a.vote_present,
        votesFor: a.vote_for,
        introducerIds: [a.introducer1_id, a.introducer2_id],
        approvedOn: body.approvedOn,
      },
    });
    await recordAudit(trx, actor, {
      action: 'applicant.approve',
      objectType: 'applicant',
      objectId: a.id,
      orgId: a.org_id,
      details: { memberId, memberNo, approvedOn: body.approvedOn, batchSize: body.ids.length, consentCopied },
    });
    approved.push({ applicantId: a.id, memberId, memberNo });
  }
  await refreshMemberCounts(
    trx,
    rows.map((row) => row.org_id),
  );
  return approved;
}

export async function approveApplicants(
  { db }: ApplicantDeps,
  actor: Actor,
  body: ApproveBody,
): Promise<ApproveResponse> {
  if (body.approvedOn > chinaToday()) throw invalid('批准日期不能晚于今天', { field: 'approvedOn' });
  // Two committees numbering the same year at once: the unique member number refuses the later one, which runs
  // again with fresh numbers.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return { approved: await db.transaction().execute((trx) => approveInTransaction(trx, actor, body)) };
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
}
