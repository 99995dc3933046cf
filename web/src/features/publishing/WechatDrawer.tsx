import { CheckCircleFilled, SettingOutlined, SyncOutlined, WarningFilled } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Grid,
  Row,
  Space,
  Statistic,
  Table,
  Tabs,
  Typography,
} from 'antd';
import { useState } from 'react';
import { errorMessage } from '../../app/api.js';
import { formatCount } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { Pending } from '../../app/Pending.js';
import { useLoad } from '../../app/useLoad.js';
import { WechatCredentials } from './WechatCredentials.js';
import { WechatQrScenes } from './WechatQrScenes.js';
import { WechatReplies } from './WechatReplies.js';
import { wechatApi, type WechatSettings } from './wechatApi.js';
import './publishing.css';

/** The channel as the ledger has it; its AppID there fills the form until the settings hold one. */
type Channel = { id: number; name: string; kind: string; orgId: number; orgName: string; appId?: string | null };

/** Whether the channel can send: an account's AppID and AppSecret, or a robot's webhook key. */
function configured(settings: WechatSettings): boolean {
  return settings.channelKind === 'official_account'
    ? Boolean(settings.appId) && settings.secretsSet.appSecret
    : settings.secretsSet.webhookKey;
}

/**
 * 微信接入 in a channel's drawer (official accounts and WeCom robots): whether it is connected, its followers,
 * and the button to the settings.
 */
export function WechatSection({ channel }: { channel: Channel }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const { data, error, reload } = useLoad(() => wechatApi.settings(channel.id), [channel.id]);
  if (!data) return <Pending error={error} reload={reload} />;
  const ok = configured(data);
  return (
    <div data-testid="wechat-section">
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2 }}
        items={[
          {
            key: 'state',
            label: t('wechat.state'),
            children: ok ? (
              <Typography.Text type="success">
                <CheckCircleFilled /> {t('wechat.connected')}
              </Typography.Text>
            ) : (
              <Typography.Text type="warning">
                <WarningFilled /> {t('pub.target.unconfigured')}
              </Typography.Text>
            ),
          },
          ...(data.followers
            ? [
                {
                  key: 'followers',
                  label: t('wechat.followers.subscribed'),
                  children: `${formatCount(data.followers.subscribed)}（${t('wechat.followers.todayShort', {
                    gained: data.followers.today.gained,
                    lost: data.followers.today.lost,
                  })}）`,
                },
              ]
            : []),
        ]}
      />
      <Button icon={<SettingOutlined />} onClick={() => setOpen(true)} style={{ marginTop: 8 }}>
        {t('wechat.open')}
      </Button>
      {open && (
        <WechatDrawer
          channel={channel}
          onClose={() => {
            setOpen(false);
            reload();
          }}
        />
      )}
    </div>
  );
}

/** The settings of one channel: 接入设置, and for an official account 关注统计, 自动回复, 关注二维码. */
export function WechatDrawer({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const { data, error, reload } = useLoad(() => wechatApi.settings(channel.id), [channel.id]);
  const [fresh, setFresh] = useState<WechatSettings | null>(null);
  const settings = fresh ?? data;
  const official = channel.kind === 'official_account';

  return (
    <Drawer
      open
      onClose={onClose}
      size={screens.md ? 680 : '100%'}
      title={t('wechat.drawerTitle', { name: channel.name })}
      data-testid="wechat-drawer"
    >
      {!settings ? (
        <Pending error={error} reload={reload} />
      ) : (
        <Tabs
          items={[
            {
              key: 'credentials',
              label: t('wechat.tab.credentials'),
              children: (
                <WechatCredentials settings={settings} ledgerAppId={channel.appId ?? null} onSaved={setFresh} />
              ),
            },
            ...(official
              ? [
                  {
                    key: 'followers',
                    label: t('wechat.tab.followers'),
                    children: <Followers channelId={channel.id} settings={settings} onSynced={setFresh} />,
                  },
                  {
                    key: 'replies',
                    label: t('wechat.tab.replies'),
                    children: <WechatReplies channelId={channel.id} manage={settings.abilities.manage} />,
                  },
                  {
                    key: 'qr',
                    label: t('wechat.tab.qr'),
                    children: (
                      <WechatQrScenes
                        channelId={channel.id}
                        orgId={channel.orgId}
                        orgName={channel.orgName}
                        manage={settings.abilities.manage}
                        configured={configured(settings)}
                      />
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
    </Drawer>
  );
}

/**
 * The ledger's followers; 从微信同步关注者 copies WeChat's follower list into it (for followers from before the
 * callback), after which the count is WeChat's and the settings are read again.
 */
function Followers({
  channelId,
  settings,
  onSynced,
}: {
  channelId: number;
  settings: WechatSettings;
  onSynced: (settings: WechatSettings) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [syncing, setSyncing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const followers = settings.followers;
  if (!followers) return null;

  const sync = async () => {
    setSyncing(true);
    setError(null);
    try {
      const { total } = await wechatApi.syncFollowers(channelId, { quiet: true });
      void message.success(t('wechat.followers.synced', { total: formatCount(total) }));
      onSynced(await wechatApi.settings(channelId));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSyncing(false);
    }
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {settings.abilities.manage && (
        <Space wrap>
          <Button
            icon={<SyncOutlined />}
            loading={syncing}
            disabled={!configured(settings)}
            onClick={() => void sync()}
            data-testid="wechat-sync-followers"
          >
            {t('wechat.followers.sync')}
          </Button>
          {!configured(settings) && (
            <Typography.Text type="secondary">{t('wechat.followers.syncNeedsCredentials')}</Typography.Text>
          )}
        </Space>
      )}
      {error && <Alert type="error" showIcon title={error} />}
      <Row gutter={[12, 12]}>
        {(
          [
            ['subscribed', followers.subscribed],
            ['gained', followers.today.gained],
            ['lost', followers.today.lost],
            ['unattributed', followers.unattributed],
          ] as const
        ).map(([key, value]) => (
          <Col key={key} xs={12} sm={6}>
            <Card size="small">
              <Statistic title={t(`wechat.followers.${key}`)} value={value} />
            </Card>
          </Col>
        ))}
      </Row>
      <Table
        rowKey="orgId"
        size="small"
        pagination={false}
        dataSource={followers.byOrg}
        columns={[
          { title: t('wechat.followers.org'), dataIndex: 'orgName' },
          {
            title: t('wechat.followers.count'),
            dataIndex: 'count',
            align: 'right',
            render: (n: number) => formatCount(n),
          },
        ]}
        locale={{ emptyText: t('wechat.followers.noOrgs') }}
        title={() => t('wechat.followers.byOrg')}
      />
      <Typography.Paragraph type="secondary">{t('wechat.followers.help')}</Typography.Paragraph>
    </Space>
  );
}
