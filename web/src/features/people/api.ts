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
import type { MembershipStatus } from '../../../../common/domain.js';
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
