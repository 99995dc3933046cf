import { chinaToday } from '../../../common/dates.js';
import type { MembershipStatus } from '../../../common/domain.js';
import type { RefusedMember } from '../../../common/approvals.js';
import type {
  CorrectionBody,
  MemberRequestItem,
  MemberRequestListQuery,
  StatusRequestBody,
} from '../../../common/member-requests.js';
import { ageOutDate, joinAgeProblem, needsGuardianConsent } from '../../../common/people-rules.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { actorSees, assertSees, type Actor } from '../../http/actor.js';
import { AppError, conflict, forbidden, notFound } from '../../http/errors.js';
import { protectIdNumber } from '../../personal-data/id-number.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { recordAudit } from '../audit/service.js';
import { isUniqueViolation, loadWritableOrg, pageWindow, resolveLedgerScope } from '../ledger/shared.js';
import { refreshMemberCounts } from '../members/counts.js';
import { recordMemberEvent } from '../members/events.js';
import { checkIdNumber } from '../members/identity.js';
import { assertMayDecideFor, mayDecideFor } from '../members/policy.js';
import {
  findGuardianConsent,
  findMember,
  findMemberByIdIndex,
  findMembersByIds,
  updateMember,
  type MemberWithOrg,
} from '../members/repo.js';
import { loadVisibleMember } from '../members/service.js';
import { openTransfersOf } from '../transfers/repo.js';
import { applyCorrection } from './correction.js';
import {
  cadrePostsOf,
  decideRequest,
  findRequest,
  insertRequests,
  listRequests,
  pendingCorrectionWithId,
  pendingRequestsOf,
  type RequestRow,
} from './repo.js';
import { statusLabels } from './scope.js';

// Status changes (团籍变更) and corrections (信息更正): the branch asks, the org above it decides.

export type RequestDeps = { db: Db; keyring: Keyring };

export const ruleViolation = (message: string, details?: unknown) =>
  new AppError('rule_violation', 409, message, details);

/**
 * Runs an insert that a partial unique index guards (one pending request, one open transfer per member): a
 * concurrent writer who got there first turns into the same 409 as the check before it.
 */
export async function guardedInsert<T>(insert: Promise<T>, message: string): Promise<T> {
  try {
    return await insert;
  } catch (error) {
    if (isUniqueViolation(error)) throw ruleViolation(message);
    throw error;
  }
}

const pendingMessage = '已有待审批的申请，请等待审批结果或撤回后再申请';

const requestStatusLabels = { pending: '待审批', approved: '已批准', rejected: '已驳回', withdrawn: '已撤回' };

export function presentRequest(actor: Actor, row: RequestRow): MemberRequestItem {
  const pending = row.status === 'pending';
  const decide = pending && mayDecideFor(actor, { path: row.org_path });
  return {
    id: row.id,
    kind: row.kind,
    memberId: row.member_id,
    memberName: row.member_name,
    idMasked: row.member_id_masked,
    memberStatus: row.member_status,
    orgId: row.org_id,
    orgName: row.org_name,
    toStatus: row.to_status,
    newName: row.new_name,
    newIdMasked: row.new_id_masked,
    reason: row.reason,
    status: row.status,
    requestedBy: row.requester_name,
    requestedAt: row.requested_at,
    decidedBy: row.decider_name,
    decidedAt: row.decided_at,
    decisionNote: row.decision_note,
    abilities: { approve: decide, reject: decide, withdraw: pending && row.requested_by === actor.userId },
  };
}

async function loadVisibleRequest(db: Executor, actor: Actor, id: number): Promise<RequestRow> {
  const row = await findRequest(db, id);
  assertSees(actor, row?.org_path, '申请');
  return row;
}

/** One message for a refused batch: how many, and the first few with their reasons. */
export function refusalMessage(refused: RefusedMember[], what: string): string {
  if (refused.length === 1) return `${refused[0].fullName}：${refused[0].reason}`;
  const shown = refused.slice(0, 3).map((r) => `${r.fullName}：${r.reason}`);
  return `${refused.length} 名团员不符合条件，本批${what}均未提交。${shown.join('；')}${refused.length > 3 ? ' 等' : ''}`;
}

/** Why an age-out does not apply to a member today, or null. */
function ageOutProblem(member: Pick<MemberWithOrg, 'birth_date'>, posts: string[] | undefined, today: string) {
  const due = ageOutDate(member.birth_date);
  if (due > today) return `未满 28 周岁（${due} 满 28 周岁），不能按满28周岁离团办理`;
  if (posts && posts.length > 0) return `现任团干部（${posts.join('、')}），满 28 周岁不离团，须先免去职务`;
  return null;
}

async function statusRefusals(
  trx: Executor,
  members: MemberWithOrg[],
  toStatus: MembershipStatus,
): Promise<RefusedMember[]> {
  const ids = members.map((m) => m.id);
  const pending = await pendingRequestsOf(trx, ids);
  const transfers = await openTransfersOf(trx, ids);
  const posts = toStatus === 'aged_out' ? await cadrePostsOf(trx, ids) : new Map<number, string[]>();
  const today = chinaToday();
  const refused: RefusedMember[] = [];
  for (const member of members) {
    let reason: string | null = null;
    if (member.membership_status === toStatus) reason = `团籍状态已是“${statusLabels[toStatus]}”`;
    else if (pending.has(member.id)) reason = pendingMessage;
    else if (transfers.has(member.id)) reason = '正在办理组织关系转接，转接结束前不能变更团籍';
    else if (toStatus === 'aged_out') reason = ageOutProblem(member, posts.get(member.id), today);
    if (reason) refused.push({ memberId: member.id, fullName: member.full_name, reason });
  }
  return refused;
}

/**
 * Asks for a status change of one or many members (all or nothing). Every member must be visible to the actor
 * and in an open branch; a refused member refuses the whole batch with every reason.
 */
export async function requestStatusChanges(
  { db }: RequestDeps,
  actor: Actor,
  input: { memberIds: number[]; toStatus: MembershipStatus; reason: string },
): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    const members = await findMembersByIds(trx, input.memberIds);
    const byId = new Map(members.map((m) => [m.id, m]));
    for (const id of input.memberIds) {
      const member = byId.get(id);
      if (!member || !actorSees(actor, member.org_path)) throw notFound('团员');
    }
    for (const orgId of new Set(members.map((m) => m.org_id))) await loadWritableOrg(trx, actor, orgId);
    const ordered = input.memberIds.map((id) => byId.get(id)!);
    const refused = await statusRefusals(trx, ordered, input.toStatus);
    if (refused.length > 0) throw ruleViolation(refusalMessage(refused, '申请'), { refused });
    const at = nowIso();
    const ids = await guardedInsert(
      insertRequests(
        trx,
        ordered.map((member) => ({
          member_id: member.id,
          org_id: member.org_id,
          kind: 'status' as const,
          to_status: input.toStatus,
          new_name: null,
          new_id_cipher: null,
          new_id_index: null,
          new_id_masked: null,
          reason: input.reason,
          status: 'pending' as const,
          requested_by: actor.userId,
          requested_at: at,
          decided_by: null,
          decided_at: null,
          decision_note: null,
        })),
      ),
      pendingMessage,
    );
    for (const [i, member] of ordered.entries()) {
      const details = { requestId: ids[i], from: member.membership_status, to: input.toStatus };
      await recordMemberEvent(trx, actor, {
        memberId: member.id,
        kind: 'status_requested',
        orgId: member.org_id,
        details,
      });
      await recordAudit(trx, actor, {
        action: 'member.status_request',
        objectType: 'member_request',
        objectId: ids[i],
        orgId: member.org_id,
        details: { memberId: member.id, ...details },
      });
    }
    return ids;
  });
}

export async function requestStatusChange(deps: RequestDeps, actor: Actor, memberId: number, body: StatusRequestBody) {
  const [id] = await requestStatusChanges(deps, actor, { memberIds: [memberId], ...body });
  return getRequest(deps.db, actor, id);
}

/**
 * Asks to correct a member's name or ID number. A new ID number is checked (GB 11643), kept only protected, and
 * refused when another member holds it; the join-age rule is checked against its birth date.
 */
export async function requestCorrection(
  { db, keyring }: RequestDeps,
  actor: Actor,
  memberId: number,
  body: CorrectionBody,
) {
  const facts = body.idNumber === undefined ? null : checkIdNumber(body.idNumber);
  const id = await db.transaction().execute(async (trx) => {
    const member = await loadVisibleMember(trx, actor, memberId);
    await loadWritableOrg(trx, actor, member.org_id);
    if ((await pendingRequestsOf(trx, [member.id])).size > 0) {
      throw ruleViolation('该团员已有待审批的申请，请等待审批结果或撤回后再申请更正');
    }
    const newName = body.fullName !== undefined && body.fullName !== member.full_name ? body.fullName : null;
    let newId: ReturnType<typeof protectIdNumber> | null = null;
    if (facts) {
      const protectedId = protectIdNumber(keyring, facts.idNumber);
      if (protectedId.index !== member.id_index) newId = protectedId;
    }
    if (newName === null && newId === null)
      throw ruleViolation('没有需要更正的内容：填写的姓名和身份证号与现有登记相同');
    if (newId && facts) {
      const holder = await findMemberByIdIndex(trx, newId.index);
      if (holder) {
        const where = actorSees(actor, holder.org_path)
          ? `“${holder.org_name}”的团员${holder.full_name}`
          : `“${holder.org_name}”`;
        throw new AppError(
          'duplicate_person',
          409,
          `该身份证号已由${where}登记，不能更正为此号码；如确属同一人，请与该组织联系办理转接`,
          { holderOrgName: holder.org_name },
        );
      }
      if (await pendingCorrectionWithId(trx, newId.index)) {
        throw ruleViolation('另一名团员的更正申请正在使用该身份证号，请待其审批后再申请');
      }
      const problem = joinAgeProblem(facts.birthDate, member.joined_on);
      if (problem) throw ruleViolation(`按更正后的身份证号，${problem}`, { field: 'idNumber' });
      if (
        needsGuardianConsent(facts.birthDate, chinaToday()) &&
        !(await findGuardianConsent(trx, 'member', member.id))
      ) {
        throw ruleViolation('按更正后的身份证号未满 14 周岁，须先登记监护人同意书', { field: 'idNumber' });
      }
    }
    const [requestId] = await guardedInsert(
      insertRequests(trx, [
        {
          member_id: member.id,
          org_id: member.org_id,
          kind: 'correction',
          to_status: null,
          new_name: newName,
          new_id_cipher: newId?.cipher ?? null,
          new_id_index: newId?.index ?? null,
          new_id_masked: newId?.masked ?? null,
          reason: body.reason,
          status: 'pending',
          requested_by: actor.userId,
          requested_at: nowIso(),
          decided_by: null,
          decided_at: null,
          decision_note: null,
        },
      ]),
      pendingMessage,
    );
    const fields = [...(newName ? ['fullName'] : []), ...(newId ? ['idNumber'] : [])];
    await recordMemberEvent(trx, actor, {
      memberId: member.id,
      kind: 'correction_requested',
      orgId: member.org_id,
      details: { requestId, fields, ...(newId ? { newIdMasked: newId.masked } : {}) },
    });
    await recordAudit(trx, actor, {
      action: 'member.correction_request',
      objectType: 'member_request',
      objectId: requestId,
      orgId: member.org_id,
      details: { memberId: member.id, fields },
    });
    return requestId;
  });
  return getRequest(db, actor, id);
}

export async function getRequest(db: Executor, actor: Actor, id: number): Promise<MemberRequestItem> {
  return presentRequest(actor, await loadVisibleRequest(db, actor, id));
}

async function loadPending(trx: Executor, actor: Actor, id: number): Promise<RequestRow> {
  const row = await loadVisibleRequest(trx, actor, id);
  if (row.status !== 'pending') throw conflict(`该申请${requestStatusLabels[row.status]}，不能再处理`);
  return row;
}

async function closeRequest(
  trx: Executor,
  actor: Actor,
  row: RequestRow,
  status: 'approved' | 'rejected' | 'withdrawn',
  note: string | null,
) {
  const at = nowIso();
  const decided = await decideRequest(trx, row.id, {
    status,
    decided_by: actor.userId,
    decided_at: at,
    decision_note: note,
  });
  if (!decided) throw conflict('该申请刚刚已被处理，请刷新后查看');
}

const unappliedTrace = {
  rejected: { event: 'request_rejected', action: 'member.request_reject' },
  withdrawn: { event: 'request_withdrawn', action: 'member.request_withdraw' },
} as const;

/** Closes a request that changes nothing; the member's history and the audit log both say who closed it. */
async function closeUnapplied(
  trx: Executor,
  actor: Actor,
  row: RequestRow,
  status: keyof typeof unappliedTrace,
  note: string | null,
) {
  await closeRequest(trx, actor, row, status, note);
  await recordMemberEvent(trx, actor, {
    memberId: row.member_id,
    kind: unappliedTrace[status].event,
    orgId: row.org_id,
    details: { requestId: row.id, request: row.kind },
  });
  await recordAudit(trx, actor, {
    action: unappliedTrace[status].action,
    objectType: 'member_request',
    objectId: row.id,
    orgId: row.org_id,
    details: { memberId: row.member_id, kind: row.kind },
  });
}

/** Approves a pending request: applies the status or the correction, in the same transaction. */
export async function approveRequest({ db, keyring }: RequestDeps, actor: Actor, id: number, note: string | null) {
  await db.transaction().execute(async (trx) => {
    const row = await loadPending(trx, actor, id);
    assertMayDecideFor(actor, { path: row.org_path, name: row.org_name });
    await closeRequest(trx, actor, row, 'approved', note);
    const member = (await findMember(trx, row.member_id))!;
    if (row.kind === 'status') {
      const to = row.to_status!;
      if (to === 'aged_out') {
        const problem = ageOutProblem(member, (await cadrePostsOf(trx, [member.id])).get(member.id), chinaToday());
        if (problem) throw ruleViolation(problem);
      }
      await updateMember(trx, member.id, { membership_status: to, updated_at: nowIso() });
      await refreshMemberCounts(trx, [member.org_id]);
      const details = { requestId: row.id, from: member.membership_status, to };
      await recordMemberEvent(trx, actor, {
        memberId: member.id,
        kind: 'status_changed',
        orgId: member.org_id,
        details,
      });
      await recordAudit(trx, actor, {
        action: 'member.status_change',
        objectType: 'member',
        objectId: member.id,
        orgId: member.org_id,
        details,
      });
    } else {
      await applyCorrection(trx, keyring, actor, row, member);
    }
  });
  return getRequest(db, actor, id);
}

export async function rejectRequest({ db }: RequestDeps, actor: Actor, id: number, note: string) {
  await db.transaction().execute(async (trx) => {
    const row = await loadPending(trx, actor, id);
    assertMayDecideFor(actor, { path: row.org_path, name: row.org_name });
    await closeUnapplied(trx, actor, row, 'rejected', note);
  });
  return getRequest(db, actor, id);
}

/** The requester takes a pending request back. */
export async function withdrawRequest({ db }: RequestDeps, actor: Actor, id: number) {
  await db.transaction().execute(async (trx) => {
    const row = await loadPending(trx, actor, id);
    if (row.requested_by !== actor.userId) throw forbidden('只有提出申请的人可以撤回');
    await closeUnapplied(trx, actor, row, 'withdrawn', null);
  });
  return getRequest(db, actor, id);
}

export async function listRequestsInScope(db: Db, actor: Actor, input: MemberRequestListQuery) {
  const scope = await resolveLedgerScope(db, actor, { orgId: input.orgId, scope: input.scope });
  const { rows, total } = await listRequests(db, {
    scope,
    actor,
    kind: input.kind,
    status: input.status,
    awaiting: input.awaiting,
    namePrefix: input.q?.trim() || undefined,
    ...pageWindow(input),
  });
  return { items: rows.map((row) => presentRequest(actor, row)), total };
}
