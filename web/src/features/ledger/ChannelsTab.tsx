import { WarningOutlined } from '@ant-design/icons';
import { Input, Select, Space, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import type { ChannelItem } from '../../../../common/ledger.js';
import { channelKinds, channelStatuses, type ChannelKind, type ChannelStatus } from '../../../../common/domain.js';
import { formatCount } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { useLoad } from '../../app/useLoad.js';
import { usePaging } from '../../app/usePaging.js';
import { ImportDialog } from '../imports/ImportDialog.js';
import { channelApi, type LedgerScope } from './api.js';
import { ChannelDrawer } from './ChannelDrawer.js';
import { ChannelFormModal } from './ChannelFormModal.js';
import { editColumn } from './editColumn.js';
import { ChannelKindTag, ChannelStatusTag } from './labels.js';
import { LedgerListActions, ScopeSwitch } from './LedgerToolbar.js';

type Filters = { q?: string; kind?: ChannelKind; status?: ChannelStatus; namingIssue?: boolean; scope: LedgerScope };

/** 两群一号台账 of one org: its own channels or its whole subtree's, with filters, import and export. */
export function ChannelsTab({ orgId, orgName }: { orgId: number; orgName: string }) {
  const t = useT();
  const [filters, setFilters] = useState<Filters>({ scope: 'subtree' });
  const paging = usePaging();
  const { page } = paging;
  const [editing, setEditing] = useState<ChannelItem | 'new' | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const [importing, setImporting] = useState(false);
  // Bumped after an edit so that an open drawer shows the saved values.
  const [version, setVersion] = useState(0);
  const { data, loading, reload } = useLoad(
    () => channelApi.list({ orgId, ...filters, page: page.current, pageSize: page.pageSize }),
    [orgId, filters, page.current, page.pageSize],
  );
  const filter = (next: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...next }));
    paging.toFirstPage();
  };

  const columns: TableColumnsType<ChannelItem> = [
    {
      title: t('channel.col.name'),
      dataIndex: 'name',
      render: (name: string, row) => (
        <Space size={6}>
          <Typography.Link onClick={() => setOpenId(row.id)} data-testid={`channel-open-${row.id}`}>
            {name}
          </Typography.Link>
          {row.namingIssue && (
            <Tooltip title={row.namingIssue}>
              <WarningOutlined
                style={{ color: '#fa8c16' }}
                data-testid={`naming-issue-${row.id}`}
                aria-label={row.namingIssue}
              />
            </Tooltip>
          )}
        </Space>
      ),
    },
    { title: t('channel.col.kind'), dataIndex: 'kind', render: (kind: ChannelKind) => <ChannelKindTag kind={kind} /> },
    ...(filters.scope === 'subtree'
      ? [{ title: t('ledger.col.org'), dataIndex: 'orgName', responsive: ['md' as const] }]
      : []),
    {
      title: t('channel.col.status'),
      dataIndex: 'status',
      render: (s: ChannelStatus) => <ChannelStatusTag status={s} />,
    },
    {
      title: t('channel.col.members'),
      key: 'members',
      align: 'right',
      render: (_v, row) =>
        row.latestCount === null ? (
          <Typography.Text type="secondary">{t('common.none')}</Typography.Text>
        ) : (
          <Tooltip title={t('channel.countOn', { date: row.latestCountOn ?? '' })}>
            {formatCount(row.latestCount)}
          </Tooltip>
        ),
    },
    {
      title: t('channel.col.cadre'),
      key: 'cadre',
      responsive: ['lg'],
      render: (_v, row) =>
        row.responsibleCadre?.fullName ?? <Typography.Text type="secondary">{t('common.none')}</Typography.Text>,
    },
    {
      title: t('channel.col.createdOn'),
      dataIndex: 'createdOn',
      responsive: ['xl'],
      render: (d: string | null) => d ?? t('common.none'),
    },
    editColumn<ChannelItem>(t, setEditing),
  ];

  return (
    <>
      <div className="tj-toolbar">
        <Space wrap size={8}>
          <ScopeSwitch value={filters.scope} onChange={(scope) => filter({ scope })} testId="channels-scope" />
          <Input.Search
            allowClear
            placeholder={t('channel.search')}
            style={{ width: 200 }}
            onSearch={(v) => filter({ q: v.trim() || undefined })}
          />
          <Select<ChannelKind | undefined>
            allowClear
            placeholder={t('channel.col.kind')}
            style={{ width: 150 }}
            value={filters.kind}
            onChange={(kind) => filter({ kind })}
            options={channelKinds.map((k) => ({ value: k, label: t(`channelKind.${k}`) }))}
            data-testid="channels-kind"
          />
          <Select<ChannelStatus | undefined>
            allowClear
            placeholder={t('channel.col.status')}
            style={{ width: 110 }}
            value={filters.status}
            onChange={(status) => filter({ status })}
            options={channelStatuses.map((s) => ({ value: s, label: t(`channelStatus.${s}`) }))}
          />
          <Select<'issue' | undefined>
            allowClear
            placeholder={t('channel.naming')}
            style={{ width: 140 }}
            value={filters.namingIssue ? 'issue' : undefined}
            onChange={(v) => filter({ namingIssue: v === 'issue' ? true : undefined })}
            options={[{ value: 'issue', label: t('channel.namingIssueOnly') }]}
            data-testid="channels-naming"
          />
        </Space>
        <LedgerListActions
          kind="channels"
          orgId={orgId}
          scope={filters.scope}
          onImport={() => setImporting(true)}
          create={{ label: t('channel.create'), testId: 'create-channel', onClick: () => setEditing('new') }}
        />
      </div>
      <PagedTable<ChannelItem>
        data-testid="channels-table"
        size="middle"
        columns={columns}
        data={data}
        loading={loading}
        paging={paging}
        emptyText={t('channel.empty')}
      />
      {editing !== null && (
        <ChannelFormModal
          channel={editing === 'new' ? null : editing}
          defaultOrg={{ id: orgId, name: orgName }}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            setVersion((v) => v + 1);
            reload();
          }}
        />
      )}
      {openId !== null && (
        <ChannelDrawer
          channelId={openId}
          version={version}
          onClose={() => setOpenId(null)}
          onChanged={reload}
          onEdit={(channel) => setEditing(channel)}
        />
      )}
      {importing && (
        <ImportDialog
          kind="channels"
          orgId={orgId}
          orgName={orgName}
          onClose={() => setImporting(false)}
          onImported={reload}
        />
      )}
    </>
  );
}
