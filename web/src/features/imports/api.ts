import type { ImportKind, ImportResult, JobItem } from '../../../../common/imports.js';
import type { LedgerScope } from '../ledger/api.js';
import { api, download } from '../../app/api.js';

// Imports run as server jobs (common/imports.ts): upload once, then poll the job until it is done or failed.

export type { ImportKind, ImportResult, JobItem };

/** An import job's result, when the job is an import (other jobs keep their own shape). */
export function importResultOf(job: JobItem): ImportResult | null {
  const result = job.result;
  return result && 'counts' in result && 'preview' in result ? (result as ImportResult) : null;
}

export type StartImport = { kind: ImportKind; file: File; orgId: number; dryRun: boolean; campaignId?: number };

export const importApi = {
  start: ({ kind, file, orgId, dryRun, campaignId }: StartImport) => {
    const form = new FormData();
    // Fields before the file: the server reads them first, then streams the file to disk.
    form.append('kind', kind);
    form.append('orgId', String(orgId));
    form.append('dryRun', String(dryRun));
    if (campaignId !== undefined) form.append('campaignId', String(campaignId));
    form.append('file', file, file.name);
    return api.upload<{ jobId: number }>('/api/imports', form);
  },
  job: (id: number) => api.get<JobItem>(`/api/jobs/${id}`, undefined, { quiet: true }),
  downloadErrors: (id: number) => download(`/api/jobs/${id}/errors.xlsx`, undefined, '导入错误报告.xlsx'),
  downloadTemplate: (kind: ImportKind) => download(`/api/import-templates/${kind}.xlsx`, undefined, `${kind}.xlsx`),
};

export type ExportKind = 'channels' | 'contacts';
/** Exports take the org and scope only: the sheet holds the whole ledger of that scope, phones masked. */
export const exportApi = {
  download: (kind: ExportKind, query: { orgId: number; scope: LedgerScope }) =>
    download(`/api/exports/${kind}.xlsx`, query, `${kind}.xlsx`),
};
