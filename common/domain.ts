// Domain vocabulary shared by server and web. Values are stored as-is in the database.

export const orgTypes = ['committee', 'working_committee', 'general_branch', 'branch', 'joint_branch'] as const;
export type OrgType = (typeof orgTypes)[number];

export const orgLevels = ['province', 'city', 'county', 'township', 'village'] as const;
export type OrgLevel = (typeof orgLevels)[number];

export const orgStatuses = ['active', 'dissolved'] as const;
export type OrgStatus = (typeof orgStatuses)[number];

export const roles = ['org_admin', 'org_editor', 'inspector', 'system_admin', 'security_admin', 'audit_admin'] as const;
export type Role = (typeof roles)[number];

/** The three separated operators (三员分立) hold no org and are scoped to the whole installation. */
export const operatorRoles: readonly Role[] = ['system_admin', 'security_admin', 'audit_admin'];
/** Roles that belong to an org and see only its subtree. */
export const orgRoles: readonly Role[] = ['org_admin', 'org_editor', 'inspector'];

export const permissions = [
  'org.read',
  'org.write',
  'org.dissolve',
  'org.move',
  'user.read',
  'user.manage',
  'user.security',
  /** End another account's sessions (admins within their reach); audited. */
  'user.sessions',
  'audit.read',
  /** Channels, cadres, contacts (masked), campaigns and dashboards. */
  'ledger.read',
  'ledger.write',
  /** Create and edit campaigns and their indicators, file plan tables for the orgs below. */
  'campaign.manage',
  /** See a full phone or ID number; every use is audited. */
  'personal.reveal',
  /** Answer a person's requests under PIPL: a copy of everything held about them, erasure; audited. */
  'personal.rights',
  /** Member registers, the admission pipeline, transfers and reviews (ID numbers and phones masked). */
  'people.read',
  /** Enter and edit members and applicants, request status changes, transfers and corrections. */
  'people.write',
  /** Decide what a lower org requested: admissions, status changes, transfers, corrections, recommendations. */
  'people.approve',
  /** Bulletins, their schedules and delivery log (read); write drafts and submit them for review. */
  'publishing.read',
  'publishing.write',
  /** Approve or reject bulletins for sending; set an account's WeChat credentials. */
  'publishing.approve',
] as const;
export type Permission = (typeof permissions)[number];

/** Authorization as data: what each role may do. Anything not listed is denied. */
export const grants: Record<Role, readonly Permission[]> = {
  org_admin: [
    'org.read',
    'org.write',
    'org.dissolve',
    'org.move',
    'user.read',
    'user.manage',
    'user.security',
    'user.sessions',
    'ledger.read',
    'ledger.write',
    'campaign.manage',
    'personal.reveal',
    'personal.rights',
    'people.read',
    'people.write',
    'people.approve',
    'publishing.read',
    'publishing.write',
    'publishing.approve',
  ],
  org_editor: [
    'org.read',
    'org.write',
    'ledger.read',
    'ledger.write',
    'people.read',
    'people.write',
    'publishing.read',
    'publishing.write',
  ],
  inspector: ['org.read', 'ledger.read', 'people.read', 'publishing.read'],
  // The system admin runs the installation: it sees the ledger (masked) and may set up campaigns, never reveals,
  // and has no access to the member registers (minors' records are read only by the orgs that keep them).
  system_admin: [
    'org.read',
    'org.write',
    'org.dissolve',
    'org.move',
    'user.read',
    'user.manage',
    'user.sessions',
    'ledger.read',
    'campaign.manage',
  ],
  security_admin: ['user.read', 'user.security', 'user.sessions'],
  audit_admin: ['audit.read'],
};

export function can(role: Role, permission: Permission): boolean {
  return grants[role].includes(permission);
}

/** Administrators: the three operators and the org admins. */
export const adminRoles: readonly Role[] = ['org_admin', 'system_admin', 'security_admin', 'audit_admin'];

/**
 * security.md: a TOTP second factor for admins and for anyone allowed to reveal full ID numbers. Derived from the
 * grants, so that a role given `personal.reveal` later needs the second factor without anyone remembering to say so.
 */
export function requiresSecondFactor(role: Role): boolean {
  return adminRoles.includes(role) || can(role, 'personal.reveal');
}

export const moveStatuses = ['pending_old', 'pending_new', 'done', 'rejected', 'cancelled'] as const;
export type MoveStatus = (typeof moveStatuses)[number];

export const orgHistoryActions = [
  'create',
  'update',
  'dissolve',
  'move_requested',
  'move_approved_old',
  'move_approved_new',
  'move_rejected',
  'move_cancelled',
] as const;
export type OrgHistoryAction = (typeof orgHistoryActions)[number];

// The new-media ledger (两群一号).

/** 团青微信群, 青农微信群, other WeChat groups, official accounts and the other channels. */
export const channelKinds = [
  'tuanqing_group',
  'qingnong_group',
  'other_group',
  'official_account',
  'qq_group',
  'weibo',
  'douyin',
  'wecom_robot',
] as const;
export type ChannelKind = (typeof channelKinds)[number];

export const channelStatuses = ['active', 'inactive', 'closed'] as const;
export type ChannelStatus = (typeof channelStatuses)[number];

export const accountTypes = ['subscription', 'service'] as const;
export type AccountType = (typeof accountTypes)[number];

/** 专职 / 兼职 / 挂职. */
export const cadreKinds = ['full_time', 'part_time', 'seconded'] as const;
export type CadreKind = (typeof cadreKinds)[number];

/** 返乡青年, 致富带头人, 在校生, 外出务工, 其他. */
export const contactCategories = ['returnee', 'entrepreneur', 'student', 'migrant_worker', 'other'] as const;
export type ContactCategory = (typeof contactCategories)[number];

export const contactChannels = ['wechat', 'phone', 'visit', 'other'] as const;
export type ContactChannel = (typeof contactChannels)[number];

export const campaignStatuses = ['active', 'closed'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

/**
 * What an indicator measures for one org:
 * - channel_count: active channels of a kind the org owns;
 * - cadre_contact_share: share of the org's active cadres in contact with at least min_contacts youth;
 * - plan_completion: active channels of a kind ÷ the number planned for the org in the campaign's plan table;
 * - posts_per_channel: posts recorded from window_start to the deadline ÷ the org's active channels of the kind;
 * - activities_held: activities the org held from window_start to the deadline.
 */
export const metrics = [
  'channel_count',
  'cadre_contact_share',
  'plan_completion',
  'posts_per_channel',
  'activities_held',
] as const;
export type Metric = (typeof metrics)[number];

/** An org's standing on one indicator; decided from the stored value and today's date. */
export const indicatorStatuses = ['met', 'not_yet_due', 'overdue', 'not_met'] as const;
export type IndicatorStatus = (typeof indicatorStatuses)[number];

export const jobStatuses = ['queued', 'running', 'done', 'failed'] as const;
export type JobStatus = (typeof jobStatuses)[number];

// People (团员, 入团, 转接, 评议, 推优).

/** 正常, 禁用, 满28周岁离团, 自行脱团, 自愿退团, 开除团籍: every change is requested and approved upward. */
export const membershipStatuses = ['normal', 'disabled', 'aged_out', 'lapsed', 'withdrawn', 'expelled'] as const;
export type MembershipStatus = (typeof membershipStatuses)[number];

/** 团员, 中共预备党员, 中共党员. */
export const politicalStatuses = ['member', 'probationary_party', 'party'] as const;
export type PoliticalStatus = (typeof politicalStatuses)[number];

export const sexes = ['male', 'female'] as const;
export type Sex = (typeof sexes)[number];

/**
 * The admission pipeline: 申请入团 → 入团积极分子 (education and observation) → 发展对象 → 支部大会表决, awaiting the
 * upper committee → 接收 (a member record exists). Withdrawn and rejected close an application.
 */
export const applicantStages = [
  'applied',
  'activist',
  'candidate',
  'voted',
  'admitted',
  'withdrawn',
  'rejected',
] as const;
export type ApplicantStage = (typeof applicantStages)[number];

/** 就业/工作调动, 升学/转学, 其他. */
export const transferReasons = ['employment', 'study', 'other'] as const;
export type TransferReason = (typeof transferReasons)[number];

/** Whose approval a transfer waits for, in order, then how it ended. */
export const transferSteps = [
  'out_branch',
  'out_parent',
  'in_branch',
  'in_parent',
  'done',
  'rejected',
  'withdrawn',
] as const;
export type TransferStep = (typeof transferSteps)[number];

/** 优秀, 合格, 基本合格, 不合格: only the first three may register for the year. */
export const reviewGrades = ['excellent', 'qualified', 'basic', 'unqualified'] as const;
export type ReviewGrade = (typeof reviewGrades)[number];

export const requestKinds = ['status', 'correction'] as const;
export type RequestKind = (typeof requestKinds)[number];

export const requestStatuses = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type RequestStatus = (typeof requestStatuses)[number];

/** How a duplicate ID number was resolved: the holder's record transferred, the entry merged into it, or rejected. */
export const duplicateStatuses = ['pending', 'transferred', 'merged', 'rejected'] as const;
export type DuplicateStatus = (typeof duplicateStatuses)[number];

/** 优秀, 称职, 基本称职, 不称职. */
export const cadreGrades = ['excellent', 'competent', 'basic', 'incompetent'] as const;
export type CadreGrade = (typeof cadreGrades)[number];

// Publishing (公告、手机报) and WeChat.

/** An article, or an issue of a periodic mobile bulletin (手机报) assembling articles. */
export const bulletinKinds = ['article', 'issue'] as const;
export type BulletinKind = (typeof bulletinKinds)[number];

/** draft → in_review → approved (waits for send_at) → sending → sent; rejected goes back to the editor. */
export const bulletinStatuses = ['draft', 'in_review', 'approved', 'rejected', 'sending', 'sent', 'withdrawn'] as const;
export type BulletinStatus = (typeof bulletinStatuses)[number];

/** Where a bulletin goes: the platform's own news pages, an official account, a WeCom group robot. */
export const targetKinds = ['web', 'official_account', 'wecom_robot'] as const;
export type TargetKind = (typeof targetKinds)[number];

/** Official account: mass send (群发, reaches followers, counts against the quota) or publish (发布) only. */
export const oaModes = ['mass_send', 'freepublish'] as const;
export type OaMode = (typeof oaModes)[number];

/**
 * queued → sending → sent (or failed after the last retry). `uncertain`: the worker died between asking WeChat
 * and hearing back on a target that cannot de-duplicate, so a person decides rather than risk a second send.
 */
export const deliveryStatuses = ['queued', 'sending', 'sent', 'failed', 'uncertain', 'cancelled'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const deliveryEvents = [
  'queued',
  'sending',
  'sent',
  'retry',
  'deferred',
  'failed',
  'uncertain',
  'result',
  'resolved',
  'cancelled',
] as const;
export type DeliveryEvent = (typeof deliveryEvents)[number];

export const encryptionModes = ['plain', 'compatible', 'safe'] as const;
export type EncryptionMode = (typeof encryptionModes)[number];

export const replyTriggers = ['keyword', 'click', 'subscribe'] as const;
export type ReplyTrigger = (typeof replyTriggers)[number];
