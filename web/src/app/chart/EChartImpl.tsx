import { useEffect, useRef } from 'react';
import { echarts } from './echarts.js';
import type { ChartProps } from './EChart.js';

/** The chart itself: init on mount, setOption on change, resize with its box, dispose on unmount. */
export default function EChartImpl({ option, height, onItemClick, testId, className }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onItemClick);
  clickRef.current = onItemClick;

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const instance = echarts.init(element, undefined, { renderer: 'canvas' });
    chart.current = instance;
    // A click anywhere in a category's column counts, not only on its bar: a 0% bar has no height to click.
    instance.getZr().on('click', (event) => {
      const onClick = clickRef.current;
      const point = [event.offsetX, event.offsetY];
      if (!onClick || !instance.containPixel('grid', point)) return;
      const found = instance.convertFromPixel({ xAxisIndex: 0 }, point);
      const index = Array.isArray(found) ? found[0] : found;
      if (typeof index === 'number' && Number.isFinite(index) && index >= 0) onClick({ dataIndex: Math.round(index) });
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // notMerge: a new option replaces the old one, so series removed by a filter disappear.
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div
      ref={box}
      className={className}
      data-testid={testId}
      style={{ width: '100%', height, cursor: onItemClick ? 'pointer' : undefined }}
    />
  );
}
