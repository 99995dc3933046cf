import { Card, Empty, Flex, Switch, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import type { IndicatorStatus } from '../../../../common/domain.js';
import { useT } from '../../app/i18n.js';
import type { DashboardChild, DashboardIndicator } from './api.js';
import { formatValue } from './format.js';
import { IndicatorStatusTag } from './StatusTag.js';

type Tally = DashboardChild['indicators'][number];
type Props = {
  indicators: DashboardIndicator[];
  children: DashboardChild[];
  selectedId: number | undefined;
  linkTo: (orgId: number) => string;
  onDrill: (orgId: number) => void;
};

/**
 * A child's standing on an indicator: its own status when the indicator applies to it, else what its subtree
 * adds up to (all applicable orgs met, or the indicator's lagging status); 'na' when nothing below applies.
 */
export function childStatus(indicator: DashboardIndicator, tally: Tally | undefined): IndicatorStatus | 'na' {
  if (!tally) return 'na';
  if (tally.own) return tally.own.status;
  if (tally.applicable === 0) return 'na';
  return tally.met === tally.applicable ? 'met' : indicator.laggingStatus;
}

/** Every child with its standing on every indicator; a row opens that child's dashboard. */
export function DashboardChildren({ indicators, children, selectedId, linkTo, onDrill }: Props) {
  const t = useT();
  const [laggingOnly, setLaggingOnly] = useState(false);
  const tallyOf = (child: DashboardChild, id: number) => child.indicators.find((i) => i.indicatorId === id);

  const rows = useMemo(() => {
    if (!laggingOnly) return children;
    return children.filter((child) =>
      indicators.some((indicator) => {
        const status = childStatus(indicator, tallyOf(child, indicator.id));
        return status !== 'met' && status !== 'na';
      }),
    );
  }, [children, indicators, laggingOnly]);

  const columns: TableColumnsType<DashboardChild> = [
    {
      title: t('dashboard.col.org'),
      dataIndex: 'name',
      fixed: 'left',
      width: 200,
      ellipsis: true,
      sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
      render: (name: string, child) => (
        <Link to={linkTo(child.id)} onClick={(event) => event.stopPropagation()}>
          {name}
        </Link>
      ),
    },
    ...indicators.map((indicator, index): TableColumnsType<DashboardChild>[number] => ({
      key: `indicator-${indicator.id}`,
      title: (
        <Tooltip title={indicator.name}>
          <span className={indicator.id === selectedId ? 'tj-col-selected' : undefined}>
            {t('dashboard.col.indicator', { n: index + 1 })}
            <Typography.Text type="secondary" className="tj-col-sub" ellipsis>
              {indicator.name}
            </Typography.Text>
          </span>
        </Tooltip>
      ),
      width: 180,
      sorter: (a, b) => (tallyOf(a, indicator.id)?.share ?? -1) - (tallyOf(b, indicator.id)?.share ?? -1),
      render: (_value, child) => (
        <StatusCell indicator={indicator} childId={child.id} tally={tallyOf(child, indicator.id)} />
      ),
    })),
  ];

  return (
    <Card
      variant="borderless"
      title={t('dashboard.children', { n: children.length })}
      extra={
        <Flex align="center" gap={8}>
          <Typography.Text type="secondary">{t('dashboard.laggingOnly')}</Typography.Text>
          <Switch size="small" checked={laggingOnly} onChange={setLaggingOnly} data-testid="children-lagging-only" />
        </Flex>
      }
      styles={{ body: { paddingTop: 8 } }}
    >
      <Table<DashboardChild>
        data-testid="children-table"
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={rows}
        pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        tableLayout="fixed"
        scroll={{ x: 200 + indicators.length * 185 }}
        rowClassName={() => 'tj-clickable-row'}
        onRow={(child) => ({ onClick: () => onDrill(child.id) })}
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={laggingOnly ? t('dashboard.allMet') : t('dashboard.noChildren')}
            />
          ),
        }}
      />
    </Card>
  );
}

function StatusCell({
  indicator,
  childId,
  tally,
}: {
  indicator: DashboardIndicator;
  childId: number;
  tally: Tally | undefined;
}) {
  const t = useT();
  const status = childStatus(indicator, tally);
  const testId = `child-status-${childId}-${indicator.id}`;
  if (status === 'na' || !tally) {
    return (
      <Typography.Text type="secondary" data-testid={testId}>
        {t('dashboard.notApplicable')}
      </Typography.Text>
    );
  }
  // The child alone (a township on "≥ 10 groups"): its value; a subtree: how many of its orgs meet it.
  const detail =
    tally.own && tally.applicable <= 1
      ? formatValue(t, indicator.metric, tally.own.value)
      : t('dashboard.metOf', { met: tally.met, total: tally.applicable });
  return (
    <Flex align="center" gap={8} wrap={false}>
      <IndicatorStatusTag status={status} testId={testId} />
      <Typography.Text type="secondary" className="tj-cell-detail">
        {detail}
      </Typography.Text>
    </Flex>
  );
}
