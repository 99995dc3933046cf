import { z } from 'zod';
import { roles } from './domain.js';
import { idNumber, idString } from './orgs.js';

export const userItem = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(roles),
  orgId: z.number().nullable(),
  orgName: z.string().nullable(),
  disabled: z.boolean(),
  locked: z.boolean(),
  mustChangePassword: z.boolean(),
  /** A TOTP second factor is enrolled (the secret itself never leaves the server). */
  totpEnabled: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  /** What the actor may do to this account, so the UI hides what the server would refuse. */
  abilities: z.object({
    update: z.boolean(),
    resetPassword: z.boolean(),
    unlock: z.boolean(),
    resetTotp: z.boolean(),
    endSessions: z.boolean(),
  }),
});
export type UserItem = z.infer<typeof userItem>;

export const userListQuery = z.object({
  q: z.string().trim().max(40).optional(),
  orgId: idString.optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const userListResponse = z.object({ items: z.array(userItem), total: z.number() });

const username = z
  .string()
  .trim()
  .regex(/^[a-zA-Z0-9_.-]{3,32}$/, { message: '用户名为 3–32 位字母、数字、下划线、点或短横线' });

export const createUserBody = z
  .object({
    username,
    displayName: z.string().trim().min(1, { message: '请输入姓名' }).max(30),
    role: z.enum(roles),
    orgId: idNumber.nullable(),
  })
  .strict();

export const updateUserBody = z
  .object({
    displayName: z.string().trim().min(1, { message: '请输入姓名' }).max(30),
    role: z.enum(roles),
    orgId: idNumber.nullable(),
    disabled: z.boolean(),
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: '没有需要修改的内容' });

/** A generated password is shown once, to the person who created or reset the account. */
export const userWithPassword = z.object({ user: userItem, initialPassword: z.string() });

/** How many sessions an administrator ended (0 when the account had none). */
export const endSessionsResponse = z.object({ ended: z.number() });
