import type { IndicatorStatus, Metric } from '../../../../common/domain.js';
import { shareMetrics } from '../../../../common/campaigns.js';
import type { Translate } from '../../app/i18n.js';

export function isShareMetric(metric: Metric): boolean {
  return (shareMetrics as readonly Metric[]).includes(metric);
}

/** 0.456 → "45.6%", 1 → "100%"; null → "—". */
export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined) return '—';
  const percent = Math.round(share * 1000) / 10;
  return `${percent}%`;
}

/** An org's value on an indicator, in the indicator's unit. */
export function formatValue(t: Translate, metric: Metric, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (isShareMetric(metric)) return formatShare(value);
  const rounded = metric === 'posts_per_channel' ? Math.round(value * 10) / 10 : Math.round(value);
  return `${rounded.toLocaleString('zh-CN')} ${t(`metricUnit.${metric}`)}`.trim();
}

export function formatThreshold(t: Translate, metric: Metric, threshold: number): string {
  return `≥ ${formatValue(t, metric, threshold)}`;
}

export const statusColors: Record<IndicatorStatus, string> = {
  met: 'success',
  not_yet_due: 'processing',
  overdue: 'error',
  not_met: 'default',
};

/** Bar and line colours matching the tags. */
export const shareColor = (share: number | null): string =>
  share === null ? '#d9d9d9' : share >= 1 ? '#52c41a' : share >= 0.5 ? '#faad14' : '#ff4d4f';

/**
 * "共青团周至县哑柏镇委员会" → "周至县哑柏镇": chart axes and narrow columns need the place, not the formula around it.
 */
export function shortOrgName(name: string): string {
  const stem = name
    .replace(/^中国共产主义青年团/, '')
    .replace(/^共青团/, '')
    .replace(/(工作委员会|委员会|团委|团工委|总支部委员会|团总支|支部委员会|团支部|支部)$/, '');
  return stem || name;
}

/** "剩余 12 天" / "今天截止" / "已逾期 3 天" for a deadline, from the server's daysLeft. */
export function deadlineText(t: Translate, daysLeft: number | null): string {
  if (daysLeft === null) return t('dashboard.noDeadline');
  if (daysLeft > 0) return t('dashboard.daysLeft', { n: daysLeft });
  if (daysLeft === 0) return t('dashboard.dueToday');
  return t('dashboard.overdueDays', { n: -daysLeft });
}
