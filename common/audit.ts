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

export const minorsReportQuery = z.object({
  year: z.coerce
    .number({ message: '年份应为数字' })
    .int({ message: '年份应为整数' })
    .min(2000, { message: '年份不能早于 2000 年' })
    .max(2100, { message: '年份不能晚于 2100 年' }),
});

export const minorsAccessRow = z.object({
  at: z.string(),
  actorId: z.number().nullable(),
  actorName: z.string().nullable(),
  /** The org whose record it is. */
  orgId: z.number().nullable(),
  orgName: z.string().nullable(),
  action: z.string(),
  /** reveal: a full ID number or phone shown; change: the record entered or changed. */
  kind: z.enum(['reveal', 'change']),
  subjectType: z.enum(['member', 'applicant']),
  subjectId: z.number(),
  /** 王** */
  subjectName: z.string(),
  /** Whole years on the day of the access, China time. */
  age: z.number(),
  result: z.enum(auditResults),
  ip: z.string().nullable(),
});
export type MinorsAccessRow = z.infer<typeof minorsAccessRow>;

export const minorsAccessReport = z.object({
  year: z.number(),
  totals: z.object({
    accesses: z.number(),
    reveals: z.number(),
    changes: z.number(),
    exports: z.number(),
    actors: z.number(),
    minors: z.number(),
    /** Subjects erased since: their age on the day cannot be known. */
    unknownSubjects: z.number(),
  }),
  months: z.array(z.object({ month: z.number(), reveals: z.number(), changes: z.number() })),
  actors: z.array(
    z.object({
      actorId: z.number().nullable(),
      actorName: z.string().nullable(),
      /** The actor's own org; none for the operators. */
      orgName: z.string().nullable(),
      reveals: z.number(),
      changes: z.number(),
      minors: z.number(),
      lastAt: z.string(),
    }),
  ),
  exports: z.array(z.object({ at: z.string(), actorName: z.string().nullable(), orgName: z.string() })),
  /** The newest accesses (at most 500); the Excel file holds all. */
  rows: z.array(minorsAccessRow),
});
export type MinorsAccessReport = z.infer<typeof minorsAccessReport>;
