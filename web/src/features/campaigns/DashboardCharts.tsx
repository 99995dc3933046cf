import { Card, Col, Empty, Row, Typography } from 'antd';
import { useMemo } from 'react';
import { EChart, type ChartOption } from '../../app/chart/EChart.js';
import { useT } from '../../app/i18n.js';
import type { DashboardChild, DashboardIndicator } from './api.js';
import { axisMax, chartMode, childrenBarOption, escapeHtml, percentOf } from './childrenChart.js';
import { formatShare } from './format.js';

type Props = {
  indicator: DashboardIndicator;
  children: DashboardChild[];
  trend: { date: string; indicatorId: number; applicable: number; met: number }[];
  onDrill: (childId: number) => void;
};

/** The children's compliance share on one indicator (click a bar to open that child) and the trend beside it. */
export function DashboardCharts({ indicator, children, trend, onDrill }: Props) {
  const t = useT();
  const rows = useMemo(
    () => children.map((child) => ({ child, tally: child.indicators.find((i) => i.indicatorId === indicator.id) })),
    [children, indicator.id],
  );

  const mode = chartMode(rows);
  const barOption = useMemo<ChartOption>(() => childrenBarOption(t, indicator, rows), [t, indicator, rows]);

  const points = useMemo(() => trend.filter((p) => p.indicatorId === indicator.id), [trend, indicator.id]);
  const lineOption = useMemo<ChartOption>(() => {
    const trendMax = axisMax(points.map((p) => percentOf(p.applicable > 0 ? p.met / p.applicable : null) ?? 0));
    return {
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
      yAxis: { type: 'value', min: 0, max: trendMax, interval: trendMax / 4, axisLabel: { formatter: '{value}%' } },
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
    };
  }, [points, t]);

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={16}>
        <Card
          variant="borderless"
          title={mode === 'value' ? t('dashboard.childrenValues') : t('dashboard.childrenChart')}
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
        <Card
          variant="borderless"
          title={t('dashboard.trend')}
          extra={points.length === 1 && <Typography.Text type="secondary">{t('dashboard.trendToday')}</Typography.Text>}
          styles={{ body: { paddingTop: 8 } }}
        >
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
