import { CheckOutlined, EditOutlined, RollbackOutlined, SendOutlined, UndoOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../app/api.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { bulletinApi, type BulletinDetail } from './api.js';

type Props = { bulletin: BulletinDetail; onDone: (next: BulletinDetail) => void };

/** The buttons the bulletin's abilities allow: 编辑, 提交审核; 通过 and 退回 for a reviewer; 撤回 before it goes out. */
export function ReviewActions({ bulletin, onDone }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [dialog, setDialog] = useState<'approve' | 'reject' | null>(null);
  const [busy, setBusy] = useState(false);
  const { abilities } = bulletin;

  const quick = async (action: 'submit' | 'withdraw') => {
    setBusy(true);
    try {
      const next =
        action === 'submit' ? await bulletinApi.submit(bulletin.id) : await bulletinApi.withdraw(bulletin.id);
      void message.success(t(action === 'submit' ? 'pub.edit.submitted' : 'pub.review.withdrawn'));
      onDone(next);
    } catch {
      // Shown by the API client.
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {abilities.update && (
        <Link to={`/publishing/bulletins/${bulletin.id}/edit`}>
          <Button icon={<EditOutlined />}>{t('common.edit')}</Button>
        </Link>
      )}
      {abilities.submit && (
        <Button type="primary" icon={<SendOutlined />} loading={busy} onClick={() => void quick('submit')}>
          {t('pub.action.submit')}
        </Button>
      )}
      {abilities.approve && (
        <>
          <Button danger icon={<RollbackOutlined />} onClick={() => setDialog('reject')}>
            {t('pub.review.reject')}
          </Button>
          <Button type="primary" icon={<CheckOutlined />} onClick={() => setDialog('approve')}>
            {t('pub.review.approve')}
          </Button>
        </>
      )}
      {abilities.withdraw && (
        <Popconfirm
          title={t('pub.review.withdrawConfirm')}
          description={t('pub.review.withdrawHelp')}
          okText={t('pub.review.withdraw')}
          cancelText={t('common.cancel')}
          onConfirm={() => void quick('withdraw')}
        >
          <Button icon={<UndoOutlined />} loading={busy}>
            {t('pub.review.withdraw')}
          </Button>
        </Popconfirm>
      )}
      {dialog && (
        <ReviewModal
          bulletin={bulletin}
          decision={dialog}
          onClose={() => setDialog(null)}
          onDone={(next) => {
            setDialog(null);
            void message.success(t(dialog === 'approve' ? 'pub.review.approved' : 'pub.review.rejected'));
            onDone(next);
          }}
        />
      )}
    </>
  );
}

type ReviewValues = { note?: string };

function ReviewModal({
  bulletin,
  decision,
  onClose,
  onDone,
}: {
  bulletin: BulletinDetail;
  decision: 'approve' | 'reject';
  onClose: () => void;
  onDone: (next: BulletinDetail) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<ReviewValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const approve = decision === 'approve';
  const scheduled = bulletin.sendAt !== null && new Date(bulletin.sendAt) > new Date();
  const submit = async (values: ReviewValues) => {
    const note = values.note?.trim() ?? '';
    setSaving(true);
    setError(null);
    try {
      onDone(
        approve
          ? await bulletinApi.approve(bulletin.id, note || undefined, { quiet: true })
          : await bulletinApi.reject(bulletin.id, note, { quiet: true }),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open
      title={t(approve ? 'pub.review.approveTitle' : 'pub.review.rejectTitle')}
      okText={t(approve ? 'pub.review.approveOk' : 'pub.review.rejectOk')}
      okButtonProps={{ danger: !approve, 'data-testid': approve ? 'approve-confirm' : 'reject-confirm' }}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={520}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">
        {approve
          ? scheduled
            ? t('pub.review.approveScheduled', { at: formatDateTime(bulletin.sendAt) })
            : t('pub.review.approveNow')
          : t('pub.review.rejectHelp')}
      </Typography.Paragraph>
      <Form<ReviewValues> form={form} layout="vertical" onFinish={(values) => void submit(values)}>
        <Form.Item
          name="note"
          label={t(approve ? 'pub.review.note' : 'pub.review.reason')}
          rules={approve ? [] : [{ required: true, whitespace: true, message: t('pub.review.reasonRequired') }]}
        >
          <Input.TextArea maxLength={200} showCount autoSize={{ minRows: 3, maxRows: 6 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
