import {
  accountTypeLabels,
  channelKindLabels,
  channelStatusLabels,
  contactCategoryLabels,
  politicalStatusLabels,
  sexLabels,
  type ImportKind,
} from '../../../common/imports.js';
import type { ColumnSpec } from '../../spreadsheets/table.js';

// The columns of each import, in template order: the header people see, other spellings accepted, what the
// instructions sheet says, and the example row. The header matcher ignores "*", spaces and full-width forms.

export type TemplateColumn<K extends string> = ColumnSpec<K> & {
  note: string;
  example: string;
  width?: number;
  /**
   * A personal value: the preview masks it, the uploader's error report masks it when it is valid (and shows a
   * wrong one as typed), and the template formats the column as text so that Excel keeps every digit.
   */
  personal?: 'phone' | 'id_number';
  /** Formatted as text in the template (numbers that are codes: member numbers, statistical codes). */
  text?: boolean;
};

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
    personal: 'phone',
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
    personal: 'phone',
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

const yesNo = '是、否';

export const memberColumns = [
  {
    key: 'org',
    header: '所在团支部',
    aliases: ['团支部', '所属团支部', '所属组织', '支部'],
    note: '团支部或联合团支部的统计用区划代码（12 位）或全称，须在导入组织范围内；不填则为导入时选择的组织（须是支部）',
    example: '示例：某村团支部',
    width: 24,
    text: true,
  },
  { key: 'fullName', header: '姓名', required: true, note: '与身份证一致', example: '张三' },
  {
    key: 'idNumber',
    header: '身份证号',
    required: true,
    aliases: ['身份证号码', '公民身份号码', '证件号码'],
    note: '18 位，最后一位可为 X；请先把该列设为“文本”再填写或粘贴，Excel 存成数字（如 6.10102E+17）会丢失后几位。同一身份证号再次导入只更新不重复',
    example: '610102200501011233',
    width: 22,
    personal: 'id_number',
  },
  {
    key: 'sex',
    header: '性别',
    note: `可填：${list(sexLabels)}；不填按身份证号，填写时须与身份证号一致`,
    example: '男',
  },
  {
    key: 'birthDate',
    header: '出生日期',
    note: '不填按身份证号；填写时须与身份证号一致',
    example: '2005-01-01',
  },
  {
    key: 'memberNo',
    header: '团员编号',
    aliases: ['发展团员编号'],
    note: '选填：12 位数字，前 4 位为入团年份',
    example: '202100000001',
    width: 16,
    text: true,
  },
  {
    key: 'joinedOn',
    header: '入团日期',
    required: true,
    aliases: ['入团时间'],
    note: '如 2021-05-04；2017 年起入团时须已满 13 周岁',
    example: '2021-05-04',
  },
  {
    key: 'politicalStatus',
    header: '政治面貌',
    note: `可填：${list(politicalStatusLabels)}；不填为团员`,
    example: '团员',
  },
  { key: 'ethnicity', header: '民族', note: '如 汉族', example: '汉族' },
  { key: 'education', header: '学历', note: '如 高中、大学本科', example: '高中' },
  { key: 'occupation', header: '职业', note: '如 学生、农民、企业职工', example: '学生' },
  {
    key: 'workplace',
    header: '工作单位或学校',
    aliases: ['工作单位', '学校'],
    note: '100 字以内',
    example: '',
    width: 24,
  },
  {
    key: 'phone',
    header: '手机号码',
    aliases: ['手机号', '手机', '联系电话'],
    note: '11 位手机号码，请设为文本格式',
    example: '13800000000',
    width: 16,
    personal: 'phone',
  },
  { key: 'wechat', header: '微信号', note: '50 字以内', example: '' },
  { key: 'household', header: '户籍所在地', aliases: ['户籍地'], note: '100 字以内', example: '', width: 20 },
  {
    key: 'isMobile',
    header: '是否流动团员',
    aliases: ['流动团员'],
    note: `可填：${yesNo}；不填为否（已登记的团员保持原样）`,
    example: '否',
  },
  { key: 'mobileOrigin', header: '流出地', note: '流动团员填写：原所在地', example: '', width: 20 },
  { key: 'mobileCurrent', header: '现所在地', note: '流动团员填写：现在学习或工作的地方', example: '', width: 20 },
] as const satisfies readonly TemplateColumn<string>[];
export type MemberColumn = (typeof memberColumns)[number]['key'];

export const columnsOf: Record<ImportKind, readonly TemplateColumn<string>[]> = {
  channels: channelColumns,
  contacts: contactColumns,
  plans: planColumns,
  members: memberColumns,
};

/** The template's example row starts with this: a row whose first column does is never imported. */
export const examplePrefix = '示例';
