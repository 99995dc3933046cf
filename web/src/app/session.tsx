import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { SessionResponse } from '../../../common/auth.js';
import type { Permission } from '../../../common/domain.js';
import { api, setCsrfToken } from './api.js';

type SessionState = {
  /** undefined while the first /api/auth/me is in flight, null when nobody is logged in. */
  session: SessionResponse | null | undefined;
  /** Stores a session answered by login, /me or password change, and its CSRF token. */
  accept: (session: SessionResponse | null) => void;
  /** The server said the password must change first (e.g. reset while logged in). */
  requirePasswordChange: () => void;
  can: (permission: Permission) => boolean;
  logout: () => Promise<void>;
};

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionResponse | null | undefined>(undefined);

  const accept = useCallback((next: SessionResponse | null) => {
    setCsrfToken(next?.csrfToken ?? null);
    setSession(next);
  }, []);

  useEffect(() => {
    // Quiet: a 401 here only means "show the login page", not an error worth a toast.
    api.get<SessionResponse>('/api/auth/me', undefined, { quiet: true }).then(accept, () => accept(null));
  }, [accept]);

  const requirePasswordChange = useCallback(() => {
    setSession((current) => (current ? { ...current, user: { ...current.user, mustChangePassword: true } } : current));
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post('/api/auth/logout', undefined, { quiet: true });
    } finally {
      // Even when the server is unreachable, this browser forgets the session.
      accept(null);
    }
  }, [accept]);

  const value = useMemo<SessionState>(
    () => ({
      session,
      accept,
      requirePasswordChange,
      can: (permission) => session?.abilities.includes(permission) ?? false,
      logout,
    }),
    [session, accept, requirePasswordChange, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The logged-in session, for components rendered only behind the login guard. */
export function useCurrentSession(): SessionResponse {
  const { session } = useSession();
  if (!session) throw new Error('useCurrentSession without a session');
  return session;
}
