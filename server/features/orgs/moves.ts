import type { MoveItem } from '../../../common/orgs.js';
import type { Db, Executor } from '../../db/schema.js';
import { isInSubtree, nowIso, parentPath } from '../../db/tree.js';
import { actorCan, actorSees, type Actor } from '../../http/actor.js';
import { AppError, notFound } from '../../http/errors.js';
import { canDecideMove, canHaveChildren, isStrictlyInside, levelFitsParent } from './policy.js';
import { refreshSubtree } from '../campaigns/engine.js';
import { moveMemberRollups } from '../members/counts.js';
import {
  findMove,
  findOrg,
  findPendingMoveOfOrg,
  insertMove,
  listMoves,
  moveSubtree,
  updateMove,
  type OrgRow,
} from './repo.js';
import { loadVisibleOrg, recordOrgChange } from './service.js';

// Moving an org: requested by an admin whose subtree holds both the org and its new parent, approved first by
// an admin of the old parent, then by an admin of the new parent; only then does the subtree move.

const invalidMove = (message: string) => new AppError('invalid_move', 400, message);

function assertValidTarget(org: OrgRow, target: OrgRow): void {
  if (target.status !== 'active') throw invalidMove(`“${target.name}”已撤销，不能作为新的上级组织`);
  if (target.id === org.parent_id) throw invalidMove('新的上级组织与当前上级相同');
  if (isInSubtree(target.path, org.path)) throw invalidMove('不能把组织调整到它自己或它的下级组织之下');
  if (!canHaveChildren(target.type)) throw invalidMove('团支部、联合团支部下不能再设下级组织');
  if (!levelFitsParent(org.level, target.level)) throw invalidMove('不能把组织调整到层级更低的组织之下');
}

export async function requestMove(db: Db, actor: Actor, input: { id: number; toParentId: number; reason: string }) {
  return db.transaction().execute(async (trx) => {
    const org = await loadVisibleOrg(trx, actor, input.id);
    if (org.status !== 'active' || org.parent_id === null || !isStrictlyInside(actor, org)) {
      throw invalidMove('只能调整本级以下、正常状态的组织');
    }
    const target = await loadVisibleOrg(trx, actor, input.toParentId);
    assertValidTarget(org, target);
    if (await findPendingMoveOfOrg(trx, org.id)) {
      throw new AppError('move_pending', 409, '该组织已有待审批的隶属关系调整');
    }
    const at = nowIso();
    const moveId = await insertMove(trx, {
      org_id: org.id,
      from_parent_id: org.parent_id,
      to_parent_id: target.id,
      status: 'pending_old',
      reason: input.reason,
      reject_reason: null,
      requested_by: actor.userId,
      requested_at: at,
      old_decided_by: null,
      old_decided_at: null,
      new_decided_by: null,
      new_decided_at: null,
    });
    await recordOrgChange(
      trx,
      actor,
      org,
      'move_requested',
      {
        moveId,
        from: (await findOrg(trx, org.parent_id))?.name ?? null,
        to: target.name,
        fromParentId: org.parent_id,
        toParentId: target.id,
        reason: input.reason,
      },
      at,
    );
    return { id: moveId };
  });
}

type LoadedMove = { move: NonNullable<Awaited<ReturnType<typeof findMove>>>; org: OrgRow; from: OrgRow; to: OrgRow };

async function loadVisibleMove(trx: Executor, actor: Actor, id: number): Promise<LoadedMove> {
  const move = await findMove(trx, id);
  if (!move) throw notFound('调整申请');
  const [org, from, to] = await Promise.all([
    findOrg(trx, move.org_id),
    findOrg(trx, move.from_parent_id),
    findOrg(trx, move.to_parent_id),
  ]);
  if (!org || !from || !to || ![org, from, to].some((o) => actorSees(actor, o.path))) throw notFound('调整申请');
  return { move, org, from, to };
}

/** The parent whose admins decide the move's current step. */
function decidingParent({ move, from, to }: LoadedMove): OrgRow | null {
  if (move.status === 'pending_old') return from;
  if (move.status === 'pending_new') return to;
  return null;
}

function assertCanDecide(actor: Actor, loaded: LoadedMove): OrgRow {
  const parent = decidingParent(loaded);
  if (!parent) throw new AppError('conflict', 409, '该申请已办结');
  if (!canDecideMove(actor, loaded.move.requested_by, parent.path)) {
    throw new AppError('forbidden', 403, `需由“${parent.name}”的管理员审批，且申请人不能审批自己的申请`);
  }
  return parent;
}

export async function approveMove(db: Db, actor: Actor, id: number) {
  return db.transaction().execute(async (trx) => {
    const loaded = await loadVisibleMove(trx, actor, id);
    assertCanDecide(actor, loaded);
    const { move, org, to } = loaded;
    const at = nowIso();
    if (move.status === 'pending_old') {
      await updateMove(trx, move.id, { status: 'pending_new', old_decided_by: actor.userId, old_decided_at: at });
      await recordOrgChange(trx, actor, org, 'move_approved_old', { moveId: move.id }, at);
      return { status: 'pending_new' as const };
    }
    // The tree may have changed since the request: check again before moving anything.
    assertValidTarget(org, to);
    await moveMemberRollups(trx, { orgId: org.id, oldParentPath: parentPath(org.path) ?? '', newParentPath: to.path });
    await moveSubtree(trx, org, to, at);
    // The moved orgs leave their old ancestors' roll-ups and join their new ones.
    await refreshSubtree(trx, (await findOrg(trx, org.id))!.path);
    await updateMove(trx, move.id, { status: 'done', new_decided_by: actor.userId, new_decided_at: at });
    await recordOrgChange(
      trx,
      actor,
      org,
      'move_approved_new',
      {
        moveId: move.id,
        parent: { from: loaded.from.name, to: to.name },
        parentId: { from: move.from_parent_id, to: to.id },
      },
      at,
    );
    return { status: 'done' as const };
  });
}

export async function rejectMove(db: Db, actor: Actor, id: number, reason: string) {
  return db.transaction().execute(async (trx) => {
    const loaded = await loadVisibleMove(trx, actor, id);
    assertCanDecide(actor, loaded);
    const at = nowIso();
    const decided =
      loaded.move.status === 'pending_old'
        ? { old_decided_by: actor.userId, old_decided_at: at }
        : { new_decided_by: actor.userId, new_decided_at: at };
    await updateMove(trx, id, { status: 'rejected', reject_reason: reason, ...decided });
    await recordOrgChange(trx, actor, loaded.org, 'move_rejected', { moveId: id, reason }, at);
    return { status: 'rejected' as const };
  });
}

export async function cancelMove(db: Db, actor: Actor, id: number) {
  return db.transaction().execute(async (trx) => {
    const loaded = await loadVisibleMove(trx, actor, id);
    if (!decidingParent(loaded)) throw new AppError('conflict', 409, '该申请已办结');
    if (loaded.move.requested_by !== actor.userId) throw new AppError('forbidden', 403, '只有申请人可以撤回申请');
    await updateMove(trx, id, { status: 'cancelled' });
    await recordOrgChange(trx, actor, loaded.org, 'move_cancelled', { moveId: id });
    return { status: 'cancelled' as const };
  });
}

export async function listMoveRequests(db: Db, actor: Actor, pendingOnly: boolean): Promise<{ items: MoveItem[] }> {
  const rows = await listMoves(db, { scopePath: actor.scopePath, pendingOnly });
  return {
    items: rows.map((r) => {
      const pending = r.status === 'pending_old' || r.status === 'pending_new';
      const parentPath = r.status === 'pending_old' ? r.from_path : r.to_path;
      return {
        id: r.id,
        orgId: r.org_id,
        orgName: r.org_name,
        fromParentId: r.from_parent_id,
        fromParentName: r.from_name,
        toParentId: r.to_parent_id,
        toParentName: r.to_name,
        status: r.status,
        reason: r.reason,
        rejectReason: r.reject_reason,
        requestedBy: r.requester_name,
        requestedAt: r.requested_at,
        canDecide: pending && canDecideMove(actor, r.requested_by, parentPath),
        canCancel: pending && r.requested_by === actor.userId && actorCan(actor, 'org.move'),
      };
    }),
  };
}
