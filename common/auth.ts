import { z } from 'zod';
import { permissions, roles } from './domain.js';

export const loginBody = z
  .object({
    username: z.string().trim().min(1, { message: '请输入用户名' }).max(64),
    password: z.string().min(1, { message: '请输入密码' }).max(128),
  })
  .strict();

export const sessionUser = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(roles),
  orgId: z.number().nullable(),
  orgName: z.string().nullable(),
  mustChangePassword: z.boolean(),
});
export type SessionUser = z.infer<typeof sessionUser>;

export const sessionResponse = z.object({
  user: sessionUser,
  csrfToken: z.string(),
  abilities: z.array(z.enum(permissions)),
});
export type SessionResponse = z.infer<typeof sessionResponse>;

export const changePasswordBody = z
  .object({
    currentPassword: z.string().min(1, { message: '请输入当前密码' }).max(128),
    newPassword: z.string().max(128, { message: '密码不能超过 128 位' }),
  })
  .strict();

export const okResponse = z.object({ ok: z.literal(true) });
