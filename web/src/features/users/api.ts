import type { z } from 'zod';
import type { Role } from '../../../../common/domain.js';
import type { UserItem, userWithPassword } from '../../../../common/users.js';
import { api, type RequestOptions } from '../../app/api.js';

export type UserWithPassword = z.infer<typeof userWithPassword>;
export type CreateUser = { username: string; displayName: string; role: Role; orgId: number | null };
export type UpdateUser = Partial<{ displayName: string; role: Role; orgId: number | null; disabled: boolean }>;
type Opts = Pick<RequestOptions, 'quiet'>;

export const userApi = {
  list: (query: { q?: string; orgId?: number | null; offset: number; limit: number }) =>
    api.get<{ items: UserItem[]; total: number }>('/api/users', query),
  create: (body: CreateUser, opts?: Opts) => api.post<UserWithPassword>('/api/users', body, opts),
  update: (id: number, body: UpdateUser, opts?: Opts) => api.patch<UserItem>(`/api/users/${id}`, body, opts),
  resetPassword: (id: number) => api.post<UserWithPassword>(`/api/users/${id}/reset-password`),
  unlock: (id: number) => api.post<UserItem>(`/api/users/${id}/unlock`),
  resetTotp: (id: number) => api.post<UserItem>(`/api/users/${id}/reset-totp`),
  endSessions: (id: number) => api.post<{ ended: number }>(`/api/users/${id}/end-sessions`),
};
