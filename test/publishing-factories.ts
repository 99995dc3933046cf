import type { BulletinKind, BulletinStatus, DeliveryStatus } from '../common/domain.js';
import { nowIso } from '../server/db/tree.js';
import type { OrgRow } from '../server/features/orgs/repo.js';
import type { TestContext } from './harness.js';
import { makeChannel } from './ledger-factories.js';

let serial = 0;

/**
 * A bulletin of `org` in the given status, written straight into the database as given (no sanitiser: a test may
 * store what no route would), with a web target unless `webTarget` is false.
 */
export async function makeBulletin(
  ctx: Pick<TestContext, 'db'>,
  org: Pick<OrgRow, 'id'>,
  input: {
    status?: BulletinStatus;
    kind?: BulletinKind;
    title?: string;
    author?: string | null;
    digest?: string | null;
    contentHtml?: string;
    cover?: string | null;
    issueNumber?: number | null;
    sendAt?: string | null;
    publishedAt?: string | null;
    createdAt?: string;
    webTarget?: boolean;
  } = {},
): Promise<number> {
  const at = input.createdAt ?? nowIso();
  const { id } = await ctx.db
    .insertInto('bulletins')
    .values({
      org_id: org.id,
      kind: input.kind ?? 'article',
      series_id: null,
      issue_number: input.issueNumber ?? null,
      title: input.title ?? `测试稿件${++serial}`,
      author: input.author ?? null,
      digest: input.digest ?? null,
      content_html: input.contentHtml ?? '<p>测试正文</p>',
      cover_sha256: input.cover ?? null,
      status: input.status ?? 'draft',
      send_at: input.sendAt ?? null,
      review_note: null,
      created_by: null,
      updated_by: null,
      submitted_by: null,
      submitted_at: null,
      decided_by: null,
      decided_at: null,
      published_at: input.publishedAt ?? null,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (input.webTarget ?? true) {
    await ctx.db
      .insertInto('bulletin_targets')
      .values({ bulletin_id: id, kind: 'web', channel_id: null, oa_mode: null, tag_id: null })
      .execute();
  }
  return id;
}

/**
 * A delivery of a new bulletin of `org` to a WeCom robot without credentials, in the given status: queued again,
 * the worker fails it at once ("no webhook key") without calling anyone.
 */
export async function makeDelivery(ctx: TestContext, org: OrgRow, status: DeliveryStatus): Promise<number> {
  const bulletinId = await makeBulletin(ctx, org, { status: 'sending' });
  const channel = await makeChannel(ctx, { org, kind: 'wecom_robot' });
  const target = await ctx.db
    .insertInto('bulletin_targets')
    .values({ bulletin_id: bulletinId, kind: 'wecom_robot', channel_id: channel.id, oa_mode: null, tag_id: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const at = nowIso();
  const { id } = await ctx.db
    .insertInto('deliveries')
    .values({
      bulletin_id: bulletinId,
      target_id: target.id,
      channel_id: channel.id,
      org_id: org.id,
      kind: 'wecom_robot',
      idempotency_key: `test:${bulletinId}:${target.id}`,
      status,
      step: 'start',
      attempts: 1,
      next_attempt_at: at,
      claimed_by: null,
      claimed_until: null,
      remote_media_id: null,
      remote_publish_id: null,
      remote_msg_id: null,
      result: null,
      last_errcode: status === 'failed' ? 40013 : null,
      last_error: null,
      sent_at: null,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}
