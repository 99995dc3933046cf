import type { ReplyTrigger } from '../../../common/domain.js';
import type { Executor, WechatAccountsTable, WechatFollowersTable } from '../../db/schema.js';

// Queries of the WeChat tables only; the rules are in the services.

export type WechatAccountRow = WechatAccountsTable;

export function findAccount(db: Executor, channelId: number): Promise<WechatAccountRow | undefined> {
  return db.selectFrom('wechat_accounts').selectAll().where('channel_id', '=', channelId).executeTakeFirst();
}

/** The account a callback names: an official account with its settings row; undefined otherwise. */
export function findCallbackAccount(db: Executor, channelId: number) {
  return db
    .selectFrom('wechat_accounts as a')
    .innerJoin('channels as c', 'c.id', 'a.channel_id')
    .selectAll('a')
    .select(['c.org_id', 'c.original_id'])
    .where('a.channel_id', '=', channelId)
    .where('c.kind', '=', 'official_account')
    .executeTakeFirst();
}

export async function upsertAccount(db: Executor, row: WechatAccountRow): Promise<void> {
  await db
    .insertInto('wechat_accounts')
    .values(row)
    .onConflict((oc) =>
      oc.column('channel_id').doUpdateSet({
        app_id: row.app_id,
        app_secret: row.app_secret,
        callback_token: row.callback_token,
        aes_key: row.aes_key,
        encryption_mode: row.encryption_mode,
        webhook_key: row.webhook_key,
        updated_by: row.updated_by,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

/** Records a callback's key; false when it was seen already (WeChat's retry of the same push). */
export async function markInbound(db: Executor, channelId: number, key: string, at: string): Promise<boolean> {
  const row = await db
    .insertInto('wechat_inbound')
    .values({ channel_id: channelId, dedupe_key: key, received_at: at, reply: null })
    .onConflict((oc) => oc.columns(['channel_id', 'dedupe_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Keeps the reply given to a push, for its retries. */
export async function setInboundReply(db: Executor, channelId: number, key: string, reply: string): Promise<void> {
  await db
    .updateTable('wechat_inbound')
    .set({ reply })
    .where('channel_id', '=', channelId)
    .where('dedupe_key', '=', key)
    .execute();
}

/** The push seen under this key: undefined when none was, else the reply it got (null: none). */
export async function findInbound(
  db: Executor,
  channelId: number,
  key: string,
): Promise<{ reply: string | null } | undefined> {
  return db
    .selectFrom('wechat_inbound')
    .select('reply')
    .where('channel_id', '=', channelId)
    .where('dedupe_key', '=', key)
    .executeTakeFirst();
}

export async function purgeInbound(db: Executor, before: string): Promise<number> {
  const result = await db.deleteFrom('wechat_inbound').where('received_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

// Followers.

export type FollowerRow = Omit<WechatFollowersTable, 'id'> & { id: number };

export function findFollower(db: Executor, channelId: number, openid: string): Promise<FollowerRow | undefined> {
  return db
    .selectFrom('wechat_followers')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('openid', '=', openid)
    .executeTakeFirst();
}

/** Inserts unless the follower is known already (a concurrent event for the same person); false then. */
export async function insertFollower(db: Executor, row: Omit<FollowerRow, 'id'>): Promise<boolean> {
  const inserted = await db
    .insertInto('wechat_followers')
    .values(row)
    .onConflict((oc) => oc.columns(['channel_id', 'openid']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function updateFollower(
  db: Executor,
  id: number,
  values: Partial<Omit<FollowerRow, 'id' | 'channel_id' | 'openid'>>,
): Promise<void> {
  await db.updateTable('wechat_followers').set(values).where('id', '=', id).execute();
}

/** Subscribed followers of the channel; `attributed`: only those an org's QR code brought. */
export async function countSubscribed(db: Executor, channelId: number, attributed = false): Promise<number> {
  let query = db
    .selectFrom('wechat_followers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('channel_id', '=', channelId)
    .where('subscribed', '=', 1);
  if (attributed) query = query.where('scene_org_id', 'is not', null);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/** Subscribed followers per org whose QR code brought them, most first. */
export async function subscribedByOrg(db: Executor, channelId: number, limit: number) {
  const rows = await db
    .selectFrom('wechat_followers as f')
    .innerJoin('orgs', 'orgs.id', 'f.scene_org_id')
    .select(['f.scene_org_id as orgId', 'orgs.name as orgName'])
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('f.channel_id', '=', channelId)
    .where('f.subscribed', '=', 1)
    .groupBy(['f.scene_org_id', 'orgs.name'])
    .orderBy('count', 'desc')
    .orderBy('f.scene_org_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ orgId: Number(r.orgId), orgName: r.orgName, count: Number(r.count) }));
}

/** Followers who subscribed since `since`, and those who have left since then. */
export async function changesSince(db: Executor, channelId: number, since: string) {
  const count = (column: 'subscribed_at' | 'unsubscribed_at', subscribed: number | null) => {
    let query = db
      .selectFrom('wechat_followers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('channel_id', '=', channelId)
      .where(column, '>=', since);
    if (subscribed !== null) query = query.where('subscribed', '=', subscribed);
    return query.executeTakeFirstOrThrow();
  };
  const gained = await count('subscribed_at', null);
  const lost = await count('unsubscribed_at', 0);
  return { gained: Number(gained.n), lost: Number(lost.n) };
}

// QR scenes.

export function findSceneByKey(db: Executor, channelId: number, scene: string) {
  return db
    .selectFrom('wechat_qr_scenes')
    .select(['id', 'org_id'])
    .where('channel_id', '=', channelId)
    .where('scene', '=', scene)
    .executeTakeFirst();
}

/** Scenes with the org's name, the path of the channel's org, and the subscribed followers each brought. */
function scenesWithOrg(db: Executor) {
  return db
    .selectFrom('wechat_qr_scenes as s')
    .innerJoin('orgs', 'orgs.id', 's.org_id')
    .innerJoin('channels as c', 'c.id', 's.channel_id')
    .innerJoin('orgs as owner', 'owner.id', 'c.org_id')
    .select(['s.id', 's.channel_id', 's.org_id', 's.scene', 's.url', 's.created_at', 'orgs.name as org_name'])
    .select('owner.path as channel_org_path')
    .select((eb) =>
      eb
        .selectFrom('wechat_followers as f')
        .select((f) => f.fn.countAll<number>().as('n'))
        .whereRef('f.channel_id', '=', 's.channel_id')
        .whereRef('f.scene_org_id', '=', 's.org_id')
        .where('f.subscribed', '=', 1)
        .as('followers'),
    );
}

export type SceneRow = NonNullable<Awaited<ReturnType<typeof findScene>>>;

export function findScene(db: Executor, id: number) {
  return scenesWithOrg(db).where('s.id', '=', id).executeTakeFirst();
}

export function findSceneOfOrg(db: Executor, channelId: number, orgId: number) {
  return scenesWithOrg(db).where('s.channel_id', '=', channelId).where('s.org_id', '=', orgId).executeTakeFirst();
}

export function listScenes(db: Executor, channelId: number) {
  return scenesWithOrg(db).where('s.channel_id', '=', channelId).orderBy('s.id').execute();
}

/** Inserts unless the org already has a code for the channel; undefined then. */
export async function insertScene(
  db: Executor,
  row: { channel_id: number; org_id: number; scene: string; ticket: string; url: string; created_at: string },
): Promise<number | undefined> {
  const inserted = await db
    .insertInto('wechat_qr_scenes')
    .values(row)
    .onConflict((oc) => oc.columns(['channel_id', 'org_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id;
}

// Replies.

export function listReplies(db: Executor, channelId: number) {
  return db
    .selectFrom('wechat_replies')
    .selectAll()
    .where('channel_id', '=', channelId)
    .orderBy('trigger')
    .orderBy('id')
    .execute();
}

export function repliesOf(db: Executor, channelId: number, trigger: ReplyTrigger) {
  return db
    .selectFrom('wechat_replies')
    .select(['id', 'match_key', 'reply_text'])
    .where('channel_id', '=', channelId)
    .where('trigger', '=', trigger)
    .orderBy('id')
    .execute();
}

export async function insertReply(
  db: Executor,
  row: {
    channel_id: number;
    trigger: ReplyTrigger;
    match_key: string | null;
    reply_text: string;
    created_by: number;
    created_at: string;
  },
): Promise<number> {
  const { id } = await db.insertInto('wechat_replies').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export function findReply(db: Executor, channelId: number, id: number) {
  return db
    .selectFrom('wechat_replies')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function deleteReply(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('wechat_replies').where('id', '=', id).execute();
}
