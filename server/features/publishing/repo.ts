import type { Selectable } from 'kysely';
import type { BulletinStatus } from '../../../common/domain.js';
import type { BulletinTargetsTable, BulletinsTable, Executor } from '../../db/schema.js';
import { subtreeRange } from '../../db/tree.js';

export type BulletinRow = Selectable<BulletinsTable> & { org_name: string; org_path: string };
export type TargetRow = Selectable<BulletinTargetsTable> & { channel_name: string | null };

export function findBulletin(db: Executor, id: number): Promise<BulletinRow | undefined> {
  return db
    .selectFrom('bulletins as b')
    .innerJoin('orgs as o', 'o.id', 'b.org_id')
    .selectAll('b')
    .select(['o.name as org_name', 'o.path as org_path'])
    .where('b.id', '=', id)
    .executeTakeFirst();
}

export function listTargets(db: Executor, bulletinId: number): Promise<TargetRow[]> {
  return db
    .selectFrom('bulletin_targets as t')
    .leftJoin('channels as c', 'c.id', 't.channel_id')
    .selectAll('t')
    .select('c.name as channel_name')
    .where('t.bulletin_id', '=', bulletinId)
    .orderBy('t.id')
    .execute();
}

export function listIssueArticles(db: Executor, issueId: number) {
  return db
    .selectFrom('bulletin_issue_items as i')
    .innerJoin('bulletins as b', 'b.id', 'i.article_id')
    .select(['b.id', 'b.title', 'b.status', 'b.digest', 'b.author', 'b.content_html', 'b.cover_sha256'])
    .where('i.issue_id', '=', issueId)
    .orderBy('i.position')
    .execute();
}

/** Replaces what a bulletin shows and where it goes: targets, issue articles, files. */
export async function replaceBulletinParts(
  db: Executor,
  bulletinId: number,
  parts: {
    targets: {
      kind: BulletinTargetsTable['kind'];
      channel_id: number | null;
      oa_mode: BulletinTargetsTable['oa_mode'];
      tag_id: number | null;
    }[];
    articleIds: number[];
    fileShas: string[];
  },
): Promise<void> {
  await db.deleteFrom('bulletin_targets').where('bulletin_id', '=', bulletinId).execute();
  await db.deleteFrom('bulletin_issue_items').where('issue_id', '=', bulletinId).execute();
  await db.deleteFrom('bulletin_files').where('bulletin_id', '=', bulletinId).execute();
  if (parts.targets.length > 0) {
    await db
      .insertInto('bulletin_targets')
      .values(parts.targets.map((t) => ({ ...t, bulletin_id: bulletinId })))
      .execute();
  }
  if (parts.articleIds.length > 0) {
    await db
      .insertInto('bulletin_issue_items')
      .values(
        parts.articleIds.map((articleId, position) => ({ issue_id: bulletinId, article_id: articleId, position })),
      )
      .execute();
  }
  if (parts.fileShas.length > 0) {
    await db
      .insertInto('bulletin_files')
      .values(parts.fileShas.map((sha) => ({ bulletin_id: bulletinId, file_sha256: sha })))
      .execute();
  }
}

/** Which of these files are stored images. */
export async function existingImages(db: Executor, shas: string[]): Promise<Set<string>> {
  if (shas.length === 0) return new Set();
  const rows = await db
    .selectFrom('files')
    .select('sha256')
    .where('sha256', 'in', shas)
    .where('mime', 'like', 'image/%')
    .execute();
  return new Set(rows.map((r) => r.sha256));
}

/** Type and size of stored images. */
export async function imageFacts(db: Executor, shas: string[]): Promise<Map<string, { mime: string; size: number }>> {
  if (shas.length === 0) return new Map();
  const rows = await db.selectFrom('files').select(['sha256', 'mime', 'size']).where('sha256', 'in', shas).execute();
  return new Map(rows.map((r) => [r.sha256, { mime: r.mime, size: Number(r.size) }]));
}

/** A guarded status change: false when another request changed the status first. */
export async function moveStatus(
  db: Executor,
  id: number,
  from: readonly BulletinStatus[],
  values: Partial<Omit<BulletinsTable, 'id'>> & { status: BulletinStatus; updated_at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('bulletins')
    .set(values)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function listBulletins(
  db: Executor,
  scope: { path: string } | null,
  filter: { status?: BulletinStatus; kind?: BulletinsTable['kind'] },
  window: { offset: number; limit: number },
) {
  let query = db
    .selectFrom('bulletins as b')
    .innerJoin('orgs as o', 'o.id', 'b.org_id')
    .leftJoin('users as u', 'u.id', 'b.created_by');
  if (scope) {
    const [lower, upper] = subtreeRange(scope.path);
    query = query.where('o.path', '>=', lower).where('o.path', '<', upper);
  }
  if (filter.status) query = query.where('b.status', '=', filter.status);
  if (filter.kind) query = query.where('b.kind', '=', filter.kind);
  return Promise.all([
    query
      .selectAll('b')
      .select(['o.name as org_name', 'u.display_name as created_by_name'])
      .orderBy('b.id', 'desc')
      .offset(window.offset)
      .limit(window.limit)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
}

export function userName(db: Executor, id: number | null) {
  if (id === null) return Promise.resolve(null);
  return db
    .selectFrom('users')
    .select('display_name')
    .where('id', '=', id)
    .executeTakeFirst()
    .then((row) => row?.display_name ?? null);
}
