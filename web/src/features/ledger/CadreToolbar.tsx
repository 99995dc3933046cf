import { Input, Select, Space } from 'antd';
import { useState, type ReactNode } from 'react';
import { useT } from '../../app/i18n.js';
import type { Paging } from '../../app/usePaging.js';
import type { CadreStatus, LedgerScope } from './api.js';
import { LedgerCreateButton, ScopeSwitch } from './LedgerToolbar.js';

export type CadreFilters = { scope: LedgerScope; q?: string; status?: CadreStatus };

/** A cadre list opens on the org's own cadres in office; every new filter starts again at the first page. */
export function useCadreFilters(paging: Paging) {
  const [filters, setFilters] = useState<CadreFilters>({ scope: 'own', status: 'active' });
  const filter = (next: Partial<CadreFilters>) => {
    setFilters((f) => ({ ...f, ...next }));
    paging.toFirstPage();
  };
  return { filters, filter };
}

type Props = {
  filters: CadreFilters;
  onFilter: (next: Partial<CadreFilters>) => void;
  onCreate: () => void;
  searchWidth?: number;
  /** Switches shown before the shared ones, such as the people page's reserve pool. */
  children?: ReactNode;
};

/** Above a cadre list (the ledger's tab and the people page): 仅本级/含下级, name search, 在任/离任, 登记团干部. */
export function CadreToolbar({ filters, onFilter, onCreate, searchWidth = 200, children }: Props) {
  const t = useT();
  return (
    <div className="tj-toolbar">
      <Space wrap size={8}>
        {children}
        <ScopeSwitch ownFirst value={filters.scope} onChange={(scope) => onFilter({ scope })} />
        <Input.Search
          allowClear
          placeholder={t('cadre.search')}
          style={{ width: searchWidth }}
          onSearch={(v) => onFilter({ q: v.trim() || undefined })}
        />
        <Select<CadreStatus | undefined>
          allowClear
          placeholder={t('cadre.col.status')}
          style={{ width: 110 }}
          value={filters.status}
          onChange={(status) => onFilter({ status })}
          options={(['active', 'left'] as const).map((s) => ({ value: s, label: t(`cadreStatus.${s}`) }))}
        />
      </Space>
      <LedgerCreateButton label={t('cadre.create')} testId="create-cadre" onClick={onCreate} />
    </div>
  );
}
