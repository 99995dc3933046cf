import { z } from 'zod';
import { phoneInput, text } from './fields.js';
import { idNumberInput } from './members.js';

// A person's rights under PIPL (arts. 45, 47): young people have no login, so they ask their league org, and an
// org admin (`personal.rights`) finds them, hands them a copy of everything held about them, or erases it.
// The person is named in the request body, never in a URL: URLs reach logs, bodies do not.

const who = {
  /** The full ID number: finds every record held under it (blind index). */
  idNumber: idNumberInput.optional(),
  /** Or a mobile number with the name, for people registered without an ID number (youth contacts, cadres). */
  phone: phoneInput.optional(),
  fullName: text('姓名', 50).optional(),
};

const oneWay = (body: { idNumber?: string; phone?: string; fullName?: string }) =>
  body.idNumber !== undefined ? body.phone === undefined : body.phone !== undefined && body.fullName !== undefined;
const oneWayMessage = { message: '请填写身份证号，或同时填写手机号码和姓名（二选一）' };

export const personQuery = z.object(who).strict().refine(oneWay, oneWayMessage);
export type PersonQuery = z.infer<typeof personQuery>;

export const copyFormats = ['xlsx', 'csv', 'json'] as const;
export type CopyFormat = (typeof copyFormats)[number];

export const personCopyBody = z
  .object({ ...who, format: z.enum(copyFormats, { message: '格式应为 xlsx、csv 或 json' }) })
  .strict()
  .refine(oneWay, oneWayMessage);
export type PersonCopyBody = z.infer<typeof personCopyBody>;

export const personErasureBody = z
  .object({
    ...who,
    /** The person's name typed again, as shown by the look-up: nobody erases the wrong person by a slip. */
    confirmation: text('确认姓名', 50),
    /** Why (the request's grounds, e.g. 本人申请删除); kept in the audit log, so no personal details in it. */
    reason: text('删除理由', 200),
  })
  .strict()
  .refine(oneWay, oneWayMessage);
export type PersonErasureBody = z.infer<typeof personErasureBody>;

export const personRecordKinds = ['member', 'applicant', 'cadre', 'contact'] as const;
export type PersonRecordKind = (typeof personRecordKinds)[number];

export const personRecord = z.object({
  kind: z.enum(personRecordKinds),
  id: z.number(),
  orgId: z.number(),
  orgName: z.string(),
  fullName: z.string(),
  idMasked: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  /** The record's state in words: 正常, 入团积极分子, 在任 … */
  status: z.string(),
});
export type PersonRecord = z.infer<typeof personRecord>;

export const personSummary = z.object({
  fullName: z.string(),
  idMasked: z.string().nullable(),
  records: z.array(personRecord),
  /** Every section of the copy with its number of rows. */
  sections: z.array(z.object({ key: z.string(), title: z.string(), rows: z.number() })),
  erasure: z.object({
    allowed: z.boolean(),
    /** Why it is refused now, in Chinese (a transfer under way, records outside the actor's subtree …). */
    blockers: z.array(z.string()),
    /** What the confirmation must say. */
    confirmation: z.string(),
  }),
});
export type PersonSummary = z.infer<typeof personSummary>;

export const personErasureResult = z.object({
  /** Rows removed per table. */
  removed: z.record(z.string(), z.number()),
  files: z.number(),
  /** Import jobs whose preview or error report named the person and was cleaned. */
  importJobs: z.number(),
});
export type PersonErasureResult = z.infer<typeof personErasureResult>;
