import { z } from 'zod';
import {
  jobStatuses,
  membershipStatuses,
  type AccountType,
  type ChannelKind,
  type ChannelStatus,
  type ContactCategory,
  type MembershipStatus,
  type PoliticalStatus,
  type Sex,
} from './domain.js';
import { ledgerScopes } from './ledger.js';
import { idString } from './orgs.js';

// Spreadsheet import and export of the ledger, and the background jobs that run imports. Spreadsheets speak
// Chinese whatever the interface language: the labels below are what people type in a cell.

export const importKinds = ['channels', 'contacts', 'plans', 'members'] as const;
export type ImportKind = (typeof importKinds)[number];

export const importKindNames: Record<ImportKind, string> = {
  channels: '渠道（两群一号）',
  contacts: '联系青年',
  plans: '建群计划',
  members: '团员',
};

/** Besides ledger.write, a kind may need more: plans campaign.manage, members people.write. */
export const importPermissions: Record<ImportKind, readonly ('ledger.write' | 'campaign.manage' | 'people.write')[]> = {
  channels: ['ledger.write'],
  contacts: ['ledger.write'],
  plans: ['ledger.write', 'campaign.manage'],
  members: ['ledger.write', 'people.write'],
};

export const channelKindLabels: Record<ChannelKind, string> = {
  tuanqing_group: '团青群',
  qingnong_group: '青农群',
  other_group: '其他微信群',
  official_account: '公众号',
  qq_group: 'QQ群',
  weibo: '微博',
  douyin: '抖音',
  wecom_robot: '企业微信群机器人',
};
export const accountTypeLabels: Record<AccountType, string> = { subscription: '订阅号', service: '服务号' };
export const channelStatusLabels: Record<ChannelStatus, string> = {
  active: '正常',
  inactive: '停用',
  closed: '已关闭',
};
export const contactCategoryLabels: Record<ContactCategory, string> = {
  returnee: '返乡青年',
  entrepreneur: '致富带头人',
  student: '在校生',
  migrant_worker: '外出务工',
  other: '其他',
};

// The member register in a sheet (团员导入模板, 团员名册导出).
export const sexLabels: Record<Sex, string> = { male: '男', female: '女' };
export const politicalStatusLabels: Record<PoliticalStatus, string> = {
  member: '团员',
  probationary_party: '中共预备党员',
  party: '中共党员',
};
export const membershipStatusLabels: Record<MembershipStatus, string> = {
  normal: '正常',
  disabled: '禁用',
  aged_out: '满28周岁离团',
  lapsed: '自行脱团',
  withdrawn: '自愿退团',
  expelled: '开除团籍',
};
export const yesNoLabels = { yes: '是', no: '否' } as const;

const booleanField = z
  .enum(['true', 'false', '1', '0'], { message: '应为 true 或 false' })
  .transform((value) => value === 'true' || value === '1');

/**
 * The text fields of the multipart upload (POST /api/imports) besides the file. orgId: the org the rows belong to
 * unless a row names another inside it (default: the uploader's own org). dryRun: check and preview only.
 */
export const importFields = z
  .object({
    kind: z.enum(importKinds, { message: '导入类型应为 channels、contacts、plans 或 members' }),
    orgId: idString.optional(),
    dryRun: booleanField.default(false),
    campaignId: idString.optional(),
  })
  .strict()
  .refine((fields) => fields.kind !== 'plans' || fields.campaignId !== undefined, {
    message: '导入建群计划时须指定工作任务（campaignId）',
    path: ['campaignId'],
  });
export type ImportFields = z.infer<typeof importFields>;

export const importAccepted = z.object({ jobId: z.number() });

/**
 * What an import does with a row. `duplicate`: the row's person (ID number) is already registered in another org —
 * a row error like `error`, shown apart in the preview so that the uploader sees who holds the record.
 */
export const rowActions = ['create', 'update', 'unchanged', 'error', 'duplicate'] as const;
export type RowAction = (typeof rowActions)[number];

export const importCounts = z.object({
  rows: z.number(),
  create: z.number(),
  update: z.number(),
  unchanged: z.number(),
  errors: z.number(),
});
export type ImportCounts = z.infer<typeof importCounts>;

/** One row of the preview: what the import did (or, in a dry run, would do) with it. Phones are masked. */
export const previewRow = z.object({
  row: z.number(),
  action: z.enum(rowActions),
  values: z.record(z.string(), z.string()),
  errors: z.array(z.string()),
});
export type PreviewRow = z.infer<typeof previewRow>;

export const importResult = z.object({
  kind: z.enum(importKinds),
  dryRun: z.boolean(),
  fileName: z.string(),
  sheet: z.string().nullable(),
  /** The columns found, in sheet order: keys of preview values with their headers. */
  columns: z.array(z.object({ key: z.string(), header: z.string() })),
  counts: importCounts,
  /** Cadres a contact import adds from the 联系团干部 / 团干部手机号 columns. */
  cadresCreated: z.number().optional(),
  /** Rows of a member import whose ID number another org already holds (they are also counted as errors). */
  duplicates: z.number().optional(),
  /**
   * The first rows, then (member imports) up to 50 more rows flagged `duplicate`, so that a dry run lists the
   * people other orgs hold wherever they sit in the file.
   */
  preview: z.array(previewRow),
  /** The first row-level messages ('第 12 行：…'); the error report has them all. */
  errors: z.array(z.string()),
  errorReport: z.boolean(),
});
export type ImportResult = z.infer<typeof importResult>;

export const jobItem = z.object({
  id: z.number(),
  kind: z.string(),
  status: z.enum(jobStatuses),
  orgId: z.number().nullable(),
  createdBy: z.number().nullable(),
  progress: z.object({ done: z.number(), total: z.number().nullable() }),
  /** An import's result; other kinds of job keep their own shape. */
  result: z.union([importResult, z.record(z.string(), z.unknown())]).nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  abilities: z.object({ downloadErrors: z.boolean() }),
});
export type JobItem = z.infer<typeof jobItem>;

/** GET /api/import-templates/:kind.xlsx (with its 填写说明 sheet) and :kind.csv (UTF-8 with BOM, for Excel). */
export const templateParams = z.object({
  kind: z.enum(importKinds, { message: '模板类型应为 channels、contacts、plans 或 members' }),
});

/** Which rows an export holds: the org's own (own) or the org's and everything under it (subtree). */
export const exportQuery = z
  .object({
    orgId: idString.optional(),
    scope: z.enum(ledgerScopes, { message: '范围应为 own 或 subtree' }).default('subtree'),
  })
  .strict();

/**
 * GET /api/exports/members.xlsx (people.read): the member template's columns plus 团籍状态, ID numbers and phones
 * masked. `status` keeps one membership status; without it every status is exported.
 */
export const memberExportQuery = z
  .object({
    orgId: idString.optional(),
    scope: z.enum(ledgerScopes, { message: '范围应为 own 或 subtree' }).default('subtree'),
    status: z.enum(membershipStatuses, { message: '团籍状态不正确' }).optional(),
  })
  .strict();
export type MemberExportQuery = z.infer<typeof memberExportQuery>;
