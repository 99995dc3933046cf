import { Alert, App, DatePicker, Form, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { politicalStatuses } from '../../../../common/domain.js';
import { FormModal } from '../../app/FormModal.js';
import { useT } from '../../app/i18n.js';
import { memberApi, type MemberDetail, type UpdateMember } from './api.js';
import { MobileFields, ProfileFields, type ProfileValues } from './ProfileFields.js';

type Values = ProfileValues & { lastReachedOn: Dayjs | null };

const textFields = [
  'ethnicity',
  'education',
  'occupation',
  'workplace',
  'wechat',
  'household',
  'mobileOrigin',
  'mobileCurrent',
  'mobileContact',
] as const;

type Props = { member: MemberDetail; onClose: () => void; onDone: (member: MemberDetail) => void };

/**
 * 修改信息: what the branch keeps itself. Only changed fields are sent; the phone starts empty (the full number
 * never comes back) and an empty field keeps it. Name, ID number, status and branch change by request only.
 */
export function MemberEditModal({ member, onClose, onDone }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const initialValues: Values = {
    politicalStatus: member.politicalStatus,
    ethnicity: member.ethnicity ?? '',
    education: member.education ?? '',
    occupation: member.occupation ?? '',
    workplace: member.workplace ?? '',
    phone: '',
    wechat: member.wechat ?? '',
    household: member.household ?? '',
    isMobile: member.isMobile,
    mobileOrigin: member.mobileOrigin ?? '',
    mobileCurrent: member.mobileCurrent ?? '',
    mobileContact: member.mobileContact ?? '',
    lastReachedOn: member.lastReachedOn ? dayjs(member.lastReachedOn) : null,
  };

  const save = async (values: Values) => {
    const patch: UpdateMember = {};
    if (values.politicalStatus !== member.politicalStatus) patch.politicalStatus = values.politicalStatus;
    for (const key of textFields) {
      const next = (values[key] ?? '').trim();
      if (next !== (member[key] ?? '')) patch[key] = next === '' ? null : next;
    }
    if (values.phone.trim()) patch.phone = values.phone.trim();
    if (values.isMobile !== member.isMobile) patch.isMobile = values.isMobile;
    const reached = values.lastReachedOn ? values.lastReachedOn.format('YYYY-MM-DD') : null;
    if (reached !== member.lastReachedOn) patch.lastReachedOn = reached;
    if (Object.keys(patch).length === 0) {
      onClose();
      return;
    }
    const updated = await memberApi.update(member.id, patch, { quiet: true });
    void message.success(t('ledger.saved'));
    onDone(updated);
  };

  return (
    <FormModal<Values>
      form={form}
      title={t('member.detail.editTitle')}
      width={720}
      submitTestId="member-edit-submit"
      initialValues={initialValues}
      fields={['politicalStatus', ...textFields, 'phone', 'isMobile', 'lastReachedOn']}
      onSave={save}
      onCancel={onClose}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('member.detail.editHint')} />
      <div className="tj-form-row">
        <Form.Item name="politicalStatus" label={t('member.form.political')} style={{ width: 180 }}>
          <Select options={politicalStatuses.map((p) => ({ value: p, label: t(`people.political.${p}`) }))} />
        </Form.Item>
        <Form.Item
          name="lastReachedOn"
          label={t('member.form.lastReachedOn')}
          extra={t('member.form.lastReachedHelp')}
          style={{ flex: 1, minWidth: 200 }}
        >
          <DatePicker style={{ width: 180 }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
        </Form.Item>
      </div>
      <ProfileFields phoneExtra={t('member.detail.phoneKeep', { masked: member.phoneMasked ?? t('common.none') })} />
      <MobileFields />
    </FormModal>
  );
}
