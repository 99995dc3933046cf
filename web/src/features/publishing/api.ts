import type { z } from 'zod';
import type { BulletinKind, BulletinStatus, DeliveryStatus } from '../../../../common/domain.js';
import type {
  BulletinDetail,
  BulletinSummary,
  calendarEvent,
  createBulletinBody,
  createIssueBody,
  createSeriesBody,
  deliveryDetail,
  DeliveryItem,
  seriesItem,
  targetChannel,
  TargetInput,
  updateBulletinBody,
  updateSeriesBody,
  weeklyPostsResponse,
} from '../../../../common/publishing.js';
import { api, type RequestOptions } from '../../app/api.js';

// The publishing endpoints (bulletins, the delivery log, mobile-bulletin series), typed by common/publishing.ts.

export type { BulletinDetail, BulletinSummary, DeliveryItem, TargetInput };
export type CreateBulletin = z.input<typeof createBulletinBody>;
export type UpdateBulletin = z.input<typeof updateBulletinBody>;
export type TargetChannel = z.infer<typeof targetChannel>;
export type DeliveryDetail = z.infer<typeof deliveryDetail>;
export type SeriesItem = z.infer<typeof seriesItem>;
export type CreateSeries = z.input<typeof createSeriesBody>;
export type UpdateSeries = z.input<typeof updateSeriesBody>;
export type CreateIssue = z.input<typeof createIssueBody>;
export type CalendarEvent = z.infer<typeof calendarEvent>;
export type WeeklyPosts = z.infer<typeof weeklyPostsResponse>;
export type Paged<T> = { items: T[]; total: number };
type Opts = Pick<RequestOptions, 'quiet'>;
type Paging = { page: number; pageSize: number };

export type BulletinQuery = Paging & { orgId: number; status?: BulletinStatus; kind?: BulletinKind };
export type DeliveryQuery = Paging & { orgId: number; bulletinId?: number; status?: DeliveryStatus };

const base = '/api/publishing';

export const bulletinApi = {
  list: (query: BulletinQuery) => api.get<Paged<BulletinSummary>>(`${base}/bulletins`, query),
  detail: (id: number) => api.get<BulletinDetail>(`${base}/bulletins/${id}`, undefined, { quiet: true }),
  create: (body: CreateBulletin, opts?: Opts) => api.post<BulletinDetail>(`${base}/bulletins`, body, opts),
  update: (id: number, body: UpdateBulletin, opts?: Opts) =>
    api.put<BulletinDetail>(`${base}/bulletins/${id}`, body, opts),
  submit: (id: number, opts?: Opts) => api.post<BulletinDetail>(`${base}/bulletins/${id}/submit`, undefined, opts),
  approve: (id: number, note: string | undefined, opts?: Opts) =>
    api.post<BulletinDetail>(`${base}/bulletins/${id}/approve`, note ? { note } : {}, opts),
  reject: (id: number, note: string, opts?: Opts) =>
    api.post<BulletinDetail>(`${base}/bulletins/${id}/reject`, { note }, opts),
  withdraw: (id: number) => api.post<BulletinDetail>(`${base}/bulletins/${id}/withdraw`),
  uploadImage: (orgId: number, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return api.upload<{ sha256: string; url: string }>(`${base}/images`, form, { query: { orgId } });
  },
  targetChannels: (orgId: number) => api.get<{ items: TargetChannel[] }>(`${base}/target-channels`, { orgId }),
};

export const deliveryApi = {
  list: (query: DeliveryQuery) => api.get<Paged<DeliveryItem>>(`${base}/deliveries`, query),
  detail: (id: number) => api.get<DeliveryDetail>(`${base}/deliveries/${id}`),
  retry: (id: number) => api.post<DeliveryDetail>(`${base}/deliveries/${id}/retry`),
  resolve: (id: number, sent: boolean) => api.post<DeliveryDetail>(`${base}/deliveries/${id}/resolve`, { sent }),
  weeklyPosts: (orgId: number, weeks = 12) => api.get<WeeklyPosts>(`${base}/weekly-posts`, { orgId, weeks }),
};

export const seriesApi = {
  list: (orgId: number) => api.get<{ items: SeriesItem[] }>(`${base}/series`, { orgId }),
  create: (body: CreateSeries, opts?: Opts) => api.post<SeriesItem>(`${base}/series`, body, opts),
  update: (id: number, body: UpdateSeries, opts?: Opts) => api.put<SeriesItem>(`${base}/series/${id}`, body, opts),
  createIssue: (id: number, body: CreateIssue, opts?: Opts) =>
    api.post<BulletinDetail>(`${base}/series/${id}/issues`, body, opts),
  calendar: (orgId: number, from: string, to: string) =>
    api.get<{ items: CalendarEvent[] }>(`${base}/calendar`, { orgId, from, to }),
};
