import { Card, Empty, Select, Space, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { OrgLevel } from '../../../../common/domain.js';
import { formatCount } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { useLoad } from '../../app/useLoad.js';
import { campaignApi, type DashboardIndicator, type Laggard } from './api.js';
import { formatValue, shortOrgName } from './format.js';
import { IndicatorStatusTag } from './StatusTag.js';

type Props = {
  campaignId: number;
  orgId: number;
  indicator: DashboardIndicator;
  linkTo: (orgId: number) => string;
};

/** The orgs under this one that do not meet the selected indicator, with whom to call. Paged by the server. */
export function LaggardsTable({ campaignId, orgId, indicator, linkTo }: Props) {
  const t = useT();
  const [level, setLevel] = useState<OrgLevel | undefined>(undefined);
  const [page, setPage] = useState({ current: 1, pageSize: 10 });
  const { data, loading } = useLoad(
    () =>
      campaignApi.laggards(campaignId, {
        orgId,
        indicatorId: indicator.id,
        level,
        page: page.current,
        pageSize: page.pageSize,
      }),
    [campaignId, orgId, indicator.id, level, page.current, page.pageSize],
  );

  const columns: TableColumnsType<Laggard> = [
    {
      title: t('laggards.col.org'),
      dataIndex: 'orgName',
      render: (name: string, row) => <Link to={linkTo(row.orgId)}>{name}</Link>,
    },
    {
      title: t('laggards.col.parent'),
      dataIndex: 'parentName',
      responsive: ['lg'],
      render: (name: string | null) => (name ? shortOrgName(name) : t('common.none')),
    },
    {
      title: t('laggards.col.level'),
      dataIndex: 'level',
      width: 110,
      render: (value: OrgLevel) => t(`orgLevel.${value}`),
    },
    {
      title: t('laggards.col.value'),
      dataIndex: 'value',
      width: 100,
      align: 'right',
      render: (value: number | null) => formatValue(t, indicator.metric, value),
    },
    {
      title: t('laggards.col.status'),
      dataIndex: 'status',
      width: 90,
      render: (status: Laggard['status']) => <IndicatorStatusTag status={status} />,
    },
    {
      title: t('laggards.col.cadre'),
      key: 'cadre',
      render: (_value, row) =>
        row.cadre ? (
          <Space size={4}>
            <span>{row.cadre.name}</span>
            <Typography.Text type="secondary">{row.cadre.post}</Typography.Text>
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('laggards.noCadre')}</Typography.Text>
        ),
    },
    {
      title: t('laggards.col.phone'),
      key: 'phone',
      width: 130,
      render: (_value, row) => <span className="tj-mono">{row.cadre?.phoneMasked ?? t('common.none')}</span>,
    },
  ];

  return (
    <Card
      variant="borderless"
      title={
        <Space size={8}>
          <span>{t('dashboard.laggards')}</span>
          <Typography.Text type="secondary" style={{ fontWeight: 'normal' }} ellipsis>
            {indicator.name}
          </Typography.Text>
        </Space>
      }
      extra={
        <Select<OrgLevel | 'all'>
          size="small"
          value={level ?? 'all'}
          style={{ width: 140 }}
          data-testid="laggards-level"
          onChange={(value) => {
            setLevel(value === 'all' ? undefined : value);
            setPage((p) => ({ ...p, current: 1 }));
          }}
          options={[
            { value: 'all', label: t('dashboard.allLevels') },
            ...indicator.byLevel.map((l) => ({ value: l.level, label: t(`orgLevel.${l.level}`) })),
          ]}
        />
      }
      styles={{ body: { paddingTop: 8 } }}
    >
      <Table<Laggard>
        data-testid="laggards-table"
        rowKey="orgId"
        size="small"
        columns={columns}
        dataSource={data?.items ?? []}
        loading={loading}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('laggards.empty')} /> }}
        pagination={{
          current: page.current,
          pageSize: page.pageSize,
          total: data?.total ?? 0,
          size: 'small',
          showSizeChanger: true,
          pageSizeOptions: [10, 20, 50, 100],
          showTotal: (total) => t('common.total', { n: formatCount(total) }),
          onChange: (current, pageSize) => setPage({ current: pageSize === page.pageSize ? current : 1, pageSize }),
        }}
      />
    </Card>
  );
}
