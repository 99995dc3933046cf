import type { z } from 'zod';
import type { AuditItem, auditVerifyResponse, MinorsAccessReport } from '../../../../common/audit.js';
import { api, download } from '../../app/api.js';

export type AuditVerify = z.infer<typeof auditVerifyResponse>;
export type AuditFilter = {
  from?: string;
  to?: string;
  action?: string;
  actor?: string;
  result?: 'success' | 'failure';
};

export const pageSize = 50;

export const auditApi = {
  list: (filter: AuditFilter, before?: number) =>
    api.get<{ items: AuditItem[]; nextBefore: number | null }>('/api/audit', { ...filter, before, limit: pageSize }),
  verify: () => api.get<AuditVerify>('/api/audit/verify'),
  minorsReport: (year: number) => api.get<MinorsAccessReport>('/api/audit/minors-access', { year }),
  minorsReportXlsx: (year: number) => download('/api/audit/minors-access.xlsx', { year }),
};

/** Actions the server records today, offered as suggestions; the filter is a prefix, so any text works. */
export const knownActions = [
  'auth.login',
  'auth.logout',
  'auth.password_changed',
  'user.create',
  'user.update',
  'user.reset_password',
  'user.unlock',
  'user.locked',
  'user.bootstrap_admin',
  'org.create',
  'org.update',
  'org.dissolve',
  'org.move_requested',
  'org.move_approved_old',
  'org.move_approved_new',
  'org.move_rejected',
  'org.move_cancelled',
  'org.import_divisions',
] as const;
export type KnownAction = (typeof knownActions)[number];

export function isKnownAction(action: string): action is KnownAction {
  return (knownActions as readonly string[]).includes(action);
}
