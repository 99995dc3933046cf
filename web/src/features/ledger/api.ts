import type { z } from 'zod';
import type {
  ActivityItem,
  CadreItem,
  ChannelDetail,
  ChannelEvidenceItem,
  ChannelItem,
  ContactDetail,
  ContactItem,
  createCadreBody,
  createChannelBody,
  createContactBody,
  updateCadreBody,
  updateChannelBody,
  updateContactBody,
  cadreStatuses,
  contactLogBody,
  createActivityBody,
  ledgerScopes,
} from '../../../../common/ledger.js';
import type { ChannelKind, ChannelStatus, ContactCategory } from '../../../../common/domain.js';
import { api, type RequestOptions } from '../../app/api.js';

// The ledger endpoints (channels, cadres, youth contacts), typed by the shared contract in common/ledger.ts.

export type LedgerScope = (typeof ledgerScopes)[number];
export type CadreStatus = (typeof cadreStatuses)[number];
export type Paged<T> = { items: T[]; total: number };
export type CreateChannel = z.input<typeof createChannelBody>;
export type UpdateChannel = z.input<typeof updateChannelBody>;
export type CreateCadre = z.input<typeof createCadreBody>;
export type UpdateCadre = z.input<typeof updateCadreBody>;
export type CreateContact = z.input<typeof createContactBody>;
export type UpdateContact = z.input<typeof updateContactBody>;
type Opts = Pick<RequestOptions, 'quiet'>;
type Paging = { page: number; pageSize: number };

export type ChannelQuery = Paging & {
  orgId: number;
  scope: LedgerScope;
  kind?: ChannelKind;
  status?: ChannelStatus;
  namingIssue?: boolean;
  q?: string;
};
export type CadreQuery = Paging & { includeSubtree: boolean; q?: string; status?: CadreStatus };
export type ContactQuery = Paging & {
  orgId: number;
  scope: LedgerScope;
  q?: string;
  phone?: string;
  category?: ContactCategory;
  cadreId?: number;
};

export const channelApi = {
  list: (query: ChannelQuery) => api.get<Paged<ChannelItem>>('/api/channels', query),
  detail: (id: number) => api.get<ChannelDetail>(`/api/channels/${id}`),
  create: (body: CreateChannel, opts?: Opts) => api.post<ChannelDetail>('/api/channels', body, opts),
  update: (id: number, body: UpdateChannel, opts?: Opts) => api.patch<ChannelDetail>(`/api/channels/${id}`, body, opts),
  addReading: (id: number, body: { onDate: string; count: number }) =>
    api.post<ChannelDetail>(`/api/channels/${id}/readings`, body),
  addPosts: (id: number, body: { onDate: string; count: number }) =>
    api.post<ChannelDetail>(`/api/channels/${id}/posts`, body),
  uploadEvidence: (id: number, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return api.upload<ChannelEvidenceItem>(`/api/channels/${id}/evidence`, form);
  },
  evidenceUrl: (evidenceId: number) => `/api/channel-evidence/${evidenceId}`,
};

export const cadreApi = {
  list: (orgId: number, query: CadreQuery) => api.get<Paged<CadreItem>>(`/api/orgs/${orgId}/cadres`, query),
  create: (body: CreateCadre, opts?: Opts) => api.post<CadreItem>('/api/cadres', body, opts),
  update: (id: number, body: UpdateCadre, opts?: Opts) => api.patch<CadreItem>(`/api/cadres/${id}`, body, opts),
  revealPhone: (id: number) => api.post<{ phone: string }>(`/api/cadres/${id}/reveal-phone`),
};

export type ActivityQuery = Paging & { includeSubtree: boolean; from?: string; to?: string };

export const activityApi = {
  list: (orgId: number, query: ActivityQuery) => api.get<Paged<ActivityItem>>(`/api/orgs/${orgId}/activities`, query),
  create: (body: z.input<typeof createActivityBody>, opts?: Opts) =>
    api.post<ActivityItem>('/api/activities', body, opts),
};

export const contactApi = {
  list: (query: ContactQuery) => api.get<Paged<ContactItem>>('/api/contacts', query),
  detail: (id: number) => api.get<ContactDetail>(`/api/contacts/${id}`),
  create: (body: CreateContact, opts?: Opts) => api.post<ContactDetail>('/api/contacts', body, opts),
  update: (id: number, body: UpdateContact, opts?: Opts) => api.patch<ContactDetail>(`/api/contacts/${id}`, body, opts),
  linkCadre: (id: number, cadreId: number) => api.post<ContactDetail>(`/api/contacts/${id}/cadres`, { cadreId }),
  unlinkCadre: (id: number, cadreId: number) => api.delete<ContactDetail>(`/api/contacts/${id}/cadres/${cadreId}`),
  addLog: (id: number, body: z.input<typeof contactLogBody>, opts?: Opts) =>
    api.post<ContactDetail>(`/api/contacts/${id}/logs`, body, opts),
  revealPhone: (id: number) => api.post<{ phone: string }>(`/api/contacts/${id}/reveal-phone`),
};
