import { chinaToday } from '../../../common/dates.js';
import { addYears } from '../../../common/id-number.js';
import {
  recommendationMaxShare,
  recommendationMinMemberYears,
  recommendationQuota,
  recommendationValidUntil,
} from '../../../common/people-rules.js';
import type { CertifyBody, RecommendBody, RecommendationListQuery } from '../../../common/reviews.js';
import type { Db, Executor } from '../../db/schema.js';
import { isPostgres, nowIso } from '../../db/tree.js';
import { assertSees, type Actor } from '../../http/actor.js';
import { AppError, conflict } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { loadWritableOrg, pageWindow, resolveLedgerScope } from '../ledger/shared.js';
import { normalMembersOf } from '../members/counts.js';
import { recordMemberEvent } from '../members/events.js';
import {
  assertHoldsMembers,
  assertMayDecideFor,
  holdsMembers,
  mayDecideFor,
  mayWritePeople,
} from '../members/policy.js';
import { loadVisibleOrg } from '../orgs/service.js';
import { branchMembers, refuseMembers } from '../reviews/service.js';
import {
  certifyRecommendation,
  countRound,
  findOverlapping,
  findRecommendation,
  findRecommendationsByIds,
  insertRecommendation,
  listRecommendations,
  type RecommendationRow,
} from './repo.js';

// 推优入党: a branch recommends members of at least a year to the party, at most 20% of its normal members in a
// round (one branch on one date); a recommendation holds two years and the upper committee certifies it.

const politicalNames = { probationary_party: '中共预备党员', party: '中共党员' } as const;

export function presentRecommendation(actor: Actor, row: RecommendationRow, today = chinaToday()) {
  return {
    id: row.id,
    memberId: row.member_id,
    fullName: row.full_name,
    idMasked: row.id_masked,
    orgId: row.org_id,
    orgName: row.org_name,
    recommendedOn: row.recommended_on,
    validUntil: row.valid_until,
    valid: row.recommended_on <= today && today <= row.valid_until,
    certifiedOn: row.certified_on,
    certifiedBy: row.certified_by_name,
    createdAt: row.created_at,
    abilities: { certify: row.certified_on === null && mayDecideFor(actor, { path: row.org_path }) },
  };
}

export async function recommendMembers(db: Db, actor: Actor, orgId: number, body: RecommendBody) {
  const on = body.recommendedOn;
  const until = recommendationValidUntil(on);
  const ids = await db.transaction().execute(async (trx) => {
    const org = await loadWritableOrg(trx, actor, orgId);
    assertHoldsMembers(org);
    // Two rounds entered at once on PostgreSQL would each see the other's quota unused: the branch row serialises them.
    if (isPostgres(trx)) await trx.selectFrom('orgs').select('id').where('id', '=', org.id).forUpdate().execute();
    const { members, refusals } = await branchMembers(trx, org, body.memberIds);
    const overlapping = await findOverlapping(
      trx,
      members.map((m) => m.id),
      on,
      until,
    );
    const joinedBy = addYears(on, -recommendationMinMemberYears);
    const normal = await normalMembersOf(trx, org.id);
    const quota = recommendationQuota(normal);
    const already = await countRound(trx, org.id, on);
    let slots = already;
    for (const member of members) {
      const refuse = (message: string) =>
        refusals.push({ memberId: member.id, fullName: member.full_name, message: `${member.full_name}：${message}` });
      const previous = overlapping.find((r) => r.member_id === member.id);
      if (member.political_status !== 'member') {
        refuse(`已是${politicalNames[member.political_status]}，不再推优`);
      } else if (member.joined_on > joinedBy) {
        refuse(
          `${member.joined_on} 入团，推优时入团未满 ${recommendationMinMemberYears} 年（须在 ${joinedBy} 及以前入团）`,
        );
      } else if (previous) {
        refuse(`已于 ${previous.recommended_on} 被推优，有效期至 ${previous.valid_until}，有效期内不能再次推优`);
      } else if (slots + 1 > quota) {
        refuse(
          `超出本轮推优名额：支部正常团员 ${normal} 人，每轮最多推荐 ${Math.round(recommendationMaxShare * 100)}% 即 ${quota} 人` +
            (already > 0 ? `（${on} 已推荐 ${already} 人）` : ''),
        );
      } else {
        slots += 1;
      }
    }
    if (refusals.length > 0) throw refuseMembers('以下团员不能推优：', refusals);
    const at = nowIso();
    const created: number[] = [];
    for (const member of members) {
      const id = await insertRecommendation(trx, {
        member_id: member.id,
        org_id: org.id,
        recommended_on: on,
        valid_until: until,
        certified_on: null,
        certified_by: null,
        form_sha256: null,
        created_by: actor.userId,
        created_at: at,
      });
      created.push(id);
      await recordMemberEvent(trx, actor, {
        memberId: member.id,
        kind: 'party_recommended',
        orgId: org.id,
        details: { recommendationId: id, recommendedOn: on, validUntil: until },
      });
    }
    await recordAudit(trx, actor, {
      action: 'party_recommendation.create',
      objectType: 'org',
      objectId: org.id,
      orgId: org.id,
      details: { recommendedOn: on, members: members.length, round: slots, quota },
    });
    return created;
  });
  const rows = await findRecommendationsByIds(db, ids);
  return { items: rows.map((row) => presentRecommendation(actor, row)) };
}

async function loadVisibleRecommendation(db: Executor, actor: Actor, id: number): Promise<RecommendationRow> {
  const row = await findRecommendation(db, id);
  assertSees(actor, row?.org_path, '推优记录');
  return row;
}

export async function certify(db: Db, actor: Actor, id: number, body: CertifyBody) {
  await db.transaction().execute(async (trx) => {
    const row = await loadVisibleRecommendation(trx, actor, id);
    assertMayDecideFor(actor, { path: row.org_path, name: row.org_name });
    if (row.certified_on !== null) throw conflict(`该推优已于 ${row.certified_on} 认定`);
    if (body.certifiedOn < row.recommended_on) {
      throw new AppError('rule_violation', 409, `认定日期不能早于推优日期 ${row.recommended_on}`, {
        field: 'certifiedOn',
      });
    }
    if (body.certifiedOn > row.valid_until) {
      throw new AppError('rule_violation', 409, `该推优已于 ${row.valid_until} 过期，不能再认定，请重新推优`, {
        field: 'certifiedOn',
      });
    }
    await certifyRecommendation(trx, row.id, body.certifiedOn, actor.userId);
    await recordMemberEvent(trx, actor, {
      memberId: row.member_id,
      kind: 'recommendation_certified',
      orgId: row.org_id,
      details: { recommendationId: row.id, recommendedOn: row.recommended_on, certifiedOn: body.certifiedOn },
    });
    await recordAudit(trx, actor, {
      action: 'party_recommendation.certify',
      objectType: 'party_recommendation',
      objectId: row.id,
      orgId: row.org_id,
      details: { memberId: row.member_id, recommendedOn: row.recommended_on, certifiedOn: body.certifiedOn },
    });
  });
  return presentRecommendation(actor, (await findRecommendation(db, id))!);
}

export async function listInScope(db: Db, actor: Actor, query: RecommendationListQuery) {
  const today = chinaToday();
  const scope = await resolveLedgerScope(db, actor, { orgId: query.orgId, scope: query.scope });
  const { rows, total } = await listRecommendations(db, {
    scope,
    today,
    valid: query.valid,
    certified: query.certified,
    ...pageWindow(query),
  });
  const org = scope ? await loadVisibleOrg(db, actor, scope.orgId) : null;
  const branch = org && holdsMembers(org) ? org : null;
  const normal = branch ? await normalMembersOf(db, branch.id) : 0;
  return {
    items: rows.map((row) => presentRecommendation(actor, row, today)),
    total,
    branch: branch ? { normalMembers: normal, quota: recommendationQuota(normal) } : null,
    abilities: { recommend: branch !== null && branch.status === 'active' && mayWritePeople(actor) },
  };
}
