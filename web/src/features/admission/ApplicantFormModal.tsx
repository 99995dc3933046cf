import { CheckCircleFilled, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Form, Input, Upload, type UploadFile } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { chinaToday } from '../../../../common/dates.js';
import { ageOn, parseIdNumber, type IdNumberFacts } from '../../../../common/id-number.js';
import { consentVersion, needsGuardianConsent } from '../../../../common/people-rules.js';
import { errorMessage } from '../../app/api.js';
import { FormModal } from '../../app/FormModal.js';
import { useT } from '../../app/i18n.js';
import { OrgPicker } from '../orgs/OrgPicker.js';
import { applicantApi } from './api.js';
import { notFuture, toIsoDate } from './dates.js';

type Values = {
  orgId: number | null;
  fullName: string;
  idNumber: string;
  phone: string;
  appliedOn: Dayjs;
  guardianName: string;
  guardianRelation: string;
  guardianPhone: string;
  guardianSignedOn: Dayjs | null;
  document: UploadFile[];
};

type Props = {
  /** The branch the board shows; none when it shows a committee (the person picks the branch). */
  defaultOrg: { id: number; name: string } | null;
  onClose: () => void;
  /** Called with the new applicant, whose drawer opens next. */
  onDone: (id: number) => void;
};

/** The birth date and sex an ID number gives, or null while it is incomplete or wrong. */
function idFacts(value: string | undefined): IdNumberFacts | null {
  if (!value) return null;
  const result = parseIdNumber(value, chinaToday());
  return result.ok ? result.facts : null;
}

/**
 * 新增入团申请: the written application as the branch received it. The ID number shows the birth date it gives as
 * it is typed; an applicant under 14 needs the guardian's consent; the application itself may be attached.
 */
export function ApplicantFormModal({ defaultOrg, onClose, onDone }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const idNumber = Form.useWatch('idNumber', form);
  const facts = idFacts(idNumber);
  const today = chinaToday();
  const minor = facts !== null && needsGuardianConsent(facts.birthDate, today);

  const save = async (values: Values) => {
    const created = await applicantApi.create(
      {
        orgId: values.orgId ?? 0,
        fullName: values.fullName.trim(),
        idNumber: values.idNumber.trim(),
        phone: values.phone.trim() || null,
        appliedOn: toIsoDate(values.appliedOn),
        guardianConsent: minor
          ? {
              guardianName: values.guardianName.trim(),
              relation: values.guardianRelation.trim(),
              phone: values.guardianPhone.trim() || null,
              signedOn: toIsoDate(values.guardianSignedOn ?? values.appliedOn),
            }
          : null,
      },
      { quiet: true },
    );
    const file = values.document[0]?.originFileObj;
    if (file) {
      try {
        await applicantApi.upload(created.id, 'applied', file, { quiet: true });
      } catch (error) {
        void message.warning(t('applicant.uploadFailed', { message: errorMessage(error) }), 8);
      }
    }
    void message.success(t('applicant.created', { name: created.fullName }));
    onDone(created.id);
  };

  return (
    <FormModal<Values>
      form={form}
      title={t('admission.create')}
      width={620}
      submitTestId="applicant-submit"
      initialValues={{
        orgId: defaultOrg?.id ?? null,
        fullName: '',
        idNumber: '',
        phone: '',
        appliedOn: dayjs(),
        guardianName: '',
        guardianRelation: '',
        guardianPhone: '',
        guardianSignedOn: null,
        document: [],
      }}
      fields={['orgId', 'fullName', 'idNumber', 'phone', 'appliedOn']}
      onSave={save}
      onCancel={onClose}
    >
      <Form.Item
        name="orgId"
        label={t('applicant.field.org')}
        rules={[{ required: true, message: t('admission.createDisabled') }]}
      >
        <OrgPicker initialName={defaultOrg?.name} allowClear={false} style={{ width: '100%' }} />
      </Form.Item>
      <div className="tj-form-row">
        <Form.Item
          name="fullName"
          label={t('applicant.field.name')}
          rules={[{ required: true, whitespace: true, message: t('applicant.field.nameRequired') }]}
          style={{ flex: 1, minWidth: 140 }}
        >
          <Input maxLength={50} autoComplete="off" data-testid="applicant-name" />
        </Form.Item>
        <Form.Item
          name="idNumber"
          label={t('applicant.field.idNumber')}
          validateTrigger={['onBlur']}
          rules={[
            { required: true, whitespace: true, message: t('applicant.field.idNumberRequired') },
            {
              validator: (_rule, raw: string | undefined) => {
                const text = (raw ?? '').trim();
                if (!text) return Promise.resolve();
                const result = parseIdNumber(text, today);
                return result.ok ? Promise.resolve() : Promise.reject(new Error(result.message));
              },
            },
          ]}
          extra={
            facts ? (
              <span className="tj-applicant-derived" data-testid="applicant-id-derived">
                <CheckCircleFilled />{' '}
                {t('applicant.field.derived', {
                  birth: facts.birthDate,
                  sex: t(`applicant.sex.${facts.sex}`),
                  age: ageOn(facts.birthDate, today),
                })}
              </span>
            ) : undefined
          }
          style={{ flex: 2, minWidth: 240 }}
        >
          <Input
            maxLength={40}
            autoComplete="off"
            className="tj-mono"
            placeholder={t('applicant.field.idNumberPlaceholder')}
            data-testid="applicant-id-number"
          />
        </Form.Item>
      </div>
      <div className="tj-form-row">
        <Form.Item name="phone" label={t('applicant.field.phone')} style={{ flex: 1, minWidth: 180 }}>
          <Input maxLength={30} inputMode="tel" autoComplete="off" data-testid="applicant-phone" />
        </Form.Item>
        <Form.Item
          name="appliedOn"
          label={t('applicant.field.appliedOn')}
          rules={[{ required: true, message: t('applicant.field.appliedOnRequired') }]}
          style={{ flex: 1, minWidth: 180 }}
        >
          <DatePicker disabledDate={notFuture} style={{ width: '100%' }} data-testid="applicant-applied-on" />
        </Form.Item>
      </div>
      {minor && (
        <div className="tj-applicant-guardian" data-testid="applicant-guardian">
          <Alert
            type="warning"
            showIcon
            title={t('applicant.guardian.hint')}
            description={t('applicant.guardian.version', { v: consentVersion })}
            style={{ marginBottom: 12 }}
          />
          <div className="tj-form-row">
            <Form.Item
              name="guardianName"
              label={t('applicant.guardian.name')}
              rules={[{ required: true, whitespace: true, message: t('applicant.guardian.nameRequired') }]}
              style={{ flex: 1, minWidth: 140 }}
            >
              <Input maxLength={50} autoComplete="off" />
            </Form.Item>
            <Form.Item
              name="guardianRelation"
              label={t('applicant.guardian.relation')}
              rules={[{ required: true, whitespace: true, message: t('applicant.guardian.relationRequired') }]}
              style={{ width: 140 }}
            >
              <Input maxLength={20} />
            </Form.Item>
          </div>
          <div className="tj-form-row">
            <Form.Item name="guardianPhone" label={t('applicant.guardian.phone')} style={{ flex: 1, minWidth: 180 }}>
              <Input maxLength={30} inputMode="tel" autoComplete="off" />
            </Form.Item>
            <Form.Item
              name="guardianSignedOn"
              label={t('applicant.guardian.signedOn')}
              rules={[{ required: true, message: t('applicant.guardian.signedOnRequired') }]}
              style={{ flex: 1, minWidth: 180 }}
            >
              <DatePicker disabledDate={notFuture} style={{ width: '100%' }} />
            </Form.Item>
          </div>
        </div>
      )}
      <Form.Item
        name="document"
        label={t('applicant.field.document')}
        extra={t('applicant.field.documentHelp')}
        valuePropName="fileList"
        getValueFromEvent={(event: { fileList: UploadFile[] }) => event.fileList.slice(-1)}
      >
        <Upload beforeUpload={() => false} maxCount={1} accept=".pdf,image/png,image/jpeg,image/webp">
          <Button icon={<UploadOutlined />}>{t('applicant.field.chooseFile')}</Button>
        </Upload>
      </Form.Item>
    </FormModal>
  );
}
