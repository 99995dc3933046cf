import { Spin } from 'antd';
import { lazy, Suspense } from 'react';
import type { ChartOption } from './echarts.js';

export type { ChartOption };

export type ChartProps = {
  option: ChartOption;
  height: number;
  /** A click in the column of a category (a bar chart's bar, or the space above it): its index in the data. */
  onItemClick?: (item: { dataIndex: number }) => void;
  testId?: string;
  className?: string;
};

// ECharts loads with the first chart on screen, not with the login page.
const Impl = lazy(() => import('./EChartImpl.js'));

export function EChart(props: ChartProps) {
  return (
    <Suspense
      fallback={
        <div className="tj-center-block" style={{ height: props.height }}>
          <Spin />
        </div>
      }
    >
      <Impl {...props} />
    </Suspense>
  );
}
