import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor, OrgHistoryTable, OrgMovesTable, OrgsTable } from '../../db/schema.js';
import { subtreeRange } from '../../db/tree.js';

export type OrgRow = Omit<OrgsTable, 'id'> & { id: number };
export type OrgCountsRow = { children: number; descendants: number; members: number };

export function findOrg(db: Executor, id: number): Promise<OrgRow | undefined> {
  return db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findOrgsByIds(db: Executor, ids: number[]): Promise<Pick<OrgRow, 'id' | 'name'>[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('orgs').select(['id', 'name']).where('id', 'in', ids).execute();
}

export function findRootOrgs(db: Executor): Promise<OrgRow[]> {
  return db.selectFrom('orgs').selectAll().where('parent_id', 'is', null).orderBy('id').execute();
}

export function findChildren(
  db: Executor,
  parentId: number,
  options: { includeDissolved: boolean; offset: number; limit: number },
): Promise<OrgRow[]> {
  let query = db.selectFrom('orgs').selectAll().where('parent_id', '=', parentId);
  if (!options.includeDissolved) query = query.where('status', '=', 'active');
  return query.orderBy('stat_code').orderBy('id').offset(options.offset).limit(options.limit).execute();
}

export async function countChildren(db: Executor, parentId: number, includeDissolved: boolean): Promise<number> {
  let query = db
    .selectFrom('orgs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('parent_id', '=', parentId);
  if (!includeDissolved) query = query.where('status', '=', 'active');
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/**
 * Counts for a set of orgs in three grouped queries: active direct children, active descendants (a range
 * count on the path index per org) and members registered directly in the org.
 */
export async function countsFor(db: Executor, orgs: Pick<OrgRow, 'id' | 'path'>[]): Promise<Map<number, OrgCountsRow>> {
  const result = new Map<number, OrgCountsRow>(orgs.map((o) => [o.id, { children: 0, descendants: 0, members: 0 }]));
  if (orgs.length === 0) return result;
  const ids = orgs.map((o) => o.id);
  const children = await db
    .selectFrom('orgs')
    .select(['parent_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('parent_id', 'in', ids)
    .where('status', '=', 'active')
    .groupBy('parent_id')
    .execute();
  for (const row of children) result.get(row.parent_id!)!.children = Number(row.n);
  const members = await db
    .selectFrom('members')
    .select(['org_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('org_id', 'in', ids)
    .groupBy('org_id')
    .execute();
  for (const row of members) result.get(row.org_id)!.members = Number(row.n);
  // One statement of constant-bound range counts, one per org: each branch is an index range scan on both
  // databases, with no join for a planner to get wrong, and a single round trip however many orgs are listed.
  const [first, ...rest] = orgs.map((org) => {
    const [lower, upper] = subtreeRange(org.path);
    return db
      .selectFrom('orgs')
      .select([sql<number>`cast(${org.id} as integer)`.as('id'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('path', '>', lower)
      .where('path', '<', upper)
      .where('status', '=', 'active');
  });
  const descendants = await rest.reduce((query, next) => query.unionAll(next), first).execute();
  for (const row of descendants) result.get(Number(row.id))!.descendants = Number(row.n);
  return result;
}

/** Orgs whose name contains the text, or whose region / statistical code starts with it, inside a subtree. */
export function searchOrgs(
  db: Executor,
  input: { q: string; scopePath: string | null; limit: number },
): Promise<OrgRow[]> {
  let query = db.selectFrom('orgs').selectAll().where('status', '=', 'active');
  if (input.scopePath) {
    const [lower, upper] = subtreeRange(input.scopePath);
    query = query.where('path', '>=', lower).where('path', '<', upper);
  }
  if (/^\d{2,12}$/.test(input.q)) {
    const prefix = input.q;
    query = query.where((eb) =>
      eb.or([eb('stat_code', 'like', `${prefix}%`), eb('region_code', 'like', `${prefix}%`)]),
    );
  } else {
    const escaped = input.q.replace(/[\\%_]/g, (c) => `\\${c}`);
    query = query.where(sql<boolean>`name like ${`%${escaped}%`} escape '\\'`);
  }
  // Higher levels first: a search for "西安" should offer the city before its 3,000 villages.
  return query.orderBy('depth').orderBy('id').limit(input.limit).execute();
}

export type NewOrg = Omit<OrgsTable, 'id' | 'path' | 'depth'>;

/**
 * Inserts orgs whose parents already exist, then derives path and depth from each parent in one statement.
 * Each row needs a unique temporary path until then; the import key or a random token serves.
 */
export async function insertOrgs(db: Executor, rows: NewOrg[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto('orgs')
    .values(rows.map((row) => ({ ...row, path: `~${row.import_key ?? randomUUID()}`, depth: 0 })))
    .returning('id')
    .execute();
  const ids = inserted.map((r) => r.id);
  await db
    .updateTable('orgs')
    .set({
      path: sql`coalesce((select p.path from orgs p where p.id = orgs.parent_id), '/') || cast(orgs.id as varchar(20)) || '/'`,
      depth: sql`coalesce((select p.depth + 1 from orgs p where p.id = orgs.parent_id), 0)`,
    })
    .where('id', 'in', ids)
    .execute();
  return ids;
}

export async function updateOrg(db: Executor, id: number, values: Partial<Omit<OrgsTable, 'id'>>): Promise<void> {
  await db.updateTable('orgs').set(values).where('id', '=', id).execute();
}

/** Re-roots a whole subtree in one statement per column: paths and depths of every descendant follow. */
export async function moveSubtree(
  db: Executor,
  org: Pick<OrgRow, 'id' | 'path' | 'depth'>,
  newParent: Pick<OrgRow, 'id' | 'path' | 'depth'>,
  at: string,
): Promise<void> {
  const [lower, upper] = subtreeRange(org.path);
  const newPath = `${newParent.path}${org.id}/`;
  const depthDelta = newParent.depth + 1 - org.depth;
  await db
    .updateTable('orgs')
    .set({
      path: sql`cast(${newPath} as varchar(400)) || substr(path, ${org.path.length + 1})`,
      depth: sql`depth + ${depthDelta}`,
    })
    .where('path', '>=', lower)
    .where('path', '<', upper)
    .execute();
  await db.updateTable('orgs').set({ parent_id: newParent.id, updated_at: at }).where('id', '=', org.id).execute();
}

export async function insertHistory(db: Executor, entry: Omit<OrgHistoryTable, 'id'>): Promise<void> {
  await db.insertInto('org_history').values(entry).execute();
}

export function listHistory(db: Executor, orgId: number) {
  return db
    .selectFrom('org_history')
    .leftJoin('users', 'users.id', 'org_history.actor_id')
    .select([
      'org_history.id',
      'org_history.at',
      'org_history.action',
      'org_history.changes',
      'users.display_name as actor_name',
    ])
    .where('org_history.org_id', '=', orgId)
    .orderBy('org_history.id', 'desc')
    .limit(500)
    .execute();
}

export type MoveRow = Omit<OrgMovesTable, 'id'> & { id: number };

export function findMove(db: Executor, id: number): Promise<MoveRow | undefined> {
  return db.selectFrom('org_moves').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findPendingMoveOfOrg(db: Executor, orgId: number): Promise<MoveRow | undefined> {
  return db
    .selectFrom('org_moves')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('status', 'in', ['pending_old', 'pending_new'])
    .executeTakeFirst();
}

export async function insertMove(db: Executor, values: Omit<OrgMovesTable, 'id'>): Promise<number> {
  const { id } = await db.insertInto('org_moves').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateMove(db: Executor, id: number, values: Partial<Omit<OrgMovesTable, 'id'>>): Promise<void> {
  await db.updateTable('org_moves').set(values).where('id', '=', id).execute();
}

/** Moves touching a subtree (the moving org, its old or its new parent inside it), newest first. */
export function listMoves(db: Executor, input: { scopePath: string | null; pendingOnly: boolean }) {
  let query = db
    .selectFrom('org_moves as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .innerJoin('orgs as f', 'f.id', 'm.from_parent_id')
    .innerJoin('orgs as t', 't.id', 'm.to_parent_id')
    .innerJoin('users as u', 'u.id', 'm.requested_by')
    .selectAll('m')
    .select([
      'o.name as org_name',
      'o.path as org_path',
      'f.name as from_name',
      'f.path as from_path',
      't.name as to_name',
      't.path as to_path',
      'u.display_name as requester_name',
    ]);
  if (input.pendingOnly) query = query.where('m.status', 'in', ['pending_old', 'pending_new']);
  if (input.scopePath) {
    const [lower, upper] = subtreeRange(input.scopePath);
    query = query.where((eb) =>
      eb.or([
        eb.and([eb('o.path', '>=', lower), eb('o.path', '<', upper)]),
        eb.and([eb('f.path', '>=', lower), eb('f.path', '<', upper)]),
        eb.and([eb('t.path', '>=', lower), eb('t.path', '<', upper)]),
      ]),
    );
  }
  return query.orderBy('m.id', 'desc').limit(200).execute();
}
