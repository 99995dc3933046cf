import { z } from 'zod';
import { idString } from './orgs.js';

export const auditResults = ['success', 'failure'] as const;

export const auditItem = z.object({
  id: z.number(),
  at: z.string(),
  actorId: z.number().nullable(),
  actorName: z.string().nullable(),
  orgId: z.number().nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  result: z.enum(auditResults),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditItem = z.infer<typeof auditItem>;

export const auditListQuery = z.object({
  from: z.iso.datetime({ offset: true, message: '开始时间格式不正确' }).optional(),
  to: z.iso.datetime({ offset: true, message: '结束时间格式不正确' }).optional(),
  action: z.string().trim().max(64).optional(),
  actor: z.string().trim().max(64).optional(),
  orgId: idString.optional(),
  result: z.enum(auditResults).optional(),
  /** Rows with an id below this one (keyset paging, newest first). */
  before: idString.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const auditListResponse = z.object({ items: z.array(auditItem), nextBefore: z.number().nullable() });

export const auditVerifyResponse = z.object({
  ok: z.boolean(),
  checked: z.number(),
  firstBrokenId: z.number().nullable(),
});
