import { DashboardOutlined, DeleteOutlined, EditOutlined, PlusOutlined, TableOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Result,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { CampaignDetail, IndicatorItem } from '../../../../common/campaigns.js';
import { useT } from '../../app/i18n.js';
import { NotFound } from '../../app/NotFound.js';
import { PageHeader } from '../../app/PageHeader.js';
import { useLoad } from '../../app/useLoad.js';
import { campaignApi } from './api.js';
import { CampaignFormModal } from './CampaignFormModal.js';
import { formatThreshold } from './format.js';
import { IndicatorFormModal } from './IndicatorFormModal.js';

type Dialog = { kind: 'campaign' } | { kind: 'indicator'; indicator: IndicatorItem | null } | null;

/** `/campaigns/:id`: the campaign's settings and its indicators. */
export function CampaignDetailPage() {
  const t = useT();
  const { modal, message } = App.useApp();
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const [dialog, setDialog] = useState<Dialog>(null);
  // Every write answers the whole campaign: it replaces what the page shows without another request.
  const [saved, setSaved] = useState<CampaignDetail | null>(null);
  const { data, error, reload } = useLoad(() => (valid ? campaignApi.detail(id) : Promise.resolve(undefined)), [id]);
  const campaign = saved?.id === id ? saved : data;

  if (!valid) return <NotFound />;
  if (error && !campaign) {
    return (
      <Result
        status="404"
        title={t('campaign.notFound')}
        subTitle={error.message}
        extra={<Button onClick={reload}>{t('common.refresh')}</Button>}
      />
    );
  }
  if (!campaign || campaign.id !== id) {
    return (
      <div className="tj-center-block" style={{ minHeight: 360 }}>
        <Spin size="large" />
      </div>
    );
  }
  const manage = campaign.abilities.manage;
  const hasPlans = campaign.indicators.some((i) => i.metric === 'plan_completion');

  const remove = (indicator: IndicatorItem) =>
    modal.confirm({
      title: t('indicator.delete'),
      content: t('indicator.deleteConfirm', { name: indicator.name }),
      okText: t('indicator.delete'),
      okButtonProps: { danger: true },
      onOk: async () => {
        setSaved(await campaignApi.removeIndicator(indicator.id));
        void message.success(t('indicator.deleted'));
      },
    });

  const columns: TableColumnsType<IndicatorItem> = [
    { title: '#', key: 'n', width: 48, render: (_v, _i, index) => index + 1 },
    {
      title: t('indicator.col.name'),
      dataIndex: 'name',
      render: (name: string, i) => (
        <>
          <div>{name}</div>
          <Tooltip title={i.types.map((type) => t(`orgType.${type}`)).join('、')}>
            <span className="tj-cell-detail tj-secondary">
              {t('indicator.appliesTo', { levels: i.levels.map((level) => t(`orgLevel.${level}`)).join('、') })}
            </span>
          </Tooltip>
        </>
      ),
    },
    {
      title: t('indicator.col.metric'),
      key: 'metric',
      render: (_v, i) => (
        <Space size={4} wrap>
          <span>{t(`metric.${i.metric}`)}</span>
          {i.channelKind && <Tag>{t(`channelKind.${i.channelKind}`)}</Tag>}
          {i.minContacts !== null && <Tag>{t('indicator.minContactsTag', { n: i.minContacts })}</Tag>}
        </Space>
      ),
    },
    {
      title: t('indicator.col.threshold'),
      key: 'threshold',
      width: 100,
      render: (_v, i) => formatThreshold(t, i.metric, i.threshold),
    },
    {
      title: t('indicator.col.deadline'),
      dataIndex: 'deadline',
      width: 110,
      render: (d: string | null) => d ?? t('common.none'),
    },
    ...(manage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 170,
            render: (_v: unknown, i: IndicatorItem) => (
              <Space size={0}>
                <Button
                  type="link"
                  size="small"
                  icon={<EditOutlined />}
                  onClick={() => setDialog({ kind: 'indicator', indicator: i })}
                >
                  {t('common.edit')}
                </Button>
                <Button type="link" size="small" danger icon={<DeleteOutlined />} onClick={() => void remove(i)}>
                  {t('indicator.delete')}
                </Button>
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        breadcrumb={[{ title: t('nav.campaigns'), to: '/campaigns' }, { title: campaign.name }]}
        title={campaign.name}
        titleTestId="campaign-title"
        tags={
          <Tag color={campaign.status === 'active' ? 'processing' : 'default'}>
            {t(`campaignStatus.${campaign.status}`)}
          </Tag>
        }
        extra={[
          <Link key="dashboard" to={`/campaigns/${campaign.id}/dashboard`}>
            <Button type="primary" icon={<DashboardOutlined />} data-testid="open-dashboard">
              {t('campaigns.dashboard')}
            </Button>
          </Link>,
          hasPlans && (
            <Link key="plans" to={`/campaigns/${campaign.id}/plans`}>
              <Button icon={<TableOutlined />} data-testid="open-plans">
                {t('dashboard.plans')}
              </Button>
            </Link>
          ),
          manage && (
            <Button
              key="edit"
              icon={<EditOutlined />}
              onClick={() => setDialog({ kind: 'campaign' })}
              data-testid="edit-campaign"
            >
              {t('common.edit')}
            </Button>
          ),
        ]}
      />
      <div className="tj-page-body">
        <Card variant="borderless">
          <Descriptions
            size="small"
            column={{ xs: 1, md: 2, xl: 4 }}
            items={[
              { key: 'root', label: t('campaigns.col.root'), children: campaign.rootOrgName },
              {
                key: 'period',
                label: t('campaigns.col.period'),
                children: `${campaign.startsOn} ~ ${campaign.endsOn}`,
              },
              {
                key: 'reminder',
                label: t('campaigns.col.reminder'),
                children: t('campaigns.reminderDays', { n: campaign.reminderDays }),
              },
              { key: 'count', label: t('campaign.indicatorCount'), children: campaign.indicators.length },
            ]}
          />
        </Card>
        <Card
          variant="borderless"
          title={t('campaign.indicators')}
          extra={
            manage && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setDialog({ kind: 'indicator', indicator: null })}
                data-testid="add-indicator"
              >
                {t('indicator.addTitle')}
              </Button>
            )
          }
        >
          <Table<IndicatorItem>
            data-testid="indicators-table"
            rowKey="id"
            columns={columns}
            dataSource={campaign.indicators}
            pagination={false}
            scroll={{ x: 860 }}
            locale={{
              emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('indicator.emptyList')} />,
            }}
          />
        </Card>
      </div>
      {dialog?.kind === 'campaign' && (
        <CampaignFormModal
          campaign={campaign}
          defaultOrg={null}
          onClose={() => setDialog(null)}
          onDone={(next) => {
            setDialog(null);
            setSaved(next);
          }}
        />
      )}
      {dialog?.kind === 'indicator' && (
        <IndicatorFormModal
          campaignId={campaign.id}
          indicator={dialog.indicator}
          onClose={() => setDialog(null)}
          onDone={(next) => {
            setDialog(null);
            setSaved(next);
          }}
        />
      )}
    </>
  );
}
