import { Select, Spin } from 'antd';
import { useMemo, useState } from 'react';
import { useT } from '../../app/i18n.js';
import { OrgHitLabel } from './OrgHitLabel.js';
import { useOrgSearch } from './useOrgSearch.js';

type Props = {
  value?: number | null;
  onChange?: (value: number | null) => void;
  /** The name of the current value, so an existing choice shows before any search. */
  initialName?: string | null;
  placeholder?: string;
  /** Orgs that may not be chosen (the org itself when picking its new parent). */
  excludeIds?: number[];
  allowClear?: boolean;
  style?: React.CSSProperties;
  id?: string;
};

/** Picks one org by searching the server (never a list of every org), for forms and filters. */
export function OrgPicker({
  value,
  onChange,
  initialName,
  placeholder,
  excludeIds = [],
  allowClear = true,
  style,
  id,
}: Props) {
  const t = useT();
  const { hits, searching, query, search } = useOrgSearch();
  const [chosenName, setChosenName] = useState<string | null>(initialName ?? null);

  const options = useMemo(() => {
    const list = hits
      .filter((hit) => !excludeIds.includes(hit.id))
      .map((hit) => ({ value: hit.id, label: <OrgHitLabel hit={hit} />, name: hit.name }));
    // Keep the current value displayable when the search results do not contain it.
    if (value != null && !list.some((o) => o.value === value) && chosenName) {
      list.unshift({ value, label: <span>{chosenName}</span>, name: chosenName });
    }
    return list;
  }, [hits, excludeIds, value, chosenName]);

  return (
    <Select<number | null, (typeof options)[number]>
      id={id}
      style={style}
      value={value ?? null}
      placeholder={placeholder ?? t('org.pickOrg')}
      allowClear={allowClear}
      showSearch={{ filterOption: false, onSearch: search }}
      optionLabelProp="name"
      options={options}
      notFoundContent={searching ? <Spin size="small" /> : query ? t('tree.noMatch') : null}
      onChange={(next, option) => {
        const picked = Array.isArray(option) ? undefined : option;
        setChosenName(picked?.name ?? null);
        onChange?.(next ?? null);
      }}
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { minWidth: 320, maxWidth: 480 } } }}
    />
  );
}
