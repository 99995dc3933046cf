import type { CampaignItem } from '../../../../common/campaigns.js';
import type { SessionUser } from '../../../../common/auth.js';
import { orgApi } from '../orgs/api.js';

/**
 * The org a person first sees a campaign from: their own org when it lies inside the campaign (a township cadre
 * in a county campaign), else the campaign's root (a province cadre looking at one county's campaign).
 */
export async function startingOrg(campaign: Pick<CampaignItem, 'rootOrgId'>, user: SessionUser): Promise<number> {
  if (user.orgId === null || user.orgId === campaign.rootOrgId) return campaign.rootOrgId;
  const own = await orgApi.detail(user.orgId);
  return own.ancestors.some((a) => a.id === campaign.rootOrgId) ? user.orgId : campaign.rootOrgId;
}
