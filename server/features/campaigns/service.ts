import type { Insertable } from 'kysely';
import {
  indicatorInput,
  type CampaignDetail,
  type CampaignItem,
  type CreateCampaignBody,
  type IndicatorInput,
  type IndicatorItem,
} from '../../../common/campaigns.js';
import type { OrgLevel, OrgType } from '../../../common/domain.js';
import type { Db, Executor, IndicatorsTable } from '../../db/schema.js';
import { nowIso, pathIds, subtreeRange } from '../../db/tree.js';
import { actorCan, actorSees, type Actor } from '../../http/actor.js';
import { invalid, notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { loadVisibleOrg } from '../orgs/service.js';
import { recomputeCampaign } from './engine.js';
import { parseList, type IndicatorRow } from './indicators.js';
import {
  deleteIndicator,
  findCampaign,
  findCampaignsByRoots,
  findCampaignsInside,
  findIndicator,
  findIndicators,
  insertIndicator,
  type CampaignWithRoot,
} from './repo.js';
import { ruralWechatIndicators } from './template.js';

// A campaign belongs to its root org. Those who see the root manage it (with campaign.manage); everyone
// below the root sees it too, because its targets are theirs.

export function campaignVisible(actor: Actor, campaign: Pick<CampaignWithRoot, 'root_path'>): boolean {
  return actorSees(actor, campaign.root_path) || (actor.scopePath?.startsWith(campaign.root_path) ?? false);
}

function canManage(actor: Actor, campaign: Pick<CampaignWithRoot, 'root_path'>): boolean {
  return actorCan(actor, 'campaign.manage') && actorSees(actor, campaign.root_path);
}

export function presentCampaign(actor: Actor, c: CampaignWithRoot): CampaignItem {
  return {
    id: c.id,
    rootOrgId: c.root_org_id,
    rootOrgName: c.root_name,
    name: c.name,
    startsOn: c.starts_on,
    endsOn: c.ends_on,
    reminderDays: c.reminder_days,
    status: c.status,
    abilities: { manage: canManage(actor, c), filePlans: actorCan(actor, 'campaign.manage') },
  };
}

export function presentIndicator(row: IndicatorRow): IndicatorItem {
  return {
    id: row.id,
    name: row.name,
    metric: row.metric,
    channelKind: row.channel_kind,
    minContacts: row.min_contacts,
    windowStart: row.window_start,
    levels: parseList<OrgLevel>(row.levels),
    types: parseList<OrgType>(row.types),
    threshold: row.threshold,
    deadline: row.deadline,
    sortOrder: row.sort_order,
  };
}

export async function loadVisibleCampaign(db: Executor, actor: Actor, id: number): Promise<CampaignWithRoot> {
  const campaign = await findCampaign(db, id);
  if (!campaign || !campaignVisible(actor, campaign)) throw notFound('工作任务');
  return campaign;
}

async function loadManagedCampaign(db: Executor, actor: Actor, id: number): Promise<CampaignWithRoot> {
  const campaign = await loadVisibleCampaign(db, actor, id);
  if (!canManage(actor, campaign)) throw notFound('工作任务');
  return campaign;
}

/** Campaigns that concern an org: rooted at it or above it, and (for an org's own scope) the ones set below it. */
export async function listCampaigns(db: Db, actor: Actor, orgId: number | undefined): Promise<CampaignItem[]> {
  const targetId = orgId ?? actor.orgId;
  if (targetId === null || targetId === undefined) {
    return (await findCampaignsByRoots(db, null)).map((c) => presentCampaign(actor, c));
  }
  const org = await loadVisibleOrg(db, actor, targetId);
  const above = await findCampaignsByRoots(db, pathIds(org.path));
  const inside = await findCampaignsInside(db, ...subtreeRange(org.path));
  return [...above, ...inside].filter((c) => campaignVisible(actor, c)).map((c) => presentCampaign(actor, c));
}

export async function getCampaign(db: Db, actor: Actor, id: number): Promise<CampaignDetail> {
  const campaign = await loadVisibleCampaign(db, actor, id);
  const indicators = await findIndicators(db, id);
  return { ...presentCampaign(actor, campaign), indicators: indicators.map(presentIndicator) };
}

function indicatorRow(campaignId: number, input: IndicatorInput, sortOrder: number): Insertable<IndicatorsTable> {
  return {
    campaign_id: campaignId,
    name: input.name,
    metric: input.metric,
    channel_kind: input.channelKind ?? null,
    min_contacts: input.metric === 'cadre_contact_share' ? (input.minContacts ?? null) : null,
    window_start: input.windowStart ?? null,
    levels: JSON.stringify(input.levels),
    types: JSON.stringify(input.types),
    threshold: input.threshold,
    deadline: input.deadline ?? null,
    sort_order: sortOrder,
  };
}

function checkDates(startsOn: string, endsOn: string, deadlines: (string | null | undefined)[]): void {
  if (startsOn > endsOn) throw invalid('结束日期不能早于开始日期');
  for (const deadline of deadlines) {
    if (deadline && (deadline < startsOn || deadline > endsOn)) {
      throw invalid(`指标截止日期 ${deadline} 应在工作任务的起止日期（${startsOn} 至 ${endsOn}）之内`);
    }
  }
}

/** The programme's year: the one whose first deadline (30 September) is still ahead of the start date. */
function templateYear(startsOn: string): number {
  const year = Number(startsOn.slice(0, 4));
  return startsOn <= `${year}-09-30` ? year : year + 1;
}

export async function createCampaign(db: Db, actor: Actor, body: CreateCampaignBody): Promise<CampaignDetail> {
  const id = await db.transaction().execute(async (trx) => {
    const root = await loadVisibleOrg(trx, actor, body.rootOrgId);
    if (root.status !== 'active') throw invalid('已撤销的组织不能发起工作任务');
    const indicators =
      body.indicators ?? (body.template === 'rural_wechat' ? ruralWechatIndicators(templateYear(body.startsOn)) : []);
    checkDates(
      body.startsOn,
      body.endsOn,
      indicators.map((i) => i.deadline),
    );
    const at = nowIso();
    const inserted = await trx
      .insertInto('campaigns')
      .values({
        root_org_id: root.id,
        name: body.name,
        starts_on: body.startsOn,
        ends_on: body.endsOn,
        reminder_days: body.reminderDays,
        status: 'active',
        created_by: actor.userId,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [index, input] of indicators.entries()) {
      await insertIndicator(trx, indicatorRow(inserted.id, indicatorInput.parse(input), index + 1));
    }
    await recordAudit(trx, actor, {
      action: 'campaign.create',
      objectType: 'campaign',
      objectId: inserted.id,
      orgId: root.id,
      details: { name: body.name, template: body.indicators ? 'custom' : body.template },
    });
    await recomputeCampaign(trx, inserted.id);
    return inserted.id;
  });
  return getCampaign(db, actor, id);
}

export async function updateCampaign(
  db: Db,
  actor: Actor,
  id: number,
  body: { name?: string; startsOn?: string; endsOn?: string; reminderDays?: number; status?: 'active' | 'closed' },
): Promise<CampaignDetail> {
  await db.transaction().execute(async (trx) => {
    const campaign = await loadManagedCampaign(trx, actor, id);
    const indicators = await findIndicators(trx, id);
    const startsOn = body.startsOn ?? campaign.starts_on;
    const endsOn = body.endsOn ?? campaign.ends_on;
    checkDates(
      startsOn,
      endsOn,
      indicators.map((i) => i.deadline),
    );
    await trx
      .updateTable('campaigns')
      .set({
        name: body.name ?? campaign.name,
        starts_on: startsOn,
        ends_on: endsOn,
        reminder_days: body.reminderDays ?? campaign.reminder_days,
        status: body.status ?? campaign.status,
        updated_at: nowIso(),
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, actor, {
      action: 'campaign.update',
      objectType: 'campaign',
      objectId: id,
      orgId: campaign.root_org_id,
      details: body,
    });
    // Windows follow the campaign's dates, and a reopened campaign needs fresh figures.
    await recomputeCampaign(trx, id);
  });
  return getCampaign(db, actor, id);
}

export async function addIndicator(db: Db, actor: Actor, campaignId: number, input: IndicatorInput) {
  await db.transaction().execute(async (trx) => {
    const campaign = await loadManagedCampaign(trx, actor, campaignId);
    checkDates(campaign.starts_on, campaign.ends_on, [input.deadline]);
    const existing = await findIndicators(trx, campaignId);
    const id = await insertIndicator(trx, indicatorRow(campaignId, input, existing.length + 1));
    await recordAudit(trx, actor, {
      action: 'indicator.create',
      objectType: 'indicator',
      objectId: id,
      orgId: campaign.root_org_id,
      details: { campaignId, name: input.name, metric: input.metric },
    });
    await recomputeCampaign(trx, campaignId);
  });
  return getCampaign(db, actor, campaignId);
}

async function loadManagedIndicator(trx: Executor, actor: Actor, id: number) {
  const indicator = await findIndicator(trx, id);
  if (!indicator) throw notFound('指标');
  const campaign = await loadManagedCampaign(trx, actor, indicator.campaign_id).catch(() => {
    throw notFound('指标');
  });
  return { indicator, campaign };
}

export async function updateIndicator(db: Db, actor: Actor, id: number, patch: Partial<IndicatorInput>) {
  const campaignId = await db.transaction().execute(async (trx) => {
    const { indicator, campaign } = await loadManagedIndicator(trx, actor, id);
    const current = presentIndicator(indicator);
    const merged = indicatorInput.safeParse({
      name: current.name,
      metric: current.metric,
      channelKind: current.channelKind,
      minContacts: current.minContacts,
      windowStart: current.windowStart,
      levels: current.levels,
      types: current.types,
      threshold: current.threshold,
      deadline: current.deadline,
      ...patch,
    });
    if (!merged.success) throw invalid(merged.error.issues[0]?.message ?? '指标设置有误');
    checkDates(campaign.starts_on, campaign.ends_on, [merged.data.deadline]);
    const row = indicatorRow(campaign.id, merged.data, indicator.sort_order);
    await trx.updateTable('indicators').set(row).where('id', '=', id).execute();
    await recordAudit(trx, actor, {
      action: 'indicator.update',
      objectType: 'indicator',
      objectId: id,
      orgId: campaign.root_org_id,
      details: patch,
    });
    await recomputeCampaign(trx, campaign.id);
    return campaign.id;
  });
  return getCampaign(db, actor, campaignId);
}

export async function removeIndicator(db: Db, actor: Actor, id: number) {
  const campaignId = await db.transaction().execute(async (trx) => {
    const { indicator, campaign } = await loadManagedIndicator(trx, actor, id);
    await deleteIndicator(trx, id);
    await recordAudit(trx, actor, {
      action: 'indicator.delete',
      objectType: 'indicator',
      objectId: id,
      orgId: campaign.root_org_id,
      details: { name: indicator.name },
    });
    return campaign.id;
  });
  return getCampaign(db, actor, campaignId);
}
