import { Alert, Button, Col, Empty, Progress, Row, Statistic, Table, Tabs, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import type { MessageKey } from '../../app/i18n.js';
import { useT } from '../../app/i18n.js';
import { importApi, type ImportJob, type ImportRowError } from './api.js';
import { jobFailure } from './useJob.js';

const countLabels: Record<string, MessageKey> = {
  total: 'import.count.total',
  rows: 'import.count.total',
  created: 'import.count.created',
  inserted: 'import.count.created',
  updated: 'import.count.updated',
  unchanged: 'import.count.unchanged',
  skipped: 'import.count.skipped',
  duplicates: 'import.count.duplicates',
  errors: 'import.count.errors',
  invalid: 'import.count.errors',
};

/** What a job has done so far: progress while it runs, then the counts, a preview and the row errors. */
export function ImportResult({ job }: { job: ImportJob }) {
  const t = useT();
  const running = job.status === 'queued' || job.status === 'running';
  const done = job.progress?.done ?? 0;
  const total = job.progress?.total ?? null;
  const failure = jobFailure(job);
  const counts = Object.entries(job.result?.counts ?? {});
  const preview = job.result?.preview ?? [];
  const errors = job.result?.errors ?? [];

  if (running) {
    return (
      <div data-testid="import-progress" style={{ padding: '16px 0' }}>
        <Progress percent={total ? Math.floor((done / total) * 100) : 0} status="active" />
        <Typography.Text type="secondary">
          {job.status === 'queued' ? t('import.queued') : t('import.running', { done, total: total ?? '…' })}
        </Typography.Text>
      </div>
    );
  }

  return (
    <div data-testid="import-result">
      {job.status === 'failed' ? (
        <Alert
          type="error"
          showIcon
          title={t('import.failed')}
          description={failure ?? undefined}
          action={
            <Button
              size="small"
              icon={<DownloadOutlined />}
              onClick={() => void importApi.downloadErrors(job.id).catch(() => undefined)}
              data-testid="import-error-report"
            >
              {t('import.errorReport')}
            </Button>
          }
          style={{ marginBottom: 16 }}
        />
      ) : (
        <Alert
          type={errors.length > 0 ? 'warning' : 'success'}
          showIcon
          title={job.dryRun === false ? t('import.doneReal') : job.dryRun ? t('import.doneDry') : t('import.done')}
          style={{ marginBottom: 16 }}
        />
      )}
      {counts.length > 0 && (
        <Row gutter={16} style={{ marginBottom: 8 }}>
          {counts.map(([key, value]) => (
            <Col key={key} xs={12} sm={6}>
              <Statistic
                title={countLabels[key] ? t(countLabels[key]) : key}
                value={value}
                data-testid={`import-count-${key}`}
              />
            </Col>
          ))}
        </Row>
      )}
      {(preview.length > 0 || errors.length > 0) && (
        <Tabs
          size="small"
          items={[
            {
              key: 'errors',
              label: t('import.tab.errors', { n: errors.length }),
              children: <ErrorsTable jobId={job.id} errors={errors} />,
            },
            {
              key: 'preview',
              label: t('import.tab.preview', { n: preview.length }),
              children: <PreviewTable rows={preview} />,
            },
          ]}
          defaultActiveKey={errors.length > 0 ? 'errors' : 'preview'}
        />
      )}
    </div>
  );
}

function ErrorsTable({ jobId, errors }: { jobId: number; errors: ImportRowError[] }) {
  const t = useT();
  if (errors.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('import.noErrors')} />;
  return (
    <>
      <Button
        size="small"
        icon={<DownloadOutlined />}
        onClick={() => void importApi.downloadErrors(jobId).catch(() => undefined)}
        style={{ marginBottom: 8 }}
      >
        {t('import.errorReport')}
      </Button>
      <Table<ImportRowError & { key: number }>
        data-testid="import-errors"
        size="small"
        rowKey="key"
        dataSource={errors.map((e, key) => ({ ...e, key }))}
        pagination={errors.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
        columns={[
          { title: t('import.col.row'), dataIndex: 'row', width: 70 },
          {
            title: t('import.col.column'),
            key: 'column',
            width: 120,
            render: (_v, e) => e.column ?? e.field ?? t('common.none'),
          },
          { title: t('import.col.message'), dataIndex: 'message' },
        ]}
      />
    </>
  );
}

function PreviewTable({ rows }: { rows: Record<string, unknown>[] }) {
  const t = useT();
  if (rows.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.empty')} />;
  const keys = Array.from(new Set(rows.flatMap((row) => Object.keys(row))));
  return (
    <Table<Record<string, unknown> & { __key: number }>
      data-testid="import-preview"
      size="small"
      rowKey="__key"
      dataSource={rows.map((row, index) => ({ ...row, __key: index }))}
      pagination={rows.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
      scroll={{ x: 'max-content' }}
      columns={keys.map((key) => ({ title: key, dataIndex: key, render: (value: unknown) => display(value) }))}
    />
  );
}

function display(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
