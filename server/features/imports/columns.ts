import {
  accountTypeLabels,
  channelKindLabels,
  channelStatusLabels,
  contactCategoryLabels,
  type ImportKind,
} from '../../../common/imports.js';
import type { ColumnSpec } from '../../spreadsheets/table.js';

// The columns of each import, in template order: the header people see, other spellings accepted, what the
// instructions sheet says, and the example row. The header matcher ignores "*", spaces and full-width forms.

export type TemplateColumn<K extends string> = ColumnSpec<K> & { note: string; example: string; width?: number };

const list = (labels: Record<string, string>) => Object.values(labels).join('、');
const orgNote = '统计用区划代码（12 位）或组织全称，须在导入组织范围内；不填则为导入时选择的组织';

export const channelColumns = [
  {
    key: 'name',
    header: '名称',
    required: true,
    note: '群或账号的名称',
    example: '示例：青农某县返乡创业群',
    width: 24,
  },
  {
    key: 'kind',
    header: '类型',
    required: true,
    note: `可填：${list(channelKindLabels)}`,
    example: '青农群',
    aliases: ['渠道类型'],
  },
  { key: 'org', header: '所属组织', aliases: ['组织'], note: orgNote, example: '', width: 24 },
  {
    key: 'cadre',
    header: '负责团干部',
    aliases: ['群主', '负责人'],
    note: '所属组织已登记的在任团干部姓名',
    example: '',
  },
  { key: 'createdOn', header: '建立日期', note: '如 2026-09-30、2026/9/30、2026年9月30日', example: '2026-09-01' },
  {
    key: 'members',
    header: '成员数',
    aliases: ['群成员数', '关注人数'],
    note: '整数；每次导入记为统计日期当天的一次读数',
    example: '168',
  },
  { key: 'countedOn', header: '统计日期', note: '成员数的统计日期，不填为导入当天', example: '2026-09-30' },
  { key: 'accountType', header: '公众号类型', note: `仅公众号填写：${list(accountTypeLabels)}`, example: '' },
  {
    key: 'appId',
    header: 'AppID',
    note: '仅公众号填写：wx 加 16 位十六进制字符；填写后按 AppID 识别同一公众号',
    example: '',
  },
  {
    key: 'originalId',
    header: '原始ID',
    aliases: ['原始 ID'],
    note: '仅公众号填写：gh_ 加 12 位十六进制字符',
    example: '',
  },
  { key: 'status', header: '状态', note: `可填：${list(channelStatusLabels)}；不填为正常`, example: '正常' },
] as const satisfies readonly TemplateColumn<string>[];
export type ChannelColumn = (typeof channelColumns)[number]['key'];

export const contactColumns = [
  { key: 'fullName', header: '姓名', required: true, note: '青年姓名', example: '示例：张三' },
  {
    key: 'phone',
    header: '手机号码',
    required: true,
    aliases: ['手机号', '手机', '联系电话'],
    note: '11 位手机号码；同一组织内按手机号码识别同一人，再次导入只更新不重复',
    example: '13800000000',
    width: 16,
  },
  { key: 'org', header: '所属组织', aliases: ['组织'], note: orgNote, example: '', width: 24 },
  {
    key: 'village',
    header: '村（社区）',
    aliases: ['村', '社区', '村(社区)'],
    note: '所在村或社区',
    example: '示例村',
  },
  {
    key: 'category',
    header: '类别',
    aliases: ['青年类别'],
    note: `可填：${list(contactCategoryLabels)}；不填为其他`,
    example: '返乡青年',
  },
  {
    key: 'cadreName',
    header: '联系团干部',
    note: '与该青年保持联系的团干部姓名；须同时填写团干部手机号，尚未登记的团干部将自动登记到所属组织',
    example: '李四',
  },
  {
    key: 'cadrePhone',
    header: '团干部手机号',
    aliases: ['团干部手机号码'],
    note: '联系团干部的 11 位手机号码',
    example: '13900000000',
    width: 16,
  },
  { key: 'lastContactOn', header: '最近联系日期', note: '如 2026-09-30；只会向后更新', example: '2026-09-15' },
  { key: 'note', header: '备注', note: '200 字以内', example: '' },
] as const satisfies readonly TemplateColumn<string>[];
export type ContactColumn = (typeof contactColumns)[number]['key'];

export const planColumns = [
  {
    key: 'org',
    header: '乡镇（统计代码或名称）',
    required: true,
    aliases: ['乡镇', '乡镇(统计代码或名称)', '组织'],
    note: '计划表适用的下级组织（通常为乡镇团委）：统计用区划代码（12 位）或组织全称',
    example: '示例镇团委',
    width: 28,
  },
  { key: 'planned', header: '计划建群数', required: true, aliases: ['计划数'], note: '整数，0–1000', example: '12' },
] as const satisfies readonly TemplateColumn<string>[];
export type PlanColumn = (typeof planColumns)[number]['key'];

export const columnsOf: Record<ImportKind, readonly TemplateColumn<string>[]> = {
  channels: channelColumns,
  contacts: contactColumns,
  plans: planColumns,
};

/** The template's example row starts with this: a row whose first column does is never imported. */
export const examplePrefix = '示例';
