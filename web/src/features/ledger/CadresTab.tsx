import { Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import type { CadreItem } from '../../../../common/ledger.js';
import type { CadreKind } from '../../../../common/domain.js';
import { formatCount } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { useLoad } from '../../app/useLoad.js';
import { usePaging } from '../../app/usePaging.js';
import { cadreApi, type CadreStatus } from './api.js';
import { CadreFormModal } from './CadreFormModal.js';
import { CadreToolbar, useCadreFilters } from './CadreToolbar.js';
import { editColumn } from './editColumn.js';
import { PhoneText } from './PhoneText.js';

/** 团干部名单 of one org (or its subtree), with the number of youth each keeps in contact with. */
export function CadresTab({ orgId, orgName }: { orgId: number; orgName: string }) {
  const t = useT();
  const paging = usePaging();
  const { filters, filter } = useCadreFilters(paging);
  const { page } = paging;
  const [editing, setEditing] = useState<CadreItem | 'new' | null>(null);
  const { data, loading, reload } = useLoad(
    () =>
      cadreApi.list(orgId, {
        includeSubtree: filters.scope === 'subtree',
        q: filters.q,
        status: filters.status,
        page: page.current,
        pageSize: page.pageSize,
      }),
    [orgId, filters.scope, filters.q, filters.status, page.current, page.pageSize],
  );

  const columns: TableColumnsType<CadreItem> = [
    { title: t('cadre.col.name'), dataIndex: 'fullName' },
    { title: t('cadre.col.post'), dataIndex: 'post' },
    { title: t('cadre.col.kind'), dataIndex: 'kind', render: (k: CadreKind) => t(`cadreKind.${k}`) },
    ...(filters.scope === 'subtree'
      ? [{ title: t('ledger.col.org'), dataIndex: 'orgName', responsive: ['md' as const] }]
      : []),
    {
      title: t('ledger.col.phone'),
      key: 'phone',
      render: (_v, row) => (
        <PhoneText
          masked={row.phoneMasked}
          mayReveal={row.abilities.revealPhone}
          reveal={() => cadreApi.revealPhone(row.id)}
          testId={`cadre-phone-${row.id}`}
        />
      ),
    },
    {
      title: t('cadre.col.contacts'),
      dataIndex: 'contactCount',
      align: 'right',
      render: (n: number) => formatCount(n),
    },
    {
      title: t('cadre.col.status'),
      dataIndex: 'status',
      render: (s: CadreStatus) => <Tag color={s === 'active' ? 'success' : 'default'}>{t(`cadreStatus.${s}`)}</Tag>,
    },
    editColumn<CadreItem>(t, setEditing),
  ];

  return (
    <>
      <CadreToolbar filters={filters} onFilter={filter} onCreate={() => setEditing('new')} />
      <PagedTable<CadreItem>
        data-testid="cadres-table"
        columns={columns}
        data={data}
        loading={loading}
        paging={paging}
        emptyText={t('cadre.empty')}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, fontSize: 12 }}>
        {t('ledger.maskedHint')}
      </Typography.Paragraph>
      {editing !== null && (
        <CadreFormModal
          cadre={editing === 'new' ? null : editing}
          defaultOrg={{ id: orgId, name: orgName }}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
    </>
  );
}
