import { chinaToday } from '../../../common/dates.js';
import type { Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { latestReading, updateChannel, upsertReading } from '../channels/repo.js';
import {
  changesSince,
  countSubscribed,
  findFollower,
  findSceneByKey,
  insertFollower,
  subscribedByOrg,
  updateFollower,
  type FollowerRow,
} from './repo.js';

// The follower ledger, kept from WeChat's subscribe / unsubscribe / SCAN events. Each event carries WeChat's own
// time (CreateTime): an event older than the last one applied to the same follower is stale (a late retry) and
// changes nothing. After a change the channel's reading of today (China) is the number of subscribed followers.

export type FollowerEvent = {
  kind: 'subscribe' | 'unsubscribe' | 'scan';
  openid: string;
  /** WeChat's CreateTime as an ISO instant. */
  at: string;
  /** The scene string of the QR code scanned (subscribe: after `qrscene_`; SCAN: the EventKey), if any. */
  scene: string | null;
};

function lastChange(row: FollowerRow): string | null {
  const times = [row.subscribed_at, row.unsubscribed_at].filter((t): t is string => t !== null);
  return times.length === 0 ? null : times.sort().at(-1)!;
}

/** The org a scene was made for on this channel; null for a code the platform did not make. */
async function sceneOrg(db: Executor, channelId: number, scene: string | null): Promise<number | null> {
  if (!scene) return null;
  return (await findSceneByKey(db, channelId, scene))?.org_id ?? null;
}

/** Applies one event to the ledger; true when the number of subscribed followers may have changed. */
export async function applyFollowerEvent(db: Executor, channelId: number, event: FollowerEvent): Promise<boolean> {
  const orgId = await sceneOrg(db, channelId, event.scene);
  const at = nowIso();
  let row = await findFollower(db, channelId, event.openid);
  if (!row) {
    // Someone the ledger has not met: a new follower, or one from before the callbacks were set up (SCAN and
    // unsubscribe are only sent for people who follow already).
    const inserted = await insertFollower(db, {
      channel_id: channelId,
      openid: event.openid,
      subscribed: event.kind === 'unsubscribe' ? 0 : 1,
      scene_org_id: event.kind === 'unsubscribe' ? null : orgId,
      subscribed_at: event.kind === 'subscribe' ? event.at : null,
      unsubscribed_at: event.kind === 'unsubscribe' ? event.at : null,
      updated_at: at,
    });
    if (inserted) return event.kind !== 'unsubscribe';
    // Another event for the same person got there first: apply this one to what it wrote.
    row = (await findFollower(db, channelId, event.openid))!;
  }
  if (event.kind === 'scan') {
    // A follower already counted scans a code: attributed to it only if no org has them yet.
    if (row.scene_org_id === null && orgId !== null) {
      await updateFollower(db, row.id, { scene_org_id: orgId, updated_at: at });
    }
    return false;
  }
  const last = lastChange(row);
  if (last !== null && event.at < last) return false;
  if (event.kind === 'subscribe') {
    await updateFollower(db, row.id, {
      subscribed: 1,
      subscribed_at: event.at,
      // The code scanned to subscribe attributes the follower; subscribing without one keeps the earlier org.
      scene_org_id: orgId ?? row.scene_org_id,
      updated_at: at,
    });
    return row.subscribed !== 1;
  }
  await updateFollower(db, row.id, { subscribed: 0, unsubscribed_at: event.at, updated_at: at });
  return row.subscribed === 1;
}

/**
 * Today's reading of the channel (source 'wechat') is the number of subscribed followers, and the channel keeps its
 * newest reading as latest_count, as a reading recorded by hand does (channels/service.ts recordReading).
 */
export async function recordFollowerReading(db: Executor, channelId: number): Promise<number> {
  const count = await countSubscribed(db, channelId);
  const at = nowIso();
  await upsertReading(
    db,
    { channel_id: channelId, on_date: chinaToday(), count, recorded_by: null, created_at: at },
    'wechat',
  );
  const latest = (await latestReading(db, channelId))!;
  await updateChannel(db, channelId, { latest_count: latest.count, latest_count_on: latest.on_date, updated_at: at });
  return count;
}

/** The start of today in China (UTC+8) as an ISO instant. */
function chinaMidnight(): string {
  return new Date(`${chinaToday()}T00:00:00+08:00`).toISOString();
}

/** What the settings page shows: followers now, by the org whose code brought them (top 20), today's changes. */
export async function followerSummary(db: Executor, channelId: number) {
  const subscribed = await countSubscribed(db, channelId);
  const byOrg = await subscribedByOrg(db, channelId, 20);
  const attributed = await countSubscribed(db, channelId, true);
  const today = await changesSince(db, channelId, chinaMidnight());
  return {
    subscribed,
    unattributed: subscribed - attributed,
    byOrg,
    today: { onDate: chinaToday(), ...today },
  };
}
