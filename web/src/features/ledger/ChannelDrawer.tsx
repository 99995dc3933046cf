import { EditOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Divider, Drawer, Grid, Typography } from 'antd';
import { useState } from 'react';
import type { ChannelDetail, ChannelItem } from '../../../../common/ledger.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { Pending } from '../../app/Pending.js';
import { useSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { WechatSection } from '../publishing/WechatDrawer.js';
import { channelApi } from './api.js';
import { ChannelEvidence } from './ChannelEvidence.js';
import { ChannelPosts, ChannelReadings } from './ChannelReadings.js';
import { ChannelKindTag, ChannelStatusTag } from './labels.js';

type Props = {
  channelId: number;
  /** Changes when the channel was edited elsewhere: reload. */
  version: number;
  onClose: () => void;
  /** Something was recorded: the list behind reloads its counts. */
  onChanged: () => void;
  onEdit: (channel: ChannelItem) => void;
};

/** One channel: its details, member counts over time, posts and evidence screenshots. */
export function ChannelDrawer({ channelId, version, onClose, onChanged, onEdit }: Props) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const { can } = useSession();
  const [fresh, setFresh] = useState<ChannelDetail | null>(null);
  const { data, error, reload } = useLoad(() => channelApi.detail(channelId), [channelId, version]);
  // A recorded reading or post answers the whole channel; a reload after that supersedes it.
  const channel = fresh?.id === channelId && fresh.updatedAt >= (data?.updatedAt ?? '') ? fresh : data;
  const update = (next: ChannelDetail) => {
    setFresh(next);
    onChanged();
  };

  return (
    <Drawer
      open
      onClose={onClose}
      size={screens.md ? 720 : '100%'}
      title={channel ? channel.name : t('channel.detail')}
      extra={
        channel?.abilities.update && (
          <Button icon={<EditOutlined />} onClick={() => onEdit(channel)}>
            {t('common.edit')}
          </Button>
        )
      }
      data-testid="channel-drawer"
    >
      {!channel ? (
        <Pending error={error} reload={reload} />
      ) : (
        <>
          {channel.namingIssue && (
            <Alert
              type="warning"
              showIcon
              title={t('channel.namingIssue')}
              description={channel.namingIssue}
              style={{ marginBottom: 16 }}
              data-testid="drawer-naming-issue"
            />
          )}
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2 }}
            items={[
              { key: 'kind', label: t('channel.col.kind'), children: <ChannelKindTag kind={channel.kind} /> },
              { key: 'status', label: t('channel.col.status'), children: <ChannelStatusTag status={channel.status} /> },
              { key: 'org', label: t('ledger.col.org'), children: channel.orgName },
              {
                key: 'cadre',
                label: t('channel.col.cadre'),
                children: channel.responsibleCadre
                  ? `${channel.responsibleCadre.fullName} ${channel.responsibleCadre.phoneMasked ?? ''}`
                  : t('common.none'),
              },
              { key: 'createdOn', label: t('channel.col.createdOn'), children: channel.createdOn ?? t('common.none') },
              { key: 'updated', label: t('ledger.updatedAt'), children: formatDateTime(channel.updatedAt) },
              ...(channel.kind === 'official_account'
                ? [
                    {
                      key: 'type',
                      label: t('channel.field.accountType'),
                      children: channel.accountType ? t(`accountType.${channel.accountType}`) : t('common.none'),
                    },
                    {
                      key: 'appId',
                      label: 'AppID',
                      children: <span className="tj-mono">{channel.appId ?? t('common.none')}</span>,
                    },
                    {
                      key: 'orig',
                      label: t('channel.field.originalId'),
                      children: <span className="tj-mono">{channel.originalId ?? t('common.none')}</span>,
                    },
                  ]
                : []),
            ]}
          />
          {(channel.kind === 'official_account' || channel.kind === 'wecom_robot') && can('publishing.read') && (
            <>
              <Divider titlePlacement="start">{t('channel.wechat')}</Divider>
              <WechatSection channel={channel} />
            </>
          )}
          <Divider titlePlacement="start">{t('channel.readings')}</Divider>
          <ChannelReadings channel={channel} onSaved={update} />
          <Divider titlePlacement="start">{t('channel.posts')}</Divider>
          <ChannelPosts channel={channel} onSaved={update} />
          <Divider titlePlacement="start">{t('channel.evidence')}</Divider>
          <ChannelEvidence
            channel={channel}
            onUploaded={() => {
              reload();
              setFresh(null);
              onChanged();
            }}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 16, fontSize: 12 }}>
            {t('channel.evidenceHint')}
          </Typography.Paragraph>
        </>
      )}
    </Drawer>
  );
}
