import { chinaToday } from '../common/dates.js';
import type { Db } from '../server/db/schema.js';
import { nowIso } from '../server/db/tree.js';

// The floor of a WeChat callback push (bench/publishing-bench.ts): the SQL that applying it needs, in one
// transaction, on the benchmark's own connection — no HTTP, no XML, no signature, no decryption, no reply to build.
// The push's two de-duplication keys (its signature, its message); then for a subscribe a new follower, for an
// unsubscribe the follower's row, and for both the subscribed count, today's reading and the channel's latest
// count, then the welcome; for a text the account's keyword replies, and the reply kept for WeChat's retries.

export type FloorPush = { from: string; msgKey: string; content: string };

let serial = 0;

export async function callbackFloor(
  db: Db,
  channelId: number,
  kind: 'subscribe' | 'unsubscribe' | 'text',
  push: FloorPush,
): Promise<void> {
  const at = nowIso();
  const messageKey = kind === 'text' ? `msg:${push.msgKey}` : `evt:${push.from}:${at}:${kind}:`;
  await db.transaction().execute(async (trx) => {
    for (const key of [`sig:floor${process.pid}:${++serial}`, messageKey]) {
      await trx
        .insertInto('wechat_inbound')
        .values({ channel_id: channelId, dedupe_key: key, received_at: at, reply: null })
        .onConflict((oc) => oc.columns(['channel_id', 'dedupe_key']).doNothing())
        .execute();
    }
    const keepReply = (reply: string) =>
      trx
        .updateTable('wechat_inbound')
        .set({ reply })
        .where('channel_id', '=', channelId)
        .where('dedupe_key', '=', messageKey)
        .execute();
    if (kind === 'text') {
      const replies = await trx
        .selectFrom('wechat_replies')
        .select(['match_key', 'reply_text'])
        .where('channel_id', '=', channelId)
        .where('trigger', '=', 'keyword')
        .execute();
      const reply = replies.find((r) => r.match_key && push.content.includes(r.match_key));
      if (reply) await keepReply(reply.reply_text);
      return;
    }
    if (kind === 'subscribe') {
      await trx
        .insertInto('wechat_followers')
        .values({
          channel_id: channelId,
          openid: push.from,
          subscribed: 1,
          scene_org_id: null,
          subscribed_at: at,
          unsubscribed_at: null,
          updated_at: at,
        })
        .execute();
    } else {
      await trx
        .updateTable('wechat_followers')
        .set({ subscribed: 0, unsubscribed_at: at, updated_at: at })
        .where('channel_id', '=', channelId)
        .where('openid', '=', push.from)
        .execute();
    }
    const { n } = await trx
      .selectFrom('wechat_followers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('channel_id', '=', channelId)
      .where('subscribed', '=', 1)
      .executeTakeFirstOrThrow();
    const onDate = chinaToday();
    await trx
      .insertInto('channel_readings')
      .values({
        channel_id: channelId,
        on_date: onDate,
        count: Number(n),
        source: 'wechat',
        recorded_by: null,
        created_at: at,
      })
      .onConflict((oc) => oc.columns(['channel_id', 'on_date']).doUpdateSet({ count: Number(n), created_at: at }))
      .execute();
    await trx
      .updateTable('channels')
      .set({ latest_count: Number(n), latest_count_on: onDate, updated_at: at })
      .where('id', '=', channelId)
      .execute();
    if (kind === 'subscribe') {
      const welcome = await trx
        .selectFrom('wechat_replies')
        .select('reply_text')
        .where('channel_id', '=', channelId)
        .where('trigger', '=', 'subscribe')
        .executeTakeFirst();
      if (welcome) await keepReply(welcome.reply_text);
    }
  });
}
