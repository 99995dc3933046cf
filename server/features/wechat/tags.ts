import { chinaToday } from '../../../common/dates.js';
import type { FollowerSyncResult, WechatTag } from '../../../common/wechat.js';
import type { Config } from '../../config.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { AppError, conflict } from '../../http/errors.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { recordAudit } from '../audit/service.js';
import { latestReading, updateChannel, upsertReading } from '../channels/repo.js';
import { WechatApiError } from '../../wechat/oa-client.js';
import { accountClient, describeError } from '../deliveries/send.js';
import { countSubscribed, findAccount } from './repo.js';
import { loadOfficialAccount } from './service.js';

// What an official account's followers look like on WeChat's side: its user tags (a mass send may go to one tag's
// followers instead of all), and the follower list (user/get), which a sync copies into the ledger so that an
// account that had followers before its callback was configured counts them all.

export type WechatApiDeps = { db: Db; config: Pick<Config, 'wechatApiBase'>; keyring: Keyring; fetch?: typeof fetch };

/** Rows a statement writes at once: 500 × 7 values stays far below SQLite's and PostgreSQL's parameter limits. */
const batchSize = 500;

/**
 * A ledger row marked unsubscribed this long before a page of user/get was fetched, yet on that page, followed
 * again without the ledger hearing of it. Younger unsubscribes are left alone: WeChat's list may lag its events.
 */
const listLagMs = 10 * 60_000;

async function clientOf(deps: WechatApiDeps, actor: Actor, channelId: number) {
  const channel = await loadOfficialAccount(deps.db, actor, channelId);
  const account = await findAccount(deps.db, channel.id);
  if (!account?.app_id || !account.app_secret) {
    throw conflict('该公众号尚未填写 AppID 和 AppSecret，请先在“微信接入”中配置', { field: 'appSecret' });
  }
  return { channel, client: accountClient(deps, { app_id: account.app_id, app_secret: account.app_secret }) };
}

function refused(what: string, error: unknown): AppError {
  const described = describeError(error);
  // describeError promises the delivery queue's automatic retry for a busy WeChat; here the person tries again.
  const message =
    error instanceof WechatApiError && described.transient
      ? `微信接口繁忙，请稍后再试（${error.errcode} ${error.errmsg}）`.slice(0, 500)
      : described.message;
  return new AppError('wechat_api_error', 502, `${what}失败：${message}`, { errcode: described.errcode });
}

export async function listWechatTags(
  deps: WechatApiDeps,
  actor: Actor,
  channelId: number,
): Promise<{ items: WechatTag[] }> {
  const { client } = await clientOf(deps, actor, channelId);
  try {
    return { items: await client.getTags() };
  } catch (error) {
    throw refused('读取公众号标签', error);
  }
}

/**
 * Puts one page of WeChat's followers in the ledger: OpenIDs it has not met become subscribed rows without an org
 * (their subscribe time is unknown, so they do not count as gained today); rows it holds as unsubscribed since well
 * before the page was fetched are subscribed again. Rows it holds as subscribed are left as the events made them.
 */
async function mergePage(db: Executor, channelId: number, openids: string[], fetchedAt: number) {
  let added = 0;
  let resubscribed = 0;
  const at = nowIso();
  const leftBefore = new Date(fetchedAt - listLagMs).toISOString();
  for (let start = 0; start < openids.length; start += batchSize) {
    const batch = openids.slice(start, start + batchSize);
    const inserted = await db
      .insertInto('wechat_followers')
      .values(
        batch.map((openid) => ({
          channel_id: channelId,
          openid,
          subscribed: 1,
          scene_org_id: null,
          subscribed_at: null,
          unsubscribed_at: null,
          updated_at: at,
        })),
      )
      // A follower the ledger knows keeps its row; an event for them racing the sync wins either way.
      .onConflict((oc) => oc.columns(['channel_id', 'openid']).doNothing())
      .returning('id')
      .execute();
    added += inserted.length;
    const updated = await db
      .updateTable('wechat_followers')
      .set({ subscribed: 1, updated_at: at })
      .where('channel_id', '=', channelId)
      .where('openid', 'in', batch)
      .where('subscribed', '=', 0)
      .where('unsubscribed_at', '<', leftBefore)
      .executeTakeFirst();
    resubscribed += Number(updated.numUpdatedRows);
  }
  return { added, resubscribed };
}

/** Today's reading (China), source 'wechat', and the channel's newest count, as followers.ts records them. */
async function recordSyncedReading(db: Executor, actor: Actor, channelId: number, count: number): Promise<void> {
  const at = nowIso();
  await upsertReading(
    db,
    { channel_id: channelId, on_date: chinaToday(), count, recorded_by: actor.userId, created_at: at },
    'wechat',
  );
  const latest = (await latestReading(db, channelId))!;
  await updateChannel(db, channelId, { latest_count: latest.count, latest_count_on: latest.on_date, updated_at: at });
}

/**
 * Pages through user/get (10,000 OpenIDs a page) to its end, merging each page into the ledger as it comes, then
 * records WeChat's total as today's reading. A refusal midway keeps the pages merged (they are followers) and
 * records no reading.
 */
export async function syncFollowers(deps: WechatApiDeps, actor: Actor, channelId: number): Promise<FollowerSyncResult> {
  const { db } = deps;
  const { channel, client } = await clientOf(deps, actor, channelId);
  let next = '';
  let total = 0;
  let listed = 0;
  let added = 0;
  let resubscribed = 0;
  for (;;) {
    const fetchedAt = Date.now();
    let page: Awaited<ReturnType<typeof client.listFollowers>>;
    try {
      page = await client.listFollowers(next);
    } catch (error) {
      throw refused('同步关注者', error);
    }
    // The newest count: people who follow or leave during the sync move it.
    total = page.total;
    listed += page.openids.length;
    const merged = await mergePage(db, channel.id, page.openids, fetchedAt);
    added += merged.added;
    resubscribed += merged.resubscribed;
    // '' after the last page; a cursor that does not move would never end.
    if (!page.next || page.next === next) break;
    next = page.next;
  }
  await db.transaction().execute(async (trx) => {
    await recordSyncedReading(trx, actor, channel.id, total);
    await recordAudit(trx, actor, {
      action: 'wechat.followers.sync',
      objectType: 'channel',
      objectId: channel.id,
      orgId: channel.org_id,
      // ledgerSubscribed above total: followers who left while no callback arrived (see README).
      details: { total, listed, added, resubscribed, ledgerSubscribed: await countSubscribed(trx, channel.id) },
    });
  });
  return { total };
}
