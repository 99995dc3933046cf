import {
  contactCategoryLabels,
  membershipStatusLabels,
  politicalStatusLabels,
  sexLabels,
} from '../../../common/imports.js';
import type { Executor } from '../../db/schema.js';
import {
  cadreGradeLabels,
  cadreKindLabels,
  contactChannelLabels,
  duplicateStatusLabels,
  eventLabels,
  requestKindLabels,
  requestStatusLabels,
  reviewGradeLabels,
  stageLabels,
  transferDecisionLabels,
  transferReasonLabels,
  transferStepLabels,
  yesNo,
} from './labels.js';
import type { PersonRecords } from './person.js';
import * as repo from './repo.js';

// The person's copy: every record held about them and everything hanging off it, section by section, in the
// words the web app uses. Their own ID number and phone appear in full (it is their copy, and its download is
// audited); anyone else's personal values (a guardian's phone) stay masked, and other people (the youth a cadre
// keeps in touch with) are left out.

export type Cell = string | number | null;
export type Section = { key: string; title: string; columns: string[]; rows: Cell[][] };

/** Decrypts a value of the person for the copy; null leaves the stored masks (a look-up only counts rows). */
export type Reveal = ((cipher: string) => string) | null;

const sourceLabels = { entry: '手工录入', import: '表格导入' } as const;

export async function buildCopy(db: Executor, records: PersonRecords, reveal: Reveal): Promise<Section[]> {
  const full = (cipher: string | null, masked: string | null) => (cipher && reveal ? reveal(cipher) : masked);
  const memberIds = records.members.map((m) => m.id);
  const applicantIds = records.applicants.map((a) => a.id);
  const cadreIds = records.cadres.map((c) => c.id);
  const contactIds = records.contacts.map((c) => c.id);
  const memberById = new Map(records.members.map((m) => [m.id, m]));
  const transfers = await repo.transfers(db, memberIds);
  const introducers = await repo.memberNames(
    db,
    records.applicants.flatMap((a) => [a.introducer1_id, a.introducer2_id].filter((id): id is number => id !== null)),
  );
  const links = (await repo.cadreContactLinks(db, [], contactIds)).filter((l) => contactIds.includes(l.contact_id));
  const section = (key: string, title: string, columns: string[], rows: Cell[][]): Section => ({
    key,
    title,
    columns,
    rows,
  });

  return [
    section(
      'member',
      '团员信息',
      [
        ...['所在团支部', '姓名', '身份证号', '出生日期', '性别', '团员编号', '入团日期', '团籍状态', '政治面貌'],
        ...['民族', '学历', '职业', '工作单位或学校', '手机号码', '微信号', '户籍所在地', '是否流动团员', '流出地'],
        ...['现所在地', '流动期间联系方式', '最近联系日期', '登记时间', '更新时间'],
      ],
      records.members.map((m) => [
        m.org_name,
        m.full_name,
        full(m.id_cipher, m.id_masked),
        m.birth_date,
        sexLabels[m.sex],
        m.member_no,
        m.joined_on,
        membershipStatusLabels[m.membership_status],
        politicalStatusLabels[m.political_status],
        m.ethnicity,
        m.education,
        m.occupation,
        m.workplace,
        full(m.phone_cipher, m.phone_masked),
        m.wechat,
        m.household,
        yesNo(m.is_mobile),
        m.mobile_origin,
        m.mobile_current,
        m.mobile_contact,
        m.last_reached_on,
        m.created_at,
        m.updated_at,
      ]),
    ),
    section(
      'member_events',
      '团员档案时间线',
      ['时间', '事项', '组织', '经办人', '详情'],
      (await repo.memberEvents(db, memberIds)).map((e) => [
        e.at,
        eventLabels[e.kind] ?? e.kind,
        e.org_name,
        e.actor_name,
        e.details === '{}' ? null : e.details,
      ]),
    ),
    section(
      'transfers',
      '组织关系转接',
      ['转接编号', '转出组织', '转入组织', '原因', '说明', '进度', '申请时间', '更新时间'],
      transfers.map((t) => [
        t.id,
        t.from_name,
        t.to_name,
        transferReasonLabels[t.reason],
        t.note,
        transferStepLabels[t.step] ?? t.step,
        t.requested_at,
        t.updated_at,
      ]),
    ),
    section(
      'transfer_steps',
      '转接审批记录',
      ['转接编号', '时间', '环节', '决定', '经办人', '意见'],
      (
        await repo.transferSteps(
          db,
          transfers.map((t) => t.id),
        )
      ).map((s) => [
        s.transfer_id,
        s.at,
        transferStepLabels[s.step] ?? s.step,
        transferDecisionLabels[s.decision] ?? s.decision,
        s.actor_name,
        s.note,
      ]),
    ),
    section(
      'annual_reviews',
      '教育评议和年度注册',
      ['年度', '组织', '评议等次', '注册时间'],
      (await repo.annualReviews(db, memberIds)).map((r) => [
        r.year,
        r.org_name,
        reviewGradeLabels[r.grade],
        r.registered_at,
      ]),
    ),
    section(
      'member_requests',
      '团籍变更和信息更正申请',
      ['组织', '类型', '申请团籍状态', '更正姓名', '更正身份证号', '理由', '状态', '申请时间', '处理时间', '处理意见'],
      (await repo.memberRequests(db, memberIds)).map((q) => [
        q.org_name,
        requestKindLabels[q.kind],
        q.to_status ? membershipStatusLabels[q.to_status] : null,
        q.new_name,
        full(q.new_id_cipher, q.new_id_masked),
        q.reason,
        requestStatusLabels[q.status],
        q.requested_at,
        q.decided_at,
        q.decision_note,
      ]),
    ),
    section(
      'party_recommendations',
      '推优入党',
      ['组织', '推荐日期', '有效期至', '上级认定日期'],
      (await repo.partyRecommendations(db, memberIds)).map((p) => [
        p.org_name,
        p.recommended_on,
        p.valid_until,
        p.certified_on,
      ]),
    ),
    section(
      'member_duplicates',
      '重复登记记录',
      ['录入组织', '录入姓名', '来源', '状态', '时间', '处理时间'],
      (await repo.memberDuplicates(db, memberIds)).map((d) => [
        d.claimant_org_name,
        d.claimant_name,
        sourceLabels[d.source],
        duplicateStatusLabels[d.status],
        d.created_at,
        d.resolved_at,
      ]),
    ),
    section(
      'applicant',
      '入团申请',
      [
        ...['所在团支部', '姓名', '身份证号', '出生日期', '性别', '手机号码', '阶段', '申请日期', '谈话日期'],
        ...['确定积极分子日期', '团课学时', '确定发展对象日期', '入团介绍人', '支部大会日期', '应到人数'],
        ...['实到人数', '赞成票数', '批准日期', '入团仪式日期', '结束原因', '登记时间'],
      ],
      records.applicants.map((a) => [
        a.org_name,
        a.full_name,
        full(a.id_cipher, a.id_masked),
        a.birth_date,
        sexLabels[a.sex],
        full(a.phone_cipher, a.phone_masked),
        stageLabels[a.stage],
        a.applied_on,
        a.talked_on,
        a.activist_on,
        a.lecture_hours,
        a.candidate_on,
        [a.introducer1_id, a.introducer2_id]
          .flatMap((id) => (id === null ? [] : [introducers.get(id) ?? '']))
          .join('、') || null,
        a.vote_on,
        a.vote_due,
        a.vote_present,
        a.vote_for,
        a.approved_on,
        a.ceremony_on,
        a.closed_reason,
        a.created_at,
      ]),
    ),
    section(
      'applicant_lectures',
      '团课学习',
      ['日期', '题目', '学时'],
      (await repo.applicantLectures(db, applicantIds)).map((l) => [l.held_on, l.title, l.hours]),
    ),
    section(
      'applicant_documents',
      '入团材料（文件清单）',
      ['阶段', '文件名', '类型', '大小（字节）', '上传时间'],
      (await repo.applicantDocuments(db, applicantIds)).map((d) => [
        stageLabels[d.stage],
        d.file_name,
        d.mime,
        d.size,
        d.uploaded_at,
      ]),
    ),
    section(
      'guardian_consents',
      '监护人同意书',
      ['对象', '监护人姓名', '与本人关系', '监护人手机号码', '同意书版本', '签署日期'],
      (await repo.guardianConsents(db, memberIds, applicantIds)).map((g) => [
        g.subject_type === 'member' ? '团员' : '入团申请人',
        g.guardian_name,
        g.relation,
        g.phone_masked,
        g.consent_version,
        g.signed_on,
      ]),
    ),
    section(
      'cadre',
      '团干部信息',
      [
        ...['组织', '姓名', '职务', '类别', '手机号码', '身份证号', '出生日期', '任期开始', '任期结束', '状态'],
        ...['后备干部', '联系青年人数', '登记时间'],
      ],
      records.cadres.map((c) => {
        const member = c.member_id === null ? undefined : memberById.get(c.member_id);
        return [
          c.org_name,
          c.full_name,
          c.post,
          cadreKindLabels[c.kind],
          full(c.phone_cipher, c.phone_masked),
          member ? full(member.id_cipher, member.id_masked) : full(c.id_cipher, c.member_id_masked ?? c.id_masked),
          c.member_birth_date ?? c.birth_date,
          c.term_start,
          c.term_end,
          c.status === 'active' ? '在任' : '离任',
          yesNo(c.in_reserve),
          c.contact_count,
          c.created_at,
        ];
      }),
    ),
    section(
      'cadre_trainings',
      '团干部培训',
      ['培训名称', '主办单位', '开始日期', '结束日期', '学时'],
      (await repo.cadreTrainings(db, cadreIds)).map((t) => [t.title, t.organizer, t.start_on, t.end_on, t.hours]),
    ),
    section(
      'cadre_assessments',
      '团干部年度考核',
      ['年度', '等次', '备注'],
      (await repo.cadreAssessments(db, cadreIds)).map((a) => [a.year, cadreGradeLabels[a.grade], a.note]),
    ),
    section(
      'contact',
      '联系青年信息',
      ['组织', '姓名', '手机号码', '村（社区）', '类别', '备注', '最近联系日期', '登记时间'],
      records.contacts.map((c) => [
        c.org_name,
        c.full_name,
        full(c.phone_cipher, c.phone_masked),
        c.village,
        contactCategoryLabels[c.category],
        c.note,
        c.last_contact_on,
        c.created_at,
      ]),
    ),
    section(
      'contact_cadres',
      '联系本人的团干部',
      ['团干部', '建立联系时间'],
      links.map((l) => [l.cadre_name, l.created_at]),
    ),
    section(
      'contact_logs',
      '联系记录',
      ['日期', '方式', '团干部', '备注'],
      (await repo.contactLogs(db, contactIds)).map((l) => [
        l.on_date,
        contactChannelLabels[l.channel],
        l.cadre_name,
        l.note,
      ]),
    ),
  ];
}
