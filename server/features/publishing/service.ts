import type { BulletinStatus } from '../../../common/domain.js';
import type {
  BulletinDetail,
  CreateBulletinBody,
  TargetInput,
  UpdateBulletinBody,
} from '../../../common/publishing.js';
import type { Config } from '../../config.js';
import type { Db, Executor } from '../../db/schema.js';
import { isInSubtree, nowIso } from '../../db/tree.js';
import { actorCan, assertSees, type Actor } from '../../http/actor.js';
import { conflict, invalid } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { listDeliveries, presentDelivery } from '../deliveries/repo.js';
import { dispatchBulletin } from '../deliveries/queue.js';
import { isUniqueViolation, loadWritableOrg, pageWindow } from '../ledger/shared.js';
import { loadVisibleOrg } from '../orgs/service.js';
import {
  existingImages,
  imageFacts,
  findBulletin,
  listBulletins,
  listIssueArticles,
  listTargets,
  moveStatus,
  replaceBulletinParts,
  userName,
  type BulletinRow,
} from './repo.js';
import { bulletinImageShas, htmlToText, sanitizeBulletinHtml } from './sanitize.js';

// Bulletins: an editor writes (draft), submits (in_review); an admin of the org or above approves or rejects;
// an approved bulletin goes out at send_at (or at once) through the delivery queue. What is sent is frozen from
// submission on: only a draft or a rejected bulletin can be edited.

const editable: readonly BulletinStatus[] = ['draft', 'rejected'];

export const imageUrl = (sha256: string) => `/news/images/${sha256}`;

/** A bulletin whose org lies in the actor's subtree; anything else answers like a missing one. */
export async function loadVisibleBulletin(db: Executor, actor: Actor, id: number): Promise<BulletinRow> {
  const bulletin = await findBulletin(db, id);
  assertSees(actor, bulletin?.org_path, '稿件');
  return bulletin;
}

function abilities(actor: Actor, row: BulletinRow) {
  const write = actorCan(actor, 'publishing.write');
  const approve = actorCan(actor, 'publishing.approve');
  return {
    update: write && editable.includes(row.status),
    submit: write && editable.includes(row.status),
    approve: approve && row.status === 'in_review',
    withdraw: approve && row.status === 'approved',
  };
}

export async function presentBulletin(db: Executor, actor: Actor, id: number, config: Pick<Config, 'publicUrl'>) {
  const row = (await findBulletin(db, id))!;
  const targets = await listTargets(db, id);
  const articles = row.kind === 'issue' ? await listIssueArticles(db, id) : [];
  const deliveries = await listDeliveries(db, { bulletinId: id }, { offset: 0, limit: 100 });
  const detail: BulletinDetail = {
    ...summary(row, await userName(db, row.created_by)),
    author: row.author,
    digest: row.digest,
    contentHtml: row.content_html,
    coverSha256: row.cover_sha256,
    coverUrl: row.cover_sha256 ? imageUrl(row.cover_sha256) : null,
    targets: targets.map((t) => ({
      id: t.id,
      kind: t.kind,
      channelId: t.channel_id,
      channelName: t.channel_name,
      oaMode: t.oa_mode,
      tagId: t.tag_id,
    })),
    articles: articles.map((a) => ({ id: a.id, title: a.title, status: a.status })),
    reviewNote: row.review_note,
    submittedAt: row.submitted_at,
    decidedAt: row.decided_at,
    decidedByName: await userName(db, row.decided_by),
    shareUrl: row.published_at ? newsUrl(config, row.org_id, row.id) : null,
    deliveries: deliveries[0].map(presentDelivery),
    abilities: abilities(actor, row),
  };
  return detail;
}

export function newsUrl(config: Pick<Config, 'publicUrl'>, orgId: number, bulletinId: number): string {
  return `${config.publicUrl}/news/${orgId}/${bulletinId}`;
}

function summary(row: Omit<BulletinRow, 'org_path'>, createdByName: string | null) {
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    kind: row.kind,
    title: row.title,
    status: row.status,
    seriesId: row.series_id,
    issueNumber: row.issue_number,
    sendAt: row.send_at,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    createdByName,
  };
}

export async function listVisibleBulletins(
  db: Db,
  actor: Actor,
  query: { orgId?: number; status?: BulletinStatus; kind?: 'article' | 'issue'; page: number; pageSize: number },
) {
  const orgId = query.orgId ?? actor.orgId;
  const scope = orgId === null ? null : await loadVisibleOrg(db, actor, orgId);
  const [rows, count] = await listBulletins(db, scope, query, pageWindow(query));
  return { items: rows.map((row) => summary(row, row.created_by_name)), total: Number(count.n) };
}

/**
 * Checks where a bulletin of `orgPath` may go: the web pages, or official accounts and WeCom robots kept by the
 * org or an org below it, active, of the kind the target names.
 */
async function checkTargets(db: Executor, actor: Actor, orgPath: string, targets: TargetInput[]) {
  const seen = new Set<string>();
  const rows = [];
  for (const target of targets) {
    const key = target.kind === 'web' ? 'web' : `${target.kind}:${target.channelId}`;
    if (seen.has(key)) throw invalid('投放渠道重复');
    seen.add(key);
    if (target.kind === 'web') {
      rows.push({ kind: target.kind, channel_id: null, oa_mode: null, tag_id: null });
      continue;
    }
    const channel = await db
      .selectFrom('channels as c')
      .innerJoin('orgs as o', 'o.id', 'c.org_id')
      .select(['c.id', 'c.kind', 'c.status', 'o.path'])
      .where('c.id', '=', target.channelId)
      .executeTakeFirst();
    assertSees(actor, channel?.path, '投放渠道');
    if (!isInSubtree(channel.path, orgPath)) throw invalid('只能投放到本组织及下级组织的公众号或群');
    if (channel.kind !== target.kind) throw invalid('投放渠道的类型与所选不符');
    if (channel.status !== 'active') throw invalid('该渠道已停用，不能投放');
    rows.push({
      kind: target.kind,
      channel_id: channel.id,
      oa_mode: target.kind === 'official_account' ? target.oaMode : null,
      tag_id: target.kind === 'official_account' ? (target.tagId ?? null) : null,
    });
  }
  return rows;
}

async function checkArticles(db: Executor, orgId: number, articleIds: number[]) {
  if (new Set(articleIds).size !== articleIds.length) throw invalid('同一篇文章不能重复编入');
  for (const id of articleIds) {
    const article = await findBulletin(db, id);
    if (!article || article.org_id !== orgId || article.kind !== 'article') {
      throw invalid('只能编入本组织的文章');
    }
    if (article.status !== 'approved' && article.status !== 'sent') throw invalid(`《${article.title}》尚未审核通过`);
  }
}

/** Sanitised content and every stored image it (and the cover) shows. */
async function prepareContent(db: Executor, body: UpdateBulletinBody) {
  const contentHtml = sanitizeBulletinHtml(body.contentHtml);
  const wanted = [...new Set([...bulletinImageShas(contentHtml), ...(body.coverSha256 ? [body.coverSha256] : [])])];
  const stored = await existingImages(db, wanted);
  if (body.coverSha256 && !stored.has(body.coverSha256)) throw invalid('封面图片不存在，请重新上传');
  const missing = wanted.filter((sha) => !stored.has(sha));
  if (missing.length > 0) throw invalid('正文中有图片未上传成功，请重新插入', { missing });
  return { contentHtml, fileShas: wanted };
}

function checkSendAt(sendAt: string | null | undefined) {
  if (sendAt && sendAt < new Date(Date.now() - 60_000).toISOString()) throw invalid('发送时间不能早于现在');
}

export async function createBulletin(
  db: Db,
  actor: Actor,
  body: CreateBulletinBody,
  config: Pick<Config, 'publicUrl'>,
  issueOf: { seriesId: number; issueNumber: number } | null = null,
) {
  const create = db.transaction().execute(async (trx) => {
    const org = await loadWritableOrg(trx, actor, body.orgId);
    checkSendAt(body.sendAt);
    const targets = await checkTargets(trx, actor, org.path, body.targets);
    const articleIds = body.kind === 'issue' ? (body.articleIds ?? []) : [];
    await checkArticles(trx, org.id, articleIds);
    const { contentHtml, fileShas } = await prepareContent(trx, body);
    const at = nowIso();
    const { id } = await trx
      .insertInto('bulletins')
      .values({
        org_id: org.id,
        kind: body.kind,
        series_id: issueOf?.seriesId ?? null,
        issue_number: issueOf?.issueNumber ?? null,
        title: body.title,
        author: body.author ?? null,
        digest: body.digest ?? null,
        content_html: contentHtml,
        cover_sha256: body.coverSha256 ?? null,
        status: 'draft',
        send_at: body.sendAt ?? null,
        review_note: null,
        created_by: actor.userId,
        updated_by: actor.userId,
        submitted_by: null,
        submitted_at: null,
        decided_by: null,
        decided_at: null,
        published_at: null,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await replaceBulletinParts(trx, id, { targets, articleIds, fileShas });
    await recordAudit(trx, actor, {
      action: 'bulletin.create',
      objectType: 'bulletin',
      objectId: id,
      orgId: org.id,
      details: { title: body.title, kind: body.kind, targets: targets.length },
    });
    return presentBulletin(trx, actor, id, config);
  });
  // Two editors numbering the same series' next issue at once: one wins, the other is told to retry.
  return create.catch((error: unknown) => {
    if (issueOf && isUniqueViolation(error)) throw conflict('该期编号刚被他人占用，请重试');
    throw error;
  });
}

export async function updateBulletin(
  db: Db,
  actor: Actor,
  id: number,
  body: UpdateBulletinBody,
  config: Pick<Config, 'publicUrl'>,
) {
  return db.transaction().execute(async (trx) => {
    const bulletin = await loadVisibleBulletin(trx, actor, id);
    if (!editable.includes(bulletin.status)) throw conflict('稿件已提交审核或已发送，不能再修改');
    checkSendAt(body.sendAt);
    const targets = await checkTargets(trx, actor, bulletin.org_path, body.targets);
    const articleIds = bulletin.kind === 'issue' ? (body.articleIds ?? []) : [];
    await checkArticles(trx, bulletin.org_id, articleIds);
    const { contentHtml, fileShas } = await prepareContent(trx, body);
    const changed = await moveStatus(trx, id, editable, {
      status: bulletin.status,
      title: body.title,
      author: body.author ?? null,
      digest: body.digest ?? null,
      content_html: contentHtml,
      cover_sha256: body.coverSha256 ?? null,
      send_at: body.sendAt ?? null,
      updated_by: actor.userId,
      updated_at: nowIso(),
    });
    if (!changed) throw conflict('稿件已被他人提交或修改，请刷新后重试');
    await replaceBulletinParts(trx, id, { targets, articleIds, fileShas });
    await recordAudit(trx, actor, {
      action: 'bulletin.update',
      objectType: 'bulletin',
      objectId: id,
      orgId: bulletin.org_id,
      details: { title: body.title },
    });
    return presentBulletin(trx, actor, id, config);
  });
}

/** Submits for review, approves, rejects or withdraws: each a guarded status change with its audit row. */
export async function reviewBulletin(
  db: Db,
  actor: Actor,
  id: number,
  action: 'submit' | 'approve' | 'reject' | 'withdraw',
  note: string | null,
  config: Pick<Config, 'publicUrl'>,
) {
  const result = await db.transaction().execute(async (trx) => {
    const bulletin = await loadVisibleBulletin(trx, actor, id);
    const at = nowIso();
    let moved = false;
    let dispatched = false;
    switch (action) {
      case 'submit': {
        await checkReady(trx, bulletin);
        moved = await moveStatus(trx, id, editable, {
          status: 'in_review',
          submitted_by: actor.userId,
          submitted_at: at,
          review_note: null,
          updated_at: at,
        });
        break;
      }
      case 'approve': {
        moved = await moveStatus(trx, id, ['in_review'], {
          status: 'approved',
          decided_by: actor.userId,
          decided_at: at,
          review_note: note,
          updated_at: at,
        });
        // A send time that passed while it waited for review: it goes now.
        if (moved && (bulletin.send_at === null || bulletin.send_at <= at)) {
          dispatched = await dispatchBulletin(trx, id, at);
        }
        break;
      }
      case 'reject':
        moved = await moveStatus(trx, id, ['in_review'], {
          status: 'rejected',
          decided_by: actor.userId,
          decided_at: at,
          review_note: note,
          updated_at: at,
        });
        break;
      case 'withdraw':
        moved = await moveStatus(trx, id, ['approved'], { status: 'draft', updated_at: at });
        break;
    }
    if (!moved) throw conflict(statusConflict[action]);
    await recordAudit(trx, actor, {
      action: `bulletin.${action}`,
      objectType: 'bulletin',
      objectId: id,
      orgId: bulletin.org_id,
      details: note ? { note } : undefined,
    });
    return { detail: await presentBulletin(trx, actor, id, config), dispatched };
  });
  return result;
}

const statusConflict = {
  submit: '只有草稿或被退回的稿件可以提交审核',
  approve: '稿件不在待审核状态，请刷新后查看',
  reject: '稿件不在待审核状态，请刷新后查看',
  withdraw: '只有已通过、尚未发送的稿件可以撤回',
} as const;

async function checkReady(db: Executor, bulletin: BulletinRow) {
  const targets = await listTargets(db, bulletin.id);
  if (targets.length === 0) throw invalid('请至少选择一个投放渠道');
  if (bulletin.kind === 'article' && htmlToText(bulletin.content_html).trim() === '') throw invalid('正文不能为空');
  const articles = bulletin.kind === 'issue' ? await listIssueArticles(db, bulletin.id) : [bulletin];
  if (bulletin.kind === 'issue' && articles.length === 0) throw invalid('请为本期手机报选择文章');
  if (targets.some((t) => t.kind === 'official_account')) await checkForOfficialAccounts(db, bulletin, articles);
}

/** WeChat's limits on a draft (45003, 45110, 40009, 40005), checked before review rather than failing at send time. */
export const officialAccountLimits = { title: 32, author: 16, imageBytes: 1024 * 1024 } as const;

async function checkForOfficialAccounts(
  db: Executor,
  bulletin: BulletinRow,
  articles: Array<Pick<BulletinRow, 'title' | 'author' | 'content_html' | 'cover_sha256'>>,
) {
  const { title, author, imageBytes } = officialAccountLimits;
  for (const article of articles) {
    const named = bulletin.kind === 'issue' ? `《${article.title}》` : '';
    if ([...article.title].length > title) {
      throw invalid(`投放到公众号时${named}标题不能超过 ${title} 个字（微信的限制），请缩短`, { field: 'title' });
    }
    if (article.author && [...article.author].length > author) {
      throw invalid(`投放到公众号时${named}作者不能超过 ${author} 个字（微信的限制）`, { field: 'author' });
    }
    if (!article.cover_sha256 && !bulletin.cover_sha256) {
      throw invalid(`投放到公众号须有封面图片${named ? `：${named}没有封面` : ''}`, { field: 'coverSha256' });
    }
    const shas = bulletinImageShas(article.content_html);
    const facts = await imageFacts(db, shas);
    const unfit = shas.filter((sha) => {
      const fact = facts.get(sha);
      return !fact || !['image/png', 'image/jpeg'].includes(fact.mime) || fact.size > imageBytes;
    });
    if (unfit.length > 0) {
      throw invalid(
        `投放到公众号的正文图片须为 JPG 或 PNG 格式、不超过 1 MB（微信的限制）：${named}有 ${unfit.length} 张不符合，请更换`,
        { field: 'contentHtml' },
      );
    }
  }
}
