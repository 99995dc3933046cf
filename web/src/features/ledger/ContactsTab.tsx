import { Input, Select, Space, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import type { ContactItem } from '../../../../common/ledger.js';
import { contactCategories, type ContactCategory } from '../../../../common/domain.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { useLoad } from '../../app/useLoad.js';
import { usePaging } from '../../app/usePaging.js';
import { ImportDialog } from '../imports/ImportDialog.js';
import { contactApi, type LedgerScope } from './api.js';
import { ContactDrawer } from './ContactDrawer.js';
import { ContactFormModal } from './ContactFormModal.js';
import { editColumn } from './editColumn.js';
import { LedgerListActions, ScopeSwitch } from './LedgerToolbar.js';
import { PhoneText } from './PhoneText.js';

type Filters = { scope: LedgerScope; q?: string; phone?: string; category?: ContactCategory };

/** The "1 cadre + N youth" contact ledger: young people, whom they are in contact with, when last. */
export function ContactsTab({ orgId, orgName }: { orgId: number; orgName: string }) {
  const t = useT();
  const [filters, setFilters] = useState<Filters>({ scope: 'subtree' });
  const paging = usePaging();
  const { page } = paging;
  const [editing, setEditing] = useState<ContactItem | 'new' | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const [importing, setImporting] = useState(false);
  const { data, loading, reload } = useLoad(
    () => contactApi.list({ orgId, ...filters, page: page.current, pageSize: page.pageSize }),
    [orgId, filters, page.current, page.pageSize],
  );
  const filter = (next: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...next }));
    paging.toFirstPage();
  };

  const columns: TableColumnsType<ContactItem> = [
    {
      title: t('contact.col.name'),
      dataIndex: 'fullName',
      render: (name: string, row) => (
        <Typography.Link onClick={() => setOpenId(row.id)} data-testid={`contact-open-${row.id}`}>
          {name}
        </Typography.Link>
      ),
    },
    {
      title: t('ledger.col.phone'),
      key: 'phone',
      render: (_v, row) => (
        <PhoneText
          masked={row.phoneMasked}
          mayReveal={row.abilities.revealPhone}
          reveal={() => contactApi.revealPhone(row.id)}
          testId={`contact-phone-${row.id}`}
        />
      ),
    },
    {
      title: t('contact.col.category'),
      dataIndex: 'category',
      render: (c: ContactCategory) => <Tag>{t(`contactCategory.${c}`)}</Tag>,
    },
    {
      title: t('contact.col.village'),
      dataIndex: 'village',
      responsive: ['lg'],
      render: (v: string | null) => v ?? t('common.none'),
    },
    ...(filters.scope === 'subtree'
      ? [{ title: t('ledger.col.org'), dataIndex: 'orgName', responsive: ['md' as const] }]
      : []),
    {
      title: t('contact.col.cadres'),
      key: 'cadres',
      render: (_v, row) =>
        row.cadres.length === 0 ? (
          <Typography.Text type="warning">{t('contact.noCadre')}</Typography.Text>
        ) : (
          row.cadres.map((c) => c.fullName).join('、')
        ),
    },
    {
      title: t('contact.col.lastContact'),
      dataIndex: 'lastContactOn',
      responsive: ['xl'],
      render: (d: string | null) => d ?? t('common.none'),
    },
    editColumn<ContactItem>(t, setEditing),
  ];

  return (
    <>
      <div className="tj-toolbar">
        <Space wrap size={8}>
          <ScopeSwitch value={filters.scope} onChange={(scope) => filter({ scope })} />
          <Input.Search
            allowClear
            placeholder={t('contact.searchName')}
            style={{ width: 160 }}
            onSearch={(v) => filter({ q: v.trim() || undefined })}
            data-testid="contacts-search"
          />
          <Input.Search
            allowClear
            placeholder={t('contact.searchPhone')}
            style={{ width: 180 }}
            inputMode="tel"
            onSearch={(v) => filter({ phone: v.trim() || undefined })}
            data-testid="contacts-phone"
          />
          <Select<ContactCategory | undefined>
            allowClear
            placeholder={t('contact.col.category')}
            style={{ width: 130 }}
            value={filters.category}
            onChange={(category) => filter({ category })}
            options={contactCategories.map((c) => ({ value: c, label: t(`contactCategory.${c}`) }))}
          />
        </Space>
        <LedgerListActions
          kind="contacts"
          orgId={orgId}
          scope={filters.scope}
          onImport={() => setImporting(true)}
          create={{ label: t('contact.create'), testId: 'create-contact', onClick: () => setEditing('new') }}
        />
      </div>
      <PagedTable<ContactItem>
        data-testid="contacts-table"
        columns={columns}
        data={data}
        loading={loading}
        paging={paging}
        emptyText={t('contact.empty')}
      />
      {editing !== null && (
        <ContactFormModal
          contact={editing === 'new' ? null : editing}
          defaultOrg={{ id: orgId, name: orgName }}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {openId !== null && <ContactDrawer contactId={openId} onClose={() => setOpenId(null)} onChanged={reload} />}
      {importing && (
        <ImportDialog
          kind="contacts"
          orgId={orgId}
          orgName={orgName}
          onClose={() => setImporting(false)}
          onImported={reload}
        />
      )}
    </>
  );
}
