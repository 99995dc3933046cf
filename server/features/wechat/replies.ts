import type { WechatReplyBody } from '../../../common/wechat.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { conflict, notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { deleteReply, findReply, insertReply, listReplies, repliesOf } from './repo.js';
import { loadOfficialAccount } from './service.js';

// Automatic replies of an official account: to a text message by keyword (a message equal to a key first, then one
// containing a key, the longest key winning), to a menu button by its key, and the welcome on subscribing.

const fold = (text: string) => text.trim().toLowerCase();

/** The reply to a text message, if a keyword matches it. */
export async function keywordReply(db: Executor, channelId: number, content: string): Promise<string | null> {
  const message = fold(content);
  if (message === '') return null;
  const replies = (await repliesOf(db, channelId, 'keyword')).map((r) => ({ ...r, key: fold(r.match_key ?? '') }));
  const exact = replies.find((r) => r.key === message);
  if (exact) return exact.reply_text;
  const containing = replies
    .filter((r) => r.key !== '' && message.includes(r.key))
    .sort((a, b) => b.key.length - a.key.length || a.id - b.id);
  return containing[0]?.reply_text ?? null;
}

export async function clickReply(db: Executor, channelId: number, eventKey: string): Promise<string | null> {
  const replies = await repliesOf(db, channelId, 'click');
  return replies.find((r) => r.match_key === eventKey)?.reply_text ?? null;
}

export async function subscribeReply(db: Executor, channelId: number): Promise<string | null> {
  return (await repliesOf(db, channelId, 'subscribe'))[0]?.reply_text ?? null;
}

function presentReply(row: Awaited<ReturnType<typeof listReplies>>[number]) {
  return {
    id: row.id,
    trigger: row.trigger,
    matchKey: row.match_key,
    replyText: row.reply_text,
    createdAt: row.created_at,
  };
}

export async function listAccountReplies(db: Db, actor: Actor, channelId: number) {
  const channel = await loadOfficialAccount(db, actor, channelId);
  return { items: (await listReplies(db, channel.id)).map(presentReply) };
}

export async function createReply(db: Db, actor: Actor, channelId: number, body: WechatReplyBody) {
  return db.transaction().execute(async (trx) => {
    const channel = await loadOfficialAccount(trx, actor, channelId);
    const matchKey = body.trigger === 'subscribe' ? null : body.matchKey;
    const existing = await repliesOf(trx, channel.id, body.trigger);
    if (body.trigger === 'subscribe' && existing.length > 0) {
      throw conflict('已设置关注回复，请先删除原有的再添加', { field: 'trigger' });
    }
    const same = (key: string | null) =>
      body.trigger === 'keyword' ? fold(key ?? '') === fold(matchKey ?? '') : key === matchKey;
    if (matchKey !== null && existing.some((r) => same(r.match_key))) {
      const what = body.trigger === 'keyword' ? '关键词' : '菜单键值';
      throw conflict(`已有${what}为“${matchKey}”的自动回复`, { field: 'matchKey' });
    }
    const at = nowIso();
    const id = await insertReply(trx, {
      channel_id: channel.id,
      trigger: body.trigger,
      match_key: matchKey,
      reply_text: body.replyText,
      created_by: actor.userId,
      created_at: at,
    });
    await recordAudit(trx, actor, {
      action: 'wechat.reply.create',
      objectType: 'channel',
      objectId: channel.id,
      orgId: channel.org_id,
      details: { replyId: id, trigger: body.trigger, matchKey },
    });
    return presentReply((await findReply(trx, channel.id, id))!);
  });
}

export async function removeReply(db: Db, actor: Actor, channelId: number, replyId: number) {
  await db.transaction().execute(async (trx) => {
    const channel = await loadOfficialAccount(trx, actor, channelId);
    const reply = await findReply(trx, channel.id, replyId);
    if (!reply) throw notFound('自动回复');
    await deleteReply(trx, reply.id);
    await recordAudit(trx, actor, {
      action: 'wechat.reply.delete',
      objectType: 'channel',
      objectId: channel.id,
      orgId: channel.org_id,
      details: { replyId: reply.id, trigger: reply.trigger, matchKey: reply.match_key },
    });
  });
}
