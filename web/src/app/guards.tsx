import { Spin } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import type { Permission } from '../../../common/domain.js';
import { Forbidden } from './NotFound.js';
import { useSession } from './session.js';

export function FullPageSpin() {
  return (
    <div className="tj-fullpage-spin">
      <Spin size="large" />
    </div>
  );
}

/** Pages behind the login; a password that must change comes before anything else, then a missing second factor. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  if (session === undefined) return <FullPageSpin />;
  if (session === null) {
    const from = location.pathname + location.search;
    return <Navigate to="/login" replace state={{ from }} />;
  }
  if (session.user.mustChangePassword && location.pathname !== '/change-password') {
    return <Navigate to="/change-password" replace />;
  }
  if (!session.user.mustChangePassword && session.user.mustEnrolTotp && location.pathname !== '/two-factor') {
    return <Navigate to="/two-factor" replace />;
  }
  return <>{children}</>;
}

export function RequireAbility({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { can } = useSession();
  return can(permission) ? <>{children}</> : <Forbidden />;
}

/** `/` opens the first page the actor may use: the tree for cadres, users or audit for the operators. */
export function HomeRedirect() {
  const { can } = useSession();
  if (can('org.read')) return <Navigate to="/orgs" replace />;
  if (can('user.read')) return <Navigate to="/users" replace />;
  if (can('audit.read')) return <Navigate to="/audit" replace />;
  return <Forbidden />;
}
