import type { OrgLevel, OrgType } from '../../../common/domain.js';
import type { Db } from '../../db/schema.js';
import { nowIso, subtreeRange } from '../../db/tree.js';
import { actorCan, type Actor } from '../../http/actor.js';
import { invalid, notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { isStrictlyInside } from '../orgs/policy.js';
import { loadVisibleOrg } from '../orgs/service.js';
import { refreshOrgMetrics } from './engine.js';
import { parseList } from './indicators.js';
import { findIndicators } from './repo.js';
import { loadVisibleCampaign } from './service.js';

// The plan table: in July–August each county files, per township, how many tuanqing groups it will build.
// The plan-completion indicator divides the groups built by this number.

async function planContext(db: Db, actor: Actor, campaignId: number, orgId: number) {
  const campaign = await loadVisibleCampaign(db, actor, campaignId);
  const org = await loadVisibleOrg(db, actor, orgId);
  if (!org.path.startsWith(campaign.root_path)) throw notFound('组织');
  const indicator = (await findIndicators(db, campaignId)).find((i) => i.metric === 'plan_completion');
  return { campaign, org, indicator };
}

/** The orgs under `orgId` that the plan-completion indicator applies to, with their plan and what is built. */
export async function getPlans(db: Db, actor: Actor, campaignId: number, orgId: number) {
  const { org, indicator } = await planContext(db, actor, campaignId, orgId);
  if (!indicator) return { canEdit: false, channelKind: null, items: [] };
  const [from, to] = subtreeRange(org.path);
  const targets = await db
    .selectFrom('orgs as o')
    .leftJoin('campaign_plans as p', (join) => join.onRef('p.org_id', '=', 'o.id').on('p.campaign_id', '=', campaignId))
    .select(['o.id', 'o.name', 'o.stat_code', 'o.path', 'p.planned'])
    .where('o.path', '>=', from)
    .where('o.path', '<', to)
    .where('o.status', '=', 'active')
    .where('o.level', 'in', parseList<OrgLevel>(indicator.levels))
    .where('o.type', 'in', parseList<OrgType>(indicator.types))
    .orderBy('o.stat_code')
    .orderBy('o.id')
    .limit(5000)
    .execute();
  const ids = [...targets.map((t) => t.id), -1];
  let built = db
    .selectFrom('channels')
    .select(['org_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('org_id', 'in', ids)
    .where('status', '=', 'active')
    .groupBy('org_id');
  if (indicator.channel_kind) built = built.where('kind', '=', indicator.channel_kind);
  const actual = new Map((await built.execute()).map((r) => [r.org_id, Number(r.n)]));
  return {
    canEdit: actorCan(actor, 'campaign.manage') && targets.some((t) => isStrictlyInside(actor, t)),
    channelKind: indicator.channel_kind ?? null,
    items: targets.map((t) => ({
      orgId: t.id,
      orgName: t.name,
      statCode: t.stat_code,
      planned: t.planned ?? null,
      actual: actual.get(t.id) ?? 0,
    })),
  };
}

/** A county (or any org above) files the plan of orgs strictly below it; an org never files its own. */
export async function savePlans(
  db: Db,
  actor: Actor,
  campaignId: number,
  rows: { orgId: number; planned: number }[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const campaign = await loadVisibleCampaign(trx, actor, campaignId);
    const indicator = (await findIndicators(trx, campaignId)).find((i) => i.metric === 'plan_completion');
    if (!indicator) throw invalid('该工作任务没有“计划完成率”指标，无需填报计划');
    const levels = parseList<OrgLevel>(indicator.levels);
    const at = nowIso();
    for (const row of rows) {
      const org = await loadVisibleOrg(trx, actor, row.orgId);
      if (!org.path.startsWith(campaign.root_path) || !isStrictlyInside(actor, org)) throw notFound('组织');
      if (!levels.includes(org.level)) throw invalid(`${org.name}不在计划表的适用层级内`);
      await trx
        .insertInto('campaign_plans')
        .values({
          campaign_id: campaignId,
          org_id: org.id,
          planned: row.planned,
          updated_by: actor.userId,
          updated_at: at,
        })
        .onConflict((oc) =>
          oc
            .columns(['campaign_id', 'org_id'])
            .doUpdateSet({ planned: row.planned, updated_by: actor.userId, updated_at: at }),
        )
        .execute();
    }
    await recordAudit(trx, actor, {
      action: 'campaign.plans',
      objectType: 'campaign',
      objectId: campaignId,
      orgId: campaign.root_org_id,
      details: { rows: rows.length },
    });
    await refreshOrgMetrics(
      trx,
      rows.map((r) => r.orgId),
      ['plan_completion'],
    );
  });
}
