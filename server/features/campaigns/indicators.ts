import type { OrgLevel, OrgType } from '../../../common/domain.js';
import type { CampaignsTable, Executor, IndicatorsTable } from '../../db/schema.js';
import { isPostgres } from '../../db/tree.js';
import type { Selectable } from 'kysely';

export type IndicatorRow = Selectable<IndicatorsTable>;
export type CampaignRow = Selectable<CampaignsTable>;

/** An indicator of an active campaign, with what deciding applicability and windows needs. */
export type ActiveIndicator = IndicatorRow & {
  rootOrgId: number;
  rootPath: string;
  levelSet: ReadonlySet<OrgLevel>;
  typeSet: ReadonlySet<OrgType>;
  /** Dated records (posts, activities) count from here to windowEnd. */
  windowStart: string;
  windowEnd: string;
};

export function parseList<T extends string>(json: string): T[] {
  return JSON.parse(json) as T[];
}

/**
 * Indicators of active campaigns, optionally only some metrics or campaigns. On PostgreSQL the campaigns are
 * share-locked, so that a full recompute (which locks them for update) never interleaves with a write's refresh.
 */
export async function loadActiveIndicators(
  db: Executor,
  filter: { metrics?: readonly string[]; campaignIds?: readonly number[]; lock?: boolean } = {},
): Promise<ActiveIndicator[]> {
  let campaigns = db
    .selectFrom('campaigns as c')
    .innerJoin('orgs as o', 'o.id', 'c.root_org_id')
    .select(['c.id', 'c.root_org_id', 'o.path', 'c.starts_on', 'c.ends_on'])
    .where('c.status', '=', 'active')
    .orderBy('c.id');
  if (filter.campaignIds) campaigns = campaigns.where('c.id', 'in', [...filter.campaignIds, -1]);
  if (filter.lock && isPostgres(db)) campaigns = campaigns.forShare('c');
  const campaignRows = await campaigns.execute();
  if (campaignRows.length === 0) return [];
  let indicators = db
    .selectFrom('indicators')
    .selectAll()
    .where(
      'campaign_id',
      'in',
      campaignRows.map((c) => c.id),
    )
    .orderBy('campaign_id')
    .orderBy('sort_order');
  if (filter.metrics) indicators = indicators.where('metric', 'in', [...filter.metrics] as never[]);
  const byId = new Map(campaignRows.map((c) => [c.id, c]));
  return (await indicators.execute()).map((row) => {
    const campaign = byId.get(row.campaign_id)!;
    return {
      ...row,
      rootOrgId: campaign.root_org_id,
      rootPath: campaign.path,
      levelSet: new Set(parseList<OrgLevel>(row.levels)),
      typeSet: new Set(parseList<OrgType>(row.types)),
      windowStart: row.window_start ?? campaign.starts_on,
      windowEnd: row.deadline ?? campaign.ends_on,
    };
  });
}

export type OrgShape = { id: number; path: string; level: OrgLevel; type: OrgType; status: string };

export function appliesTo(indicator: ActiveIndicator, org: OrgShape): boolean {
  return (
    org.status === 'active' &&
    org.path.startsWith(indicator.rootPath) &&
    indicator.levelSet.has(org.level) &&
    indicator.typeSet.has(org.type)
  );
}
