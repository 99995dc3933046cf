import type {
  ApplicantStage,
  CadreGrade,
  CadreKind,
  ContactChannel,
  DuplicateStatus,
  RequestKind,
  RequestStatus,
  ReviewGrade,
  TransferReason,
} from '../../../common/domain.js';

// The words of a person's copy: the copy is read by the person (or their guardian) and a county clerk, so every
// stored code is written out as the web app shows it.

export const stageLabels: Record<ApplicantStage, string> = {
  applied: '申请入团',
  activist: '入团积极分子',
  candidate: '发展对象',
  voted: '待上级审批',
  admitted: '已入团',
  withdrawn: '已撤回',
  rejected: '未获批准',
};

export const transferStepLabels: Record<string, string> = {
  requested: '提出申请',
  out_branch: '待转出团支部审批',
  out_parent: '待转出上级审批',
  in_branch: '待转入团支部审批',
  in_parent: '待转入上级审批',
  done: '已完成',
  rejected: '未获批准',
  withdrawn: '已撤回',
};

export const transferDecisionLabels: Record<string, string> = {
  requested: '提出申请',
  approved: '同意',
  rejected: '不同意',
  withdrawn: '撤回',
};

export const transferReasonLabels: Record<TransferReason, string> = {
  employment: '就业/工作调动',
  study: '升学/转学',
  other: '其他',
};

export const reviewGradeLabels: Record<ReviewGrade, string> = {
  excellent: '优秀',
  qualified: '合格',
  basic: '基本合格',
  unqualified: '不合格',
};

export const requestKindLabels: Record<RequestKind, string> = { status: '团籍变更', correction: '信息更正' };

export const requestStatusLabels: Record<RequestStatus, string> = {
  pending: '待审批',
  approved: '已批准',
  rejected: '未批准',
  withdrawn: '已撤回',
};

export const duplicateStatusLabels: Record<DuplicateStatus, string> = {
  pending: '待处理',
  transferred: '已转接',
  merged: '已合并',
  rejected: '已驳回',
};

export const cadreKindLabels: Record<CadreKind, string> = { full_time: '专职', part_time: '兼职', seconded: '挂职' };

export const cadreGradeLabels: Record<CadreGrade, string> = {
  excellent: '优秀',
  competent: '称职',
  basic: '基本称职',
  incompetent: '不称职',
};

export const contactChannelLabels: Record<ContactChannel, string> = {
  wechat: '微信',
  phone: '电话',
  visit: '走访',
  other: '其他',
};

export const eventLabels: Record<string, string> = {
  created: '登记',
  updated: '修改信息',
  admitted: '接收入团',
  status_requested: '申请团籍变更',
  status_changed: '团籍变更',
  correction_requested: '申请更正',
  corrected: '信息更正',
  request_rejected: '申请未获批准',
  request_withdrawn: '撤回申请',
  transfer_requested: '申请组织关系转接',
  transfer_step: '转接审批',
  transfer_rejected: '转接未获批准',
  transfer_withdrawn: '撤回转接',
  transferred: '组织关系转入',
  duplicate_opened: '发现重复登记',
  duplicate_resolved: '重复登记已处理',
  merged: '合并档案',
  annual_review: '教育评议',
  annual_registration: '年度注册',
  registered: '年度注册',
  party_recommended: '推优入党',
  recommendation_certified: '推优经上级认定',
  imported: 'Excel 导入',
  ceremony: '入团仪式',
};

export const yesNo = (value: number | boolean | null) => (value ? '是' : '否');
