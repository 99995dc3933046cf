import type { z } from 'zod';
import type { ApprovalsSummary } from '../../../../common/approvals.js';
import type {
  DuplicateDetail,
  DuplicateItem,
  ResolveDuplicateBody,
  duplicateListQuery,
  resolveDuplicateResponse,
} from '../../../../common/duplicates.js';
import type { MemberRequestItem, memberRequestListQuery } from '../../../../common/member-requests.js';
import type { MemberDetail } from '../../../../common/members.js';
import type { TransferDetail, TransferItem, transferListQuery } from '../../../../common/transfers.js';
import { api, type RequestOptions } from '../../app/api.js';

// The approval inbox's endpoints: the summary behind the menu badge, and the decisions of each kind of request
// (common/approvals.ts, member-requests.ts, transfers.ts, duplicates.ts).

export type Paged<T> = { items: T[]; total: number };
type Opts = Pick<RequestOptions, 'quiet'>;
/** A list query as the browser sends it: the schema's own fields, with numbers for the ids and paging. */
type Query<T extends z.ZodType> = Partial<Omit<z.input<T>, 'page' | 'pageSize' | 'orgId'>> & {
  orgId?: number;
  page?: number;
  pageSize?: number;
};

export type RequestQuery = Query<typeof memberRequestListQuery>;
export type TransferQuery = Query<typeof transferListQuery>;
export type DuplicateQuery = Query<typeof duplicateListQuery>;
export type ResolveDuplicateResponse = z.infer<typeof resolveDuplicateResponse>;

export const approvalsApi = {
  summary: () => api.get<ApprovalsSummary>('/api/approvals/summary', undefined, { quiet: true }),
};

export const requestApi = {
  list: (query: RequestQuery) => api.get<Paged<MemberRequestItem>>('/api/member-requests', query),
  approve: (id: number, note: string | null, opts?: Opts) =>
    api.post<MemberRequestItem>(`/api/member-requests/${id}/approve`, { note }, opts),
  reject: (id: number, note: string, opts?: Opts) =>
    api.post<MemberRequestItem>(`/api/member-requests/${id}/reject`, { note }, opts),
  withdraw: (id: number) => api.post<MemberRequestItem>(`/api/member-requests/${id}/withdraw`),
};

export const transferApi = {
  list: (query: TransferQuery) => api.get<Paged<TransferItem>>('/api/transfers', query),
  detail: (id: number) => api.get<TransferDetail>(`/api/transfers/${id}`, undefined, { quiet: true }),
  approve: (id: number, note: string | null, opts?: Opts) =>
    api.post<TransferItem>(`/api/transfers/${id}/approve`, { note }, opts),
  approveMany: (ids: number[], note: string | null, opts?: Opts) =>
    api.post<{ items: TransferItem[] }>('/api/transfers/approve', { ids, note }, opts),
  reject: (id: number, note: string, opts?: Opts) =>
    api.post<TransferItem>(`/api/transfers/${id}/reject`, { note }, opts),
  withdraw: (id: number) => api.post<TransferItem>(`/api/transfers/${id}/withdraw`),
};

export const duplicateApi = {
  list: (query: DuplicateQuery) => api.get<Paged<DuplicateItem>>('/api/member-duplicates', query),
  detail: (id: number) => api.get<DuplicateDetail>(`/api/member-duplicates/${id}`, undefined, { quiet: true }),
  resolve: (id: number, body: ResolveDuplicateBody, opts?: Opts) =>
    api.post<ResolveDuplicateResponse>(`/api/member-duplicates/${id}/resolve`, body, opts),
  /** The holder's record in full (masked), for the holder side's comparison. */
  member: (id: number) => api.get<MemberDetail>(`/api/members/${id}`, undefined, { quiet: true }),
};
