import { DashboardOutlined, PlusOutlined, SettingOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { CampaignItem } from '../../../../common/campaigns.js';
import { useT } from '../../app/i18n.js';
import { PageHeader } from '../../app/PageHeader.js';
import { useCurrentSession, useSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { campaignApi } from './api.js';
import { CampaignFormModal } from './CampaignFormModal.js';

/** `/campaigns`: the campaigns that concern the actor's org; each opens on the dashboard of the actor's own org. */
export function CampaignListPage() {
  const t = useT();
  const navigate = useNavigate();
  const { user } = useCurrentSession();
  const { can } = useSession();
  const [creating, setCreating] = useState(false);
  const { data, loading } = useLoad(() => campaignApi.list(), []);
  const defaultOrg = useMemo(
    () => (user.orgId !== null && user.orgName ? { id: user.orgId, name: user.orgName } : null),
    [user.orgId, user.orgName],
  );

  const columns: TableColumnsType<CampaignItem> = [
    {
      title: t('campaigns.col.name'),
      dataIndex: 'name',
      render: (name: string, campaign) => (
        <Link to={`/campaigns/${campaign.id}/dashboard`} data-testid={`campaign-link-${campaign.id}`}>
          {name}
        </Link>
      ),
    },
    { title: t('campaigns.col.root'), dataIndex: 'rootOrgName', responsive: ['md'] },
    {
      title: t('campaigns.col.period'),
      key: 'period',
      render: (_v, c) => (
        <span className="tj-mono">
          {c.startsOn} ~ {c.endsOn}
        </span>
      ),
    },
    {
      title: t('campaigns.col.reminder'),
      dataIndex: 'reminderDays',
      responsive: ['lg'],
      render: (n: number) => t('campaigns.reminderDays', { n }),
    },
    {
      title: t('campaigns.col.status'),
      dataIndex: 'status',
      render: (status: CampaignItem['status']) => (
        <Tag color={status === 'active' ? 'processing' : 'default'}>{t(`campaignStatus.${status}`)}</Tag>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_v, campaign) => (
        <Space size={0} wrap>
          <Link to={`/campaigns/${campaign.id}/dashboard`}>
            <Button type="link" size="small" icon={<DashboardOutlined />}>
              {t('campaigns.dashboard')}
            </Button>
          </Link>
          <Link to={`/campaigns/${campaign.id}`}>
            <Button type="link" size="small" icon={<SettingOutlined />}>
              {t('campaigns.settings')}
            </Button>
          </Link>
        </Space>
      ),
    },
  ];

  const mayCreate = can('campaign.manage');
  return (
    <>
      <PageHeader
        title={t('campaigns.title')}
        subtitle={t('campaigns.subtitle')}
        extra={
          mayCreate && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="create-campaign"
            >
              {t('campaigns.create')}
            </Button>
          )
        }
      />
      <div className="tj-page-body">
        <Card variant="borderless">
          <Table<CampaignItem>
            data-testid="campaigns-table"
            rowKey="id"
            columns={columns}
            dataSource={data?.items ?? []}
            loading={loading}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{
              emptyText: (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('campaigns.empty')}>
                  {mayCreate && <Typography.Text type="secondary">{t('campaigns.emptyHint')}</Typography.Text>}
                </Empty>
              ),
            }}
          />
        </Card>
      </div>
      {creating && (
        <CampaignFormModal
          campaign={null}
          defaultOrg={defaultOrg}
          onClose={() => setCreating(false)}
          onDone={(campaign) => {
            setCreating(false);
            void navigate(`/campaigns/${campaign.id}`);
          }}
        />
      )}
    </>
  );
}
