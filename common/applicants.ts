import { z } from 'zod';
import { isoDate } from './dates.js';
import { applicantStages, sexes } from './domain.js';
import { boolQuery, paging, phoneInput, searchText, text } from './fields.js';
import { guardianConsentInput, guardianConsentItem, idNumberInput } from './members.js';
import { idNumber, idString } from './orgs.js';

// The admission pipeline (入团): 申请入团 → 谈话 → 入团积极分子 → 教育培养考察 (团课) → 发展对象 → 支部大会表决 →
// 上级团委审批 (a member record is created) → 入团仪式. ID numbers and phones leave the server masked only.

/** The stages an application is still open in; withdrawn, rejected and admitted close it. */
export const openApplicantStages = ['applied', 'activist', 'candidate', 'voted'] as const;
export type OpenApplicantStage = (typeof openApplicantStages)[number];

/** Stages a document may be filed under (the step it belongs to: application, activist filing, the form …). */
export const documentStages = ['applied', 'activist', 'candidate', 'voted', 'admitted'] as const;
export type DocumentStage = (typeof documentStages)[number];

/** An admitted applicant should have had the ceremony within this many days of the approval. */
export const ceremonyDueDays = 30;
/** A branch vote should be decided by the upper committee within this many days. */
export const approvalDueDays = 30;
/** The largest batch the upper committee approves at once. */
export const maxApprovalBatch = 500;

/**
 * Why an applicant is overdue: no talk a month after applying; an activist observed longer than six months; a
 * vote waiting for the upper committee more than 30 days; admitted without a ceremony after 30 days.
 */
export const overdueReasons = ['talk_due', 'observation_long', 'approval_waiting', 'ceremony_due'] as const;
export type OverdueReason = (typeof overdueReasons)[number];

export const overdueItem = z.object({
  reason: z.enum(overdueReasons),
  /** The last day the step was on time. */
  dueOn: z.string(),
  message: z.string(),
});
export type OverdueItem = z.infer<typeof overdueItem>;

export const createApplicantBody = z
  .object({
    orgId: idNumber,
    fullName: text('姓名', 50),
    idNumber: idNumberInput,
    phone: phoneInput.nullish(),
    /** The date of the written application (入团申请书). */
    appliedOn: isoDate,
    /** Required under 14 (the guardian's consent). */
    guardianConsent: guardianConsentInput.nullish(),
  })
  .strict();
export type CreateApplicantBody = z.infer<typeof createApplicantBody>;

export const talkBody = z.object({ talkedOn: isoDate }).strict();
export const activistBody = z.object({ activistOn: isoDate }).strict();
export const lectureBody = z
  .object({
    heldOn: isoDate,
    title: text('团课名称', 100),
    hours: z
      .number({ message: '学时应为数字' })
      .positive({ message: '学时应大于 0' })
      .max(24, { message: '一次团课不能超过 24 学时' }),
  })
  .strict();
export type LectureBody = z.infer<typeof lectureBody>;
export const candidateBody = z.object({ candidateOn: isoDate }).strict();

const headcount = (label: string) =>
  z
    .number({ message: `${label}应为整数` })
    .int({ message: `${label}应为整数` })
    .min(0, { message: `${label}不能为负数` })
    .max(10000, { message: `${label}过大` });

/** The branch general meeting (支部大会): who introduced the candidate and how the vote went. */
export const voteBody = z
  .object({
    introducer1Id: idNumber,
    introducer2Id: idNumber,
    voteOn: isoDate,
    /** Members with a vote who should attend (应到会有表决权的团员). */
    votersDue: headcount('应到人数').min(1, { message: '应到人数至少为 1' }),
    votersPresent: headcount('实到人数'),
    votesFor: headcount('赞成票'),
  })
  .strict()
  .refine((v) => v.votersPresent <= v.votersDue, { message: '实到人数不能多于应到人数', path: ['votersPresent'] })
  .refine((v) => v.votesFor <= v.votersPresent, { message: '赞成票不能多于实到人数', path: ['votesFor'] });
export type VoteBody = z.infer<typeof voteBody>;

export const approveBody = z
  .object({
    ids: z
      .array(idNumber)
      .min(1, { message: '请选择要审批的申请人' })
      .max(maxApprovalBatch, { message: `一次最多审批 ${maxApprovalBatch} 人` })
      .refine((ids) => new Set(ids).size === ids.length, { message: '同一申请人重复出现' }),
    approvedOn: isoDate,
  })
  .strict();
export type ApproveBody = z.infer<typeof approveBody>;

export const reasonBody = z.object({ reason: text('原因', 200) }).strict();
export const ceremonyBody = z.object({ ceremonyOn: isoDate }).strict();

/** The text field that goes with the file of POST /api/applicants/:id/documents (multipart/form-data). */
export const documentStageField = z.enum(documentStages, { message: '请选择材料所属的阶段' });

export const applicantAbilities = z.object({
  talk: z.boolean(),
  activist: z.boolean(),
  lecture: z.boolean(),
  candidate: z.boolean(),
  vote: z.boolean(),
  approve: z.boolean(),
  reject: z.boolean(),
  ceremony: z.boolean(),
  withdraw: z.boolean(),
  upload: z.boolean(),
});
export type ApplicantAbilities = z.infer<typeof applicantAbilities>;

export const applicantItem = z.object({
  id: z.number(),
  orgId: z.number(),
  orgName: z.string(),
  fullName: z.string(),
  idMasked: z.string(),
  birthDate: z.string(),
  age: z.number(),
  sex: z.enum(sexes),
  phoneMasked: z.string().nullable(),
  stage: z.enum(applicantStages),
  appliedOn: z.string(),
  talkedOn: z.string().nullable(),
  activistOn: z.string().nullable(),
  candidateOn: z.string().nullable(),
  voteOn: z.string().nullable(),
  approvedOn: z.string().nullable(),
  ceremonyOn: z.string().nullable(),
  lectureHours: z.number(),
  /** The member record created on approval. */
  memberId: z.number().nullable(),
  overdue: z.array(overdueItem),
});
export type ApplicantItem = z.infer<typeof applicantItem>;

export const applicantLectureItem = z.object({
  id: z.number(),
  heldOn: z.string(),
  title: z.string(),
  hours: z.number(),
});

export const applicantDocumentItem = z.object({
  id: z.number(),
  stage: z.enum(documentStages),
  fileName: z.string(),
  mime: z.string(),
  size: z.number(),
  uploadedAt: z.string(),
  uploadedBy: z.string().nullable(),
});
export type ApplicantDocumentItem = z.infer<typeof applicantDocumentItem>;

export const introducerItem = z.object({ id: z.number(), fullName: z.string(), orgName: z.string() });

export const applicantDetail = applicantItem.extend({
  /** The earliest day the activist may become a candidate (3 months of observation); null before the activist. */
  candidateFrom: z.string().nullable(),
  /** Lecture hours a candidate needs (server setting). */
  minLectureHours: z.number(),
  lectures: z.array(applicantLectureItem),
  documents: z.array(applicantDocumentItem),
  introducers: z.array(introducerItem),
  vote: z.object({ due: z.number(), present: z.number(), for: z.number() }).nullable(),
  approvedBy: z.string().nullable(),
  memberNo: z.string().nullable(),
  /** Why a withdrawn or rejected application was closed. */
  closedReason: z.string().nullable(),
  guardianConsent: guardianConsentItem.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  abilities: applicantAbilities,
});
export type ApplicantDetail = z.infer<typeof applicantDetail>;

export const applicantListQuery = z.object({
  orgId: idString.optional(),
  scope: z.enum(['own', 'subtree']).default('subtree'),
  stage: z.enum(applicantStages).optional(),
  /** A name (prefix), a full ID number or a full phone number. */
  q: searchText,
  overdue: boolQuery.optional(),
  /** `approval`: the approval inbox, voted applicants the actor may decide (its lower branches, never its own). */
  awaiting: z.enum(['approval']).optional(),
  ...paging,
});
export type ApplicantListQuery = z.infer<typeof applicantListQuery>;
export const applicantListResponse = z.object({ items: z.array(applicantItem), total: z.number() });

export const approveResponse = z.object({
  approved: z.array(z.object({ applicantId: z.number(), memberId: z.number(), memberNo: z.string() })),
});
export type ApproveResponse = z.infer<typeof approveResponse>;

/** What refused a batch, one line per applicant (the error's `details.refused`). */
export const approvalRefusal = z.object({ id: z.number(), fullName: z.string().nullable(), message: z.string() });
export type ApprovalRefusal = z.infer<typeof approvalRefusal>;

export const pipelineQuery = z.object({ scope: z.enum(['own', 'subtree']).default('subtree') });

/** Items shown per open stage on the board; the rest is in the list. */
export const pipelineColumnCap = 50;

export const pipelineBoard = z.object({
  orgId: z.number(),
  counts: z.record(z.enum(applicantStages), z.number()),
  overdue: z.number(),
  columns: z.array(z.object({ stage: z.enum(openApplicantStages), total: z.number(), items: z.array(applicantItem) })),
});
export type PipelineBoard = z.infer<typeof pipelineBoard>;
