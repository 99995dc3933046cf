import { Select, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { MemberItem } from '../../../../common/members.js';
import { useT } from '../../app/i18n.js';
import { introducerSearch } from './api.js';

type Props = {
  /** The applicant's branch: introducers are its normal members. */
  orgId: number;
  /** The other introducer, not offered twice. */
  exclude?: number | null;
  value?: number | null;
  onChange?: (value: number | null) => void;
  id?: string;
  testId?: string;
};

/** Picks a normal member of the branch by name, searched on the server (GET /api/members?orgId=…&q=). */
export function IntroducerSelect({ orgId, exclude, value, onChange, id, testId }: Props) {
  const t = useT();
  const [hits, setHits] = useState<MemberItem[]>([]);
  const [searching, setSearching] = useState(false);
  const latest = useRef(0);
  const label = (m: MemberItem) => t('applicant.form.introducerLabel', { name: m.fullName, date: m.joinedOn });
  /** Labels of members seen, so the chosen one still shows after a search that does not find it. */
  const labels = useRef(new Map<number, string>());

  const search = (q: string) => {
    const ticket = ++latest.current;
    setSearching(true);
    introducerSearch(orgId, q.trim()).then(
      (page) => {
        if (ticket !== latest.current) return;
        for (const m of page.items) labels.current.set(m.id, label(m));
        setHits(page.items);
        setSearching(false);
      },
      () => {
        if (ticket === latest.current) setSearching(false);
      },
    );
  };

  // The branch's first members before anything is typed: a small branch needs no search at all.
  useEffect(() => search(''), [orgId]);

  return (
    <Select<number | null>
      id={id}
      value={value ?? null}
      onChange={(next) => onChange?.(next ?? null)}
      placeholder={t('applicant.form.introducerSearch')}
      showSearch={{ filterOption: false, onSearch: search }}
      notFoundContent={searching ? <Spin size="small" /> : t('common.empty')}
      options={[
        ...(value != null && !hits.some((m) => m.id === value)
          ? [{ value, label: labels.current.get(value) ?? String(value) }]
          : []),
        ...hits.filter((m) => m.id !== exclude).map((m) => ({ value: m.id, label: label(m) })),
      ]}
      data-testid={testId}
      style={{ width: '100%' }}
    />
  );
}
