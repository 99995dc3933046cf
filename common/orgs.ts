import { z } from 'zod';
import { moveStatuses, orgHistoryActions, orgLevels, orgStatuses, orgTypes } from './domain.js';

/** Ids are 32-bit integer columns on PostgreSQL: anything larger cannot exist and is refused as input. */
export const maxId = 2147483647;
export const idNumber = z.number().int().positive().max(maxId, { message: '编号超出范围' });
/** An id in a path or query string: decimal digits only, so that one object never has two spellings ("0x10"). */
export const idString = z
  .string()
  .regex(/^\d{1,10}$/, { message: '编号应为正整数' })
  .transform(Number)
  .pipe(idNumber);
export const idParam = z.object({ id: idString });

const regionCode = z.string().regex(/^\d{6}$/, { message: '行政区划代码应为 6 位数字（GB/T 2260）' });
const statCode = z.string().regex(/^\d{12}$/, { message: '统计用区划代码应为 12 位数字' });
const orgName = z
  .string()
  .trim()
  .min(2, { message: '组织名称至少 2 个字' })
  .max(60, { message: '组织名称不能超过 60 个字' });
const optionalText = (max: number) => z.string().trim().max(max).nullish();

export const orgSummary = z.object({
  id: z.number(),
  parentId: z.number().nullable(),
  name: z.string(),
  shortName: z.string().nullable(),
  type: z.enum(orgTypes),
  level: z.enum(orgLevels),
  isDirect: z.boolean(),
  regionCode: z.string().nullable(),
  statCode: z.string().nullable(),
  status: z.enum(orgStatuses),
  depth: z.number(),
});
export type OrgSummary = z.infer<typeof orgSummary>;

export const orgCounts = z.object({
  children: z.number(),
  descendants: z.number(),
  members: z.number(),
});

export const orgListItem = orgSummary.extend({ counts: orgCounts });
export type OrgListItem = z.infer<typeof orgListItem>;

export const orgDetail = orgSummary.extend({
  phone: z.string().nullable(),
  email: z.string().nullable(),
  industry: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  dissolvedAt: z.string().nullable(),
  counts: orgCounts,
  /** Ancestors from the top of the actor's scope down to the parent. */
  ancestors: z.array(z.object({ id: z.number(), name: z.string() })),
  /** What the actor may do to this org, so the UI hides what the server would refuse. */
  abilities: z.object({
    update: z.boolean(),
    createChild: z.boolean(),
    dissolve: z.boolean(),
    requestMove: z.boolean(),
  }),
  pendingMove: z
    .object({ id: z.number(), toParentId: z.number(), toParentName: z.string(), status: z.enum(moveStatuses) })
    .nullable(),
});
export type OrgDetail = z.infer<typeof orgDetail>;

export const createOrgBody = z
  .object({
    /** null creates a top-level org (a province committee): only for actors whose scope is everything. */
    parentId: idNumber.nullable(),
    name: orgName,
    shortName: optionalText(30),
    type: z.enum(orgTypes),
    level: z.enum(orgLevels),
    isDirect: z.boolean().default(false),
    regionCode: regionCode.nullish(),
    statCode: statCode.nullish(),
    phone: optionalText(30),
    email: z.email({ message: '邮箱格式不正确' }).nullish(),
    industry: optionalText(30),
  })
  .strict()
  .refine((b) => !b.regionCode || !b.statCode || b.statCode.startsWith(b.regionCode), {
    message: '统计用区划代码的前 6 位应与行政区划代码一致',
    path: ['statCode'],
  });
export type CreateOrgBody = z.infer<typeof createOrgBody>;

export const updateOrgBody = z
  .object({
    name: orgName,
    shortName: optionalText(30),
    type: z.enum(orgTypes),
    level: z.enum(orgLevels),
    isDirect: z.boolean(),
    regionCode: regionCode.nullable(),
    statCode: statCode.nullable(),
    phone: optionalText(30),
    email: z.email({ message: '邮箱格式不正确' }).nullable(),
    industry: optionalText(30),
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: '没有需要修改的内容' });
export type UpdateOrgBody = z.infer<typeof updateOrgBody>;

export const dissolveOrgBody = z
  .object({ reason: z.string().trim().min(2, { message: '请填写撤销原因' }).max(200) })
  .strict();

export const childrenQuery = z.object({
  includeDissolved: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const childrenResponse = z.object({ items: z.array(orgListItem), total: z.number() });

export const searchQuery = z.object({
  q: z.string().trim().min(1, { message: '请输入组织名称或区划代码' }).max(40),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const searchHit = orgSummary.extend({ pathNames: z.array(z.string()) });
export const searchResponse = z.object({ items: z.array(searchHit) });
export type SearchHit = z.infer<typeof searchHit>;

export const historyEntry = z.object({
  id: z.number(),
  at: z.string(),
  action: z.enum(orgHistoryActions),
  actorName: z.string().nullable(),
  changes: z.record(z.string(), z.unknown()),
});
export const historyResponse = z.object({ items: z.array(historyEntry) });

export const moveRequestBody = z
  .object({
    toParentId: idNumber,
    reason: z.string().trim().min(2, { message: '请填写调整原因' }).max(200),
  })
  .strict();

export const moveItem = z.object({
  id: z.number(),
  orgId: z.number(),
  orgName: z.string(),
  fromParentId: z.number(),
  fromParentName: z.string(),
  toParentId: z.number(),
  toParentName: z.string(),
  status: z.enum(moveStatuses),
  reason: z.string(),
  rejectReason: z.string().nullable(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  canDecide: z.boolean(),
  canCancel: z.boolean(),
});
export type MoveItem = z.infer<typeof moveItem>;
export const moveListQuery = z.object({ scope: z.enum(['pending', 'all']).default('pending') });
export const moveListResponse = z.object({ items: z.array(moveItem) });
export const rejectMoveBody = z
  .object({ reason: z.string().trim().min(2, { message: '请填写不同意的理由' }).max(200) })
  .strict();
