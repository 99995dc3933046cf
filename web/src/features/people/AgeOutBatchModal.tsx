import { Alert, App, Form, Input } from 'antd';
import { FormModal } from '../../app/FormModal.js';
import { useT } from '../../app/i18n.js';
import { requestStatusBatch, type MemberItem } from './api.js';

type Props = { members: MemberItem[]; onClose: () => void; onDone: () => void };

/**
 * 批量申请满28周岁离团 for the members chosen in the list (those already 28): one request each, sent together and
 * refused together when any of them may not (a league post, a pending request), with every refusal named.
 */
export function AgeOutBatchModal({ members, onClose, onDone }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <FormModal<{ reason: string }>
      form={form}
      title={t('member.ageOutBatch.title', { n: members.length })}
      width={560}
      submitTestId="age-out-batch-submit"
      initialValues={{ reason: t('member.ageOutBatch.reasonDefault') }}
      fields={['reason']}
      onCancel={onClose}
      onSave={async (values) => {
        // A refusal names every member who may not, and why; the form shows it above the fields.
        const result = await requestStatusBatch(
          { memberIds: members.map((m) => m.id), toStatus: 'aged_out', reason: values.reason.trim() },
          { quiet: true },
        );
        void message.success(t('member.ageOutBatch.sent', { n: result.ids.length }));
        onDone();
      }}
    >
      <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('member.ageOutBatch.hint')} />
      <p style={{ marginBottom: 12 }}>{members.map((m) => `${m.fullName}（${m.ageOutOn}）`).join('、')}</p>
      <Form.Item
        name="reason"
        label={t('member.request.reason')}
        rules={[{ required: true, whitespace: true, message: t('member.request.reasonRequired') }]}
      >
        <Input.TextArea rows={2} maxLength={400} showCount />
      </Form.Item>
    </FormModal>
  );
}
