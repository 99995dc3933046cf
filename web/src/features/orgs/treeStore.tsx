import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import type { OrgListItem } from '../../../../common/orgs.js';
import { orgApi } from './api.js';

// The navigator's tree lives above the routes so that it survives page changes, and the org page can
// reveal the org it shows (expand its ancestors) or refresh a branch after a change. Only the branches a
// person opens are ever loaded: a province holds 20,000+ orgs.

/** Children of one parent as far as loaded; `rootKey` for the top of the actor's scope. */
export type Branch = { items: OrgListItem[]; total: number };
export const rootKey = 'root';
type ParentKey = number | typeof rootKey;

const pageSize = 200;

type TreeState = {
  branches: ReadonlyMap<ParentKey, Branch>;
  expanded: number[];
  /** Bumped on each reveal so the navigator scrolls the selected node into view once. */
  revealCount: number;
  rootsLoaded: boolean;
  loadRoots: () => Promise<OrgListItem[]>;
  loadChildren: (id: number) => Promise<void>;
  loadMore: (parent: ParentKey) => Promise<void>;
  setExpanded: (keys: number[]) => void;
  reveal: (ancestorIds: number[]) => Promise<void>;
  /** Reloads a parent's children after a create, edit, dissolve or move. */
  refresh: (parent: number | null) => Promise<void>;
  /** Reloads every opened branch: a finished move changes counts in places the page cannot name. */
  refreshAll: () => Promise<void>;
};

const TreeContext = createContext<TreeState | null>(null);

export function OrgTreeProvider({ children }: { children: ReactNode }) {
  const [branches, setBranches] = useState<ReadonlyMap<ParentKey, Branch>>(new Map());
  const [expanded, setExpandedState] = useState<number[]>([]);
  const [revealCount, setRevealCount] = useState(0);
  const [rootsLoaded, setRootsLoaded] = useState(false);
  // Requests in flight per parent, so a reveal and a click on the same node share one request.
  const inflight = useRef(new Map<ParentKey, Promise<Branch>>());
  const loaded = useRef(new Map<ParentKey, Branch>());

  const store = useCallback((parent: ParentKey, branch: Branch) => {
    loaded.current.set(parent, branch);
    setBranches(new Map(loaded.current));
  }, []);

  const fetchBranch = useCallback(
    (parent: ParentKey, force = false): Promise<Branch> => {
      const known = loaded.current.get(parent);
      if (known && !force) return Promise.resolve(known);
      const pending = inflight.current.get(parent);
      if (pending && !force) return pending;
      const request = (
        parent === rootKey
          ? orgApi.roots().then(({ items }) => ({ items, total: items.length }))
          : orgApi.children(parent, { limit: pageSize })
      ).then(
        (branch) => {
          inflight.current.delete(parent);
          store(parent, branch);
          return branch;
        },
        (error: unknown) => {
          inflight.current.delete(parent);
          throw error;
        },
      );
      inflight.current.set(parent, request);
      return request;
    },
    [store],
  );

  const loadRoots = useCallback(async () => {
    try {
      const first = !loaded.current.has(rootKey);
      const { items } = await fetchBranch(rootKey);
      // A scope usually has one top org (a county committee, say): open it so the tree is not a single line.
      if (first && items.length <= 3) {
        const open = items.filter((org) => org.counts.children > 0).map((org) => org.id);
        await Promise.all(open.map((id) => fetchBranch(id)));
        setExpandedState((current) => Array.from(new Set([...current, ...open])));
      }
      return items;
    } finally {
      setRootsLoaded(true);
    }
  }, [fetchBranch]);

  const loadChildren = useCallback(
    async (id: number) => {
      await fetchBranch(id);
    },
    [fetchBranch],
  );

  const loadMore = useCallback(
    async (parent: ParentKey) => {
      const current = loaded.current.get(parent);
      if (parent === rootKey || !current) return;
      const next = await orgApi.children(parent, { offset: current.items.length, limit: pageSize });
      store(parent, { items: [...current.items, ...next.items], total: next.total });
    },
    [store],
  );

  const setExpanded = useCallback((keys: number[]) => setExpandedState(keys), []);

  const reveal = useCallback(
    async (ancestorIds: number[]) => {
      // The ancestors are known up front, so their children load side by side rather than level by level.
      await Promise.all([fetchBranch(rootKey), ...ancestorIds.map((id) => fetchBranch(id))]);
      setExpandedState((current) => Array.from(new Set([...current, ...ancestorIds])));
      setRevealCount((n) => n + 1);
    },
    [fetchBranch],
  );

  const refresh = useCallback(
    async (parent: number | null) => {
      const key: ParentKey = parent ?? rootKey;
      // A branch never opened needs no refresh; it loads fresh when opened.
      if (!loaded.current.has(key)) return;
      await fetchBranch(key, true);
    },
    [fetchBranch],
  );

  const refreshAll = useCallback(async () => {
    await Promise.all(Array.from(loaded.current.keys(), (key) => fetchBranch(key, true)));
  }, [fetchBranch]);

  const value = useMemo<TreeState>(
    () => ({
      branches,
      expanded,
      revealCount,
      rootsLoaded,
      loadRoots,
      loadChildren,
      loadMore,
      setExpanded,
      reveal,
      refresh,
      refreshAll,
    }),
    [
      branches,
      expanded,
      revealCount,
      rootsLoaded,
      loadRoots,
      loadChildren,
      loadMore,
      setExpanded,
      reveal,
      refresh,
      refreshAll,
    ],
  );
  return <TreeContext.Provider value={value}>{children}</TreeContext.Provider>;
}

export function useOrgTree(): TreeState {
  const value = useContext(TreeContext);
  if (!value) throw new Error('useOrgTree outside OrgTreeProvider');
  return value;
}
