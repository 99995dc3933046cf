import { CheckOutlined, CloseOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Divider, Drawer, Grid, Popconfirm, Space, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { DeliveryEvent } from '../../../../common/domain.js';
import { formatDateTime } from '../../app/format.js';
import { formatLogTime } from './format.js';
import { useT } from '../../app/i18n.js';
import { Pending } from '../../app/Pending.js';
import { useLoad } from '../../app/useLoad.js';
import { deliveryApi, type DeliveryDetail } from './api.js';
import { attemptsText, ResultText } from './DeliveriesTable.js';
import { DeliveryStatusTag, TargetLabel } from './labels.js';

// A Timeline's 'blue' is the theme's primary colour, red here: an attempt would read as a failure. Blue by value.
const blue = '#1677ff';
const eventColors: Record<DeliveryEvent, string> = {
  queued: 'gray',
  sending: blue,
  sent: 'green',
  retry: 'orange',
  deferred: 'gray',
  failed: 'red',
  uncertain: 'orange',
  result: 'green',
  resolved: blue,
  cancelled: 'gray',
};

type Props = { deliveryId: number; onClose: () => void; onChanged: () => void };

/** One delivery: where it went, how it stands, and its log (queued, sending, WeChat's errcode, retried, sent). */
export function DeliveryDrawer({ deliveryId, onClose, onChanged }: Props) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const { message } = App.useApp();
  const { data, error, reload } = useLoad(() => deliveryApi.detail(deliveryId), [deliveryId]);
  const [fresh, setFresh] = useState<DeliveryDetail | null>(null);
  const [busy, setBusy] = useState<'retry' | 'sent' | 'unsent' | null>(null);
  const delivery = fresh?.id === deliveryId ? fresh : data;

  const act = async (action: 'retry' | 'sent' | 'unsent') => {
    setBusy(action);
    try {
      const next =
        action === 'retry'
          ? await deliveryApi.retry(deliveryId)
          : await deliveryApi.resolve(deliveryId, action === 'sent');
      setFresh(next);
      void message.success(t(action === 'retry' ? 'pub.delivery.retried' : 'pub.delivery.resolved'));
      onChanged();
    } catch {
      // Shown by the API client.
    } finally {
      setBusy(null);
    }
  };

  return (
    <Drawer
      open
      onClose={onClose}
      size={screens.md ? 560 : '100%'}
      title={t('pub.delivery.title')}
      data-testid="delivery-drawer"
      extra={
        delivery?.abilities.retry && (
          <Button icon={<ReloadOutlined />} loading={busy === 'retry'} onClick={() => void act('retry')}>
            {t('pub.delivery.retry')}
          </Button>
        )
      }
    >
      {!delivery ? (
        <Pending error={error} reload={reload} />
      ) : (
        <>
          {delivery.status === 'uncertain' && (
            <Alert
              type="warning"
              showIcon
              title={t('pub.delivery.uncertainTitle')}
              description={
                <>
                  <div>{t('pub.delivery.uncertainHelp')}</div>
                  {delivery.abilities.resolve && (
                    <Space style={{ marginTop: 12 }} wrap>
                      <Button
                        type="primary"
                        icon={<CheckOutlined />}
                        loading={busy === 'sent'}
                        onClick={() => void act('sent')}
                      >
                        {t('pub.delivery.resolveSent')}
                      </Button>
                      <Popconfirm
                        title={t('pub.delivery.resolveUnsentConfirm')}
                        onConfirm={() => void act('unsent')}
                        okText={t('common.ok')}
                        cancelText={t('common.cancel')}
                      >
                        <Button icon={<CloseOutlined />} loading={busy === 'unsent'}>
                          {t('pub.delivery.resolveUnsent')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  )}
                </>
              }
              style={{ marginBottom: 16 }}
            />
          )}
          <Descriptions
            size="small"
            column={1}
            items={[
              {
                key: 'bulletin',
                label: t('pub.col.bulletin'),
                children: <Link to={`/publishing/bulletins/${delivery.bulletinId}`}>{delivery.bulletinTitle}</Link>,
              },
              {
                key: 'channel',
                label: t('pub.col.channel'),
                children: <TargetLabel kind={delivery.kind} channelName={delivery.channelName} />,
              },
              { key: 'status', label: t('pub.col.status'), children: <DeliveryStatusTag status={delivery.status} /> },
              {
                key: 'attempts',
                label: t('pub.col.attempts'),
                children: attemptsText(t, delivery.kind, delivery.attempts),
              },
              ...(delivery.status === 'queued'
                ? [
                    {
                      key: 'next',
                      label: t('pub.delivery.nextAttempt'),
                      children: formatDateTime(delivery.nextAttemptAt),
                    },
                  ]
                : []),
              { key: 'sentAt', label: t('pub.delivery.sentAt'), children: formatDateTime(delivery.sentAt) },
              ...(delivery.lastErrcode !== null || delivery.lastError
                ? [
                    {
                      key: 'error',
                      label: t('pub.col.error'),
                      children: (
                        <Typography.Text type="danger">
                          {delivery.lastErrcode !== null && <span className="tj-mono">{delivery.lastErrcode} </span>}
                          {delivery.lastError}
                        </Typography.Text>
                      ),
                    },
                  ]
                : []),
              { key: 'result', label: t('pub.col.result'), children: <ResultText result={delivery.result} /> },
            ]}
          />
          <Divider titlePlacement="start">{t('pub.delivery.log')}</Divider>
          <Timeline
            data-testid="delivery-log"
            items={delivery.log.map((entry) => ({
              key: entry.id,
              color: eventColors[entry.event],
              content: (
                <div className="tj-pub-log-entry">
                  <div>
                    <Typography.Text strong>{t(`deliveryEvent.${entry.event}`)}</Typography.Text>
                    <Typography.Text type="secondary" className="tj-mono" style={{ marginInlineStart: 8 }}>
                      {formatLogTime(entry.at)}
                    </Typography.Text>
                  </div>
                  {(entry.errcode !== null || entry.message) && (
                    <div className="tj-pub-log-message">
                      {entry.errcode !== null && <span className="tj-mono">errcode {entry.errcode} · </span>}
                      {entry.message}
                    </div>
                  )}
                </div>
              ),
            }))}
          />
        </>
      )}
    </Drawer>
  );
}
