import type { z } from 'zod';
import type { notificationListResponse } from '../../../../common/campaigns.js';
import { api } from '../../app/api.js';

export type NotificationList = z.infer<typeof notificationListResponse>;
export type NotificationItem = NotificationList['items'][number];

export const notificationApi = {
  // Quiet: a background poll must not toast every minute when the network drops.
  list: () => api.get<NotificationList>('/api/notifications', undefined, { quiet: true }),
  read: (id: number) => api.post<{ ok: boolean }>(`/api/notifications/${id}/read`),
  readAll: () => api.post<{ ok: boolean }>('/api/notifications/read-all'),
};
