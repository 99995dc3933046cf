import { App, Alert, AutoComplete, DatePicker, Form, Input, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { chinaToday } from '../../../../common/dates.js';
import { politicalStatuses } from '../../../../common/domain.js';
import { consentVersion, needsGuardianConsent } from '../../../../common/people-rules.js';
import type { OrgDetail } from '../../../../common/orgs.js';
import { ApiError } from '../../app/api.js';
import { FormModal } from '../../app/FormModal.js';
import { useT } from '../../app/i18n.js';
import { memberApi, type CreateMember } from './api.js';
import { IdNumberField, idFacts } from './IdNumberField.js';
import { MobileFields, ProfileFields, type ProfileValues } from './ProfileFields.js';

type Values = ProfileValues & {
  fullName: string;
  idNumber: string;
  joinedOn: Dayjs;
  memberNo: string;
  guardianName: string;
  guardianRelation: string;
  guardianPhone: string;
  guardianSignedOn: Dayjs;
};

const fields = [
  'fullName',
  'idNumber',
  'joinedOn',
  'memberNo',
  'politicalStatus',
  'ethnicity',
  'education',
  'occupation',
  'workplace',
  'phone',
  'wechat',
  'household',
  'isMobile',
  'mobileOrigin',
  'mobileCurrent',
  'mobileContact',
] as const satisfies readonly (keyof Values)[];

type Props = { branch: OrgDetail; onClose: () => void; onDone: () => void };

type Duplicate = { message: string; caseId: number | null };

const blank = (text: string | undefined) => {
  const value = (text ?? '').trim();
  return value === '' ? null : value;
};

/**
 * 登记团员 in a branch. The ID number says the birth date and sex as it is typed; someone under 14 needs the
 * guardian's consent. An ID number another org already holds is never overwritten: the server opens a duplicate
 * case, and the form says so with the way to it.
 */
export function MemberFormModal({ branch, onClose, onDone }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [duplicate, setDuplicate] = useState<Duplicate | null>(null);
  const idNumber = Form.useWatch('idNumber', form);
  const facts = idFacts(idNumber);
  const minor = facts !== null && needsGuardianConsent(facts.birthDate, chinaToday());

  const save = async (values: Values) => {
    setDuplicate(null);
    const body: CreateMember = {
      orgId: branch.id,
      fullName: values.fullName.trim(),
      idNumber: values.idNumber.trim(),
      joinedOn: values.joinedOn.format('YYYY-MM-DD'),
      memberNo: blank(values.memberNo),
      politicalStatus: values.politicalStatus,
      ethnicity: blank(values.ethnicity),
      education: blank(values.education),
      occupation: blank(values.occupation),
      workplace: blank(values.workplace),
      phone: blank(values.phone),
      wechat: blank(values.wechat),
      household: blank(values.household),
      isMobile: values.isMobile,
      ...(values.isMobile
        ? {
            mobileOrigin: blank(values.mobileOrigin),
            mobileCurrent: blank(values.mobileCurrent),
            mobileContact: blank(values.mobileContact),
          }
        : {}),
      guardianConsent: minor
        ? {
            guardianName: values.guardianName.trim(),
            relation: values.guardianRelation.trim(),
            phone: blank(values.guardianPhone),
            signedOn: values.guardianSignedOn.format('YYYY-MM-DD'),
          }
        : null,
    };
    try {
      const created = await memberApi.create(body, { quiet: true });
      void message.success(t('member.created', { name: created.fullName }));
      onDone();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'duplicate_person') {
        const details = error.details as { caseId?: unknown } | undefined;
        setDuplicate({
          message: error.message,
          caseId: typeof details?.caseId === 'number' ? details.caseId : null,
        });
        return;
      }
      throw error;
    }
  };

  return (
    <FormModal<Values>
      form={form}
      title={t('member.form.title')}
      width={760}
      submitTestId="member-submit"
      initialValues={{ politicalStatus: 'member', isMobile: false, ethnicity: '汉族' }}
      fields={fields}
      onSave={save}
      onCancel={onClose}
    >
      {duplicate && (
        <Alert
          type="warning"
          showIcon
          data-testid="member-duplicate"
          style={{ marginBottom: 16 }}
          title={t('member.duplicate.title')}
          description={
            <>
              <div>{duplicate.message}</div>
              {duplicate.caseId !== null && (
                <div className="tj-secondary" style={{ marginTop: 4 }}>
                  {t('member.duplicate.note', { caseId: duplicate.caseId })}
                </div>
              )}
            </>
          }
          action={<Link to="/approvals?tab=duplicates">{t('member.duplicate.open')}</Link>}
        />
      )}
      <Form.Item label={t('member.form.branch')} style={{ marginBottom: 12 }}>
        <Input value={branch.name} disabled />
      </Form.Item>

      <div className="tj-people-form-section">{t('member.form.section.identity')}</div>
      <div className="tj-form-row">
        <Form.Item
          name="fullName"
          label={t('member.form.fullName')}
          rules={[{ required: true, whitespace: true, message: t('member.form.fullNameRequired') }]}
          style={{ flex: 1, minWidth: 160 }}
        >
          <Input maxLength={50} autoComplete="off" data-testid="member-name" />
        </Form.Item>
        <IdNumberField />
      </div>

      {minor && (
        <>
          <div className="tj-people-form-section">{t('member.form.section.guardian')}</div>
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('member.form.guardianHint', { version: consentVersion })}
            data-testid="member-guardian-hint"
          />
          <div className="tj-form-row">
            <Form.Item
              name="guardianName"
              label={t('member.form.guardianName')}
              rules={[{ required: true, whitespace: true, message: t('member.form.guardianNameRequired') }]}
              style={{ flex: 1, minWidth: 140 }}
            >
              <Input maxLength={50} data-testid="member-guardian-name" />
            </Form.Item>
            <Form.Item
              name="guardianRelation"
              label={t('member.form.guardianRelation')}
              rules={[{ required: true, whitespace: true, message: t('member.form.guardianRelationRequired') }]}
              style={{ flex: 1, minWidth: 120 }}
            >
              <AutoComplete
                maxLength={20}
                options={['父亲', '母亲', '祖父', '祖母', '外祖父', '外祖母', '其他监护人'].map((v) => ({ value: v }))}
              />
            </Form.Item>
            <Form.Item name="guardianPhone" label={t('member.form.guardianPhone')} style={{ flex: 1, minWidth: 150 }}>
              <Input maxLength={30} inputMode="tel" autoComplete="off" />
            </Form.Item>
            <Form.Item
              name="guardianSignedOn"
              label={t('member.form.guardianSignedOn')}
              rules={[{ required: true, message: t('member.form.guardianSignedOnRequired') }]}
              style={{ width: 150 }}
            >
              <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
            </Form.Item>
          </div>
        </>
      )}

      <div className="tj-people-form-section">{t('member.form.section.league')}</div>
      <div className="tj-form-row">
        <Form.Item
          name="joinedOn"
          label={t('member.form.joinedOn')}
          rules={[{ required: true, message: t('member.form.joinedOnRequired') }]}
          style={{ width: 170 }}
        >
          <DatePicker
            style={{ width: '100%' }}
            disabledDate={(d) => d.isAfter(dayjs(), 'day')}
            data-testid="member-joined-on"
          />
        </Form.Item>
        <Form.Item
          name="memberNo"
          label={t('member.form.memberNo')}
          extra={t('member.form.memberNoHelp')}
          rules={[{ pattern: /^\s*(\d{12})?\s*$/, message: t('member.form.memberNoFormat') }]}
          style={{ flex: 1, minWidth: 200 }}
        >
          <Input maxLength={12} inputMode="numeric" className="tj-mono" data-testid="member-no" />
        </Form.Item>
        <Form.Item name="politicalStatus" label={t('member.form.political')} style={{ width: 160 }}>
          <Select options={politicalStatuses.map((p) => ({ value: p, label: t(`people.political.${p}`) }))} />
        </Form.Item>
      </div>

      <div className="tj-people-form-section">{t('member.form.section.profile')}</div>
      <ProfileFields />
      <div className="tj-people-form-section">{t('member.form.section.mobile')}</div>
      <MobileFields />
    </FormModal>
  );
}
