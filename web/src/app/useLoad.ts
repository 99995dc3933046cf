import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { ApiError } from './api.js';

export type Loaded<T> = {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
};

/**
 * Runs `load` whenever `deps` change and on `reload()`. A slower, older answer never overwrites a newer one,
 * which matters when a person clicks quickly through the tree.
 */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const ticket = ++latest.current;
    setLoading(true);
    loadRef.current().then(
      (value) => {
        if (ticket !== latest.current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (ticket !== latest.current) return;
        setError(err instanceof ApiError ? err : new ApiError(0, 'bad_response', String(err)));
        setLoading(false);
      },
    );
    // The caller's deps decide when to reload; `load` itself is read through a ref so it may be an inline closure.
  }, [...deps, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, loading, reload };
}
