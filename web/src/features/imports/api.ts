import type { JobStatus } from '../../../../common/domain.js';
import { api, download } from '../../app/api.js';

// Imports run as server jobs: upload once, then poll the job until it is done or failed.

export type ImportKind = 'channels' | 'contacts' | 'plans';

export type ImportRowError = { row: number; column?: string | null; field?: string | null; message: string };

export type ImportJob = {
  id: number;
  status: JobStatus;
  progress: { done: number; total: number | null } | null;
  dryRun?: boolean;
  result?: {
    counts?: Record<string, number>;
    preview?: Record<string, unknown>[];
    errors?: ImportRowError[];
  } | null;
  /** Why a failed job failed, in words for people. */
  error?: string | { message?: string } | null;
};

export type StartImport = {
  kind: ImportKind;
  file: File;
  orgId: number;
  dryRun: boolean;
  campaignId?: number;
};

export const importApi = {
  start: ({ kind, file, orgId, dryRun, campaignId }: StartImport) => {
    const form = new FormData();
    // Fields before the file: the server reads them while the file streams.
    form.append('kind', kind);
    form.append('orgId', String(orgId));
    form.append('dryRun', String(dryRun));
    if (campaignId !== undefined) form.append('campaignId', String(campaignId));
    form.append('file', file, file.name);
    return api.upload<{ jobId: number }>('/api/imports', form);
  },
  job: (id: number) => api.get<ImportJob>(`/api/jobs/${id}`, undefined, { quiet: true }),
  downloadErrors: (id: number) => download(`/api/jobs/${id}/errors.xlsx`, undefined, '导入错误.xlsx'),
  downloadTemplate: (kind: ImportKind) => download(`/api/import-templates/${kind}.xlsx`, undefined, `${kind}.xlsx`),
};

export type ExportKind = 'channels' | 'contacts';
export const exportApi = {
  download: (kind: ExportKind, query: Record<string, string | number | boolean | undefined>) =>
    download(`/api/exports/${kind}.xlsx`, query, `${kind}.xlsx`),
};
