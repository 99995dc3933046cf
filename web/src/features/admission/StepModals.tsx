import { Alert, DatePicker, Form, Input, InputNumber, List, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import type { ApplicantDetail, ApprovalRefusal, ApproveResponse } from '../../../../common/applicants.js';
import { ApiError } from '../../app/api.js';
import { FormModal } from '../../app/FormModal.js';
import { useT, type MessageKey } from '../../app/i18n.js';
import { applicantApi } from './api.js';
import { notFuture, toIsoDate } from './dates.js';
import { IntroducerSelect } from './IntroducerSelect.js';

/** The steps recorded with a single date. */
export type DateStep = 'talk' | 'activist' | 'candidate' | 'ceremony';

const dateFields = {
  talk: { name: 'talkedOn', label: 'applicant.form.talkedOn', hint: 'applicant.form.talkHint' },
  activist: { name: 'activistOn', label: 'applicant.form.activistOn', hint: null },
  candidate: { name: 'candidateOn', label: 'applicant.form.candidateOn', hint: null },
  ceremony: { name: 'ceremonyOn', label: 'applicant.form.ceremonyOn', hint: null },
} as const satisfies Record<DateStep, { name: string; label: MessageKey; hint: MessageKey | null }>;

type Done = (next: ApplicantDetail) => void;
type StepProps = { applicant: ApplicantDetail; onClose: () => void; onDone: Done };

/** 记录谈话, 确定为积极分子, 列为发展对象, 入团仪式: the day it happened (never in the future). */
export function DateStepModal({ step, applicant, onClose, onDone }: StepProps & { step: DateStep }) {
  const t = useT();
  const field = dateFields[step];
  const [form] = Form.useForm<Record<string, Dayjs>>();
  const save = async (values: Record<string, Dayjs>) => {
    const day = toIsoDate(values[field.name]);
    const call = {
      talk: applicantApi.talk,
      activist: applicantApi.activist,
      candidate: applicantApi.candidate,
      ceremony: applicantApi.ceremony,
    }[step];
    onDone(await call(applicant.id, day, { quiet: true }));
  };
  const hint =
    step === 'candidate' && applicant.candidateFrom
      ? t('applicant.candidateFrom', { date: applicant.candidateFrom })
      : field.hint && t(field.hint);
  return (
    <FormModal<Record<string, Dayjs>>
      form={form}
      title={`${t(`applicant.action.${step}`)} · ${applicant.fullName}`}
      width={440}
      submitTestId="applicant-step-submit"
      initialValues={{ [field.name]: dayjs() }}
      fields={[field.name]}
      onSave={save}
      onCancel={onClose}
    >
      {step === 'candidate' && (
        <Alert
          type={applicant.lectureHours >= applicant.minLectureHours ? 'success' : 'warning'}
          showIcon
          title={t('applicant.hoursProgress', { n: applicant.lectureHours, min: applicant.minLectureHours })}
          style={{ marginBottom: 16 }}
        />
      )}
      <Form.Item
        name={field.name}
        label={t(field.label)}
        extra={hint || undefined}
        rules={[{ required: true, message: t('applicant.form.dateRequired') }]}
      >
        <DatePicker disabledDate={notFuture} style={{ width: '100%' }} data-testid="applicant-step-date" />
      </Form.Item>
    </FormModal>
  );
}

type LectureValues = { heldOn: Dayjs; title: string; hours: number | null };

/** 登记团课: one lecture attended, with its hours (they add up towards the candidate's minimum). */
export function LectureModal({ applicant, onClose, onDone }: StepProps) {
  const t = useT();
  const [form] = Form.useForm<LectureValues>();
  const save = async (values: LectureValues) => {
    onDone(
      await applicantApi.lecture(
        applicant.id,
        { heldOn: toIsoDate(values.heldOn), title: values.title.trim(), hours: values.hours ?? 0 },
        { quiet: true },
      ),
    );
  };
  return (
    <FormModal<LectureValues>
      form={form}
      title={`${t('applicant.action.lecture')} · ${applicant.fullName}`}
      width={480}
      submitTestId="applicant-step-submit"
      initialValues={{ heldOn: dayjs(), title: '', hours: 2 }}
      fields={['heldOn', 'title', 'hours']}
      onSave={save}
      onCancel={onClose}
    >
      <Typography.Paragraph type="secondary">
        {t('applicant.hoursProgress', { n: applicant.lectureHours, min: applicant.minLectureHours })}
      </Typography.Paragraph>
      <Form.Item
        name="title"
        label={t('applicant.form.lectureTitle')}
        rules={[{ required: true, whitespace: true, message: t('applicant.form.lectureTitleRequired') }]}
      >
        <Input maxLength={100} data-testid="applicant-lecture-title" />
      </Form.Item>
      <div className="tj-form-row">
        <Form.Item
          name="heldOn"
          label={t('applicant.form.heldOn')}
          rules={[{ required: true, message: t('applicant.form.dateRequired') }]}
          style={{ flex: 1, minWidth: 160 }}
        >
          <DatePicker disabledDate={notFuture} style={{ width: '100%' }} data-testid="applicant-step-date" />
        </Form.Item>
        <Form.Item
          name="hours"
          label={t('applicant.form.hours')}
          rules={[{ required: true, message: t('applicant.form.hoursRequired') }]}
          style={{ width: 120 }}
        >
          <InputNumber min={0.5} max={24} step={0.5} style={{ width: '100%' }} data-testid="applicant-lecture-hours" />
        </Form.Item>
      </div>
    </FormModal>
  );
}

type VoteValues = {
  introducer1Id: number | null;
  introducer2Id: number | null;
  voteOn: Dayjs;
  votersDue: number | null;
  votersPresent: number | null;
  votesFor: number | null;
};

/** 支部大会表决: two introducers from the branch's normal members, and the count of the vote. */
export function VoteModal({ applicant, onClose, onDone }: StepProps) {
  const t = useT();
  const [form] = Form.useForm<VoteValues>();
  const first = Form.useWatch('introducer1Id', form);
  const second = Form.useWatch('introducer2Id', form);
  const save = async (values: VoteValues) => {
    onDone(
      await applicantApi.vote(
        applicant.id,
        {
          introducer1Id: values.introducer1Id ?? 0,
          introducer2Id: values.introducer2Id ?? 0,
          voteOn: toIsoDate(values.voteOn),
          votersDue: values.votersDue ?? 0,
          votersPresent: values.votersPresent ?? 0,
          votesFor: values.votesFor ?? 0,
        },
        { quiet: true },
      ),
    );
  };
  const count = (name: 'votersDue' | 'votersPresent' | 'votesFor') => (
    <Form.Item
      name={name}
      label={t(`applicant.form.${name}`)}
      rules={[{ required: true, message: t('applicant.form.countRequired') }]}
      style={{ flex: 1, minWidth: 100 }}
    >
      <InputNumber min={0} max={10000} precision={0} style={{ width: '100%' }} data-testid={`applicant-${name}`} />
    </Form.Item>
  );
  const notSame = (other: number | null | undefined) => ({
    validator: (_rule: unknown, value: number | null | undefined) =>
      value != null && value === other
        ? Promise.reject(new Error(t('applicant.form.introducerSame')))
        : Promise.resolve(),
  });
  return (
    <FormModal<VoteValues>
      form={form}
      title={`${t('applicant.action.vote')} · ${applicant.fullName}`}
      width={560}
      submitTestId="applicant-step-submit"
      initialValues={{
        introducer1Id: null,
        introducer2Id: null,
        voteOn: dayjs(),
        votersDue: null,
        votersPresent: null,
        votesFor: null,
      }}
      fields={['introducer1Id', 'introducer2Id', 'voteOn', 'votersDue', 'votersPresent', 'votesFor']}
      onSave={save}
      onCancel={onClose}
    >
      <Typography.Paragraph type="secondary">{t('applicant.form.introducerHint')}</Typography.Paragraph>
      <div className="tj-form-row">
        <Form.Item
          name="introducer1Id"
          label={t('applicant.form.introducer1')}
          rules={[{ required: true, message: t('applicant.form.introducerRequired') }, notSame(second)]}
          style={{ flex: 1, minWidth: 200 }}
        >
          <IntroducerSelect orgId={applicant.orgId} exclude={second} testId="applicant-introducer1" />
        </Form.Item>
        <Form.Item
          name="introducer2Id"
          label={t('applicant.form.introducer2')}
          rules={[{ required: true, message: t('applicant.form.introducerRequired') }, notSame(first)]}
          style={{ flex: 1, minWidth: 200 }}
        >
          <IntroducerSelect orgId={applicant.orgId} exclude={first} testId="applicant-introducer2" />
        </Form.Item>
      </div>
      <Form.Item
        name="voteOn"
        label={t('applicant.form.voteOn')}
        rules={[{ required: true, message: t('applicant.form.dateRequired') }]}
      >
        <DatePicker disabledDate={notFuture} style={{ width: '100%' }} data-testid="applicant-step-date" />
      </Form.Item>
      <div className="tj-form-row">
        {count('votersDue')}
        {count('votersPresent')}
        {count('votesFor')}
      </div>
      <Typography.Text type="secondary">{t('applicant.form.voteHint')}</Typography.Text>
    </FormModal>
  );
}

type ReasonValues = { reason: string };

/** 撤回 (the branch) or 驳回 (the upper committee): closes the application, with the reason the other side reads. */
export function ReasonModal({ kind, applicant, onClose, onDone }: StepProps & { kind: 'withdraw' | 'reject' }) {
  const t = useT();
  const [form] = Form.useForm<ReasonValues>();
  const save = async ({ reason }: ReasonValues) => {
    const call = kind === 'withdraw' ? applicantApi.withdraw : applicantApi.reject;
    onDone(await call(applicant.id, reason.trim(), { quiet: true }));
  };
  return (
    <FormModal<ReasonValues>
      form={form}
      title={t(kind === 'withdraw' ? 'applicant.form.withdrawTitle' : 'applicant.form.rejectTitle', {
        name: applicant.fullName,
      })}
      width={480}
      submitTestId="applicant-step-submit"
      initialValues={{ reason: '' }}
      fields={['reason']}
      onSave={save}
      onCancel={onClose}
    >
      <Form.Item
        name="reason"
        label={t(kind === 'withdraw' ? 'applicant.form.withdrawReason' : 'applicant.form.rejectReason')}
        rules={[{ required: true, whitespace: true, message: t('applicant.form.reasonRequired') }]}
      >
        <Input.TextArea rows={3} maxLength={200} showCount data-testid="applicant-reason" />
      </Form.Item>
    </FormModal>
  );
}

/** The refusals of a batch (`details.refused` of a 409), one line per applicant; null for any other error. */
export function refusalsOf(error: unknown): ApprovalRefusal[] | null {
  if (!(error instanceof ApiError) || typeof error.details !== 'object' || error.details === null) return null;
  const refused = (error.details as { refused?: unknown }).refused;
  return Array.isArray(refused) ? (refused as ApprovalRefusal[]) : null;
}

export function RefusalList({ refusals }: { refusals: { key: number; name: string | null; message: string }[] }) {
  const t = useT();
  return (
    <Alert
      type="error"
      showIcon
      title={t('approvals.refusedTitle')}
      description={
        <List
          size="small"
          dataSource={refusals}
          renderItem={(r) => (
            <List.Item key={r.key} style={{ paddingInline: 0 }}>
              {r.name ? <strong>{r.name}：</strong> : null}
              {r.message}
            </List.Item>
          )}
        />
      }
      style={{ marginBottom: 16 }}
    />
  );
}

type ApproveValues = { approvedOn: Dayjs };

/**
 * 批准入团 for one applicant or a batch, with the approval date; a refused batch changes nothing and lists why
 * each refused applicant was refused.
 */
export function ApproveAdmissionModal({
  applicants,
  onClose,
  onDone,
}: {
  applicants: { id: number; fullName: string }[];
  onClose: () => void;
  onDone: (result: ApproveResponse) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<ApproveValues>();
  const [refusals, setRefusals] = useState<ApprovalRefusal[] | null>(null);
  const save = async ({ approvedOn }: ApproveValues) => {
    setRefusals(null);
    try {
      onDone(
        await applicantApi.approve(
          applicants.map((a) => a.id),
          toIsoDate(approvedOn),
          { quiet: true },
        ),
      );
    } catch (error) {
      const refused = refusalsOf(error);
      if (!refused) throw error;
      // The list below says who and why; the form's own line says that nothing was changed.
      setRefusals(refused);
      throw new Error(t('approvals.refusedCount', { n: refused.length }));
    }
  };
  const title =
    applicants.length === 1
      ? t('applicant.form.approveTitle', { name: applicants[0].fullName })
      : t('approvals.admissions.approveTitle', { n: applicants.length });
  return (
    <FormModal<ApproveValues>
      form={form}
      title={title}
      width={520}
      submitTestId="approve-submit"
      initialValues={{ approvedOn: dayjs() }}
      fields={['approvedOn']}
      onSave={save}
      onCancel={onClose}
    >
      {refusals && (
        <RefusalList refusals={refusals.map((r) => ({ key: r.id, name: r.fullName, message: r.message }))} />
      )}
      <Typography.Paragraph type="secondary">{t('approvals.admissions.approveHint')}</Typography.Paragraph>
      {applicants.length > 1 && (
        <Typography.Paragraph>{applicants.map((a) => a.fullName).join('、')}</Typography.Paragraph>
      )}
      <Form.Item
        name="approvedOn"
        label={t('approvals.admissions.approvedOn')}
        rules={[{ required: true, message: t('applicant.form.dateRequired') }]}
      >
        <DatePicker disabledDate={notFuture} style={{ width: '100%' }} data-testid="approve-date" />
      </Form.Item>
    </FormModal>
  );
}
