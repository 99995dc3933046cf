import type { OrgLevel } from '../../../common/domain.js';
import type { RowAction } from '../../../common/imports.js';
import { nowIso } from '../../db/tree.js';
import { JobFailure } from '../../jobs/runner.js';
import { refreshOrgMetrics } from '../campaigns/engine.js';
import { parseList } from '../campaigns/indicators.js';
import { findIndicators } from '../campaigns/repo.js';
import { loadVisibleCampaign } from '../campaigns/service.js';
import { isStrictlyInside } from '../orgs/policy.js';
import { planColumns, type PlanColumn } from './columns.js';
import { displayCell, labelsOf, RowChecker, type Checked, type ImportContext, type KindRun } from './checks.js';

// The plan table a county files for its townships: (campaign, org) → how many tuanqing groups it will build.
// The rules are the plan page's (campaigns/plans.ts): orgs strictly below the uploader, inside the campaign, at a
// level the plan-completion indicator applies to.

type PlanRecord = { planned: number };

const labels = labelsOf(planColumns);

export async function planImport(ctx: ImportContext): Promise<KindRun<PlanColumn>> {
  const campaign = await loadVisibleCampaign(ctx.db, ctx.actor, ctx.campaignId!).catch(() => {
    throw new JobFailure('工作任务不存在或无权访问');
  });
  const indicator = (await findIndicators(ctx.db, campaign.id)).find((i) => i.metric === 'plan_completion');
  if (!indicator) throw new JobFailure('该工作任务没有“计划完成率”指标，无需填报计划');
  const levels = parseList<OrgLevel>(indicator.levels);
  const touchedOrgs = new Set<number>();

  return {
    columns: planColumns,

    async check(rows) {
      return rows.map(({ values }): Checked => {
        const row = new RowChecker(values, labels, ctx.today);
        const named = row.text('org', 100, true);
        const org = named === null ? null : row.org('org', ctx.orgs);
        const planned = row.integer('planned', 0, 1000, true);
        if (org && (!org.path.startsWith(campaign.root_path) || !isStrictlyInside(ctx.actor, org))) {
          row.errors.push(`“${org.name}”不在该工作任务或本级可填报的范围内（只能为下级组织填报）`);
        } else if (org && !levels.includes(org.level)) {
          row.errors.push(`“${org.name}”不在计划表的适用层级内`);
        }
        return {
          orgId: org?.id ?? null,
          key: org ? String(org.id) : null,
          errors: row.errors,
          record: planned === null ? null : { planned },
        };
      });
    },

    display: (values) => ({ org: displayCell(values.org), planned: displayCell(values.planned) }),
    spoolRules: { duplicateMessage: (first) => `与第 ${first} 行是同一组织` },

    async apply(db, rows, write) {
      const existing = await db
        .selectFrom('campaign_plans')
        .select(['org_id', 'planned'])
        .where('campaign_id', '=', campaign.id)
        .where(
          'org_id',
          'in',
          rows.map((r) => r.orgId),
        )
        .execute();
      const current = new Map(existing.map((p) => [p.org_id, p.planned]));
      const at = nowIso();
      const changed: { org_id: number; planned: number }[] = [];
      const actions = rows.map((r): RowAction => {
        const { planned } = JSON.parse(r.record) as PlanRecord;
        const before = current.get(r.orgId);
        if (before === planned) return 'unchanged';
        changed.push({ org_id: r.orgId, planned });
        touchedOrgs.add(r.orgId);
        return before === undefined ? 'create' : 'update';
      });
      if (write && changed.length > 0) {
        await db
          .insertInto('campaign_plans')
          .values(
            changed.map((c) => ({ ...c, campaign_id: campaign.id, updated_by: ctx.actor.userId, updated_at: at })),
          )
          .onConflict((oc) =>
            oc.columns(['campaign_id', 'org_id']).doUpdateSet((eb) => ({
              planned: eb.ref('excluded.planned'),
              updated_by: eb.ref('excluded.updated_by'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
      return actions;
    },

    finish: (trx) => refreshOrgMetrics(trx, [...touchedOrgs], ['plan_completion']),
    extra: () => ({}),
    tables: ['campaign_plans'],
  };
}
