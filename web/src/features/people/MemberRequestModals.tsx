import { Alert, App, Form, Input, Select } from 'antd';
import { chinaToday } from '../../../../common/dates.js';
import {
  membershipStatuses,
  transferReasons,
  type MembershipStatus,
  type TransferReason,
} from '../../../../common/domain.js';
import { parseIdNumber } from '../../../../common/id-number.js';
import { FormModal } from '../../app/FormModal.js';
import { useT } from '../../app/i18n.js';
import { OrgPicker } from '../orgs/OrgPicker.js';
import { memberRequestApi } from './api.js';
import type { MemberActionModalProps } from './memberActions.js';

// The three requests a branch starts from a member's record. Each is decided above the branch (the approval
// inbox); until then the record is held, and the timeline shows the request.

const reasonRules = (message: string) => [{ required: true, whitespace: true, message }];

/** 申请团籍变更: the new status and why; 满28周岁离团 comes first for a member about to turn 28. */
export function StatusRequestModal({ member, onClose, onDone }: MemberActionModalProps) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ toStatus: MembershipStatus; reason: string }>();
  const options = membershipStatuses.filter((s) => s !== member.membershipStatus);
  return (
    <FormModal
      form={form}
      title={`${t('member.detail.requestStatus')} · ${member.fullName}`}
      width={520}
      submitTestId="status-request-submit"
      initialValues={{ toStatus: member.ageOutDue ? 'aged_out' : undefined, reason: '' }}
      fields={['toStatus', 'reason']}
      onCancel={onClose}
      onSave={async (values) => {
        await memberRequestApi.status(
          member.id,
          { toStatus: values.toStatus, reason: values.reason.trim() },
          { quiet: true },
        );
        void message.success(t('member.request.sent'));
        onDone();
      }}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('member.request.upwardHint')} />
      <Form.Item label={t('member.request.fromStatus')}>
        <Input value={t(`people.status.${member.membershipStatus}`)} disabled />
      </Form.Item>
      <Form.Item
        name="toStatus"
        label={t('member.request.toStatus')}
        rules={[{ required: true, message: t('member.request.toStatusRequired') }]}
      >
        <Select
          options={options.map((s) => ({ value: s, label: t(`people.status.${s}`) }))}
          data-testid="status-request-to"
        />
      </Form.Item>
      <Form.Item
        name="reason"
        label={t('member.request.reason')}
        rules={reasonRules(t('member.request.reasonRequired'))}
      >
        <Input.TextArea rows={3} maxLength={400} showCount />
      </Form.Item>
    </FormModal>
  );
}

/** 申请更正: a new name, a new ID number, or both (the ID number checked as typed), with the reason. */
export function CorrectionModal({ member, onClose, onDone }: MemberActionModalProps) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ fullName: string; idNumber: string; reason: string }>();
  return (
    <FormModal
      form={form}
      title={`${t('member.detail.requestCorrection')} · ${member.fullName}`}
      width={560}
      submitTestId="correction-submit"
      initialValues={{ fullName: '', idNumber: '', reason: '' }}
      fields={['fullName', 'idNumber', 'reason']}
      onCancel={onClose}
      onSave={async (values) => {
        const fullName = values.fullName.trim();
        const idNumber = values.idNumber.trim();
        await memberRequestApi.correction(
          member.id,
          {
            ...(fullName && fullName !== member.fullName ? { fullName } : {}),
            ...(idNumber ? { idNumber } : {}),
            reason: values.reason.trim(),
          },
          { quiet: true },
        );
        void message.success(t('member.request.sent'));
        onDone();
      }}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('member.request.correctionHint')} />
      <div className="tj-form-row">
        <Form.Item
          name="fullName"
          label={t('member.request.newName')}
          extra={t('member.request.now', { value: member.fullName })}
          style={{ flex: 1, minWidth: 160 }}
        >
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item
          name="idNumber"
          label={t('member.request.newIdNumber')}
          extra={t('member.request.now', { value: member.idMasked })}
          validateTrigger="onBlur"
          rules={[
            {
              validator: (_rule: unknown, raw: string | undefined) => {
                const text = (raw ?? '').trim();
                if (!text) return Promise.resolve();
                const result = parseIdNumber(text, chinaToday());
                return result.ok ? Promise.resolve() : Promise.reject(new Error(result.message));
              },
            },
          ]}
          style={{ flex: 2, minWidth: 220 }}
        >
          <Input maxLength={40} autoComplete="off" className="tj-mono" />
        </Form.Item>
      </div>
      <Form.Item
        name="reason"
        label={t('member.request.reason')}
        rules={[
          ...reasonRules(t('member.request.reasonRequired')),
          {
            validator: () => {
              const { fullName, idNumber } = form.getFieldsValue();
              const changed = (fullName ?? '').trim() !== '' || (idNumber ?? '').trim() !== '';
              return changed ? Promise.resolve() : Promise.reject(new Error(t('member.request.nothingToCorrect')));
            },
          },
        ]}
      >
        <Input.TextArea rows={3} maxLength={400} showCount />
      </Form.Item>
    </FormModal>
  );
}

/** 组织关系转接 out of the member's branch: to another branch, for a reason; four approvals follow. */
export function TransferModal({ member, onClose, onDone }: MemberActionModalProps) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ toOrgId: number; reason: TransferReason; note: string }>();
  return (
    <FormModal
      form={form}
      title={`${t('member.detail.transfer')} · ${member.fullName}`}
      width={560}
      submitTestId="transfer-submit"
      initialValues={{ reason: 'employment', note: '' }}
      fields={['toOrgId', 'reason', 'note']}
      onCancel={onClose}
      onSave={async (values) => {
        await memberRequestApi.transfer(
          { memberIds: [member.id], toOrgId: values.toOrgId, reason: values.reason, note: values.note.trim() || null },
          { quiet: true },
        );
        void message.success(t('member.transfer.sent'));
        onDone();
      }}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('member.transfer.hint')} />
      <Form.Item label={t('member.transfer.from')}>
        <Input value={member.orgName} disabled />
      </Form.Item>
      <Form.Item
        name="toOrgId"
        label={t('member.transfer.to')}
        extra={t('member.transfer.toHelp')}
        rules={[{ required: true, message: t('member.transfer.toRequired') }]}
      >
        <OrgPicker placeholder={t('member.transfer.toPlaceholder')} style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="reason" label={t('member.transfer.reason')}>
        <Select options={transferReasons.map((r) => ({ value: r, label: t(`people.transferReason.${r}`) }))} />
      </Form.Item>
      <Form.Item name="note" label={t('member.transfer.note')}>
        <Input.TextArea rows={2} maxLength={400} showCount />
      </Form.Item>
    </FormModal>
  );
}
