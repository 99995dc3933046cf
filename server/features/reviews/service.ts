import { reviewGrades, type ReviewGrade } from '../../../common/domain.js';
import {
  registrableGrades,
  type MemberRefusal,
  type RegisterMembersBody,
  type ReviewListQuery,
  type ReviewSummary,
  type SaveReviewsBody,
} from '../../../common/reviews.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { AppError } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { loadWritableOrg, pageWindow, type LedgerScope } from '../ledger/shared.js';
import { recordMemberEvent } from '../members/events.js';
import { assertHoldsMembers, holdsMembers, mayWritePeople } from '../members/policy.js';
import { findMembersByIds, type MemberWithOrg } from '../members/repo.js';
import type { OrgRow } from '../orgs/repo.js';
import { loadVisibleOrg } from '../orgs/service.js';
import { findReviews, listReviewSheet, markRegistered, reviewFigures, upsertReview } from './repo.js';

// 团员教育评议 and 年度注册: a branch grades each of its normal members once a year (优秀, 合格, 基本合格, 不合格);
// only the first three may register for the year. Refusals are all or nothing and name every member refused.

export const gradeNames: Record<ReviewGrade, string> = {
  excellent: '优秀',
  qualified: '合格',
  basic: '基本合格',
  unqualified: '不合格',
};

/** At most this many refusals are spelled out in the message; details carry all of them. */
const namedInMessage = 10;

/** 409 rule_violation listing every member refused, so that the branch fixes them all at once. */
export function refuseMembers(intro: string, refusals: MemberRefusal[]): AppError {
  const named = refusals.slice(0, namedInMessage).map((r) => r.message);
  const more = refusals.length > namedInMessage ? `；等共 ${refusals.length} 人` : '';
  return new AppError('rule_violation', 409, `${intro}${named.join('；')}${more}`, { refusals });
}

/**
 * The members of a branch a request names, in the order given; an id that is not a member of this branch (missing,
 * elsewhere, or not in the normal status) is refused by id or name, never by anything it would reveal.
 */
export async function branchMembers(
  trx: Executor,
  org: OrgRow,
  ids: readonly number[],
): Promise<{ members: MemberWithOrg[]; refusals: MemberRefusal[] }> {
  const byId = new Map((await findMembersByIds(trx, ids)).map((m) => [m.id, m]));
  const members: MemberWithOrg[] = [];
  const refusals: MemberRefusal[] = [];
  for (const id of ids) {
    const member = byId.get(id);
    if (!member || member.org_id !== org.id) {
      refusals.push({ memberId: id, fullName: null, message: `编号 ${id}：不是“${org.name}”的团员` });
    } else if (member.membership_status !== 'normal') {
      refusals.push({ memberId: id, fullName: member.full_name, message: `${member.full_name}：团籍状态不是正常` });
    } else {
      members.push(member);
    }
  }
  return { members, refusals };
}

async function summaryOf(db: Executor, scope: LedgerScope, year: number): Promise<ReviewSummary> {
  const byGrade = Object.fromEntries(reviewGrades.map((g) => [g, 0])) as Record<ReviewGrade, number>;
  let members = 0;
  let registered = 0;
  let notReviewed = 0;
  for (const row of await reviewFigures(db, scope, year)) {
    const n = Number(row.n);
    members += n;
    registered += Number(row.registered);
    if (row.grade === null) notReviewed += n;
    else byGrade[row.grade] += n;
  }
  return { year, members, byGrade, registered, notReviewed };
}

const ownScope = (org: OrgRow): LedgerScope => ({ orgId: org.id, path: org.path, own: true });

export async function saveReviews(db: Db, actor: Actor, orgId: number, year: number, body: SaveReviewsBody) {
  return db.transaction().execute(async (trx) => {
    const org = await loadWritableOrg(trx, actor, orgId);
    assertHoldsMembers(org);
    const ids = body.entries.map((e) => e.memberId);
    const { members, refusals } = await branchMembers(trx, org, ids);
    const current = new Map((await findReviews(trx, ids, year)).map((r) => [r.member_id, r]));
    const gradeOf = new Map(body.entries.map((e) => [e.memberId, e.grade]));
    for (const member of members) {
      const grade = gradeOf.get(member.id)!;
      if (member.joined_on > `${year}-12-31`) {
        refusals.push({
          memberId: member.id,
          fullName: member.full_name,
          message: `${member.full_name}：${member.joined_on} 入团，不参加 ${year} 年度评议`,
        });
      } else if (grade === 'unqualified' && current.get(member.id)?.registered_at) {
        refusals.push({
          memberId: member.id,
          fullName: member.full_name,
          message: `${member.full_name}：已完成 ${year} 年度注册，不能改评为不合格`,
        });
      }
    }
    if (refusals.length > 0) throw refuseMembers(`以下团员不能评议：`, refusals);
    const at = nowIso();
    const changed = members.filter((m) => current.get(m.id)?.grade !== gradeOf.get(m.id));
    for (const member of changed) {
      const grade = gradeOf.get(member.id)!;
      await upsertReview(trx, { memberId: member.id, orgId: org.id, year, grade, reviewedBy: actor.userId, at });
      await recordMemberEvent(trx, actor, {
        memberId: member.id,
        kind: 'annual_review',
        orgId: org.id,
        details: { year, grade, previous: current.get(member.id)?.grade ?? null },
      });
    }
    if (changed.length > 0) {
      const counts = Object.fromEntries(reviewGrades.map((g) => [g, 0]));
      for (const member of changed) counts[gradeOf.get(member.id)!] += 1;
      await recordAudit(trx, actor, {
        action: 'annual_review.save',
        objectType: 'org',
        objectId: org.id,
        orgId: org.id,
        details: { year, members: changed.length, byGrade: counts },
      });
    }
    return { saved: changed.length, summary: await summaryOf(trx, ownScope(org), year) };
  });
}

export async function registerMembers(db: Db, actor: Actor, orgId: number, year: number, body: RegisterMembersBody) {
  return db.transaction().execute(async (trx) => {
    const org = await loadWritableOrg(trx, actor, orgId);
    assertHoldsMembers(org);
    const { members, refusals } = await branchMembers(trx, org, body.memberIds);
    const reviews = new Map((await findReviews(trx, body.memberIds, year)).map((r) => [r.member_id, r]));
    for (const member of members) {
      const review = reviews.get(member.id);
      if (!review) {
        refusals.push({
          memberId: member.id,
          fullName: member.full_name,
          message: `${member.full_name}：${year} 年度尚未评议，评议后才能注册`,
        });
      } else if (!(registrableGrades as readonly string[]).includes(review.grade)) {
        refusals.push({
          memberId: member.id,
          fullName: member.full_name,
          message: `${member.full_name}：${year} 年度评议为${gradeNames[review.grade]}，不能注册`,
        });
      }
    }
    if (refusals.length > 0) {
      throw refuseMembers(`只有评议为优秀、合格或基本合格的团员才能注册，以下团员不能注册：`, refusals);
    }
    const fresh = members.filter((m) => !reviews.get(m.id)!.registered_at);
    const at = nowIso();
    await markRegistered(
      trx,
      fresh.map((m) => m.id),
      year,
      at,
    );
    for (const member of fresh) {
      await recordMemberEvent(trx, actor, {
        memberId: member.id,
        kind: 'annual_registration',
        orgId: org.id,
        details: { year, grade: reviews.get(member.id)!.grade },
      });
    }
    if (fresh.length > 0) {
      await recordAudit(trx, actor, {
        action: 'annual_registration.register',
        objectType: 'org',
        objectId: org.id,
        orgId: org.id,
        details: { year, members: fresh.length },
      });
    }
    return { registered: fresh.length, summary: await summaryOf(trx, ownScope(org), year) };
  });
}

export async function reviewSheet(db: Db, actor: Actor, orgId: number, year: number, query: ReviewListQuery) {
  const org = await loadVisibleOrg(db, actor, orgId);
  const scope: LedgerScope = { orgId: org.id, path: org.path, own: query.scope === 'own' };
  const filter = { scope, year, grade: query.grade, registered: query.registered };
  const { rows, total } = await listReviewSheet(db, { ...filter, ...pageWindow(query) });
  const open = org.status === 'active' && holdsMembers(org) && mayWritePeople(actor);
  return {
    items: rows.map((row) => ({
      memberId: row.member_id,
      fullName: row.full_name,
      idMasked: row.id_masked,
      orgId: row.org_id,
      orgName: row.org_name,
      joinedOn: row.joined_on,
      grade: row.grade,
      registered: row.registered_at !== null,
      registeredAt: row.registered_at,
      mayRegister:
        row.grade !== null && (registrableGrades as readonly string[]).includes(row.grade) && !row.registered_at,
    })),
    total,
    summary: await summaryOf(db, scope, year),
    abilities: { review: open, register: open },
  };
}
