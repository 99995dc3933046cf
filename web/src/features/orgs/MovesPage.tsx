import { ArrowRightOutlined, CheckOutlined, CloseOutlined, RollbackOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Form,
  Input,
  Modal,
  Segmented,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { MoveStatus } from '../../../../common/domain.js';
import type { MoveItem } from '../../../../common/orgs.js';
import { errorMessage } from '../../app/api.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { PageHeader } from '../../app/PageHeader.js';
import { useLoad } from '../../app/useLoad.js';
import { orgApi } from './api.js';
import { useOrgTree } from './treeStore.js';

const statusColors: Record<MoveStatus, string> = {
  pending_old: 'orange',
  pending_new: 'gold',
  done: 'success',
  rejected: 'error',
  cancelled: 'default',
};

/** Requests to move an org under another parent: the old parent decides first, then the new one. */
export function MovesPage() {
  const t = useT();
  const { modal, message } = App.useApp();
  const tree = useOrgTree();
  const [scope, setScope] = useState<'pending' | 'all'>('pending');
  const [rejecting, setRejecting] = useState<MoveItem | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const { data, loading, reload } = useLoad(() => orgApi.moves(scope), [scope]);

  const afterDecision = async (status: MoveItem['status']) => {
    reload();
    // A finished move changes two branches of the tree and the counts above them.
    if (status === 'done') await tree.refreshAll();
  };

  const run = async (move: MoveItem, call: () => Promise<{ status: MoveItem['status'] }>, done: string) => {
    setBusy(move.id);
    try {
      const { status } = await call();
      void message.success(done);
      await afterDecision(status);
    } catch {
      // The API client has shown the server's message.
    } finally {
      setBusy(null);
    }
  };

  const approve = (move: MoveItem) =>
    modal.confirm({
      title: t('moves.approveConfirm', { org: move.orgName, to: move.toParentName }),
      okText: t('moves.approve'),
      onOk: () => run(move, () => orgApi.approveMove(move.id), t('moves.approved')),
    });

  const cancel = (move: MoveItem) =>
    modal.confirm({
      title: t('moves.cancelConfirm', { org: move.orgName }),
      okText: t('moves.cancel'),
      okButtonProps: { danger: true },
      onOk: () => run(move, () => orgApi.cancelMove(move.id), t('moves.cancelled')),
    });

  const columns: TableColumnsType<MoveItem> = [
    {
      title: t('moves.col.org'),
      dataIndex: 'orgName',
      render: (_v, move) => <Link to={`/orgs/${move.orgId}`}>{move.orgName}</Link>,
    },
    {
      title: `${t('moves.col.from')} → ${t('moves.col.to')}`,
      key: 'route',
      render: (_v, move) => (
        <Space size={6} wrap>
          <Link to={`/orgs/${move.fromParentId}`}>{move.fromParentName}</Link>
          <ArrowRightOutlined style={{ color: 'rgba(0,0,0,.35)' }} />
          <Link to={`/orgs/${move.toParentId}`}>{move.toParentName}</Link>
        </Space>
      ),
    },
    {
      title: t('moves.col.reason'),
      dataIndex: 'reason',
      responsive: ['md'],
      render: (_v, move) => (
        <div style={{ maxWidth: 280 }}>
          <div>{move.reason}</div>
          {move.rejectReason && (
            <Typography.Text type="danger" style={{ fontSize: 12 }}>
              {t('moves.rejectReasonShown', { reason: move.rejectReason })}
            </Typography.Text>
          )}
        </div>
      ),
    },
    {
      title: t('moves.col.status'),
      dataIndex: 'status',
      width: 130,
      render: (_v, move) => <Tag color={statusColors[move.status]}>{t(`moveStatus.${move.status}`)}</Tag>,
    },
    {
      title: t('moves.col.requested'),
      key: 'requested',
      responsive: ['lg'],
      render: (_v, move) => (
        <div>
          <div>{move.requestedBy}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {formatDateTime(move.requestedAt)}
          </Typography.Text>
        </div>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 220,
      render: (_v, move) =>
        move.canDecide || move.canCancel ? (
          <Space size={4} wrap>
            {move.canDecide && (
              <>
                <Button
                  size="small"
                  type="primary"
                  icon={<CheckOutlined />}
                  loading={busy === move.id}
                  onClick={() => void approve(move)}
                >
                  {t('moves.approve')}
                </Button>
                <Button
                  size="small"
                  danger
                  icon={<CloseOutlined />}
                  disabled={busy === move.id}
                  onClick={() => setRejecting(move)}
                >
                  {t('moves.reject')}
                </Button>
              </>
            )}
            {move.canCancel && (
              <Button
                size="small"
                icon={<RollbackOutlined />}
                disabled={busy === move.id}
                onClick={() => void cancel(move)}
              >
                {t('moves.cancel')}
              </Button>
            )}
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('common.none')}</Typography.Text>
        ),
    },
  ];

  return (
    <>
      <PageHeader title={t('moves.title')} subtitle={t('moves.subtitle')} />
      <div className="tj-page-body">
        <Card variant="borderless">
          <div className="tj-toolbar">
            <Segmented<'pending' | 'all'>
              value={scope}
              onChange={setScope}
              options={[
                { value: 'pending', label: t('moves.scope.pending') },
                { value: 'all', label: t('moves.scope.all') },
              ]}
            />
            <Button onClick={reload}>{t('common.refresh')}</Button>
          </div>
          <Table<MoveItem>
            rowKey="id"
            columns={columns}
            dataSource={data?.items ?? []}
            loading={loading}
            pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (total) => t('common.total', { n: total }) }}
            locale={{
              emptyText: (
                <Empty
                  image={Empty.PRESENTED_IMAGE_SIMPLE}
                  description={scope === 'pending' ? t('moves.empty') : t('moves.emptyAll')}
                />
              ),
            }}
            scroll={{ x: 'max-content' }}
          />
        </Card>
      </div>
      {rejecting && (
        <RejectModal
          move={rejecting}
          onClose={() => setRejecting(null)}
          onDone={() => {
            setRejecting(null);
            void message.success(t('moves.rejected'));
            void afterDecision('rejected');
          }}
        />
      )}
    </>
  );
}

function RejectModal({ move, onClose, onDone }: { move: MoveItem; onClose: () => void; onDone: () => void }) {
  const t = useT();
  const [form] = Form.useForm<{ reason: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async ({ reason }: { reason: string }) => {
    setSaving(true);
    setError(null);
    try {
      await orgApi.rejectMove(move.id, reason.trim(), { quiet: true });
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={t('moves.rejectTitle', { org: move.orgName })}
      okText={t('moves.reject')}
      okButtonProps={{ danger: true }}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={(values) => void submit(values)}>
        <Form.Item
          name="reason"
          label={t('moves.rejectReason')}
          rules={[{ required: true, whitespace: true, min: 2, message: t('moves.rejectReasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={200} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
