import { DownloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Row,
  Space,
  Statistic,
  Table,
  Tag,
  type TableColumnsType,
} from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import type { MinorsAccessReport, MinorsAccessRow } from '../../../../common/audit.js';
import { EChart, type ChartOption } from '../../app/chart/EChart.js';
import { formatCount, formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { PageHeader } from '../../app/PageHeader.js';
import { useLoad } from '../../app/useLoad.js';
import { auditApi } from './api.js';

type ActorRow = MinorsAccessReport['actors'][number];
type ExportRow = MinorsAccessReport['exports'][number];

/** 未成年人信息访问年度报告: who revealed or changed minors' records in a year, for the audit administrator. */
export function MinorsReportPage() {
  const t = useT();
  const [year, setYear] = useState(() => dayjs().year());
  const [downloading, setDownloading] = useState(false);
  const { data: report, loading } = useLoad(() => auditApi.minorsReport(year), [year]);

  const monthOption = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [t('minors.reveals'), t('minors.changes')] },
      xAxis: { type: 'category', data: (report?.months ?? []).map((m) => t('minors.month', { m: m.month })) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          type: 'bar',
          stack: 'all',
          name: t('minors.reveals'),
          data: (report?.months ?? []).map((m) => m.reveals),
          itemStyle: { color: '#fa8c16' },
        },
        {
          type: 'bar',
          stack: 'all',
          name: t('minors.changes'),
          data: (report?.months ?? []).map((m) => m.changes),
          itemStyle: { color: '#1677ff' },
        },
      ],
    }),
    [report, t],
  );

  const actorColumns: TableColumnsType<ActorRow> = [
    { title: t('minors.col.actor'), dataIndex: 'actorName', render: (v: string | null) => v ?? '—' },
    { title: t('minors.col.actorOrg'), dataIndex: 'orgName', render: (v: string | null) => v ?? '—' },
    { title: t('minors.reveals'), dataIndex: 'reveals', align: 'right', render: formatCount },
    { title: t('minors.changes'), dataIndex: 'changes', align: 'right', render: formatCount },
    { title: t('minors.minors'), dataIndex: 'minors', align: 'right', render: formatCount },
    { title: t('minors.col.last'), dataIndex: 'lastAt', render: (v: string) => formatDateTime(v) },
  ];
  const rowColumns: TableColumnsType<MinorsAccessRow> = [
    { title: t('minors.col.time'), dataIndex: 'at', width: 160, render: (v: string) => formatDateTime(v) },
    { title: t('minors.col.actor'), dataIndex: 'actorName', render: (v: string | null) => v ?? '—' },
    {
      title: t('minors.col.kind'),
      dataIndex: 'kind',
      render: (kind: MinorsAccessRow['kind']) => (
        <Tag color={kind === 'reveal' ? 'orange' : 'blue'}>{t(`minors.kind.${kind}`)}</Tag>
      ),
    },
    {
      title: t('minors.col.subject'),
      key: 'subject',
      render: (_v, row) => `${t(`minors.subject.${row.subjectType}`)} ${row.subjectName}`,
    },
    { title: t('minors.col.age'), dataIndex: 'age', align: 'right', width: 90 },
    {
      title: t('minors.col.recordOrg'),
      dataIndex: 'orgName',
      responsive: ['lg'],
      render: (v: string | null) => v ?? '—',
    },
    {
      title: t('minors.col.result'),
      dataIndex: 'result',
      width: 80,
      render: (result: MinorsAccessRow['result']) => (
        <Tag color={result === 'success' ? 'success' : 'error'}>{t(`audit.result.${result}`)}</Tag>
      ),
    },
  ];
  const exportColumns: TableColumnsType<ExportRow> = [
    { title: t('minors.col.time'), dataIndex: 'at', width: 160, render: (v: string) => formatDateTime(v) },
    { title: t('minors.col.actor'), dataIndex: 'actorName', render: (v: string | null) => v ?? '—' },
    { title: t('minors.col.scope'), dataIndex: 'orgName' },
  ];

  const download = async () => {
    setDownloading(true);
    try {
      await auditApi.minorsReportXlsx(year);
    } catch {
      // The API client has shown the server's message.
    } finally {
      setDownloading(false);
    }
  };

  const totals = report?.totals;
  return (
    <>
      <PageHeader
        title={t('minors.title')}
        subtitle={t('minors.subtitle')}
        breadcrumb={[{ title: t('audit.title'), to: '/audit' }, { title: t('minors.title') }]}
        extra={
          <Space>
            <DatePicker
              picker="year"
              allowClear={false}
              value={dayjs().year(year)}
              onChange={(value) => value && setYear(value.year())}
              disabledDate={(d) => d.year() > dayjs().year() || d.year() < 2000}
              aria-label={t('minors.year')}
              data-testid="minors-year"
            />
            <Button icon={<DownloadOutlined />} loading={downloading} onClick={() => void download()}>
              {t('minors.download')}
            </Button>
          </Space>
        }
      />
      <div className="tj-page-body">
        <Row gutter={[16, 16]}>
          {(
            [
              ['minors.accesses', totals?.accesses, 'minors.unit.times'],
              ['minors.reveals', totals?.reveals, 'minors.unit.times'],
              ['minors.changes', totals?.changes, 'minors.unit.times'],
              ['minors.minors', totals?.minors, 'minors.unit.people'],
              ['minors.actors', totals?.actors, 'minors.unit.people'],
              ['minors.exports', totals?.exports, 'minors.unit.times'],
            ] as const
          ).map(([label, value, unit]) => (
            <Col key={label} xs={12} md={8} xl={4}>
              <Card variant="borderless" loading={loading && !report}>
                <Statistic title={t(label)} value={value ?? 0} suffix={t(unit)} data-testid={`minors-${label}`} />
              </Card>
            </Col>
          ))}
        </Row>
        {totals && totals.unknownSubjects > 0 && (
          <Alert
            type="info"
            showIcon
            style={{ marginTop: 16 }}
            title={t('minors.unknown', { n: totals.unknownSubjects })}
          />
        )}
        {report && totals?.accesses === 0 && totals.exports === 0 ? (
          <Card variant="borderless" style={{ marginTop: 16 }}>
            <Empty description={t('minors.empty')} />
          </Card>
        ) : (
          <>
            <Card variant="borderless" title={t('minors.byMonth')} style={{ marginTop: 16 }}>
              <EChart option={monthOption} height={240} testId="minors-months" />
            </Card>
            <Card variant="borderless" title={t('minors.byActor')} style={{ marginTop: 16 }}>
              <Table<ActorRow>
                rowKey={(row) => String(row.actorId ?? row.actorName)}
                columns={actorColumns}
                dataSource={report?.actors ?? []}
                loading={loading}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                size="middle"
              />
            </Card>
            <Card
              variant="borderless"
              title={t('minors.detail')}
              extra={<span style={{ color: 'rgba(0,0,0,0.45)', fontSize: 13 }}>{t('minors.detailHint')}</span>}
              style={{ marginTop: 16 }}
            >
              <Table<MinorsAccessRow>
                rowKey={(row) => `${row.at}-${row.subjectType}-${row.subjectId}-${row.action}`}
                columns={rowColumns}
                dataSource={report?.rows ?? []}
                loading={loading}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                size="middle"
                data-testid="minors-rows"
              />
            </Card>
            <Card variant="borderless" title={t('minors.exportList')} style={{ marginTop: 16 }}>
              <Table<ExportRow>
                rowKey={(row) => `${row.at}-${row.actorName}`}
                columns={exportColumns}
                dataSource={report?.exports ?? []}
                loading={loading}
                pagination={{ pageSize: 10, hideOnSinglePage: true }}
                size="small"
              />
            </Card>
          </>
        )}
      </div>
    </>
  );
}
