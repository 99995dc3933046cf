import { Card, Segmented, Space, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { CadreKind } from '../../../../common/domain.js';
import type { CadreItem } from '../../../../common/ledger.js';
import type { OrgDetail } from '../../../../common/orgs.js';
import { formatCount } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { useLoad } from '../../app/useLoad.js';
import { usePaging } from '../../app/usePaging.js';
import { cadreApi, type CadreStatus } from '../ledger/api.js';
import { CadreFormModal } from '../ledger/CadreFormModal.js';
import { CadreToolbar, useCadreFilters } from '../ledger/CadreToolbar.js';
import { editColumn } from '../ledger/editColumn.js';
import { PhoneText } from '../ledger/PhoneText.js';
import { cadreRecordApi } from './api.js';
import { TermText } from './cadreLabels.js';
import { PeopleFrame } from './PeopleFrame.js';

/** `/people/cadres?org=`: 团干部 of an org or its subtree, with terms and the reserve pool (后备干部库). */
export function CadreListPage() {
  const t = useT();
  return (
    <PeopleFrame section="cadres" subtitle={t('cadres.subtitle')}>
      {(org) => <CadreList org={org} />}
    </PeopleFrame>
  );
}

type Pool = 'all' | 'reserve';

function CadreList({ org }: { org: OrgDetail }) {
  const t = useT();
  const [pool, setPool] = useState<Pool>('all');
  const paging = usePaging();
  const { filters, filter } = useCadreFilters(paging);
  const { page } = paging;
  const [editing, setEditing] = useState<CadreItem | 'new' | null>(null);
  const { data, loading, reload } = useLoad(
    () =>
      cadreRecordApi.list(org.id, {
        includeSubtree: filters.scope === 'subtree',
        q: filters.q,
        status: filters.status,
        inReserve: pool === 'reserve' ? true : undefined,
        page: page.current,
        pageSize: page.pageSize,
      }),
    [org.id, filters.scope, pool, filters.q, filters.status, page.current, page.pageSize],
  );

  const columns: TableColumnsType<CadreItem> = [
    {
      title: t('cadre.col.name'),
      dataIndex: 'fullName',
      fixed: 'left',
      render: (name: string, row) => (
        <Space size={4} wrap={false}>
          <Link to={`/people/cadres/${row.id}`} data-testid={`cadre-open-${row.id}`}>
            {name}
          </Link>
          {row.inReserve && <Tag color="gold">{t('cadres.reserveTag')}</Tag>}
        </Space>
      ),
    },
    { title: t('cadre.col.post'), dataIndex: 'post' },
    { title: t('cadre.col.kind'), dataIndex: 'kind', render: (k: CadreKind) => t(`cadreKind.${k}`) },
    ...(filters.scope === 'subtree'
      ? [{ title: t('ledger.col.org'), dataIndex: 'orgName', responsive: ['md' as const] }]
      : []),
    {
      title: t('member.col.age'),
      dataIndex: 'age',
      align: 'right',
      responsive: ['md'],
      render: (age: number | null) => age ?? t('common.none'),
    },
    {
      title: t('cadres.col.term'),
      key: 'term',
      responsive: ['lg'],
      render: (_v, row) => <TermText cadre={row} />,
    },
    {
      title: t('ledger.col.phone'),
      key: 'phone',
      responsive: ['lg'],
      onCell: () => ({ style: { whiteSpace: 'nowrap' } }),
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
      render: (n: number) =>
        n < 20 ? <Typography.Text type="warning">{formatCount(n)}</Typography.Text> : formatCount(n),
    },
    {
      title: t('cadre.col.status'),
      dataIndex: 'status',
      render: (s: CadreStatus) => <Tag color={s === 'active' ? 'success' : 'default'}>{t(`cadreStatus.${s}`)}</Tag>,
    },
    editColumn<CadreItem>(t, setEditing),
  ];

  return (
    <Card variant="borderless">
      <CadreToolbar filters={filters} onFilter={filter} onCreate={() => setEditing('new')} searchWidth={180}>
        <Segmented<Pool>
          value={pool}
          onChange={(value) => {
            setPool(value);
            paging.toFirstPage();
          }}
          options={[
            { value: 'all', label: t('cadres.pool.all') },
            { value: 'reserve', label: t('cadres.pool.reserve') },
          ]}
          data-testid="cadres-pool"
        />
      </CadreToolbar>
      <PagedTable<CadreItem>
        data-testid="cadres-table"
        columns={columns}
        data={data}
        loading={loading}
        paging={paging}
        size="middle"
        emptyText={pool === 'reserve' ? t('cadres.emptyReserve') : t('cadre.empty')}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
        {t('cadres.hint')}
      </Typography.Paragraph>
      {editing !== null && (
        <CadreFormModal
          cadre={editing === 'new' ? null : editing}
          defaultOrg={{ id: org.id, name: org.name }}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
    </Card>
  );
}
