import { ApartmentOutlined, DownloadOutlined, SettingOutlined, TableOutlined } from '@ant-design/icons';
import { Breadcrumb, Button, Card, Empty, Flex, Result, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { DashboardResponse } from '../../../../common/campaigns.js';
import { useT } from '../../app/i18n.js';
import { NotFound } from '../../app/NotFound.js';
import { useCurrentSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { campaignApi } from './api.js';
import { startingOrg } from './campaignOrg.js';
import { DashboardCharts } from './DashboardCharts.js';
import { DashboardChildren } from './DashboardChildren.js';
import { IndicatorCards } from './IndicatorCards.js';
import { LaggardsTable } from './LaggardsTable.js';

const positiveId = (value: string | undefined) => {
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : null;
};

/** `/campaigns/:id/dashboard`: the dashboard of the actor's own org when it lies in the campaign, else its root. */
export function DashboardRedirect() {
  const t = useT();
  const campaignId = positiveId(useParams().id);
  const { user } = useCurrentSession();
  const { data, error } = useLoad(async () => {
    if (campaignId === null) return null;
    return startingOrg(await campaignApi.detail(campaignId), user);
  }, [campaignId, user]);
  if (campaignId === null) return <NotFound />;
  if (error) return <Result status="404" title={t('dashboard.notFound')} subTitle={error.message} />;
  if (data === undefined || data === null) return <PageSpin />;
  return <Navigate to={`/campaigns/${campaignId}/dashboard/${data}`} replace />;
}

function PageSpin() {
  const t = useT();
  return (
    <div className="tj-center-block" style={{ minHeight: 360 }}>
      <Spin size="large" description={t('dashboard.loading')} />
    </div>
  );
}

/** `/campaigns/:id/dashboard/:orgId`: one campaign seen from one org, drilling down through its children. */
export function DashboardPage() {
  const t = useT();
  const params = useParams();
  const campaignId = positiveId(params.id);
  const orgId = positiveId(params.orgId);
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const { data, error, loading, reload } = useLoad(
    () => (campaignId && orgId ? campaignApi.dashboard(campaignId, orgId) : Promise.resolve(undefined)),
    [campaignId, orgId],
  );

  if (campaignId === null || orgId === null) return <NotFound />;
  const current = data && data.org.id === orgId && data.campaign.id === campaignId ? data : undefined;
  if (error && !current) {
    return error.status === 404 || error.status === 403 ? (
      <Result
        status="404"
        title={t('dashboard.notFound')}
        subTitle={error.message}
        extra={
          <Link to="/campaigns">
            <Button type="primary">{t('dashboard.backToList')}</Button>
          </Link>
        }
      />
    ) : (
      <Result status="error" title={error.message} extra={<Button onClick={reload}>{t('common.refresh')}</Button>} />
    );
  }
  if (!current || (loading && !current)) return <PageSpin />;

  const indicatorParam = Number(search.get('indicator'));
  const selected = current.indicators.find((i) => i.id === indicatorParam) ?? current.indicators[0];
  const query = selected ? `?indicator=${selected.id}` : '';
  const linkTo = (id: number) => `/campaigns/${campaignId}/dashboard/${id}${query}`;
  const drill = (id: number) => void navigate(linkTo(id));

  return (
    <>
      <DashboardHeader data={current} linkTo={linkTo} />
      <div className="tj-page-body">
        {current.indicators.length === 0 || !selected ? (
          <Card variant="borderless">
            <Empty description={t('dashboard.noIndicators')} style={{ padding: '48px 0' }}>
              {current.campaign.abilities.manage && (
                <Link to={`/campaigns/${campaignId}`}>
                  <Button type="primary">{t('dashboard.settings')}</Button>
                </Link>
              )}
            </Empty>
          </Card>
        ) : (
          <>
            <IndicatorCards
              indicators={current.indicators}
              today={current.today}
              startsOn={current.campaign.startsOn}
              selectedId={selected.id}
              onSelect={(id) => setSearch({ indicator: String(id) }, { replace: true })}
            />
            <DashboardCharts indicator={selected} children={current.children} trend={current.trend} onDrill={drill} />
            <DashboardChildren
              indicators={current.indicators}
              children={current.children}
              selectedId={selected.id}
              linkTo={linkTo}
              onDrill={drill}
            />
            <LaggardsTable
              key={`${current.org.id}-${selected.id}`}
              campaignId={campaignId}
              orgId={current.org.id}
              indicator={selected}
              linkTo={linkTo}
            />
          </>
        )}
      </div>
    </>
  );
}

function DashboardHeader({ data, linkTo }: { data: DashboardResponse; linkTo: (orgId: number) => string }) {
  const t = useT();
  const { campaign, org, today } = data;
  const [exporting, setExporting] = useState(false);
  const exportRollup = async () => {
    setExporting(true);
    try {
      await campaignApi.downloadRollup(campaign.id, org.id);
    } catch {
      // The API client has shown the server's message.
    } finally {
      setExporting(false);
    }
  };
  const hasPlans = data.indicators.some((i) => i.metric === 'plan_completion');

  return (
    <div className="tj-page-header">
      <Breadcrumb
        className="tj-page-breadcrumb"
        items={[
          { title: <Link to="/campaigns">{t('nav.campaigns')}</Link> },
          { title: <Link to={`/campaigns/${campaign.id}`}>{campaign.name}</Link> },
          { title: t('dashboard.title') },
        ]}
      />
      <Flex justify="space-between" align="flex-start" gap={16} wrap>
        <div className="tj-page-heading">
          <Flex align="center" gap={12} wrap>
            <Typography.Title level={3} className="tj-page-title" data-testid="dashboard-title">
              {campaign.name}
            </Typography.Title>
            <Tag color={campaign.status === 'active' ? 'processing' : 'default'}>
              {t(`campaignStatus.${campaign.status}`)}
            </Tag>
          </Flex>
          <Flex align="center" gap={8} wrap className="tj-dashboard-orgline">
            <ApartmentOutlined style={{ color: 'rgba(0,0,0,.45)' }} />
            <Breadcrumb
              data-testid="org-breadcrumb"
              items={[
                ...org.ancestors.map((a) => ({ title: <Link to={linkTo(a.id)}>{a.name}</Link> })),
                { title: <strong data-testid="dashboard-org">{org.name}</strong> },
              ]}
            />
          </Flex>
          <Typography.Text type="secondary" data-testid="dashboard-today">
            {t('dashboard.today', { date: today })} ·{' '}
            {t('dashboard.period', { from: campaign.startsOn, to: campaign.endsOn })}
          </Typography.Text>
        </div>
        <Flex gap={8} wrap className="tj-page-extra">
          {hasPlans && (
            <Link to={`/campaigns/${campaign.id}/plans?orgId=${org.id}`}>
              <Button icon={<TableOutlined />}>{t('dashboard.plans')}</Button>
            </Link>
          )}
          <Link to={`/campaigns/${campaign.id}`}>
            <Button icon={<SettingOutlined />}>{t('dashboard.settings')}</Button>
          </Link>
          <Button
            type="primary"
            icon={<DownloadOutlined />}
            loading={exporting}
            onClick={() => void exportRollup()}
            data-testid="export-rollup"
          >
            {t('dashboard.export')}
          </Button>
        </Flex>
      </Flex>
    </div>
  );
}
