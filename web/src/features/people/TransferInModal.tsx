import { Alert, App, Form, Input, Select } from 'antd';
import { chinaToday } from '../../../../common/dates.js';
import { transferReasons, type TransferReason } from '../../../../common/domain.js';
import { parseIdNumber } from '../../../../common/id-number.js';
import type { OrgDetail } from '../../../../common/orgs.js';
import { FormModal } from '../../app/FormModal.js';
import { useT } from '../../app/i18n.js';
import { memberRequestApi } from './api.js';

type Values = { idNumbers: string; reason: TransferReason; note: string };
type Props = { branch: OrgDetail; onClose: () => void; onDone: () => void };

/** The ID numbers typed one a line (or separated by commas and spaces), as they are. */
export function splitIdNumbers(text: string): string[] {
  return text
    .split(/[\s,，;；、]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * 办理转入: the receiving branch names members it cannot see by their full ID numbers (checked here as typed, looked
 * up on the server by blind index, never stored from here); the four approvals follow as for any transfer.
 */
export function TransferInModal({ branch, onClose, onDone }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  return (
    <FormModal<Values>
      form={form}
      title={t('member.transferIn.title')}
      width={560}
      submitTestId="transfer-in-submit"
      initialValues={{ idNumbers: '', reason: 'employment', note: '' }}
      fields={['idNumbers', 'reason', 'note']}
      onCancel={onClose}
      onSave={async (values) => {
        const result = await memberRequestApi.transfer(
          {
            idNumbers: splitIdNumbers(values.idNumbers),
            toOrgId: branch.id,
            reason: values.reason,
            note: values.note.trim() || null,
          },
          { quiet: true },
        );
        void message.success(t('member.transferIn.sent', { n: result.ids.length }));
        onDone();
      }}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('member.transferIn.hint')} />
      <Form.Item label={t('member.transfer.to')}>
        <Input value={branch.name} disabled />
      </Form.Item>
      <Form.Item
        name="idNumbers"
        label={t('member.transferIn.idNumbers')}
        extra={t('member.transferIn.idNumbersHelp')}
        validateTrigger="onBlur"
        rules={[
          {
            validator: (_rule: unknown, raw: string | undefined) => {
              const ids = splitIdNumbers(raw ?? '');
              if (ids.length === 0) return Promise.reject(new Error(t('member.transferIn.idNumbersRequired')));
              const today = chinaToday();
              for (const [i, id] of ids.entries()) {
                const result = parseIdNumber(id, today);
                if (!result.ok)
                  return Promise.reject(new Error(`${t('member.transferIn.nth', { n: i + 1 })}${result.message}`));
              }
              return Promise.resolve();
            },
          },
        ]}
      >
        <Input.TextArea rows={4} className="tj-mono" autoComplete="off" data-testid="transfer-in-ids" />
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
