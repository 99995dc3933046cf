import { EditOutlined, FormOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Space, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { OrgDetail } from '../../../../common/orgs.js';
import { formatDateTime } from '../../app/format.js';
import { useI18n } from '../../app/i18n.js';
import { useSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { bulletinApi, seriesApi, type SeriesItem, type TargetInput } from './api.js';
import { describeCron } from './format.js';
import { IssueModal } from './IssueModal.js';
import { TargetLabel } from './labels.js';
import { PublishingCalendar } from './PublishingCalendar.js';
import { PublishingFrame } from './PublishingFrame.js';
import { SeriesFormModal } from './SeriesFormModal.js';

/** `/publishing/series?org=`: 手机报, the org's periodic mobile bulletins and the publishing calendar. */
export function SeriesPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const [creating, setCreating] = useState(false);
  return (
    <PublishingFrame
      section="series"
      actions={() =>
        can('publishing.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-series">
            {t('pub.series.create')}
          </Button>
        )
      }
    >
      {(org) => <SeriesBody org={org} creating={creating} onCreated={() => setCreating(false)} />}
    </PublishingFrame>
  );
}

type Dialog = { kind: 'edit'; series: SeriesItem } | { kind: 'issue'; series: SeriesItem };

function SeriesBody({ org, creating, onCreated }: { org: OrgDetail; creating: boolean; onCreated: () => void }) {
  const { t, lang } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [version, setVersion] = useState(0);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [switching, setSwitching] = useState<number | null>(null);
  const { data, loading } = useLoad(() => seriesApi.list(org.id), [org.id, version]);
  const channels = useLoad(() => bulletinApi.targetChannels(org.id), [org.id]);
  const names = useMemo(() => new Map((channels.data?.items ?? []).map((c) => [c.id, c.name])), [channels.data]);
  const mayWrite = can('publishing.write');
  const changed = () => setVersion((v) => v + 1);

  const setActive = async (series: SeriesItem, active: boolean) => {
    setSwitching(series.id);
    try {
      await seriesApi.update(series.id, { active });
      void message.success(t(active ? 'pub.series.activated' : 'pub.series.paused'));
      changed();
    } catch {
      // Shown by the API client.
    } finally {
      setSwitching(null);
    }
  };

  const targetLabel = (target: TargetInput, index: number) =>
    target.kind === 'web' ? (
      <TargetLabel key={index} kind="web" channelName={null} />
    ) : (
      <TargetLabel
        key={index}
        kind={target.kind}
        channelName={names.get(target.channelId) ?? `#${target.channelId}`}
        oaMode={target.kind === 'official_account' ? target.oaMode : null}
      />
    );

  const columns: TableColumnsType<SeriesItem> = [
    {
      title: t('pub.series.name'),
      dataIndex: 'name',
      render: (name: string, row) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{name}</Typography.Text>
          <Typography.Text type="secondary">
            {row.lastIssueNumber ? t('pub.series.lastIssue', { n: row.lastIssueNumber }) : t('pub.series.noIssue')}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('pub.series.schedule'),
      dataIndex: 'cron',
      render: (cron: string) => (
        <Space orientation="vertical" size={0}>
          <span>{describeCron(cron, lang) ?? t('pub.series.customCron')}</span>
          <Typography.Text type="secondary" className="tj-mono">
            {cron}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('pub.series.nextRuns'),
      dataIndex: 'nextRuns',
      render: (runs: string[], row) =>
        !row.active ? (
          <Typography.Text type="secondary">{t('pub.series.pausedHint')}</Typography.Text>
        ) : (
          <Space orientation="vertical" size={0}>
            {runs.slice(0, 3).map((run) => (
              <span key={run} className="tj-mono">
                {formatDateTime(run)}
              </span>
            ))}
          </Space>
        ),
    },
    {
      title: t('pub.field.targets'),
      dataIndex: 'targets',
      responsive: ['lg'],
      render: (targets: TargetInput[]) =>
        targets.length === 0 ? (
          <Tag color="warning">{t('pub.detail.noTargets')}</Tag>
        ) : (
          <Space orientation="vertical" size={2}>
            {targets.map(targetLabel)}
          </Space>
        ),
    },
    {
      title: t('pub.series.active'),
      dataIndex: 'active',
      render: (active: boolean, row) => (
        <Switch
          checked={active}
          disabled={!mayWrite}
          loading={switching === row.id}
          onChange={(next) => void setActive(row, next)}
          aria-label={t('pub.series.activeOf', { name: row.name })}
          checkedChildren={t('pub.series.on')}
          unCheckedChildren={t('pub.series.off')}
        />
      ),
    },
    ...(mayWrite
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            fixed: 'right' as const,
            render: (_v: unknown, row: SeriesItem) => (
              <Space size={0} wrap={false}>
                <Button
                  type="link"
                  size="small"
                  icon={<FormOutlined />}
                  disabled={!row.active}
                  onClick={() => setDialog({ kind: 'issue', series: row })}
                  data-testid={`series-issue-${row.id}`}
                >
                  {t('pub.series.compose')}
                </Button>
                <Button
                  type="link"
                  size="small"
                  icon={<EditOutlined />}
                  onClick={() => setDialog({ kind: 'edit', series: row })}
                >
                  {t('common.edit')}
                </Button>
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card variant="borderless" title={t('pub.series.listTitle')}>
        <Table<SeriesItem>
          rowKey="id"
          data-testid="series-table"
          columns={columns}
          dataSource={data?.items ?? []}
          loading={loading}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{
            emptyText: (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pub.series.empty')}>
                {mayWrite && <Typography.Text type="secondary">{t('pub.series.emptyHint')}</Typography.Text>}
              </Empty>
            ),
          }}
        />
      </Card>
      <PublishingCalendar orgId={org.id} version={version} />
      {(creating || dialog?.kind === 'edit') && (
        <SeriesFormModal
          orgId={org.id}
          series={dialog?.kind === 'edit' ? dialog.series : null}
          onClose={() => {
            setDialog(null);
            onCreated();
          }}
          onDone={(series) => {
            void message.success(t(creating ? 'pub.series.created' : 'pub.series.saved', { name: series.name }));
            setDialog(null);
            onCreated();
            changed();
          }}
        />
      )}
      {dialog?.kind === 'issue' && (
        <IssueModal
          series={dialog.series}
          onClose={() => setDialog(null)}
          onDone={(issue) => {
            void message.success(t('pub.series.issueCreated', { title: issue.title }));
            void navigate(`/publishing/bulletins/${issue.id}/edit`);
          }}
        />
      )}
    </Space>
  );
}
