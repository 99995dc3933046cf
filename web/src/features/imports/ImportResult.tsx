import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Col, Empty, List, Progress, Row, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import type { ImportCounts, PreviewRow, RowAction } from '../../../../common/imports.js';
import { useT } from '../../app/i18n.js';
import { importApi, importResultOf, type ImportResult as Result, type JobItem } from './api.js';

const countKeys: (keyof ImportCounts)[] = ['rows', 'create', 'update', 'unchanged', 'errors'];
const actionColors: Record<RowAction, string> = {
  create: 'success',
  update: 'processing',
  unchanged: 'default',
  error: 'error',
  duplicate: 'warning',
};

/** What a job has done so far: progress while it runs, then the counts, a preview and the row errors. */
export function ImportResult({ job }: { job: JobItem }) {
  const t = useT();
  const running = job.status === 'queued' || job.status === 'running';
  const result = importResultOf(job);
  const reportButton = job.abilities.downloadErrors && (job.status === 'failed' || result?.errorReport) && (
    <Button
      size="small"
      icon={<DownloadOutlined />}
      onClick={() => void importApi.downloadErrors(job.id).catch(() => undefined)}
      data-testid="import-error-report"
    >
      {t('import.errorReport')}
    </Button>
  );

  if (running) {
    const { done, total } = job.progress;
    return (
      <div data-testid="import-progress" style={{ padding: '8px 0' }}>
        <Progress percent={total ? Math.floor((done / total) * 100) : 0} status="active" />
        <Typography.Text type="secondary">
          {job.status === 'queued' ? t('import.queued') : t('import.running', { done, total: total ?? '…' })}
        </Typography.Text>
      </div>
    );
  }

  const hasErrors = (result?.counts.errors ?? 0) > 0;
  return (
    <div data-testid="import-result" data-status={job.status}>
      {job.status === 'failed' ? (
        <Alert
          type="error"
          showIcon
          title={t('import.failed')}
          description={job.error ?? undefined}
          action={reportButton}
          style={{ marginBottom: 16 }}
        />
      ) : (
        <Alert
          type={hasErrors ? 'warning' : 'success'}
          showIcon
          title={result?.dryRun ? t('import.doneDry') : t('import.doneReal')}
          description={hasErrors ? t('import.someErrors') : undefined}
          action={reportButton}
          style={{ marginBottom: 16 }}
        />
      )}
      {result && <ResultDetails result={result} applied={job.status === 'done' && !result.dryRun} />}
    </div>
  );
}

/** Counts of a dry run or a refused run say what the file would do, not what was done. */
function ResultDetails({ result, applied }: { result: Result; applied: boolean }) {
  const t = useT();
  return (
    <>
      <Row gutter={16} style={{ marginBottom: 8 }}>
        {countKeys.map((key) => (
          <Col key={key} flex="1 0 96px">
            <Statistic
              title={t(
                applied || key === 'rows' || key === 'errors' ? `import.count.${key}` : `import.wouldCount.${key}`,
              )}
              value={result.counts[key]}
              styles={key === 'errors' && result.counts.errors > 0 ? { content: { color: '#ff4d4f' } } : undefined}
              data-testid={`import-count-${key}`}
            />
          </Col>
        ))}
        {result.cadresCreated !== undefined && (
          <Col flex="1 0 96px">
            <Statistic title={t('import.count.cadresCreated')} value={result.cadresCreated} />
          </Col>
        )}
      </Row>
      <Tabs
        size="small"
        defaultActiveKey={result.errors.length > 0 ? 'errors' : 'preview'}
        items={[
          {
            key: 'preview',
            label: t('import.tab.preview', { n: result.preview.length }),
            children: <PreviewTable result={result} />,
          },
          {
            key: 'errors',
            label: t('import.tab.errors', { n: result.counts.errors }),
            children:
              result.errors.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('import.noErrors')} />
              ) : (
                <List
                  size="small"
                  data-testid="import-errors"
                  dataSource={result.errors}
                  renderItem={(message) => <List.Item>{message}</List.Item>}
                  footer={
                    result.errorReport && result.errors.length < result.counts.errors ? (
                      <Typography.Text type="secondary">{t('import.moreInReport')}</Typography.Text>
                    ) : undefined
                  }
                  style={{ maxHeight: 260, overflow: 'auto' }}
                />
              ),
          },
        ]}
      />
    </>
  );
}

function PreviewTable({ result }: { result: Result }) {
  const t = useT();
  if (result.preview.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.empty')} />;
  return (
    <Table<PreviewRow>
      data-testid="import-preview"
      size="small"
      rowKey="row"
      dataSource={result.preview}
      pagination={result.preview.length > 8 ? { pageSize: 8, showSizeChanger: false, size: 'small' } : false}
      scroll={{ x: 'max-content' }}
      columns={[
        { title: t('import.col.row'), dataIndex: 'row', width: 60, fixed: 'left' },
        {
          title: t('import.col.action'),
          dataIndex: 'action',
          width: 80,
          render: (action: RowAction) => <Tag color={actionColors[action]}>{t(`import.action.${action}`)}</Tag>,
        },
        ...result.columns.map((column) => ({
          title: column.header,
          key: column.key,
          render: (_v: unknown, row: PreviewRow) => row.values[column.key] ?? '',
        })),
        {
          title: t('import.col.message'),
          key: 'errors',
          render: (_v: unknown, row: PreviewRow) =>
            row.errors.length > 0 ? <Typography.Text type="danger">{row.errors.join('；')}</Typography.Text> : null,
        },
      ]}
    />
  );
}
