import { Button, DatePicker, Empty, Form, InputNumber, Space, Table } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import type { ChannelDetail } from '../../../../common/ledger.js';
import { EChart, type ChartOption } from '../../app/chart/EChart.js';
import { formatCount } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { channelApi } from './api.js';

type Props = { channel: ChannelDetail; onSaved: (next: ChannelDetail) => void };
type Entry = { onDate: Dayjs; count: number };

/** Member or follower counts over time: a small line chart and a form to record today's (or a past day's). */
export function ChannelReadings({ channel, onSaved }: Props) {
  const t = useT();
  const points = useMemo(() => [...channel.readings].reverse(), [channel.readings]);
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', boundaryGap: false, data: points.map((p) => p.onDate) },
      yAxis: { type: 'value', minInterval: 1, splitNumber: 3 },
      series: [
        {
          type: 'line',
          name: t('channel.col.members'),
          data: points.map((p) => p.count),
          showSymbol: points.length <= 20,
          lineStyle: { color: '#1677ff' },
          itemStyle: { color: '#1677ff' },
          areaStyle: { color: 'rgba(22,119,255,0.08)' },
        },
      ],
    }),
    [points, t],
  );

  return (
    <>
      {points.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('channel.noReadings')} />
      ) : (
        <EChart option={option} height={180} testId="readings-chart" />
      )}
      {channel.abilities.update && (
        <EntryForm
          testPrefix="reading"
          countLabel={t('channel.col.members')}
          submitLabel={t('channel.addReading')}
          save={(entry) => channelApi.addReading(channel.id, entry)}
          onSaved={onSaved}
        />
      )}
    </>
  );
}

/** Posts recorded by hand, per day; what the inspection counts as content frequency. */
export function ChannelPosts({ channel, onSaved }: Props) {
  const t = useT();
  return (
    <>
      <Table
        size="small"
        rowKey="onDate"
        dataSource={channel.recentPosts}
        pagination={channel.recentPosts.length > 5 ? { pageSize: 5, size: 'small', showSizeChanger: false } : false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('channel.noPosts')} /> }}
        columns={[
          { title: t('channel.postsDate'), dataIndex: 'onDate' },
          { title: t('channel.postsCount'), dataIndex: 'count', align: 'right', render: (n: number) => formatCount(n) },
        ]}
        data-testid="posts-table"
      />
      {channel.abilities.update && (
        <EntryForm
          testPrefix="posts"
          countLabel={t('channel.postsCount')}
          submitLabel={t('channel.addPosts')}
          save={(entry) => channelApi.addPosts(channel.id, entry)}
          onSaved={onSaved}
        />
      )}
    </>
  );
}

function EntryForm({
  testPrefix,
  countLabel,
  submitLabel,
  save,
  onSaved,
}: {
  testPrefix: string;
  countLabel: string;
  submitLabel: string;
  save: (entry: { onDate: string; count: number }) => Promise<ChannelDetail>;
  onSaved: (next: ChannelDetail) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<Entry>();
  const [saving, setSaving] = useState(false);
  const submit = async (values: Entry) => {
    setSaving(true);
    try {
      onSaved(await save({ onDate: values.onDate.format('YYYY-MM-DD'), count: values.count }));
      form.resetFields(['count']);
    } catch {
      // The API client has shown the server's message.
    } finally {
      setSaving(false);
    }
  };
  return (
    <Form<Entry>
      form={form}
      layout="inline"
      initialValues={{ onDate: dayjs() }}
      onFinish={(v) => void submit(v)}
      style={{ marginTop: 12, rowGap: 8 }}
    >
      <Form.Item name="onDate" rules={[{ required: true, message: t('ledger.dateRequired') }]}>
        <DatePicker
          allowClear={false}
          disabledDate={(d) => d.isAfter(dayjs(), 'day')}
          data-testid={`${testPrefix}-date`}
        />
      </Form.Item>
      <Form.Item name="count" rules={[{ required: true, message: t('ledger.countRequired') }]}>
        <InputNumber
          min={0}
          precision={0}
          placeholder={countLabel}
          style={{ width: 140 }}
          data-testid={`${testPrefix}-count`}
        />
      </Form.Item>
      <Form.Item>
        <Space>
          <Button htmlType="submit" type="primary" ghost loading={saving} data-testid={`add-${testPrefix}`}>
            {submitLabel}
          </Button>
        </Space>
      </Form.Item>
    </Form>
  );
}
