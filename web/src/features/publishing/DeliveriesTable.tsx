import { ProfileOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Space, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../../app/format.js';
import { useT, type Translate } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { useSession } from '../../app/session.js';
import type { Paging } from '../../app/usePaging.js';
import { deliveryApi, type DeliveryItem } from './api.js';
import { DeliveryStatusTag, TargetLabel } from './labels.js';

type Props = {
  /** One page (with paging) or the bulletin's whole list. */
  data: { items: DeliveryItem[]; total: number } | undefined;
  paging?: Paging;
  loading?: boolean;
  /** The bulletin column, on the log of every bulletin. */
  showBulletin?: boolean;
  emptyText: string;
  onOpen: (delivery: DeliveryItem) => void;
  /** A delivery was retried: reload. */
  onChanged: () => void;
};

/** Deliveries: where each went, how it stands, WeChat's error code and answer; 日志 opens the event log. */
export function DeliveriesTable({ data, paging, loading, showBulletin, emptyText, onOpen, onChanged }: Props) {
  const t = useT();
  const { can } = useSession();
  const { message } = App.useApp();
  const [retrying, setRetrying] = useState<number | null>(null);
  const mayAct = can('publishing.approve');

  const retry = async (delivery: DeliveryItem) => {
    setRetrying(delivery.id);
    try {
      await deliveryApi.retry(delivery.id);
      void message.success(t('pub.delivery.retried'));
      onChanged();
    } catch {
      // Shown by the API client.
    } finally {
      setRetrying(null);
    }
  };

  const columns: TableColumnsType<DeliveryItem> = [
    ...(showBulletin
      ? [
          {
            title: t('pub.col.bulletin'),
            dataIndex: 'bulletinTitle',
            render: (title: string, row: DeliveryItem) => (
              <Link to={`/publishing/bulletins/${row.bulletinId}`} className="tj-pub-title-cell" title={title}>
                {title}
              </Link>
            ),
          },
        ]
      : []),
    {
      title: t('pub.col.channel'),
      key: 'channel',
      render: (_v, row) => <TargetLabel kind={row.kind} channelName={row.channelName} />,
    },
    {
      title: t('pub.col.status'),
      dataIndex: 'status',
      render: (status: DeliveryItem['status']) => <DeliveryStatusTag status={status} />,
    },
    {
      title: t('pub.col.time'),
      key: 'time',
      render: (_v, row) =>
        row.sentAt ? (
          <span className="tj-mono">{formatDateTime(row.sentAt)}</span>
        ) : row.status === 'queued' ? (
          <Tooltip title={t('pub.delivery.nextAttempt')}>
            <span className="tj-mono tj-secondary">{formatDateTime(row.nextAttemptAt)}</span>
          </Tooltip>
        ) : (
          <span className="tj-mono tj-secondary">{formatDateTime(row.createdAt)}</span>
        ),
    },
    {
      title: t('pub.col.attempts'),
      dataIndex: 'attempts',
      align: 'right',
      responsive: ['xl'],
      render: (attempts: number, row) => attemptsText(t, row.kind, attempts),
    },
    {
      title: t('pub.col.error'),
      key: 'error',
      render: (_v, row) =>
        row.lastErrcode !== null || row.lastError ? (
          <Typography.Text type={row.status === 'sent' ? 'secondary' : 'danger'} className="tj-pub-error-cell">
            {row.lastErrcode !== null && <span className="tj-mono">{row.lastErrcode} </span>}
            {row.lastError}
          </Typography.Text>
        ) : (
          t('common.none')
        ),
    },
    {
      title: t('pub.col.result'),
      dataIndex: 'result',
      responsive: ['xxl'],
      render: (result: string | null) => <ResultText result={result} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right',
      render: (_v, row) => (
        <Space size={0} wrap={false}>
          <Button
            type="link"
            size="small"
            icon={<ProfileOutlined />}
            onClick={() => onOpen(row)}
            aria-label={t('pub.delivery.logOf', { name: row.channelName ?? t('pub.target.webName') })}
          >
            {row.status === 'uncertain' && mayAct ? t('pub.delivery.confirm') : t('pub.delivery.log')}
          </Button>
          {row.status === 'failed' && mayAct && (
            <Button
              type="link"
              size="small"
              icon={<ReloadOutlined />}
              loading={retrying === row.id}
              onClick={() => void retry(row)}
            >
              {t('pub.delivery.retry')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  const common = {
    rowKey: 'id' as const,
    columns,
    loading,
    size: 'middle' as const,
    'data-testid': 'deliveries-table',
  };
  return paging ? (
    <PagedTable<DeliveryItem> {...common} data={data} paging={paging} emptyText={emptyText} />
  ) : (
    <Table<DeliveryItem>
      {...common}
      dataSource={data?.items ?? []}
      pagination={false}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText }}
    />
  );
}

/** The news pages publish in the same step as the approval, with no attempt to count: "sent, 0 attempts" would puzzle. */
export function attemptsText(t: Translate, kind: DeliveryItem['kind'], attempts: number): string | number {
  return kind === 'web' ? t('common.none') : attempts;
}

/** WeChat's answer: a message or publish id, or the article's address once published. */
export function ResultText({ result }: { result: string | null }) {
  const t = useT();
  if (!result) return <>{t('common.none')}</>;
  if (/^https?:\/\//.test(result)) {
    return (
      <Typography.Link href={result} target="_blank" rel="noreferrer" ellipsis style={{ maxWidth: 220 }}>
        {result}
      </Typography.Link>
    );
  }
  return (
    <Typography.Text className="tj-mono" ellipsis={{ tooltip: result }} style={{ maxWidth: 220 }}>
      {result}
    </Typography.Text>
  );
}
