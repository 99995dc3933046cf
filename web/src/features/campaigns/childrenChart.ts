import type { ChartOption } from '../../app/chart/EChart.js';
import type { Translate } from '../../app/i18n.js';
import type { DashboardChild, DashboardIndicator } from './api.js';
import { formatShare, formatThreshold, formatValue, isShareMetric, shareColor, shortOrgName } from './format.js';

export type ChildRow = { child: DashboardChild; tally: DashboardChild['indicators'][number] | undefined };

export const percentOf = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);

/**
 * The top of a percentage axis: 100% once any value is high, else just above the highest value, so that a
 * province where every city is at 2–7% still shows which city leads.
 */
export function axisMax(percents: number[]): number {
  const highest = Math.max(0, ...percents);
  return [10, 20, 40, 60, 80].find((top) => highest * 1.1 <= top) ?? 100;
}

/**
 * When each child is itself the only org the indicator applies to (townships on "≥ 10 groups"), a share is
 * just 0% or 100%: the chart then shows each child's value against the threshold instead, which says how far
 * each one is. Otherwise it shows the share of the child's applicable orgs that meet the indicator.
 */
export function chartMode(rows: ChildRow[]): 'share' | 'value' {
  const alone = rows.every((r) => !r.tally || r.tally.applicable === 0 || (r.tally.applicable === 1 && r.tally.own));
  return alone && rows.some((r) => r.tally?.own) ? 'value' : 'share';
}

export function childrenBarOption(t: Translate, indicator: DashboardIndicator, rows: ChildRow[]): ChartOption {
  const mode = chartMode(rows);
  const share = isShareMetric(indicator.metric);
  const many = rows.length > 12;
  const valueOf = (row: ChildRow): number | null => {
    if (mode === 'share') return percentOf(row.tally?.share ?? null);
    const value = row.tally?.own?.value;
    if (value === null || value === undefined) return null;
    return share ? percentOf(value) : Math.round(value * 10) / 10;
  };
  const colorOf = (row: ChildRow): string => {
    if (mode === 'share') return shareColor(row.tally?.share ?? null);
    const own = row.tally?.own;
    if (!own || own.value === null) return shareColor(null);
    if (own.met) return shareColor(1);
    return shareColor(indicator.threshold > 0 ? own.value / indicator.threshold : 0);
  };
  const values = rows.map(valueOf);
  const target = share ? indicator.threshold * 100 : indicator.threshold;
  const unit = mode === 'share' || share ? '%' : '';
  const yMax =
    mode === 'share'
      ? axisMax(values.map((v) => v ?? 0))
      : niceCeil(Math.max(target, ...values.map((v) => v ?? 0)) * 1.15);

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
        let detail: string;
        if (!tally || tally.applicable === 0) detail = t('dashboard.notApplicable');
        else if (mode === 'value' && tally.own)
          detail = `${formatValue(t, indicator.metric, tally.own.value)}（${formatThreshold(t, indicator.metric, indicator.threshold)}）· ${t(`indicatorStatus.${tally.own.status}`)}`;
        else
          detail = `${formatShare(tally.share)}（${t('dashboard.metOf', { met: tally.met, total: tally.applicable })}）`;
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
    yAxis: {
      type: 'value',
      min: 0,
      max: yMax,
      interval: mode === 'share' ? yMax / 4 : undefined,
      minInterval: share ? undefined : 1,
      axisLabel: { formatter: `{value}${unit}` },
    },
    series: [
      {
        type: 'bar',
        name: mode === 'share' ? t('dashboard.share') : t('dashboard.value'),
        barMaxWidth: 36,
        data: rows.map((r, i) => ({ value: values[i], itemStyle: { color: colorOf(r), borderRadius: [3, 3, 0, 0] } })),
        label: {
          show: rows.length <= 20,
          position: 'top',
          fontSize: 11,
          color: 'rgba(0,0,0,.65)',
          formatter: (p) => (typeof p.value === 'number' ? `${p.value}${unit}` : ''),
        },
        markLine:
          mode === 'value'
            ? {
                silent: true,
                symbol: 'none',
                lineStyle: { type: 'dashed', color: '#c8161d' },
                label: {
                  position: 'insideEndTop',
                  color: '#c8161d',
                  formatter: t('dashboard.targetLine', { v: `${target}${unit}` }),
                },
                data: [{ yAxis: target }],
              }
            : undefined,
      },
    ],
  };
}

/** A round number (1, 1.2, 1.5, 2 … 8 × a power of ten) at or above the value: where the axis ends. */
function niceCeil(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((step) => step * power >= value) ?? 10) * power;
}

/** Tooltips are HTML: org names come from people. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
