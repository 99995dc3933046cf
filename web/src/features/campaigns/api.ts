import type { z } from 'zod';
import type {
  CampaignDetail,
  CampaignItem,
  createCampaignBody,
  DashboardResponse,
  IndicatorInput,
  LaggardResponse,
  indicatorPatch,
  planResponse,
  updateCampaignBody,
} from '../../../../common/campaigns.js';
import type { OrgLevel } from '../../../../common/domain.js';
import { api, download, type RequestOptions } from '../../app/api.js';

// The campaign endpoints, typed by the shared contract in common/campaigns.ts.

export type CreateCampaign = z.input<typeof createCampaignBody>;
export type PlanResponse = z.infer<typeof planResponse>;
export type UpdateCampaign = z.input<typeof updateCampaignBody>;
export type IndicatorPatch = z.input<typeof indicatorPatch>;
export type DashboardIndicator = DashboardResponse['indicators'][number];
export type DashboardChild = DashboardResponse['children'][number];
export type Laggard = LaggardResponse['items'][number];
type Opts = Pick<RequestOptions, 'quiet'>;

export const campaignApi = {
  list: (orgId?: number) => api.get<{ items: CampaignItem[] }>('/api/campaigns', { orgId }),
  detail: (id: number) => api.get<CampaignDetail>(`/api/campaigns/${id}`, undefined, { quiet: true }),
  create: (body: CreateCampaign, opts?: Opts) => api.post<CampaignDetail>('/api/campaigns', body, opts),
  update: (id: number, body: UpdateCampaign, opts?: Opts) =>
    api.patch<CampaignDetail>(`/api/campaigns/${id}`, body, opts),
  addIndicator: (id: number, body: IndicatorInput, opts?: Opts) =>
    api.post<CampaignDetail>(`/api/campaigns/${id}/indicators`, body, opts),
  updateIndicator: (id: number, body: IndicatorPatch, opts?: Opts) =>
    api.patch<CampaignDetail>(`/api/indicators/${id}`, body, opts),
  removeIndicator: (id: number) => api.delete<CampaignDetail>(`/api/indicators/${id}`),
  dashboard: (id: number, orgId: number) =>
    api.get<DashboardResponse>(`/api/campaigns/${id}/dashboard`, { orgId }, { quiet: true }),
  laggards: (
    id: number,
    query: { orgId: number; indicatorId: number; level?: OrgLevel; page: number; pageSize: number },
  ) => api.get<LaggardResponse>(`/api/campaigns/${id}/laggards`, query),
  plans: (id: number, orgId: number) => api.get<PlanResponse>(`/api/campaigns/${id}/plans`, { orgId }),
  savePlans: (id: number, rows: { orgId: number; planned: number }[]) =>
    api.put<{ saved: number }>(`/api/campaigns/${id}/plans`, { rows }),
  downloadRollup: (id: number, orgId: number) => download(`/api/campaigns/${id}/rollup.xlsx`, { orgId }, '汇总表.xlsx'),
};
