import { Card, Empty, Segmented } from 'antd';
import { useMemo, useState } from 'react';
import { channelKinds, type ChannelKind } from '../../../../common/domain.js';
import { EChart, type ChartOption } from '../../app/chart/EChart.js';
import { useT } from '../../app/i18n.js';
import { useLoad } from '../../app/useLoad.js';
import { deliveryApi } from './api.js';
import { weekLabel } from './format.js';

const isChannelKind = (kind: string): kind is ChannelKind => (channelKinds as readonly string[]).includes(kind);

const spans = [8, 12, 26] as const;

/**
 * 各渠道每周发布条数: what the campaign's content indicator counts, for the org's own channels — posts the platform
 * delivered plus those recorded by hand in the ledger. Channels without a post in the span are left out.
 */
export function WeeklyPostsChart({ orgId }: { orgId: number }) {
  const t = useT();
  const [weeks, setWeeks] = useState<(typeof spans)[number]>(12);
  const { data } = useLoad(() => deliveryApi.weeklyPosts(orgId, weeks), [orgId, weeks]);
  const channels = useMemo(() => (data?.channels ?? []).filter((c) => c.posts.some((n) => n > 0)), [data]);
  // Two channels of one org may share a name (青农周至 the group and 青农周至 the account): the kind tells them apart.
  const names = useMemo(() => {
    const counts = new Map<string, number>();
    for (const c of channels) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
    return new Map(
      channels.map((c) => [
        c.channelId,
        (counts.get(c.name) ?? 0) > 1 && isChannelKind(c.kind) ? `${c.name}（${t(`channelKind.${c.kind}`)}）` : c.name,
      ]),
    );
  }, [channels, t]);
  const option = useMemo<ChartOption | null>(() => {
    if (!data || channels.length === 0) return null;
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
      xAxis: {
        type: 'category',
        data: data.weeks.map((w) => t('pub.chart.weekOf', { week: weekLabel(w) })),
        axisTick: { alignWithLabel: true },
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: channels.map((c) => ({
        type: 'bar' as const,
        name: names.get(c.channelId) ?? c.name,
        stack: 'posts',
        data: c.posts,
        emphasis: { focus: 'series' as const },
        barMaxWidth: 36,
      })),
    };
  }, [data, channels, names, t]);

  return (
    <Card
      variant="borderless"
      title={t('pub.chart.title')}
      extra={
        <Segmented<number>
          size="small"
          value={weeks}
          onChange={(v) => setWeeks(v as (typeof spans)[number])}
          options={spans.map((n) => ({ value: n, label: t('pub.chart.weeks', { n }) }))}
        />
      }
      data-testid="weekly-posts"
    >
      {option ? (
        <EChart option={option} height={280} testId="weekly-posts-chart" />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={data ? t('pub.chart.empty') : undefined} />
      )}
    </Card>
  );
}
