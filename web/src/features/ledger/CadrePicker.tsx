import { Select, Spin } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CadreItem } from '../../../../common/ledger.js';
import { useT } from '../../app/i18n.js';
import { cadreApi } from './api.js';

type Props = {
  /** Cadres of this org and the orgs under it. */
  orgId: number | null;
  value?: number | null;
  onChange?: (value: number | null) => void;
  initial?: { id: number; fullName: string } | null;
  excludeIds?: number[];
  placeholder?: string;
  allowClear?: boolean;
  style?: React.CSSProperties;
  id?: string;
};

/** Picks an active cadre by name, searching the server (an org's cadres may be many across its villages). */
export function CadrePicker({
  orgId,
  value,
  onChange,
  initial,
  excludeIds = [],
  placeholder,
  allowClear = true,
  style,
  id,
}: Props) {
  const t = useT();
  const [items, setItems] = useState<CadreItem[]>([]);
  const [loading, setLoading] = useState(false);
  const [q, setQ] = useState('');
  const ticket = useRef(0);

  useEffect(() => {
    if (orgId === null) {
      setItems([]);
      return;
    }
    const mine = ++ticket.current;
    setLoading(true);
    const timer = setTimeout(() => {
      cadreApi
        .list(orgId, { includeSubtree: true, q: q || undefined, status: 'active', page: 1, pageSize: 30 })
        .then(
          (page) => mine === ticket.current && setItems(page.items),
          () => undefined,
        )
        .finally(() => mine === ticket.current && setLoading(false));
    }, 250);
    return () => clearTimeout(timer);
  }, [orgId, q]);

  const options = useMemo(() => {
    const list = items
      .filter((c) => !excludeIds.includes(c.id))
      .map((c) => ({ value: c.id, label: `${c.fullName}（${c.post} · ${c.orgName}）`, name: c.fullName }));
    if (value != null && initial && initial.id === value && !list.some((o) => o.value === value)) {
      list.unshift({ value, label: initial.fullName, name: initial.fullName });
    }
    return list;
  }, [items, excludeIds, value, initial]);

  return (
    <Select<number | null>
      id={id}
      style={style}
      value={value ?? null}
      placeholder={placeholder ?? t('ledger.pickCadre')}
      allowClear={allowClear}
      showSearch={{ filterOption: false, onSearch: setQ }}
      options={options}
      notFoundContent={loading ? <Spin size="small" /> : t('ledger.noCadres')}
      onChange={(next) => onChange?.(next ?? null)}
      popupMatchSelectWidth={false}
    />
  );
}
