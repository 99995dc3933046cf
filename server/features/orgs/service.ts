import type { CreateOrgBody, UpdateOrgBody } from '../../../common/orgs.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso, pathIds } from '../../db/tree.js';
import { assertSees, type Actor } from '../../http/actor.js';
import { AppError, conflict, invalid } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { refreshOrgMetrics } from '../campaigns/engine.js';
import { recheckChannelNaming } from '../channels/naming-sync.js';
import { canHaveChildren, isStrictlyInside, levelFitsParent, orgAbilities } from './policy.js';
import {
  countChildren,
  countsFor,
  findChildren,
  findOrg,
  findOrgsByIds,
  findPendingMoveOfOrg,
  findRootOrgs,
  insertHistory,
  insertOrgs,
  listHistory,
  searchOrgs,
  updateOrg,
  type OrgRow,
} from './repo.js';
import type { OrgHistoryAction } from '../../../common/domain.js';

export function presentOrg(row: OrgRow) {
  return {
    id: row.id,
    parentId: row.parent_id,
    name: row.name,
    shortName: row.short_name,
    type: row.type,
    level: row.level,
    isDirect: row.is_direct === 1,
    regionCode: row.region_code,
    statCode: row.stat_code,
    status: row.status,
    depth: row.depth,
  };
}

/** Loads an org the actor may see; anything else is "not found", whether it exists or not. */
export async function loadVisibleOrg(db: Executor, actor: Actor, id: number): Promise<OrgRow> {
  const org = await findOrg(db, id);
  assertSees(actor, org?.path, '组织');
  return org;
}

/** Names of the ancestors the actor may see, top-down, the org itself excluded. */
async function visibleAncestors(db: Executor, actor: Actor, paths: string[]) {
  const ids = [...new Set(paths.flatMap((p) => pathIds(p).slice(0, -1)))];
  const rows = await findOrgsByIds(db, ids);
  const byId = new Map(rows.map((r) => [r.id, r.name]));
  const scopeDepth = actor.scopePath ? pathIds(actor.scopePath).length - 1 : 0;
  return (path: string) =>
    pathIds(path)
      .slice(scopeDepth, -1)
      .map((id) => ({ id, name: byId.get(id) ?? '' }));
}

export async function getOrgDetail(db: Db, actor: Actor, id: number) {
  const org = await loadVisibleOrg(db, actor, id);
  const counts = (await countsFor(db, [org])).get(org.id)!;
  const ancestors = (await visibleAncestors(db, actor, [org.path]))(org.path);
  const move = await findPendingMoveOfOrg(db, org.id);
  const target = move ? await findOrg(db, move.to_parent_id) : undefined;
  return {
    ...presentOrg(org),
    phone: org.phone,
    email: org.email,
    industry: org.industry,
    createdAt: org.created_at,
    updatedAt: org.updated_at,
    dissolvedAt: org.dissolved_at,
    counts,
    ancestors,
    abilities: orgAbilities(actor, org, move !== undefined),
    pendingMove:
      move && target ? { id: move.id, toParentId: target.id, toParentName: target.name, status: move.status } : null,
  };
}

async function withCounts(db: Executor, rows: OrgRow[]) {
  const counts = await countsFor(db, rows);
  return rows.map((row) => ({ ...presentOrg(row), counts: counts.get(row.id)! }));
}

export async function listRoots(db: Db, actor: Actor) {
  if (actor.orgId === null) return { items: await withCounts(db, await findRootOrgs(db)) };
  return { items: await withCounts(db, [await loadVisibleOrg(db, actor, actor.orgId)]) };
}

export async function listChildren(
  db: Db,
  actor: Actor,
  input: { id: number; includeDissolved: boolean; offset: number; limit: number },
) {
  const parent = await loadVisibleOrg(db, actor, input.id);
  const rows = await findChildren(db, parent.id, input);
  return {
    items: await withCounts(db, rows),
    total: await countChildren(db, parent.id, input.includeDissolved),
  };
}

export async function search(db: Db, actor: Actor, input: { q: string; limit: number }) {
  const rows = await searchOrgs(db, { q: input.q, scopePath: actor.scopePath, limit: input.limit });
  const ancestorsOf = await visibleAncestors(
    db,
    actor,
    rows.map((r) => r.path),
  );
  return {
    items: rows.map((row) => ({
      ...presentOrg(row),
      pathNames: [...ancestorsOf(row.path).map((a) => a.name), row.name],
    })),
  };
}

export async function getHistory(db: Db, actor: Actor, id: number) {
  await loadVisibleOrg(db, actor, id);
  const rows = await listHistory(db, id);
  return {
    items: rows.map((r) => ({
      id: r.id,
      at: r.at,
      action: r.action,
      actorName: r.actor_name,
      changes: JSON.parse(r.changes) as Record<string, unknown>,
    })),
  };
}

/** One history row and one audit row for every change to an org, inside the change's transaction. */
export async function recordOrgChange(
  trx: Executor,
  actor: Actor,
  org: Pick<OrgRow, 'id'>,
  action: OrgHistoryAction,
  changes: Record<string, unknown>,
  at = nowIso(),
): Promise<void> {
  await insertHistory(trx, { org_id: org.id, at, actor_id: actor.userId, action, changes: JSON.stringify(changes) });
  await recordAudit(trx, actor, {
    action: `org.${action}`,
    objectType: 'org',
    objectId: org.id,
    orgId: org.id,
    details: changes,
  });
}

async function assertNameFree(db: Executor, parentId: number, name: string, exceptId?: number): Promise<void> {
  let query = db
    .selectFrom('orgs')
    .select('id')
    .where('parent_id', '=', parentId)
    .where('name', '=', name)
    .where('status', '=', 'active');
  if (exceptId) query = query.where('id', '!=', exceptId);
  if (await query.executeTakeFirst()) throw conflict(`同一上级下已有名为“${name}”的组织`);
}

function assertActive(org: OrgRow): void {
  if (org.status !== 'active') throw new AppError('org_dissolved', 409, `“${org.name}”已撤销，不能再修改`);
}

export async function createOrg(db: Db, actor: Actor, body: CreateOrgBody) {
  return db.transaction().execute(async (trx) => {
    const parent = body.parentId === null ? null : await loadVisibleOrg(trx, actor, body.parentId);
    if (parent) {
      assertActive(parent);
      if (!canHaveChildren(parent.type)) throw invalid('团支部、联合团支部下不能再设下级组织', { field: 'parentId' });
      if (!levelFitsParent(body.level, parent.level))
        throw invalid('下级组织的层级不能高于上级组织', { field: 'level' });
      await assertNameFree(trx, parent.id, body.name);
    } else if (actor.scopePath !== null) {
      throw new AppError('forbidden', 403, '只有系统管理员可以新建顶层组织');
    }
    const at = nowIso();
    const values = {
      parent_id: parent?.id ?? null,
      name: body.name,
      short_name: body.shortName ?? null,
      type: body.type,
      level: body.level,
      is_direct: body.isDirect ? 1 : 0,
      region_code: body.regionCode ?? null,
      stat_code: body.statCode ?? null,
      import_key: null,
      status: 'active' as const,
      phone: body.phone ?? null,
      email: body.email ?? null,
      industry: body.industry ?? null,
      created_at: at,
      updated_at: at,
      dissolved_at: null,
    };
    const [id] = await insertOrgs(trx, [values]);
    await recordOrgChange(
      trx,
      actor,
      { id },
      'create',
      {
        name: body.name,
        type: body.type,
        level: body.level,
        parent: parent?.name ?? null,
        parentId: parent?.id ?? null,
      },
      at,
    );
    // A new township starts at zero on every campaign that covers it.
    await refreshOrgMetrics(trx, [id]);
    return (await findOrg(trx, id))!;
  });
}

const editableColumns = {
  name: 'name',
  shortName: 'short_name',
  type: 'type',
  level: 'level',
  isDirect: 'is_direct',
  regionCode: 'region_code',
  statCode: 'stat_code',
  phone: 'phone',
  email: 'email',
  industry: 'industry',
} as const;

export async function updateOrgDetails(db: Db, actor: Actor, id: number, body: UpdateOrgBody) {
  return db.transaction().execute(async (trx) => {
    const org = await loadVisibleOrg(trx, actor, id);
    assertActive(org);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const values: Partial<OrgRow> = {};
    for (const [field, column] of Object.entries(editableColumns) as [keyof UpdateOrgBody, keyof typeof values][]) {
      if (body[field] === undefined) continue;
      const next = field === 'isDirect' ? (body.isDirect ? 1 : 0) : (body[field] ?? null);
      if (next === org[column]) continue;
      changes[field] = { from: org[column], to: next };
      (values as Record<string, unknown>)[column] = next;
    }
    if (Object.keys(changes).length === 0) return org;
    const statCode = values.stat_code === undefined ? org.stat_code : values.stat_code;
    const regionCode = values.region_code === undefined ? org.region_code : values.region_code;
    if (statCode && regionCode && !statCode.startsWith(regionCode)) {
      throw invalid('统计用区划代码的前 6 位应与行政区划代码一致', { field: 'statCode' });
    }
    if (org.parent_id !== null) {
      const parent = (await findOrg(trx, org.parent_id))!;
      if (values.level && !levelFitsParent(values.level, parent.level)) {
        throw invalid('组织的层级不能高于上级组织', { field: 'level' });
      }
      if (values.name) await assertNameFree(trx, parent.id, values.name, org.id);
    }
    if (values.level) {
      const children = await findChildren(trx, org.id, { includeDissolved: false, offset: 0, limit: 100000 });
      if (children.some((child) => !levelFitsParent(child.level, values.level!))) {
        throw invalid('该组织的下级组织层级高于新层级，不能这样修改', { field: 'level' });
      }
    }
    if (values.type && !canHaveChildren(values.type) && (await countChildren(trx, org.id, false)) > 0) {
      throw invalid('该组织还有下级组织，不能改为团支部', { field: 'type' });
    }
    const at = nowIso();
    await updateOrg(trx, org.id, { ...values, updated_at: at });
    await recordOrgChange(trx, actor, org, 'update', changes, at);
    // Level and type decide which indicators apply to the org.
    if (values.level || values.type) await refreshOrgMetrics(trx, [org.id]);
    // 青农 + place follows the org's name and level.
    if (values.name || 'short_name' in values || values.level || 'is_direct' in values) {
      await recheckChannelNaming(trx, org.id);
    }
    return (await findOrg(trx, org.id))!;
  });
}

export async function dissolveOrg(db: Db, actor: Actor, id: number, reason: string) {
  return db.transaction().execute(async (trx) => {
    const org = await loadVisibleOrg(trx, actor, id);
    assertActive(org);
    if (!isStrictlyInside(actor, org)) throw new AppError('forbidden', 403, '不能撤销本级组织，请由上级组织办理');
    const counts = (await countsFor(trx, [org])).get(org.id)!;
    if (counts.children > 0 || counts.members > 0) {
      throw new AppError(
        'org_not_empty',
        409,
        `“${org.name}”还有 ${counts.children} 个下级组织、${counts.members} 名团员，请先转出或撤销后再撤销本组织`,
        counts,
      );
    }
    const pending = await findPendingMoveOfOrg(trx, org.id);
    if (pending) throw new AppError('move_pending', 409, '该组织有待审批的隶属关系调整，请先撤回申请');
    const at = nowIso();
    await updateOrg(trx, org.id, { status: 'dissolved', dissolved_at: at, updated_at: at });
    await recordOrgChange(trx, actor, org, 'dissolve', { reason }, at);
    await refreshOrgMetrics(trx, [org.id]);
    return (await findOrg(trx, org.id))!;
  });
}
