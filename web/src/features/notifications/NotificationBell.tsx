import { BellOutlined, CheckOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, Flex, List, Popover, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { notificationApi, type NotificationList } from './api.js';

const pollMs = 60_000;

/** The bell in the header: deadline reminders for the actor's org, polled every minute. */
export function NotificationBell() {
  const t = useT();
  const [list, setList] = useState<NotificationList | null>(null);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    notificationApi.list().then(setList, () => undefined);
  }, []);

  useEffect(() => {
    load();
    const timer = setInterval(load, pollMs);
    return () => clearInterval(timer);
  }, [load]);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await action();
      load();
    } catch {
      // The API client has shown the server's message.
    } finally {
      setBusy(false);
    }
  };

  const unread = list?.unread ?? 0;
  const content = (
    <div className="tj-notifications" data-testid="notifications">
      <Flex justify="space-between" align="center" className="tj-notifications-head">
        <Typography.Text strong>{t('notifications.title')}</Typography.Text>
        <Button
          type="link"
          size="small"
          disabled={unread === 0 || busy}
          onClick={() => void run(notificationApi.readAll)}
          data-testid="notifications-read-all"
        >
          {t('notifications.readAll')}
        </Button>
      </Flex>
      <List
        size="small"
        dataSource={list?.items ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} /> }}
        className="tj-notifications-list"
        renderItem={(item) => (
          <List.Item
            className={item.read ? 'tj-notification-read' : 'tj-notification-unread'}
            data-testid={`notification-${item.id}`}
          >
            <div className="tj-notification">
              <Flex align="baseline" gap={6}>
                {!item.read && <Badge status="error" />}
                {item.dashboard ? (
                  <Link
                    to={`/campaigns/${item.dashboard.campaignId}/dashboard/${item.dashboard.orgId}?indicator=${item.dashboard.indicatorId}`}
                    onClick={() => setOpen(false)}
                    data-testid={`notification-link-${item.id}`}
                  >
                    <Typography.Text strong>{item.title}</Typography.Text>
                  </Link>
                ) : (
                  <Typography.Text strong>{item.title}</Typography.Text>
                )}
              </Flex>
              <div className="tj-notification-body">{item.body}</div>
              <Flex justify="space-between" align="center" gap={8}>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {item.dueOn ? `${t('notifications.due', { date: item.dueOn })} · ` : ''}
                  {formatDateTime(item.createdAt)}
                </Typography.Text>
                {!item.read && (
                  <Button
                    type="link"
                    size="small"
                    icon={<CheckOutlined />}
                    disabled={busy}
                    onClick={() => void run(() => notificationApi.read(item.id))}
                    data-testid={`notification-read-${item.id}`}
                  >
                    {t('notifications.markRead')}
                  </Button>
                )}
              </Flex>
            </div>
          </List.Item>
        )}
      />
    </div>
  );

  return (
    <Popover
      content={content}
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) load();
      }}
      arrow={false}
    >
      <Button
        type="text"
        className="tj-header-btn"
        aria-label={t('notifications.title')}
        data-testid="notification-bell"
      >
        <Badge count={unread} size="small" offset={[2, -2]} data-testid="notification-count">
          <BellOutlined style={{ color: '#fff', fontSize: 16 }} />
        </Badge>
      </Button>
    </Popover>
  );
}
