import type SQLite from 'better-sqlite3';
import fs from 'node:fs';
import { sql } from 'kysely';
import type { Permission } from '../../../common/domain.js';
import { importPermissions, type JobItem } from '../../../common/imports.js';
import type { Db } from '../../db/schema.js';
import { deleteStoredFile, storedFilePath, storeFileFromPath } from '../../files/store.js';
import { actorCan, actorSees, type Actor } from '../../http/actor.js';
import { forbidden, notFound } from '../../http/errors.js';
import { findJob, type JobRow } from '../../jobs/repo.js';
import { JobFailure, type JobContext, type JobRunner } from '../../jobs/runner.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { recordAudit } from '../audit/service.js';
import { findUserById } from '../users/repo.js';
import { findOrg } from '../orgs/repo.js';
import { loadWritableOrg } from '../ledger/shared.js';
import { loadVisibleOrg } from '../orgs/service.js';
import { loadOrgResolver } from './org-resolver.js';
import { runImport, type ImportJobInput, type StoredImportResult } from './run.js';
import type { SpreadsheetUpload } from './upload.js';

export const importJobKind = 'import';

export type ImportDeps = {
  db: Db;
  keyring: Keyring;
  dataDir: string;
  jobs: JobRunner;
  /** SQLite's writer connection (null on PostgreSQL): a member import binds its rows there directly. */
  sqliteWriter?: SQLite.Database | null;
};

export { xlsxMime } from '../../http/download.js';

function permissionsFor(kind: ImportJobInput['kind']): readonly Permission[] {
  return importPermissions[kind];
}

const missingPermission: Record<ImportJobInput['kind'], string> = {
  channels: '导入渠道需要台账编辑权限',
  contacts: '导入联系青年需要台账编辑权限',
  plans: '导入建群计划需要工作任务管理权限',
  members: '导入团员需要团员管理权限',
};

/**
 * Stores the upload and queues its import: the file row, the job and the audit row in one transaction. The org
 * (default: the uploader's own) must be one the uploader sees and may write into.
 */
export async function startImport(deps: ImportDeps, actor: Actor, upload: SpreadsheetUpload): Promise<number> {
  const { fields } = upload;
  if (!permissionsFor(fields.kind).every((p) => actorCan(actor, p))) {
    fs.rmSync(upload.tempPath, { force: true });
    throw forbidden(missingPermission[fields.kind]);
  }
  try {
    const id = await deps.db.transaction().execute(async (trx) => {
      const orgId = fields.orgId ?? actor.orgId;
      if (orgId === null) throw notFound('组织');
      const org = await loadWritableOrg(trx, actor, orgId);
      const file = await storeFileFromPath(trx, deps.dataDir, upload.tempPath, 'application/octet-stream');
      const input: ImportJobInput = {
        kind: fields.kind,
        orgId: org.id,
        dryRun: fields.dryRun,
        campaignId: fields.campaignId ?? null,
        file: { sha256: file.sha256, name: upload.fileName, size: file.size },
        ip: actor.ip,
      };
      const jobId = await deps.jobs.enqueue(trx, {
        kind: importJobKind,
        orgId: org.id,
        createdBy: actor.userId,
        input,
      });
      await recordAudit(trx, actor, {
        action: fields.kind === 'members' ? 'member.import_queued' : 'ledger.import_queued',
        objectType: 'job',
        objectId: jobId,
        orgId: org.id,
        details: { kind: fields.kind, dryRun: fields.dryRun, size: file.size },
      });
      return jobId;
    });
    deps.jobs.wake();
    return id;
  } finally {
    fs.rmSync(upload.tempPath, { force: true });
  }
}

/**
 * The uploader as they are now, not as they were at upload: a disabled account, a lost permission or an org that
 * has left their subtree stops the import.
 */
async function uploaderActor(db: Db, job: JobRow, input: ImportJobInput): Promise<Actor> {
  const user = job.created_by === null ? undefined : await findUserById(db, job.created_by);
  if (!user || user.disabled === 1) throw new JobFailure('上传者的账号已停用，导入未执行');
  const actor: Actor = {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    orgId: user.org_id,
    scopePath: user.org_path,
    mustChangePassword: false,
    sessionHash: '',
    csrfToken: '',
    ip: input.ip,
  };
  if (!permissionsFor(input.kind).every((p) => actorCan(actor, p))) {
    throw new JobFailure('上传者已没有导入该类数据的权限，导入未执行');
  }
  return actor;
}

/** The background handler of import jobs; the upload is removed when the job ends, done or failed. */
export function importJobHandler(deps: Omit<ImportDeps, 'jobs'>) {
  return async (job: JobContext): Promise<StoredImportResult> => {
    const input = JSON.parse(job.job.input) as ImportJobInput;
    try {
      if (!fs.existsSync(storedFilePath(deps.dataDir, input.file.sha256))) {
        // Several instances on one PostgreSQL must share the data directory's files/, as for evidence images.
        throw new JobFailure('找不到上传的文件，请重新上传（多实例部署时各实例须共享数据目录）');
      }
      const actor = await uploaderActor(deps.db, job.job, input);
      const root = await loadVisibleOrg(deps.db, actor, input.orgId).catch(() => {
        throw new JobFailure('导入的组织不存在或已不在上传者的管理范围内');
      });
      if (root.status !== 'active') throw new JobFailure(`“${root.name}”已撤销，不能再导入`);
      const orgs = await loadOrgResolver(deps.db, root);
      return await runImport(deps, job, input, { actor, root, orgs });
    } finally {
      // A stopped job goes back to the queue (or on to another instance): it still needs its upload.
      if (!job.signal.aborted) await releaseUpload(deps, job.job.id, input.file.sha256);
    }
  };
}

/** Deletes an upload once no other unfinished job reads the same bytes. */
async function releaseUpload(deps: Omit<ImportDeps, 'jobs'>, jobId: number, sha256: string) {
  const others = await deps.db
    .selectFrom('jobs')
    .select('id')
    .where('id', '!=', jobId)
    .where('status', 'in', ['queued', 'running'])
    .where(sql<boolean>`input like ${`%${sha256}%`}`)
    .executeTakeFirst();
  if (!others) await deleteStoredFile(deps.db, deps.dataDir, sha256);
}

type VisibleJob = JobRow & { org_path: string | null };

/**
 * A job its creator sees, and anyone who sees its org; anything else is "not found". A member import's preview
 * lists people (masked): it is for those who may read member registers.
 */
export async function loadVisibleJob(db: Db, actor: Actor, id: number): Promise<VisibleJob> {
  const job = await findJob(db, id);
  if (!job) throw notFound('任务');
  if (job.kind === importJobKind && !actorCan(actor, 'people.read')) {
    const { kind } = JSON.parse(job.input) as Pick<ImportJobInput, 'kind'>;
    if (kind === 'members') throw notFound('任务');
  }
  const org = job.org_id === null ? undefined : await findOrg(db, job.org_id);
  const orgPath = org?.path ?? null;
  const visible =
    job.created_by === actor.userId || (orgPath === null ? actor.scopePath === null : actorSees(actor, orgPath));
  if (!visible) throw notFound('任务');
  return { ...job, org_path: orgPath };
}

function storedResult(job: JobRow): (StoredImportResult & Record<string, unknown>) | null {
  return job.result ? (JSON.parse(job.result) as StoredImportResult & Record<string, unknown>) : null;
}

export function presentJob(actor: Actor, job: JobRow): JobItem {
  const result = storedResult(job);
  const errorFile = result?.errorFile;
  if (result) delete result.errorFile;
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    orgId: job.org_id,
    createdBy: job.created_by,
    progress: { done: job.progress_done, total: job.progress_total },
    result,
    error: job.error,
    createdAt: job.created_at,
    startedAt: job.started_at,
    finishedAt: job.finished_at,
    abilities: { downloadErrors: errorFile !== undefined && job.created_by === actor.userId },
  };
}

export async function getJob(db: Db, actor: Actor, id: number): Promise<JobItem> {
  return presentJob(actor, await loadVisibleJob(db, actor, id));
}

/** The error report of an import, for its uploader only: it repeats the rows they typed. */
export async function loadErrorReport(db: Db, actor: Actor, id: number): Promise<{ sha256: string; name: string }> {
  const job = await loadVisibleJob(db, actor, id);
  const sha256 = storedResult(job)?.errorFile;
  if (job.created_by !== actor.userId || !sha256) throw notFound('错误报告');
  const input = JSON.parse(job.input) as ImportJobInput;
  return { sha256, name: `错误报告-${input.file.name.replace(/\.[^.]*$/, '')}.xlsx` };
}
