import { Alert, App, Descriptions, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import type { OrgDetail } from '../../../../common/orgs.js';
import { errorMessage } from '../../app/api.js';
import { applyServerErrors } from '../../app/formErrors.js';
import { useT } from '../../app/i18n.js';
import { orgApi } from './api.js';
import { OrgPicker } from './OrgPicker.js';

// Mounted only while open, so every opening starts from an empty form.
type ModalProps = { org: OrgDetail; onClose: () => void; onDone: () => void };

/** Dissolving asks for a reason; the server refuses (org_not_empty) while members or children remain. */
export function DissolveModal({ org, onClose, onDone }: ModalProps) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async ({ reason }: { reason: string }) => {
    setSaving(true);
    setError(null);
    try {
      await orgApi.dissolve(org.id, reason.trim(), { quiet: true });
      void message.success(t('org.dissolved', { name: org.name }));
      onDone();
    } catch (err) {
      if (!applyServerErrors(form, err, ['reason'])) setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={t('org.dissolveTitle', { name: org.name })}
      okText={t('org.dissolveConfirm')}
      okButtonProps={{ danger: true }}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      <Alert type="warning" showIcon title={t('org.dissolveWarning')} style={{ marginBottom: 16 }} />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="dissolve-error" />}
      <Form form={form} layout="vertical" onFinish={(values) => void submit(values)}>
        <Form.Item
          name="reason"
          label={t('org.dissolveReason')}
          rules={[{ required: true, whitespace: true, min: 2, message: t('org.dissolveReasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={200} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type MoveForm = { toParentId: number | null; reason: string };

/** A move needs the old parent's, then the new parent's approval; this only files the request. */
export function MoveRequestModal({ org, onClose, onDone }: ModalProps) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<MoveForm>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const currentParent = org.ancestors[org.ancestors.length - 1];

  const submit = async ({ toParentId, reason }: MoveForm) => {
    if (toParentId === null) return;
    setSaving(true);
    setError(null);
    try {
      await orgApi.requestMove(org.id, toParentId, reason.trim(), { quiet: true });
      void message.success(t('org.moveSubmitted'));
      onDone();
    } catch (err) {
      if (!applyServerErrors(form, err, ['toParentId', 'reason'])) setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={t('org.moveTitle')}
      okText={t('common.ok')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={560}
    >
      <Typography.Paragraph type="secondary">{t('org.moveHelp')}</Typography.Paragraph>
      <Descriptions
        size="small"
        column={1}
        bordered
        style={{ marginBottom: 16 }}
        items={[
          { key: 'org', label: t('moves.col.org'), children: org.name },
          { key: 'from', label: t('org.moveFrom'), children: currentParent?.name ?? t('common.none') },
        ]}
      />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<MoveForm>
        form={form}
        layout="vertical"
        onFinish={(values) => void submit(values)}
        initialValues={{ toParentId: null, reason: '' }}
      >
        <Form.Item
          name="toParentId"
          label={t('org.moveTo')}
          rules={[{ required: true, message: t('org.moveToRequired') }]}
        >
          <OrgPicker excludeIds={[org.id, ...(currentParent ? [currentParent.id] : [])]} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('org.moveReason')}
          rules={[{ required: true, whitespace: true, min: 2, message: t('org.moveReasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={200} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
