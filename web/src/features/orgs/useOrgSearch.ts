import { useCallback, useEffect, useRef, useState } from 'react';
import type { SearchHit } from '../../../../common/orgs.js';
import { orgApi } from './api.js';

const debounceMs = 250;

/**
 * Server-side org search as a person types: debounced, and an answer to an older query never replaces
 * the answer to a newer one.
 */
export function useOrgSearch(): { hits: SearchHit[]; searching: boolean; query: string; search: (q: string) => void } {
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [searching, setSearching] = useState(false);
  const [query, setQuery] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const ticket = useRef(0);

  useEffect(() => () => clearTimeout(timer.current), []);

  const search = useCallback((raw: string) => {
    const q = raw.trim();
    setQuery(q);
    clearTimeout(timer.current);
    const mine = ++ticket.current;
    if (!q) {
      setHits([]);
      setSearching(false);
      return;
    }
    setSearching(true);
    timer.current = setTimeout(() => {
      orgApi.search(q.slice(0, 40)).then(
        ({ items }) => {
          if (mine !== ticket.current) return;
          setHits(items);
          setSearching(false);
        },
        () => {
          if (mine !== ticket.current) return;
          setHits([]);
          setSearching(false);
        },
      );
    }, debounceMs);
  }, []);

  return { hits, searching, query, search };
}
