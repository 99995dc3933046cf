import { Input, Select, Space, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import type { CadreItem } from '../../../../common/ledger.js';
import type { CadreKind } from '../../../../common/domain.js';
import { formatCount } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { useLoad } from '../../app/useLoad.js';
import { usePaging } from '../../app/usePaging.js';
import { cadreApi, type CadreStatus, type LedgerScope } from './api.js';
import { CadreFormModal } from './CadreFormModal.js';
import { editColumn } from './editColumn.js';
import { LedgerCreateButton, ScopeSwitch } from './LedgerToolbar.js';
import { PhoneText } from './PhoneText.js';

/** 团干部名单 of one org (or its subtree), with the number of youth each keeps in contact with. */
export function CadresTab({ orgId, orgName }: { orgId: number; orgName: string }) {
  const t = useT();
  const [scope, setScope] = useState<LedgerScope>('own');
  const [q, setQ] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<CadreStatus | undefined>('active');
  const paging = usePaging();
  const { page } = paging;
  const [editing, setEditing] = useState<CadreItem | 'new' | null>(null);
  const { data, loading, reload } = useLoad(
    () =>
      cadreApi.list(orgId, {
        includeSubtree: scope === 'subtree',
        q,
        status,
        page: page.current,
        pageSize: page.pageSize,
      }),
    [orgId, scope, q, status, page.current, page.pageSize],
  );
  const first = paging.toFirstPage;

  const columns: TableColumnsType<CadreItem> = [
    { title: t('cadre.col.name'), dataIndex: 'fullName' },
    { title: t('cadre.col.post'), dataIndex: 'post' },
    { title: t('cadre.col.kind'), dataIndex: 'kind', render: (k: CadreKind) => t(`cadreKind.${k}`) },
    ...(scope === 'subtree' ? [{ title: t('ledger.col.org'), dataIndex: 'orgName', responsive: ['md' as const] }] : []),
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
      <div className="tj-toolbar">
        <Space wrap size={8}>
          <ScopeSwitch
            ownFirst
            value={scope}
            onChange={(value) => {
              setScope(value);
              first();
            }}
          />
          <Input.Search
            allowClear
            placeholder={t('cadre.search')}
            style={{ width: 200 }}
            onSearch={(v) => {
              setQ(v.trim() || undefined);
              first();
            }}
          />
          <Select<CadreStatus | undefined>
            allowClear
            placeholder={t('cadre.col.status')}
            style={{ width: 110 }}
            value={status}
            onChange={(v) => {
              setStatus(v);
              first();
            }}
            options={(['active', 'left'] as const).map((s) => ({ value: s, label: t(`cadreStatus.${s}`) }))}
          />
        </Space>
        <LedgerCreateButton label={t('cadre.create')} testId="create-cadre" onClick={() => setEditing('new')} />
      </div>
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
