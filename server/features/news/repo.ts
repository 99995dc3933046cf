import type { ExpressionBuilder } from 'kysely';
import type { Database, Executor } from '../../db/schema.js';
import { subtreeRange } from '../../db/tree.js';

// The public news pages read what the publishing feature wrote; they never write. "Published": put on the news
// pages (published_at, set when a bulletin with the web target is dispatched, or an issue showing it) and still in a
// status that passed review. An approved article that a published issue showed and that was then withdrawn to a
// draft keeps its published_at; being a draft again, it is no longer shown, and edits to it are not either.

/** The statuses of a bulletin that passed review and was not taken back. */
const reviewedStatuses = ['approved', 'sending', 'sent'] as const;

export type PublicOrg = { id: number; name: string; created_at: string };

export type PublishedBulletin = {
  id: number;
  org_id: number;
  kind: 'article' | 'issue';
  issue_number: number | null;
  title: string;
  author: string | null;
  digest: string | null;
  content_html: string;
  cover_sha256: string | null;
  /** The cover's type and size, for a feed's enclosure. */
  cover_mime: string | null;
  cover_size: number | null;
  published_at: string;
};

export type IssueArticle = Pick<
  PublishedBulletin,
  'id' | 'title' | 'author' | 'digest' | 'content_html' | 'cover_sha256'
> & {
  issue_id: number;
};

function published(eb: ExpressionBuilder<Database, 'bulletins'>) {
  return eb.and([eb('bulletins.published_at', 'is not', null), eb('bulletins.status', 'in', reviewedStatuses)]);
}

/** Published bulletins with their covers' type and size. */
function publishedBulletins(db: Executor) {
  return db
    .selectFrom('bulletins')
    .leftJoin('files', 'files.sha256', 'bulletins.cover_sha256')
    .select([
      'bulletins.id',
      'bulletins.org_id',
      'bulletins.kind',
      'bulletins.issue_number',
      'bulletins.title',
      'bulletins.author',
      'bulletins.digest',
      'bulletins.content_html',
      'bulletins.cover_sha256',
      'files.mime as cover_mime',
      'files.size as cover_size',
      'bulletins.published_at',
    ])
    .where(published);
}

function asPublished<T extends { published_at: string | null }>(row: T): T & { published_at: string } {
  return { ...row, published_at: row.published_at ?? '' };
}

/** An org whose news pages exist: any org that has not been dissolved. */
export function findPublicOrg(db: Executor, orgId: number): Promise<PublicOrg | undefined> {
  return db
    .selectFrom('orgs')
    .select(['id', 'name', 'created_at'])
    .where('id', '=', orgId)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

export async function countPublished(db: Executor, orgId: number): Promise<number> {
  const row = await db
    .selectFrom('bulletins')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('bulletins.org_id', '=', orgId)
    .where(published)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The org's published bulletins, newest first. */
export async function listPublished(
  db: Executor,
  orgId: number,
  page: { limit: number; offset: number },
): Promise<PublishedBulletin[]> {
  const rows = await publishedBulletins(db)
    .where('bulletins.org_id', '=', orgId)
    .orderBy('bulletins.published_at', 'desc')
    .orderBy('bulletins.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map(asPublished);
}

export async function findPublished(
  db: Executor,
  orgId: number,
  bulletinId: number,
): Promise<PublishedBulletin | undefined> {
  const row = await publishedBulletins(db)
    .where('bulletins.id', '=', bulletinId)
    .where('bulletins.org_id', '=', orgId)
    .executeTakeFirst();
  return row && asPublished(row);
}

/**
 * The articles of these issues, each issue's in its order; an article taken back since (a draft again, withdrawn) is
 * left out.
 */
export async function issueArticles(db: Executor, issueIds: number[]): Promise<Map<number, IssueArticle[]>> {
  const byIssue = new Map<number, IssueArticle[]>();
  if (issueIds.length === 0) return byIssue;
  const rows = await db
    .selectFrom('bulletin_issue_items')
    .innerJoin('bulletins', 'bulletins.id', 'bulletin_issue_items.article_id')
    .select([
      'bulletin_issue_items.issue_id',
      'bulletins.id',
      'bulletins.title',
      'bulletins.author',
      'bulletins.digest',
      'bulletins.content_html',
      'bulletins.cover_sha256',
    ])
    .where('bulletin_issue_items.issue_id', 'in', issueIds)
    .where('bulletins.status', 'in', reviewedStatuses)
    .orderBy('bulletin_issue_items.issue_id')
    .orderBy('bulletin_issue_items.position')
    .execute();
  for (const row of rows) {
    const list = byIssue.get(row.issue_id) ?? [];
    list.push(row);
    byIssue.set(row.issue_id, list);
  }
  return byIssue;
}

/**
 * A stored file and whether a published bulletin shows it (bulletin_files: every file a bulletin shows, its cover and
 * the images in its text), itself or as an article of a published issue. Both looks start from the file's index.
 */
export async function findNewsImage(
  db: Executor,
  sha256: string,
): Promise<{ mime: string; size: number; shownPublicly: boolean } | undefined> {
  const file = await db.selectFrom('files').select(['mime', 'size']).where('sha256', '=', sha256).executeTakeFirst();
  if (!file) return undefined;
  const shownItself = await db
    .selectFrom('bulletin_files')
    .innerJoin('bulletins', 'bulletins.id', 'bulletin_files.bulletin_id')
    .select('bulletins.id')
    .where('bulletin_files.file_sha256', '=', sha256)
    .where(published)
    .limit(1)
    .executeTakeFirst();
  const shownInIssue =
    shownItself ??
    (await db
      .selectFrom('bulletin_files')
      .innerJoin('bulletins as article', 'article.id', 'bulletin_files.bulletin_id')
      .innerJoin('bulletin_issue_items', 'bulletin_issue_items.article_id', 'article.id')
      .innerJoin('bulletins', 'bulletins.id', 'bulletin_issue_items.issue_id')
      .select('bulletins.id')
      .where('bulletin_files.file_sha256', '=', sha256)
      .where('article.status', 'in', reviewedStatuses)
      .where(published)
      .limit(1)
      .executeTakeFirst());
  return { mime: file.mime, size: file.size, shownPublicly: shownInIssue !== undefined };
}

/** Whether a bulletin of an org in the subtree (null: anywhere) shows the image, whatever the bulletin's status. */
export async function shownInSubtree(db: Executor, sha256: string, scopePath: string | null): Promise<boolean> {
  let query = db
    .selectFrom('bulletin_files')
    .innerJoin('bulletins', 'bulletins.id', 'bulletin_files.bulletin_id')
    .innerJoin('orgs', 'orgs.id', 'bulletins.org_id')
    .select('bulletins.id')
    .where('bulletin_files.file_sha256', '=', sha256);
  if (scopePath !== null) {
    const [lower, upper] = subtreeRange(scopePath);
    query = query.where('orgs.path', '>=', lower).where('orgs.path', '<', upper);
  }
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

/**
 * Whether this person uploaded the image for a bulletin (the audit row of POST /api/publishing/images): an image
 * just put into the editor, before the draft that shows it is saved. Read rarely (only then), so without an index.
 */
export async function uploadedForBulletin(db: Executor, sha256: string, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('audit_log')
    .select('id')
    .where('action', '=', 'bulletin.image')
    .where('actor_id', '=', userId)
    .where('details', 'like', `%"sha256":"${sha256}"%`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
