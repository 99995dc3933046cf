import { AuditOutlined, EditOutlined, FileTextOutlined, PlusOutlined, ReadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Grid, Segmented, Select, Space, Tag, Typography, type TableColumnsType } from 'antd';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { bulletinKinds, bulletinStatuses, type BulletinKind } from '../../../../common/domain.js';
import type { OrgDetail } from '../../../../common/orgs.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { useSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { useUrlPaging } from '../people/useUrlPaging.js';
import { bulletinApi, type BulletinSummary } from './api.js';
import { BulletinStatusTag } from './labels.js';
import { PublishingFrame } from './PublishingFrame.js';

/** The address of the editor for a new bulletin of an org. */
export function newBulletinPath(orgId: number, kind: BulletinKind = 'article'): string {
  return `/publishing/bulletins/new?org=${orgId}&kind=${kind}`;
}

/** `/publishing/bulletins?org=`: 稿件, the articles and mobile-bulletin issues of an org and the orgs below it. */
export function BulletinListPage() {
  const t = useT();
  const { can } = useSession();
  const navigate = useNavigate();
  return (
    <PublishingFrame
      section="bulletins"
      actions={(org) =>
        can('publishing.write') && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => void navigate(newBulletinPath(org.id))}
            data-testid="new-bulletin"
          >
            {t('pub.list.new')}
          </Button>
        )
      }
    >
      {(org) => <BulletinList org={org} />}
    </PublishingFrame>
  );
}

const statusOptions = bulletinStatuses.filter((s) => s !== 'withdrawn');

function BulletinList({ org }: { org: OrgDetail }) {
  const t = useT();
  const { can } = useSession();
  const narrow = Grid.useBreakpoint().md === false;
  const [search, setSearch] = useSearchParams();
  const paging = useUrlPaging();
  const { page } = paging;
  const status = bulletinStatuses.find((s) => s === search.get('status'));
  const kind = bulletinKinds.find((k) => k === search.get('kind'));
  const setFilter = (name: 'status' | 'kind', value: string | undefined) =>
    setSearch(
      (prev) => {
        const next = new URLSearchParams(prev);
        next.delete('page');
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );
  const { data, loading } = useLoad(
    () => bulletinApi.list({ orgId: org.id, status, kind, page: page.current, pageSize: page.pageSize }),
    [org.id, status, kind, page.current, page.pageSize],
  );
  // Approvers see at a glance what waits for them.
  const mayApprove = can('publishing.approve');
  const waiting = useLoad(
    () =>
      mayApprove
        ? bulletinApi.list({ orgId: org.id, status: 'in_review', page: 1, pageSize: 1 }).then((r) => r.total)
        : Promise.resolve(0),
    [org.id, mayApprove],
  );

  const columns: TableColumnsType<BulletinSummary> = [
    {
      title: t('pub.col.title'),
      dataIndex: 'title',
      render: (title: string, row) => (
        <Space size={6} wrap={false}>
          {row.kind === 'issue' ? (
            <ReadOutlined className="tj-secondary" />
          ) : (
            <FileTextOutlined className="tj-secondary" />
          )}
          <Link to={`/publishing/bulletins/${row.id}`} data-testid={`bulletin-open-${row.id}`}>
            {title}
          </Link>
          {row.kind === 'issue' && (
            <Tag color="purple" style={{ marginInlineEnd: 0 }}>
              {row.issueNumber ? t('pub.issueNumber', { n: row.issueNumber }) : t('bulletinKind.issue')}
            </Tag>
          )}
          {/* On a phone the status column is hidden: the status goes with the title. */}
          {narrow && <BulletinStatusTag status={row.status} />}
        </Space>
      ),
    },
    {
      title: t('pub.col.status'),
      dataIndex: 'status',
      responsive: ['md'],
      render: (s: BulletinSummary['status']) => <BulletinStatusTag status={s} />,
    },
    { title: t('pub.col.org'), dataIndex: 'orgName', responsive: ['md'] },
    {
      title: t('pub.col.sendAt'),
      key: 'sendAt',
      render: (_v, row) =>
        row.publishedAt ? (
          <span className="tj-mono">{formatDateTime(row.publishedAt)}</span>
        ) : row.sendAt ? (
          <span className="tj-mono">
            {formatDateTime(row.sendAt)} <Typography.Text type="secondary">{t('pub.scheduled')}</Typography.Text>
          </span>
        ) : (
          <Typography.Text type="secondary">{t('pub.sendOnApproval')}</Typography.Text>
        ),
    },
    {
      title: t('pub.col.createdBy'),
      dataIndex: 'createdByName',
      responsive: ['xxl'],
      render: (v: string | null) => v ?? t('common.none'),
    },
    {
      title: t('pub.col.updatedAt'),
      dataIndex: 'updatedAt',
      responsive: ['lg'],
      render: (v: string) => <span className="tj-mono">{formatDateTime(v)}</span>,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_v, row) => (
        <Space size={0} wrap={false}>
          {row.status === 'in_review' && mayApprove ? (
            <Link to={`/publishing/bulletins/${row.id}`}>
              <Button type="link" size="small" icon={<AuditOutlined />}>
                {t('pub.action.review')}
              </Button>
            </Link>
          ) : (
            <Link to={`/publishing/bulletins/${row.id}`}>
              <Button type="link" size="small">
                {t('pub.action.view')}
              </Button>
            </Link>
          )}
          {can('publishing.write') && (row.status === 'draft' || row.status === 'rejected') && (
            <Link to={`/publishing/bulletins/${row.id}/edit`}>
              <Button type="link" size="small" icon={<EditOutlined />}>
                {t('common.edit')}
              </Button>
            </Link>
          )}
        </Space>
      ),
    },
  ];

  const waitingCount = waiting.data ?? 0;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {waitingCount > 0 && status !== 'in_review' && (
        <Alert
          type="info"
          showIcon
          icon={<AuditOutlined />}
          title={t('pub.list.waiting', { n: waitingCount })}
          action={
            <Button size="small" type="primary" onClick={() => setFilter('status', 'in_review')}>
              {t('pub.list.showWaiting')}
            </Button>
          }
          data-testid="bulletins-waiting"
        />
      )}
      <Card variant="borderless">
        <div className="tj-toolbar">
          <Space wrap size={8}>
            <Segmented<string>
              value={kind ?? 'all'}
              options={[
                { value: 'all', label: t('pub.filter.allKinds') },
                { value: 'article', label: t('bulletinKind.article') },
                { value: 'issue', label: t('bulletinKind.issue') },
              ]}
              onChange={(v) => setFilter('kind', v === 'all' ? undefined : v)}
            />
            <Select<string>
              allowClear
              placeholder={t('pub.filter.status')}
              aria-label={t('pub.filter.status')}
              value={status}
              onChange={(v) => setFilter('status', v)}
              options={statusOptions.map((s) => ({ value: s, label: t(`bulletinStatus.${s}`) }))}
              style={{ width: 140 }}
              data-testid="bulletin-status-filter"
            />
          </Space>
        </div>
        <PagedTable<BulletinSummary>
          data-testid="bulletins-table"
          columns={columns}
          data={data}
          paging={paging}
          loading={loading}
          emptyText={status || kind ? t('pub.list.emptyFiltered') : t('pub.list.empty')}
        />
      </Card>
    </Space>
  );
}
