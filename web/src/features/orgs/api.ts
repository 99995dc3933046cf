import type { z } from 'zod';
import type {
  OrgDetail,
  OrgListItem,
  OrgSummary,
  SearchHit,
  CreateOrgBody,
  UpdateOrgBody,
  MoveItem,
  historyEntry,
} from '../../../../common/orgs.js';
import { api, type RequestOptions } from '../../app/api.js';

// The org endpoints, typed by the shared contract in common/orgs.ts.

export type HistoryEntry = z.infer<typeof historyEntry>;
export type OrgPage = { items: OrgListItem[]; total: number };
/** Forms pass `{ quiet: true }` and show the server's message next to the field instead of a toast. */
type Opts = Pick<RequestOptions, 'quiet'>;

export const orgApi = {
  roots: () => api.get<{ items: OrgListItem[] }>('/api/orgs/roots'),
  children: (id: number, query: { offset?: number; limit?: number; includeDissolved?: boolean } = {}) =>
    api.get<OrgPage>(`/api/orgs/${id}/children`, query),
  search: (q: string, limit = 20) => api.get<{ items: SearchHit[] }>('/api/orgs/search', { q, limit }, { quiet: true }),
  detail: (id: number) => api.get<OrgDetail>(`/api/orgs/${id}`, undefined, { quiet: true }),
  history: (id: number) => api.get<{ items: HistoryEntry[] }>(`/api/orgs/${id}/history`),
  create: (body: CreateOrgBody, opts?: Opts) => api.post<OrgSummary>('/api/orgs', body, opts),
  update: (id: number, body: UpdateOrgBody, opts?: Opts) => api.patch<OrgSummary>(`/api/orgs/${id}`, body, opts),
  dissolve: (id: number, reason: string, opts?: Opts) =>
    api.post<OrgSummary>(`/api/orgs/${id}/dissolve`, { reason }, opts),
  requestMove: (id: number, toParentId: number, reason: string, opts?: Opts) =>
    api.post<{ id: number }>(`/api/orgs/${id}/moves`, { toParentId, reason }, opts),
  moves: (scope: 'pending' | 'all') => api.get<{ items: MoveItem[] }>('/api/org-moves', { scope }),
  approveMove: (id: number) => api.post<{ status: MoveItem['status'] }>(`/api/org-moves/${id}/approve`),
  rejectMove: (id: number, reason: string, opts?: Opts) =>
    api.post<{ status: MoveItem['status'] }>(`/api/org-moves/${id}/reject`, { reason }, opts),
  cancelMove: (id: number) => api.post<{ status: MoveItem['status'] }>(`/api/org-moves/${id}/cancel`),
};
