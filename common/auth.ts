import { z } from 'zod';
import { permissions, roles } from './domain.js';

export const loginBody = z
  .object({
    username: z.string().trim().min(1, { message: '请输入用户名' }).max(64),
    password: z.string().min(1, { message: '请输入密码' }).max(128),
  })
  .strict();

/** "standard": length and common passwords; "mlps" (等保三级) adds complexity, 90-day rotation and no reuse. */
export const passwordProfiles = ['standard', 'mlps'] as const;
export type PasswordProfile = (typeof passwordProfiles)[number];

export const sessionUser = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(roles),
  orgId: z.number().nullable(),
  orgName: z.string().nullable(),
  mustChangePassword: z.boolean(),
  /** A TOTP second factor is enrolled: every login asks for a code. */
  totpEnabled: z.boolean(),
  /** The role needs a second factor and none is enrolled: nothing but enrolment answers until it is. */
  mustEnrolTotp: z.boolean(),
});
export type SessionUser = z.infer<typeof sessionUser>;

export const sessionResponse = z.object({
  user: sessionUser,
  csrfToken: z.string(),
  abilities: z.array(z.enum(permissions)),
  passwordProfile: z.enum(passwordProfiles),
});
export type SessionResponse = z.infer<typeof sessionResponse>;

/** A right password of an account with a second factor: no session yet, only a token for the code step. */
export const totpChallenge = z.object({
  status: z.literal('totp_required'),
  pendingToken: z.string(),
  expiresAt: z.string(),
});
export type TotpChallenge = z.infer<typeof totpChallenge>;

export const loginResponse = z.union([sessionResponse, totpChallenge]);
export type LoginResponse = z.infer<typeof loginResponse>;

const totpCode = z
  .string()
  .trim()
  .regex(/^\d{3} ?\d{3}$/, { message: '请输入手机验证器上显示的 6 位数字' });

export const totpLoginBody = z
  .object({
    pendingToken: z.string().min(1).max(100),
    code: totpCode,
  })
  .strict();

export const totpConfirmBody = z.object({ code: totpCode }).strict();

/** What an authenticator app needs, shown once while enrolling: the QR code's URI and the same secret as text. */
export const totpEnrolment = z.object({ secret: z.string(), uri: z.string(), issuer: z.string(), account: z.string() });
export type TotpEnrolment = z.infer<typeof totpEnrolment>;

export const changePasswordBody = z
  .object({
    currentPassword: z.string().min(1, { message: '请输入当前密码' }).max(128),
    newPassword: z.string().max(128, { message: '密码不能超过 128 位' }),
  })
  .strict();

export const okResponse = z.object({ ok: z.literal(true) });
