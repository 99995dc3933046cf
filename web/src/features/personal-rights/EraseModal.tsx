import { Alert, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import type { PersonErasureResult, PersonQuery } from '../../../../common/personal-rights.js';
import { errorMessage } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import { rightsApi } from './api.js';

type EraseForm = { reason: string; confirmation: string };

/** The erasure's last step: a reason for the audit log and the person's name typed again, like a safety catch. */
export function EraseModal(props: {
  who: PersonQuery;
  name: string;
  onClose: () => void;
  onErased: (result: PersonErasureResult) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<EraseForm>();
  const confirmation = Form.useWatch('confirmation', form);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const matches = (confirmation ?? '').trim() === props.name;

  const submit = async (values: EraseForm) => {
    setSaving(true);
    setError(null);
    try {
      props.onErased(await rightsApi.erase(props.who, values.confirmation.trim(), values.reason.trim()));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={t('rights.eraseTitle', { name: props.name })}
      okText={t('rights.confirmErase')}
      okButtonProps={{ danger: true, disabled: !matches, ...{ 'data-testid': 'rights-erase-confirm' } }}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      width={560}
    >
      <Alert type="error" showIcon title={t('rights.eraseWarning')} style={{ marginBottom: 16 }} />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<EraseForm> form={form} layout="vertical" onFinish={(v) => void submit(v)} autoComplete="off">
        <Form.Item
          name="reason"
          label={t('rights.reason')}
          rules={[{ required: true, whitespace: true, message: t('rights.reasonRequired') }]}
        >
          <Input.TextArea rows={2} maxLength={200} showCount placeholder={t('rights.reasonPlaceholder')} />
        </Form.Item>
        <Form.Item
          name="confirmation"
          label={<Typography.Text>{t('rights.confirmation', { name: props.name })}</Typography.Text>}
          rules={[
            {
              validator: (_rule, value: string | undefined) =>
                (value ?? '').trim() === props.name
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('rights.confirmationMismatch'))),
            },
          ]}
        >
          <Input maxLength={50} data-testid="rights-confirmation" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
