import type { z } from 'zod';
import type {
  AgeBand,
  createMemberBody,
  MemberDetail,
  memberEventItem,
  MemberItem,
  MemberStats,
  updateMemberBody,
} from '../../../../common/members.js';
import type {
  DataQualityCheck,
  DataQualityListResponse,
  DataQualityResponse,
} from '../../../../common/data-quality.js';
import type { CadreGrade, MembershipStatus, ReviewGrade } from '../../../../common/domain.js';
import type {
  CadreAssessmentItem,
  CadreDetail,
  CadreItem,
  cadreTrainingBody,
  CadreTrainingItem,
} from '../../../../common/ledger.js';
import type {
  RecommendationItem,
  recommendationListResponse,
  ReviewListResponse,
  ReviewSummary,
} from '../../../../common/reviews.js';
import type { correctionBody, MemberRequestItem, statusRequestBody } from '../../../../common/member-requests.js';
import type { createTransferBody } from '../../../../common/transfers.js';
import { api, download, type RequestOptions } from '../../app/api.js';

// The member register endpoints (团员), typed by the shared contract in common/members.ts. ID numbers and phones
// come masked; the reveal routes are audited and answer one value for one view.

export type { AgeBand, MemberDetail, MemberItem, MemberStats };
export type CreateMember = z.input<typeof createMemberBody>;
export type UpdateMember = z.input<typeof updateMemberBody>;
export type MemberEvent = z.infer<typeof memberEventItem>;
export type Paged<T> = { items: T[]; total: number };
type Opts = Pick<RequestOptions, 'quiet'>;

export type MemberQuery = {
  orgId: number;
  scope: 'own' | 'subtree';
  q?: string;
  status?: MembershipStatus;
  ageBand?: AgeBand;
  mobile?: boolean;
  page: number;
  pageSize: number;
};

export const memberApi = {
  list: (query: MemberQuery) => api.get<Paged<MemberItem>>('/api/members', query),
  detail: (id: number) => api.get<MemberDetail>(`/api/members/${id}`, undefined, { quiet: true }),
  create: (body: CreateMember, opts?: Opts) => api.post<MemberDetail>('/api/members', body, opts),
  update: (id: number, body: UpdateMember, opts?: Opts) => api.patch<MemberDetail>(`/api/members/${id}`, body, opts),
  events: (id: number) => api.get<{ items: MemberEvent[] }>(`/api/members/${id}/events`, undefined, { quiet: true }),
  revealId: (id: number) => api.post<{ idNumber: string }>(`/api/members/${id}/reveal-id`),
  revealPhone: (id: number) => api.post<{ phone: string }>(`/api/members/${id}/reveal-phone`),
  stats: (orgId: number) => api.get<MemberStats>(`/api/orgs/${orgId}/member-stats`, undefined, { quiet: true }),
};

/** The register as xlsx (ID numbers and phones masked, audited on the server). */
export function downloadMembers(query: { orgId: number; scope: 'own' | 'subtree'; status?: MembershipStatus }) {
  return download('/api/exports/members.xlsx', query, '团员名册.xlsx');
}

export type StatusRequest = z.input<typeof statusRequestBody>;
export type CorrectionRequest = z.input<typeof correctionBody>;
export type CreateTransfer = z.input<typeof createTransferBody>;

/** Requests a branch starts on a member (common/member-requests.ts, common/transfers.ts), decided upward. */
export const memberRequestApi = {
  status: (id: number, body: StatusRequest, opts?: Opts) =>
    api.post<MemberRequestItem>(`/api/members/${id}/status-requests`, body, opts),
  correction: (id: number, body: CorrectionRequest, opts?: Opts) =>
    api.post<MemberRequestItem>(`/api/members/${id}/corrections`, body, opts),
  transfer: (body: CreateTransfer, opts?: Opts) =>
    api.post<{ ids: number[]; batchKey: string }>('/api/transfers', body, opts),
};

export const qualityApi = {
  figures: (orgId: number) =>
    api.get<DataQualityResponse>(`/api/orgs/${orgId}/data-quality`, undefined, { quiet: true }),
  list: (orgId: number, check: DataQualityCheck, query: { page: number; pageSize: number }) =>
    api.get<DataQualityListResponse>(`/api/orgs/${orgId}/data-quality/${check}`, query),
};

export type ReviewQuery = {
  scope: 'own' | 'subtree';
  grade?: ReviewGrade | 'none';
  registered?: boolean;
  page: number;
  pageSize: number;
};

/** 团员教育评议 and 年度注册 of a branch for one year (common/reviews.ts). */
export const reviewApi = {
  sheet: (orgId: number, year: number, query: ReviewQuery) =>
    api.get<ReviewListResponse>(`/api/orgs/${orgId}/annual-reviews/${year}`, query, { quiet: true }),
  save: (orgId: number, year: number, entries: { memberId: number; grade: ReviewGrade }[], opts?: Opts) =>
    api.put<{ saved: number; summary: ReviewSummary }>(`/api/orgs/${orgId}/annual-reviews/${year}`, { entries }, opts),
  register: (orgId: number, year: number, memberIds: number[], opts?: Opts) =>
    api.post<{ registered: number; summary: ReviewSummary }>(
      `/api/orgs/${orgId}/annual-registrations/${year}`,
      { memberIds },
      opts,
    ),
};

export type RecommendationList = z.infer<typeof recommendationListResponse>;
export type RecommendationQuery = {
  orgId: number;
  scope: 'own' | 'subtree';
  valid?: boolean;
  certified?: boolean;
  page: number;
  pageSize: number;
};

/** 推优入党: rounds of a branch (at most 20% of its normal members), certified above. */
export const recommendationApi = {
  list: (query: RecommendationQuery) => api.get<RecommendationList>('/api/party-recommendations', query),
  recommend: (orgId: number, body: { recommendedOn: string; memberIds: number[] }, opts?: Opts) =>
    api.post<{ items: RecommendationItem[] }>(`/api/orgs/${orgId}/party-recommendations`, body, opts),
  certify: (id: number, certifiedOn: string, opts?: Opts) =>
    api.post<RecommendationItem>(`/api/party-recommendations/${id}/certify`, { certifiedOn }, opts),
};

export type CadreQuery = {
  includeSubtree: boolean;
  q?: string;
  status?: 'active' | 'left';
  inReserve?: boolean;
  page: number;
  pageSize: number;
};
export type CadreTraining = z.input<typeof cadreTrainingBody>;

/**
 * The cadre register beyond the ledger's tab: the reserve pool, terms, training and yearly assessment. Creating
 * and editing the basic fields go through the ledger's cadreApi, shared with its cadre tab.
 */
export const cadreRecordApi = {
  list: (orgId: number, query: CadreQuery) => api.get<Paged<CadreItem>>(`/api/orgs/${orgId}/cadres`, query),
  detail: (id: number) => api.get<CadreDetail>(`/api/cadres/${id}`, undefined, { quiet: true }),
  addTraining: (id: number, body: CadreTraining, opts?: Opts) =>
    api.post<CadreTrainingItem>(`/api/cadres/${id}/trainings`, body, opts),
  assess: (id: number, year: number, body: { grade: CadreGrade; note?: string | null }, opts?: Opts) =>
    api.put<CadreAssessmentItem>(`/api/cadres/${id}/assessments/${year}`, body, opts),
  revealId: (id: number) => api.post<{ idNumber: string }>(`/api/cadres/${id}/reveal-id`),
};

/** 批量申请 one status for many members (typically 满28周岁离团); refused as a whole with `details.refused`. */
export function requestStatusBatch(
  body: { memberIds: number[]; toStatus: MembershipStatus; reason: string },
  opts?: Opts,
) {
  return api.post<{ ids: number[] }>('/api/member-requests/batch', body, opts);
}
