import type { Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { WechatXml } from '../../wechat/xml.js';

// The results WeChat reports later for what the delivery worker submitted: a mass send (MASSSENDJOBFINISH, matched by
// the msg_id the send returned) and a free publish (PUBLISHJOBFINISH, matched by its publish_id). Each matching
// delivery gets the result in words and a delivery_log row (event 'result'); its status stays as the worker left it.

export type PublishResult =
  | {
      kind: 'mass_send';
      msgId: string;
      /** 'send success', 'send fail' or 'err(num)'. */
      status: string;
      totalCount: number | null;
      filterCount: number | null;
      sentCount: number | null;
      errorCount: number | null;
    }
  | { kind: 'freepublish'; publishId: string; publishStatus: number; articleUrl: string | null };

/** publish_status of PUBLISHJOBFINISH (0 is success). */
const publishFailures: Record<number, string> = {
  1: '发布中',
  2: '原创声明未通过',
  3: '常规失败',
  4: '平台审核不通过',
  5: '发布成功后已被删除',
  6: '发布成功后已被封禁',
};

const field = (xml: WechatXml | undefined, name: string): string | null => {
  const value = xml?.[name];
  return typeof value === 'string' ? value.trim() : null;
};
const nested = (xml: WechatXml | undefined, name: string): WechatXml | undefined => {
  const value = xml?.[name];
  return typeof value === 'object' ? value : undefined;
};
const integer = (value: string | null): number | null =>
  value !== null && /^-?\d{1,15}$/.test(value) ? Number(value) : null;

/** The result an event reports, or null when it is not a job-finished event (or lacks its id). */
export function publishResultFrom(event: WechatXml): PublishResult | null {
  const name = field(event, 'Event');
  if (name === 'MASSSENDJOBFINISH') {
    const msgId = field(event, 'MsgID') ?? field(event, 'MsgId');
    if (!msgId) return null;
    return {
      kind: 'mass_send',
      msgId,
      status: field(event, 'Status') ?? '',
      totalCount: integer(field(event, 'TotalCount')),
      filterCount: integer(field(event, 'FilterCount')),
      sentCount: integer(field(event, 'SentCount')),
      errorCount: integer(field(event, 'ErrorCount')),
    };
  }
  if (name === 'PUBLISHJOBFINISH') {
    const info = nested(event, 'PublishEventInfo');
    const publishId = field(info, 'publish_id');
    const publishStatus = integer(field(info, 'publish_status'));
    if (!publishId || publishStatus === null) return null;
    const item = nested(nested(info, 'article_detail'), 'item');
    return { kind: 'freepublish', publishId, publishStatus, articleUrl: field(item, 'article_url') };
  }
  return null;
}

/** The result in words, for the delivery and its log; and WeChat's error number of a failed mass send. */
export function describeResult(result: PublishResult): { text: string; errcode: number | null } {
  if (result.kind === 'mass_send') {
    const sent = `发送 ${result.sentCount ?? '?'}/${result.totalCount ?? '?'}`;
    const failed = result.errorCount ? `，失败 ${result.errorCount}` : '';
    const errcode = integer(/^err\((-?\d+)\)$/.exec(result.status)?.[1] ?? null);
    return { text: `${result.status} ${sent}${failed}`.trim(), errcode };
  }
  if (result.publishStatus === 0) {
    return { text: result.articleUrl ? `发布成功 ${result.articleUrl}` : '发布成功', errcode: null };
  }
  const reason = publishFailures[result.publishStatus] ?? '发布失败';
  return { text: `发布失败：${reason}（publish_status ${result.publishStatus}）`, errcode: null };
}

/** Writes the result onto the channel's matching deliveries; answers their ids (none: nothing of ours). */
export async function recordPublishResult(db: Executor, channelId: number, result: PublishResult): Promise<number[]> {
  let query = db.selectFrom('deliveries').select('id').where('channel_id', '=', channelId);
  query =
    result.kind === 'mass_send'
      ? query.where('remote_msg_id', '=', result.msgId)
      : query.where('remote_publish_id', '=', result.publishId);
  const ids = (await query.execute()).map((row) => row.id);
  if (ids.length === 0) return [];
  const { text, errcode } = describeResult(result);
  const at = nowIso();
  await db
    .updateTable('deliveries')
    .set({ result: text.slice(0, 200), updated_at: at })
    .where('id', 'in', ids)
    .execute();
  await db
    .insertInto('delivery_log')
    .values(ids.map((id) => ({ delivery_id: id, at, event: 'result' as const, errcode, message: text.slice(0, 500) })))
    .execute();
  return ids;
}
