import { Button, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import type { DuplicateStatus } from '../../../../common/domain.js';
import type { DuplicateItem } from '../../../../common/duplicates.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { useLoad } from '../../app/useLoad.js';
import { usePaging } from '../../app/usePaging.js';
import { duplicateApi } from './api.js';
import { useActionsFixed } from './cells.js';
import { ApprovalsToolbar } from './DecisionModal.js';
import { ResolveDuplicateModal } from './ResolveDuplicateModal.js';
import { notifyApprovalsChanged } from './summary.js';

const statusColors: Record<DuplicateStatus, string> = {
  pending: 'processing',
  transferred: 'success',
  merged: 'success',
  rejected: 'default',
};

const sideColors = { holder: 'blue', claimant: 'orange', both: 'purple' } as const;

/** One side of a case: the org and the name it holds or entered. */
function Party({ org, name }: { org: string; name: string }) {
  return (
    <div>
      <div>{name}</div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {org}
      </Typography.Text>
    </div>
  );
}

/** 重复身份证: an ID number entered by a second org; either side sees the case, the allowed side resolves it. */
export function DuplicatesTab() {
  const t = useT();
  const actionsFixed = useActionsFixed();
  const [pending, setPending] = useState(true);
  const [q, setQ] = useState<string | undefined>(undefined);
  const paging = usePaging();
  const { page } = paging;
  const [openCase, setOpenCase] = useState<DuplicateItem | null>(null);
  const { data, loading, reload } = useLoad(
    () =>
      duplicateApi.list({
        status: pending ? 'pending' : undefined,
        q,
        page: page.current,
        pageSize: page.pageSize,
      }),
    [pending, q, page.current, page.pageSize],
  );

  const columns: TableColumnsType<DuplicateItem> = [
    {
      title: t('approvals.col.idMasked'),
      dataIndex: 'idMasked',
      render: (v: string) => <span className="tj-mono">{v}</span>,
    },
    {
      title: t('approvals.duplicates.col.holder'),
      key: 'holder',
      render: (_v, row) => <Party org={row.holderOrgName} name={row.holderName} />,
    },
    {
      title: t('approvals.duplicates.col.claimant'),
      key: 'claimant',
      render: (_v, row) => <Party org={row.claimantOrgName} name={row.claimantName} />,
    },
    {
      title: t('approvals.duplicates.col.side'),
      dataIndex: 'side',
      responsive: ['md'],
      render: (side: DuplicateItem['side']) => (
        <Tag color={sideColors[side]}>{t(`approvals.duplicates.side.${side}`)}</Tag>
      ),
    },
    {
      title: t('approvals.duplicates.col.source'),
      key: 'source',
      responsive: ['lg'],
      render: (_v, row) => (
        <div>
          <div>{t(`approvals.duplicates.source.${row.source}`)}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {formatDateTime(row.createdAt)}
          </Typography.Text>
        </div>
      ),
    },
    {
      title: t('approvals.col.status'),
      dataIndex: 'status',
      render: (status: DuplicateStatus) => <Tag color={statusColors[status]}>{t(`duplicateStatus.${status}`)}</Tag>,
    },
    {
      title: t('approvals.col.actions'),
      key: 'actions',
      fixed: actionsFixed,
      render: (_v, row) => {
        const mayResolve =
          row.status === 'pending' && (row.abilities.transfer || row.abilities.merge || row.abilities.reject);
        return (
          <Button
            size="small"
            type={mayResolve ? 'primary' : 'default'}
            onClick={() => setOpenCase(row)}
            data-testid={`duplicate-open-${row.id}`}
          >
            {mayResolve ? t('approvals.duplicates.resolve') : t('approvals.duplicates.view')}
          </Button>
        );
      },
    },
  ];

  return (
    <>
      <ApprovalsToolbar
        testId="duplicates"
        awaiting={{
          value: pending,
          awaitingLabel: t('approvals.duplicates.scope.pending'),
          onChange: (next) => {
            setPending(next);
            paging.toFirstPage();
          },
        }}
        onSearch={(next) => {
          setQ(next);
          paging.toFirstPage();
        }}
      />
      <PagedTable<DuplicateItem>
        data-testid="duplicates-table"
        columns={columns}
        data={data}
        loading={loading}
        paging={paging}
        emptyText={pending ? t('approvals.duplicates.empty') : t('approvals.duplicates.emptyAll')}
      />
      {openCase && (
        <ResolveDuplicateModal
          item={openCase}
          onClose={() => setOpenCase(null)}
          onDone={() => {
            setOpenCase(null);
            reload();
            notifyApprovalsChanged();
          }}
        />
      )}
    </>
  );
}
