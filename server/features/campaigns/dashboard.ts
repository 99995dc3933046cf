import { sql } from 'kysely';
import type { DashboardResponse, LaggardResponse } from '../../../common/campaigns.js';
import { chinaToday, daysBetween } from '../../../common/dates.js';
import type { IndicatorStatus, OrgLevel } from '../../../common/domain.js';
import { orgLevels } from '../../../common/domain.js';
import type { Db } from '../../db/schema.js';
import { actorSees, type Actor } from '../../http/actor.js';
import { notFound } from '../../http/errors.js';
import { pathIds, subtreeRange } from '../../db/tree.js';
import { findChildren, findOrgsByIds, type OrgRow } from '../orgs/repo.js';
import { loadVisibleOrg } from '../orgs/service.js';
import type { CampaignWithRoot } from './repo.js';
import { findIndicators, findResponsibleCadres } from './repo.js';
import { loadVisibleCampaign, presentCampaign, presentIndicator } from './service.js';

// Dashboards read the maintained tables only (indicator_status, indicator_rollup, indicator_snapshots): the
// cost of a page is the number of the org's children and indicators, whatever the number of channels, cadres
// and contacts beneath it.

/** What an org below the threshold is on a given day. */
export function laggingStatus(today: string, deadline: string | null, endsOn: string): IndicatorStatus {
  if (today > endsOn) return 'not_met';
  if (deadline && today > deadline) return 'overdue';
  return 'not_yet_due';
}

type Tally = { applicable: number; met: number; share: number | null; valueSum: number };

function tally(rows: { applicable: number; met: number; value_sum: number }[]): Tally {
  const applicable = rows.reduce((n, r) => n + Number(r.applicable), 0);
  const met = rows.reduce((n, r) => n + Number(r.met), 0);
  const valueSum = rows.reduce((n, r) => n + Number(r.value_sum), 0);
  return {
    applicable,
    met,
    share: applicable > 0 ? met / applicable : null,
    valueSum: Math.round(valueSum * 1e6) / 1e6,
  };
}

/** The org of a dashboard: visible to the actor and under the campaign's root. */
async function loadDashboardOrg(db: Db, actor: Actor, campaign: CampaignWithRoot, orgId: number): Promise<OrgRow> {
  const org = await loadVisibleOrg(db, actor, orgId);
  if (!org.path.startsWith(campaign.root_path)) throw notFound('组织');
  return org;
}

export async function getDashboard(
  db: Db,
  actor: Actor,
  campaignId: number,
  orgId: number,
): Promise<DashboardResponse> {
  const campaign = await loadVisibleCampaign(db, actor, campaignId);
  const org = await loadDashboardOrg(db, actor, campaign, orgId);
  const today = chinaToday();
  const indicators = await findIndicators(db, campaignId);
  const indicatorIds = [...indicators.map((i) => i.id), -1];
  const children = await findChildren(db, org.id, { includeDissolved: false, offset: 0, limit: 500 });
  const orgIds = [org.id, ...children.map((c) => c.id)];

  const [rollups, statuses, snapshots] = await Promise.all([
    db
      .selectFrom('indicator_rollup')
      .select(['indicator_id', 'org_id', 'level', 'applicable', 'met', 'value_sum'])
      .where('indicator_id', 'in', indicatorIds)
      .where('org_id', 'in', orgIds)
      .execute(),
    db
      .selectFrom('indicator_status')
      .select(['indicator_id', 'org_id', 'value', 'met'])
      .where('indicator_id', 'in', indicatorIds)
      .where('org_id', 'in', orgIds)
      .execute(),
    db
      .selectFrom('indicator_snapshots')
      .select([
        'on_date',
        'indicator_id',
        sql<number>`sum(applicable)`.as('applicable'),
        sql<number>`sum(met)`.as('met'),
      ])
      .where('org_id', '=', org.id)
      .where('indicator_id', 'in', indicatorIds)
      .where('on_date', '<', today)
      .groupBy(['on_date', 'indicator_id'])
      .orderBy('on_date')
      .execute(),
  ]);
  // Grouped once: a page asks for every child × indicator.
  const key = (indicatorId: number, orgId: number) => `${indicatorId}/${orgId}`;
  const rollupsByKey = new Map<string, typeof rollups>();
  for (const row of rollups) {
    const k = key(row.indicator_id, row.org_id);
    rollupsByKey.set(k, [...(rollupsByKey.get(k) ?? []), row]);
  }
  const statusByKey = new Map(statuses.map((s) => [key(s.indicator_id, s.org_id), s]));
  const rollupOf = (indicatorId: number, id: number) => rollupsByKey.get(key(indicatorId, id)) ?? [];
  const ownOf = (indicatorId: number, id: number, lagging: IndicatorStatus) => {
    const row = statusByKey.get(key(indicatorId, id));
    return row ? { value: row.value, met: row.met === 1, status: row.met === 1 ? ('met' as const) : lagging } : null;
  };

  // The breadcrumb: the org's ancestors from the campaign's root down, those the actor sees.
  const pathIdList = pathIds(org.path);
  const rootIndex = pathIdList.indexOf(campaign.root_org_id);
  const ancestorIds = pathIdList
    .slice(0, -1)
    .filter((_, i) => i >= rootIndex && actorSees(actor, `/${pathIdList.slice(0, i + 1).join('/')}/`));
  const ancestorNames = new Map((await findOrgsByIds(db, ancestorIds)).map((a) => [a.id, a.name]));
  const ancestors = ancestorIds.map((id) => ({ id, name: ancestorNames.get(id) ?? '' }));

  const presented = indicators.map((indicator) => {
    const lagging = laggingStatus(today, indicator.deadline, campaign.ends_on);
    const own = rollupOf(indicator.id, org.id);
    return {
      ...presentIndicator(indicator),
      daysLeft: indicator.deadline ? daysBetween(today, indicator.deadline) : null,
      laggingStatus: lagging,
      own: ownOf(indicator.id, org.id, lagging),
      total: tally(own),
      byLevel: orgLevels
        .map((level) => ({ level, ...tally(own.filter((r) => r.level === level)) }))
        .filter((t) => t.applicable > 0),
    };
  });

  const trend = snapshots.map((s) => ({
    date: s.on_date,
    indicatorId: s.indicator_id,
    applicable: Number(s.applicable),
    met: Number(s.met),
  }));
  for (const indicator of presented) {
    trend.push({
      date: today,
      indicatorId: indicator.id,
      applicable: indicator.total.applicable,
      met: indicator.total.met,
    });
  }

  return {
    today,
    campaign: presentCampaign(actor, campaign),
    org: { id: org.id, name: org.name, level: org.level, ancestors },
    indicators: presented,
    children: children.map((child) => ({
      id: child.id,
      name: child.name,
      level: child.level,
      indicators: presented.map((indicator) => ({
        indicatorId: indicator.id,
        own: ownOf(indicator.id, child.id, indicator.laggingStatus),
        ...tally(rollupOf(indicator.id, child.id)),
      })),
    })),
    trend,
  };
}

export async function getLaggards(
  db: Db,
  actor: Actor,
  input: { campaignId: number; orgId: number; indicatorId: number; level?: OrgLevel; page: number; pageSize: number },
): Promise<LaggardResponse> {
  const campaign = await loadVisibleCampaign(db, actor, input.campaignId);
  const org = await loadDashboardOrg(db, actor, campaign, input.orgId);
  const indicator = (await findIndicators(db, campaign.id)).find((i) => i.id === input.indicatorId);
  if (!indicator) throw notFound('指标');
  const lagging = laggingStatus(chinaToday(), indicator.deadline, campaign.ends_on);
  const [from, to] = subtreeRange(org.path);

  let totalQuery = db
    .selectFrom('indicator_rollup')
    .select([sql<number>`coalesce(sum(applicable - met), 0)`.as('n')])
    .where('indicator_id', '=', indicator.id)
    .where('org_id', '=', org.id);
  if (input.level) totalQuery = totalQuery.where('level', '=', input.level);
  // The lagging-orgs index (indicator, met, path) answers this page as a range, in tree order.
  // The page is cut from the status rows alone (a range on the lagging-orgs index), and only its rows are joined
  // to their names: joining first made PostgreSQL hash-join every lagging village before the offset.
  let page = db
    .selectFrom('indicator_status')
    .select(['org_id', 'value', 'org_level', 'org_path'])
    .where('indicator_id', '=', indicator.id)
    .where('met', '=', 0)
    .where('org_path', '>=', from)
    .where('org_path', '<', to);
  if (input.level) page = page.where('org_level', '=', input.level);
  const pageQuery = db
    .selectFrom(
      page
        .orderBy('org_path')
        .offset((input.page - 1) * input.pageSize)
        .limit(input.pageSize)
        .as('s'),
    )
    .innerJoin('orgs as o', 'o.id', 's.org_id')
    .leftJoin('orgs as p', 'p.id', 'o.parent_id')
    .select(['s.org_id', 's.value', 's.org_level', 'o.name', 'p.name as parent_name'])
    .orderBy('s.org_path');
  const [total, rows] = await Promise.all([totalQuery.executeTakeFirstOrThrow(), pageQuery.execute()]);
  const cadres = await findResponsibleCadres(
    db,
    rows.map((r) => r.org_id),
  );
  return {
    total: Number(total.n),
    items: rows.map((r) => ({
      orgId: r.org_id,
      orgName: r.name,
      level: r.org_level,
      parentName: r.parent_name,
      value: r.value,
      status: lagging,
      cadre: cadres.get(r.org_id) ?? null,
    })),
  };
}
