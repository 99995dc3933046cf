import { Cron } from 'croner';
import { addDays, chinaToday } from '../../../common/dates.js';
import { targetsInput, type TargetInput } from '../../../common/publishing.js';
import type { Config } from '../../config.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso, subtreeRange } from '../../db/tree.js';
import { assertSees, type Actor } from '../../http/actor.js';
import { conflict } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { loadWritableOrg } from '../ledger/shared.js';
import { loadVisibleOrg } from '../orgs/service.js';
import { createBulletin } from './service.js';

// Periodic mobile bulletins (手机报): a series has a cron schedule (China time) and default targets; each issue is
// a bulletin of kind 'issue' numbered within its series, due at the series' next run.

const timezone = 'Asia/Shanghai';

export function nextRuns(cron: string, count: number, from = new Date()): string[] {
  return new Cron(cron, { paused: true, timezone }).nextRuns(count, from).map((d) => d.toISOString());
}

type SeriesRow = { id: number; org_id: number; name: string; cron: string; targets: string; active: number };

async function presentSeries(db: Executor, row: SeriesRow) {
  const last = await db
    .selectFrom('bulletins')
    .select((eb) => eb.fn.max('issue_number').as('n'))
    .where('series_id', '=', row.id)
    .executeTakeFirst();
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    cron: row.cron,
    targets: parseTargets(row.targets),
    active: row.active === 1,
    nextRuns: row.active === 1 ? nextRuns(row.cron, 5) : [],
    lastIssueNumber: last?.n === null || last?.n === undefined ? null : Number(last.n),
  };
}

function parseTargets(json: string): TargetInput[] {
  return targetsInput.parse(JSON.parse(json));
}

async function loadVisibleSeries(db: Executor, actor: Actor, id: number) {
  const row = await db
    .selectFrom('bulletin_series as s')
    .innerJoin('orgs as o', 'o.id', 's.org_id')
    .selectAll('s')
    .select('o.path as org_path')
    .where('s.id', '=', id)
    .executeTakeFirst();
  assertSees(actor, row?.org_path, '手机报');
  return row;
}

export async function listSeries(db: Db, actor: Actor, orgId: number) {
  const org = await loadVisibleOrg(db, actor, orgId);
  const rows = await db.selectFrom('bulletin_series').selectAll().where('org_id', '=', org.id).orderBy('id').execute();
  const items = [];
  for (const row of rows) items.push(await presentSeries(db, row));
  return { items };
}

export async function createSeries(
  db: Db,
  actor: Actor,
  body: { orgId: number; name: string; cron: string; targets: TargetInput[] },
) {
  return db.transaction().execute(async (trx) => {
    const org = await loadWritableOrg(trx, actor, body.orgId);
    const at = nowIso();
    const { id } = await trx
      .insertInto('bulletin_series')
      .values({
        org_id: org.id,
        name: body.name,
        cron: body.cron,
        targets: JSON.stringify(body.targets),
        active: 1,
        created_by: actor.userId,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: 'bulletin_series.create',
      objectType: 'bulletin_series',
      objectId: id,
      orgId: org.id,
      details: { name: body.name, cron: body.cron },
    });
    const row = await trx.selectFrom('bulletin_series').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return presentSeries(trx, row);
  });
}

export async function updateSeries(
  db: Db,
  actor: Actor,
  id: number,
  body: { name?: string; cron?: string; targets?: TargetInput[]; active?: boolean },
) {
  return db.transaction().execute(async (trx) => {
    const series = await loadVisibleSeries(trx, actor, id);
    await trx
      .updateTable('bulletin_series')
      .set({
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.cron !== undefined ? { cron: body.cron } : {}),
        ...(body.targets !== undefined ? { targets: JSON.stringify(body.targets) } : {}),
        ...(body.active !== undefined ? { active: body.active ? 1 : 0 } : {}),
        updated_at: nowIso(),
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, actor, {
      action: 'bulletin_series.update',
      objectType: 'bulletin_series',
      objectId: id,
      orgId: series.org_id,
      details: body,
    });
    const row = await trx.selectFrom('bulletin_series').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return presentSeries(trx, row);
  });
}

/** A draft issue due at the series' next run that no issue holds yet, assembling the chosen articles. */
export async function createIssue(
  db: Db,
  actor: Actor,
  seriesId: number,
  body: { articleIds: number[]; title?: string | null },
  config: Pick<Config, 'publicUrl'>,
) {
  const series = await loadVisibleSeries(db, actor, seriesId);
  if (series.active !== 1) throw conflict('该手机报已停用');
  const taken = new Set(
    (
      await db
        .selectFrom('bulletins')
        .select('send_at')
        .where('series_id', '=', seriesId)
        .where('send_at', 'is not', null)
        .execute()
    ).map((r) => r.send_at),
  );
  const sendAt = nextRuns(series.cron, 20).find((at) => !taken.has(at)) ?? null;
  const last = await db
    .selectFrom('bulletins')
    .select((eb) => eb.fn.max('issue_number').as('n'))
    .where('series_id', '=', seriesId)
    .executeTakeFirst();
  const number = Number(last?.n ?? 0) + 1;
  return createBulletin(
    db,
    actor,
    {
      orgId: series.org_id,
      kind: 'issue',
      title: body.title ?? `${series.name} 第 ${number} 期`,
      author: null,
      digest: null,
      contentHtml: '',
      coverSha256: null,
      targets: parseTargets(series.targets),
      sendAt,
      articleIds: body.articleIds,
    },
    config,
    { seriesId, issueNumber: number },
  );
}

/** Sends, scheduled sends and series runs between two China dates, for the calendar. */
export async function calendar(db: Db, actor: Actor, query: { orgId: number; from: string; to: string }) {
  const org = await loadVisibleOrg(db, actor, query.orgId);
  const from = new Date(`${query.from}T00:00:00+08:00`);
  const to = new Date(`${addDays(query.to, 1)}T00:00:00+08:00`);
  const [lower, upper] = subtreeRange(org.path);
  const rows = await db
    .selectFrom('bulletins as b')
    .innerJoin('orgs as o', 'o.id', 'b.org_id')
    .select(['b.id', 'b.title', 'b.status', 'b.send_at', 'b.published_at', 'b.series_id', 'b.updated_at'])
    .where('o.path', '>=', lower)
    .where('o.path', '<', upper)
    .where((eb) =>
      eb.or([
        eb.and([eb('b.send_at', '>=', from.toISOString()), eb('b.send_at', '<', to.toISOString())]),
        eb.and([
          eb('b.status', '=', 'sent'),
          eb('b.updated_at', '>=', from.toISOString()),
          eb('b.updated_at', '<', to.toISOString()),
        ]),
      ]),
    )
    .limit(500)
    .execute();
  const items: {
    at: string;
    kind: 'scheduled' | 'sent' | 'series_run';
    title: string;
    bulletinId: number | null;
    seriesId: number | null;
  }[] = rows.map((row) => ({
    at: row.status === 'sent' ? (row.published_at ?? row.updated_at) : row.send_at!,
    kind: row.status === 'sent' ? ('sent' as const) : ('scheduled' as const),
    title: row.title,
    bulletinId: row.id,
    seriesId: row.series_id,
  }));
  const series = await db
    .selectFrom('bulletin_series')
    .select(['id', 'name', 'cron'])
    .where('org_id', '=', org.id)
    .where('active', '=', 1)
    .execute();
  for (const s of series) {
    const runs = new Cron(s.cron, { paused: true, timezone }).nextRuns(62, new Date(from.getTime() - 1));
    for (const run of runs) {
      if (run >= to) break;
      items.push({ at: run.toISOString(), kind: 'series_run', title: s.name, bulletinId: null, seriesId: s.id });
    }
  }
  items.sort((a, b) => a.at.localeCompare(b.at));
  return { items };
}

/** Posts per channel per week (Monday to Sunday, China time) of the org's own channels: delivered by the platform and recorded by hand. */
export async function weeklyPosts(db: Db, actor: Actor, query: { orgId: number; weeks: number }) {
  const org = await loadVisibleOrg(db, actor, query.orgId);
  const today = chinaToday();
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
  const thisMonday = addDays(today, -weekday);
  const mondays = Array.from({ length: query.weeks }, (_, i) => addDays(thisMonday, -7 * (query.weeks - 1 - i)));
  const weekOf = (day: string) => {
    let week = -1;
    mondays.forEach((monday, i) => {
      if (monday <= day) week = i;
    });
    return week;
  };
  const channels = await db
    .selectFrom('channels')
    .select(['id', 'name', 'kind'])
    .where('org_id', '=', org.id)
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
  const posts = new Map(channels.map((c) => [c.id, mondays.map(() => 0)]));
  const ids = channels.map((c) => c.id);
  if (ids.length > 0) {
    const delivered = await db
      .selectFrom('deliveries')
      .select(['channel_id', 'sent_at'])
      .where('channel_id', 'in', ids)
      .where('status', '=', 'sent')
      .where('sent_at', '>=', new Date(`${mondays[0]}T00:00:00+08:00`).toISOString())
      .execute();
    for (const row of delivered) {
      const week = weekOf(chinaToday(new Date(row.sent_at!)));
      if (week >= 0) posts.get(row.channel_id!)![week]++;
    }
    const recorded = await db
      .selectFrom('channel_posts')
      .select(['channel_id', 'on_date', 'count'])
      .where('channel_id', 'in', ids)
      .where('on_date', '>=', mondays[0])
      .execute();
    for (const row of recorded) {
      const week = weekOf(row.on_date);
      if (week >= 0) posts.get(row.channel_id)![week] += row.count;
    }
  }
  return {
    weeks: mondays,
    channels: channels.map((c) => ({ channelId: c.id, name: c.name, kind: c.kind, posts: posts.get(c.id)! })),
  };
}
