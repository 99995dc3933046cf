import { Card, Col, Empty, Row, Typography } from 'antd';
import { useMemo } from 'react';
import { EChart, type ChartOption } from '../../app/chart/EChart.js';
import { useT } from '../../app/i18n.js';
import type { DashboardChild, DashboardIndicator } from './api.js';
import { formatShare, shareColor, shortOrgName } from './format.js';

type Props = {
  indicator: DashboardIndicator;
  children: DashboardChild[];
  trend: { date: string; indicatorId: number; applicable: number; met: number }[];
  onDrill: (childId: number) => void;
};

const percentOf = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);

/** The children's compliance share on one indicator (click a bar to open that child) and the trend beside it. */
export function DashboardCharts({ indicator, children, trend, onDrill }: Props) {
  const t = useT();
  const rows = useMemo(
    () => children.map((child) => ({ child, tally: child.indicators.find((i) => i.indicatorId === indicator.id) })),
    [children, indicator.id],
  );

  const barOption = useMemo<ChartOption>(() => {
    const many = rows.length > 12;
    return {
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params) => {
          const first = Array.isArray(params) ? params[0] : params;
          const row = first ? rows[first.dataIndex] : undefined;
          if (!row) return '';
          const tally = row.tally;
          const detail =
            !tally || tally.applicable === 0
              ? t('dashboard.notApplicable')
              : `${formatShare(tally.share)}（${t('dashboard.metOf', { met: tally.met, total: tally.applicable })}）`;
          return `${escapeHtml(row.child.name)}<br/>${escapeHtml(detail)}`;
        },
      },
      xAxis: {
        type: 'category',
        data: rows.map((r) => shortOrgName(r.child.name)),
        axisTick: { alignWithLabel: true },
        axisLabel: {
          interval: 0,
          rotate: many ? 40 : 0,
          fontSize: many ? 11 : 12,
          width: many ? 90 : 80,
          overflow: 'truncate',
        },
      },
      yAxis: { type: 'value', min: 0, max: 100, interval: 25, axisLabel: { formatter: '{value}%' } },
      series: [
        {
          type: 'bar',
          name: t('dashboard.share'),
          barMaxWidth: 36,
          data: rows.map((r) => ({
            value: percentOf(r.tally?.share ?? null),
            itemStyle: { color: shareColor(r.tally?.share ?? null), borderRadius: [3, 3, 0, 0] },
          })),
          label: {
            show: rows.length <= 20,
            position: 'top',
            fontSize: 11,
            color: 'rgba(0,0,0,.65)',
            formatter: (p) => (typeof p.value === 'number' ? `${p.value}%` : ''),
          },
        },
      ],
    };
  }, [rows, t]);

  const points = useMemo(() => trend.filter((p) => p.indicatorId === indicator.id), [trend, indicator.id]);
  const lineOption = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        formatter: (params) => {
          const first = Array.isArray(params) ? params[0] : params;
          const point = first ? points[first.dataIndex] : undefined;
          if (!point) return '';
          const share = point.applicable > 0 ? point.met / point.applicable : null;
          return `${point.date}<br/>${formatShare(share)}（${escapeHtml(t('dashboard.metOf', { met: point.met, total: point.applicable }))}）`;
        },
      },
      xAxis: { type: 'category', boundaryGap: false, data: points.map((p) => p.date.slice(5)) },
      yAxis: { type: 'value', min: 0, max: 100, interval: 25, axisLabel: { formatter: '{value}%' } },
      series: [
        {
          type: 'line',
          name: t('dashboard.share'),
          smooth: true,
          showSymbol: points.length <= 31,
          symbolSize: 6,
          lineStyle: { color: '#c8161d', width: 2 },
          itemStyle: { color: '#c8161d' },
          areaStyle: { color: 'rgba(200,22,29,0.10)' },
          data: points.map((p) => percentOf(p.applicable > 0 ? p.met / p.applicable : null)),
        },
      ],
    }),
    [points, t],
  );

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={16}>
        <Card
          variant="borderless"
          title={t('dashboard.childrenChart')}
          extra={rows.length > 0 && <Typography.Text type="secondary">{t('dashboard.drillHint')}</Typography.Text>}
          styles={{ body: { paddingTop: 8 } }}
        >
          {rows.length === 0 ? (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={t('dashboard.noChildren')}
              style={{ height: 268 }}
            />
          ) : (
            <EChart
              option={barOption}
              height={300}
              testId="child-chart"
              onItemClick={({ dataIndex }) => {
                const row = rows[dataIndex];
                if (row) onDrill(row.child.id);
              }}
            />
          )}
        </Card>
      </Col>
      <Col xs={24} xl={8}>
        <Card variant="borderless" title={t('dashboard.trend')} styles={{ body: { paddingTop: 8 } }}>
          {points.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.noTrend')} style={{ height: 268 }} />
          ) : (
            <EChart option={lineOption} height={300} testId="trend-chart" />
          )}
        </Card>
      </Col>
    </Row>
  );
}

/** Tooltips are HTML: org names come from people. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
