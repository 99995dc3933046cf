import { sql } from 'kysely';
import { addDays } from '../../../common/dates.js';
import type { Db } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { notFound } from '../../http/errors.js';

// In-app notifications belong to an org: everyone working for that org sees them; each reads them alone.

export async function listNotifications(db: Db, actor: Actor) {
  if (actor.orgId === null) return { items: [], unread: 0 };
  const rows = await db
    .selectFrom('notifications as n')
    .leftJoin('notification_reads as r', (join) =>
      join.onRef('r.notification_id', '=', 'n.id').on('r.user_id', '=', actor.userId),
    )
    .leftJoin('indicators as i', 'i.id', 'n.indicator_id')
    .select(['n.id', 'n.kind', 'n.title', 'n.body', 'n.due_on', 'n.created_at', 'n.org_id', 'r.read_at'])
    .select(['i.id as indicator_id', 'i.campaign_id'])
    .where('n.org_id', '=', actor.orgId)
    .orderBy('n.id', 'desc')
    .limit(50)
    .execute();
  const unread = await db
    .selectFrom('notifications as n')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('n.org_id', '=', actor.orgId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('notification_reads as r')
            .select('r.notification_id')
            .whereRef('r.notification_id', '=', 'n.id')
            .where('r.user_id', '=', actor.userId),
        ),
      ),
    )
    .executeTakeFirstOrThrow();
  return {
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      body: r.body,
      dueOn: r.due_on,
      createdAt: r.created_at,
      read: r.read_at !== null,
      dashboard:
        r.indicator_id !== null && r.campaign_id !== null
          ? { campaignId: r.campaign_id, indicatorId: r.indicator_id, orgId: r.org_id }
          : null,
    })),
    unread: Number(unread.n),
  };
}

export async function markRead(db: Db, actor: Actor, id: number | 'all'): Promise<void> {
  if (actor.orgId === null) {
    if (id === 'all') return;
    throw notFound('通知');
  }
  let query = db.selectFrom('notifications').select('id').where('org_id', '=', actor.orgId);
  if (id !== 'all') {
    query = query.where('id', '=', id);
    if (!(await query.executeTakeFirst())) throw notFound('通知');
  }
  const ids = (await query.execute()).map((r) => r.id);
  const at = nowIso();
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .insertInto('notification_reads')
      .values(
        ids
          .slice(i, i + 500)
          .map((notificationId) => ({ notification_id: notificationId, user_id: actor.userId, read_at: at })),
      )
      .onConflict((oc) => oc.columns(['notification_id', 'user_id']).doNothing())
      .execute();
  }
}

/**
 * Reminds every org still below an indicator's threshold, once per deadline, when the deadline is within the
 * campaign's reminder window. One INSERT … SELECT per indicator; the unique key makes a rerun (or a second
 * instance) add nothing.
 */
export async function sendDeadlineReminders(db: Db, today: string): Promise<number> {
  const due = await db
    .selectFrom('indicators as i')
    .innerJoin('campaigns as c', 'c.id', 'i.campaign_id')
    .select(['i.id', 'i.name', 'i.deadline', 'c.name as campaign_name', 'c.reminder_days'])
    .where('c.status', '=', 'active')
    .where('c.reminder_days', '>', 0)
    .where('i.deadline', '>=', today)
    .where('i.deadline', '<=', addDays(today, 60))
    .execute();
  let sent = 0;
  for (const indicator of due) {
    if (indicator.deadline! > addDays(today, indicator.reminder_days)) continue;
    const title = `【${indicator.campaign_name}】“${indicator.name}”将于 ${indicator.deadline} 截止`;
    const body = `本组织尚未达到“${indicator.name}”的要求，距截止日期 ${indicator.deadline} 已不足 ${indicator.reminder_days} 天，请抓紧完成并及时录入台账。`;
    const result = await db
      .insertInto('notifications')
      .columns(['org_id', 'kind', 'indicator_id', 'due_on', 'title', 'body', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('indicator_status as s')
          .select([
            's.org_id',
            sql.lit('deadline_reminder').as('kind'),
            's.indicator_id',
            sql.val(indicator.deadline).as('due_on'),
            sql.val(title).as('title'),
            sql.val(body).as('body'),
            sql.val(nowIso()).as('created_at'),
          ])
          .where('s.indicator_id', '=', indicator.id)
          .where('s.met', '=', 0),
      )
      .onConflict((oc) => oc.columns(['org_id', 'kind', 'indicator_id', 'due_on']).doNothing())
      .executeTakeFirst();
    sent += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return sent;
}

/**
 * Today's roll-up of every active campaign, kept for the trend. Village rows are left out: a village's trend is
 * its own status, and they would be most of the rows. Idempotent per day.
 */
export async function takeDailySnapshots(db: Db, today: string): Promise<number> {
  const result = await db
    .insertInto('indicator_snapshots')
    .columns(['indicator_id', 'org_id', 'on_date', 'level', 'applicable', 'met', 'value_sum'])
    .expression((eb) =>
      eb
        .selectFrom('indicator_rollup as r')
        .innerJoin('indicators as i', 'i.id', 'r.indicator_id')
        .innerJoin('campaigns as c', 'c.id', 'i.campaign_id')
        .innerJoin('orgs as o', 'o.id', 'r.org_id')
        .select([
          'r.indicator_id',
          'r.org_id',
          sql.val(today).as('on_date'),
          'r.level',
          'r.applicable',
          'r.met',
          'r.value_sum',
        ])
        .where('c.status', '=', 'active')
        .where('c.starts_on', '<=', today)
        .where('c.ends_on', '>=', today)
        .where('o.level', '!=', 'village'),
    )
    .onConflict((oc) => oc.columns(['indicator_id', 'org_id', 'on_date', 'level']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
