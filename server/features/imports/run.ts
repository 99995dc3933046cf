import fs from 'node:fs';
import type SQLite from 'better-sqlite3';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { chinaToday } from '../../../common/dates.js';
import type { ImportKind, ImportResult, PreviewRow, RowAction } from '../../../common/imports.js';
import { sql } from 'kysely';
import type { Db } from '../../db/schema.js';
import { isPostgres } from '../../db/tree.js';
import { storedFilePath, storeFileFromPath, tempFilePath } from '../../files/store.js';
import type { Actor } from '../../http/actor.js';
import { AppError } from '../../http/errors.js';
import { JobFailure, type JobContext } from '../../jobs/runner.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { openTable, type TableRow } from '../../spreadsheets/table.js';
import { cellText } from '../../spreadsheets/values.js';
import { lockAuditChain } from '../audit/repo.js';
import { recordAudit } from '../audit/service.js';
import { channelImport } from './channels-import.js';
import type { ImportContext, KindRun } from './checks.js';
import { examplePrefix } from './columns.js';
import { contactImport } from './contacts-import.js';
import { runMemberImport } from './members-run.js';
import { writeErrorReport, type OnReportRow } from './error-report.js';
import type { TemplateColumn } from './columns.js';
import type { OrgResolver, ResolvedOrg } from './org-resolver.js';
import { planImport } from './plans-import.js';
import { importTestHooks } from './test-hooks.js';
import { openSpool, spoolDir, type Spool } from './spool.js';

/** What an import job holds besides its row in `jobs`: the upload, the kind and where its rows go. */
export type ImportJobInput = {
  kind: ImportKind;
  orgId: number;
  dryRun: boolean;
  campaignId: number | null;
  file: { sha256: string; name: string; size: number };
  ip: string | null;
};

/** The result as stored with the job; the error report's address never leaves the server. */
export type StoredImportResult = ImportResult & { errorFile?: string };

const chunkSize = 500;
const previewRows = 50;
export const listedErrors = 100;

export { importTestHooks } from './test-hooks.js';

/** The kinds that check into the spool and apply in a second pass (members: members-run.ts). */
async function kindRun(kind: Exclude<ImportKind, 'members'>, ctx: ImportContext): Promise<KindRun<string>> {
  switch (kind) {
    case 'channels':
      return channelImport(ctx);
    case 'contacts':
      return contactImport(ctx);
    case 'plans':
      return await planImport(ctx);
  }
}

type Pass1 = { sheet: string; columns: { key: string; header: string }[] };

/** Pass 1: every row read, checked and spooled; nothing is written to the ledger. */
async function checkAll(run: KindRun<string>, source: string, spool: Spool, job: JobContext): Promise<Pass1> {
  const table = await openTable({ path: source }, run.columns).catch((error: unknown) => {
    throw error instanceof AppError ? new JobFailure(error.message) : error;
  });
  const firstKey = run.columns[0].key;
  let chunk: TableRow<string>[] = [];
  let read = 0;
  let flagged = 0;
  /** The first rows are previewed, and the first flagged (duplicate) rows wherever they are. */
  const shown = (index: number, flag: string | null | undefined) =>
    index < previewRows || (flag && ++flagged <= previewRows);
  const flush = async () => {
    const checked = await run.check(chunk);
    spool.add(
      checked.map((c, i) => ({
        ...c,
        row: chunk[i].rowNumber,
        display: shown(read - chunk.length + i, c.flag) ? run.display(chunk[i].values) : null,
      })),
    );
    chunk = [];
    job.progress(read, null);
    if (job.signal.aborted) throw new Error('import stopped');
    await yieldToLoop(); // SQLite queries resolve as microtasks: let requests in between chunks
  };
  try {
    for await (const row of table.rows) {
      if (cellText(row.values[firstKey] ?? null).startsWith(examplePrefix)) continue;
      chunk.push(row);
      read++;
      if (chunk.length === chunkSize) await flush();
    }
    if (chunk.length > 0) await flush();
  } catch (error) {
    throw error instanceof AppError ? new JobFailure(error.message) : error;
  }
  const columns = table.columns.map((c) => ({ key: c.key, header: c.header }));
  return { sheet: table.sheet, columns };
}

/** Pass 2: the valid rows against the ledger, chunk by chunk, writing when `write` (inside the caller's transaction). */
async function applyAll(
  run: KindRun<string>,
  db: Parameters<KindRun<string>['apply']>[0],
  spool: Spool,
  write: boolean,
  job: JobContext,
  total: number,
) {
  const counts = { create: 0, update: 0, unchanged: 0 };
  const early = new Map<number, RowAction>();
  let done = 0;
  job.progress(0, total);
  for (const rows of spool.validChunks(chunkSize)) {
    const actions = await run.apply(db, rows, write);
    actions.forEach((action, i) => {
      if (action !== 'error' && action !== 'duplicate') counts[action]++;
      if (early.size < previewRows) early.set(rows[i].row, action);
    });
    done += rows.length;
    if (write) await importTestHooks.afterChunkWritten?.(done);
    job.progress(done, total);
    if (job.signal.aborted) throw new Error('import stopped');
    await yieldToLoop();
  }
  return { counts, early };
}

/**
 * The first rows, then the flagged (duplicate) rows after them; `displays` holds what the spool did not keep of
 * the latter (a member import learns of a duplicate only when it writes the row).
 */
export function preview(
  spool: Spool,
  early: Map<number, RowAction>,
  displays?: Map<number, Record<string, string>>,
): PreviewRow[] {
  const first = spool.firstRows(previewRows);
  const last = first.length === 0 ? 0 : first[first.length - 1].row;
  return [...first, ...spool.flaggedRows(last, previewRows)].map((r) => ({
    row: r.row,
    action: r.error ? (r.flag === 'duplicate' ? 'duplicate' : 'error') : (early.get(r.row) ?? 'unchanged'),
    values: r.display ? (JSON.parse(r.display) as Record<string, string>) : (displays?.get(r.row) ?? {}),
    errors: r.error ? r.error.split('；') : [],
  }));
}

/** The first errors as the job lists them ('第 12 行：…'); the error report has them all. */
export function listErrors(spool: Spool): string[] {
  const list: string[] = [];
  for (const e of spool.errorRows()) {
    if (list.length >= listedErrors) break;
    list.push(`第 ${e.row} 行：${e.error}`);
  }
  return list;
}

export type ImportRunDeps = {
  db: Db;
  keyring: Keyring;
  dataDir: string;
  /** SQLite's writer connection (null on PostgreSQL): a member import binds its rows there directly. */
  sqliteWriter?: SQLite.Database | null;
};

/**
 * One import, start to end: pass 1 checks every row into the spool and marks duplicates within the file; then,
 * for a real run without a single error, pass 2 applies everything in ONE transaction that also writes the audit
 * row, refreshes the campaign figures and marks the job done — all of it or nothing. A dry run, or a real run
 * with errors, classifies the rows without writing and keeps an error report for the uploader.
 */
export async function runImport(
  deps: ImportRunDeps,
  job: JobContext,
  input: ImportJobInput,
  scope: { actor: Actor; root: ResolvedOrg; orgs: OrgResolver },
): Promise<StoredImportResult> {
  if (input.kind === 'members') return runMemberImport(deps, job, input, scope);
  const ctx: ImportContext = {
    db: deps.db,
    keyring: deps.keyring,
    ...scope,
    today: chinaToday(),
    campaignId: input.campaignId,
    jobId: job.job.id,
  };
  const run = await kindRun(input.kind, ctx);
  const source = storedFilePath(deps.dataDir, input.file.sha256);
  const spool = openSpool(spoolDir(deps.dataDir), run.spoolRules);
  try {
    const { sheet, columns } = await checkAll(run, source, spool, job);
    const { rows, errors } = spool.counts();
    if (rows === 0) throw new JobFailure('表中没有数据行：请在表头下方逐行填写后再上传');
    const base = { kind: input.kind, dryRun: input.dryRun, fileName: input.file.name, sheet, columns };
    const finish = async (applied: Awaited<ReturnType<typeof applyAll>>): Promise<StoredImportResult> => ({
      ...base,
      counts: { rows, ...applied.counts, errors },
      ...run.extra(),
      preview: preview(spool, applied.early),
      errors: listErrors(spool),
      errorReport: errors > 0,
    });

    if (input.dryRun || errors > 0) {
      const result = await finish(await applyAll(run, deps.db, spool, false, job, rows - errors));
      if (errors > 0) result.errorFile = await storeErrorReport(deps, run.columns, source, spool);
      if (input.dryRun) return result;
      throw new JobFailure(`共 ${errors} 行有错误，未导入任何数据：请下载错误报告，修改后重新上传`, result);
    }
    const result = await withLargerSqliteCache(deps.db, () =>
      deps.db.transaction().execute(async (trx) => {
        const applied = await applyAll(run, trx, spool, true, job, rows);
        // The audit chain before the campaign figures, in the order a single write takes them (its audit row, then
        // refreshOrgMetrics): taken the other way round, the two could wait for each other (PostgreSQL: a deadlock).
        await lockAuditChain(trx);
        await run.finish(trx);
        const result = await finish(applied);
        await recordAudit(trx, scope.actor, {
          action: input.kind === 'members' ? 'member.import' : 'ledger.import',
          objectType: 'job',
          objectId: job.job.id,
          orgId: scope.root.id,
          details: { kind: input.kind, ...result.counts, ...run.extra() },
        });
        await job.complete(trx, result);
        return result;
      }),
    );
    await refreshStatistics(deps.db, run.tables, result.counts.create);
    return result;
  } finally {
    spool.close();
  }
}

/**
 * SQLite's default page cache (2 MB) is far smaller than the indexes a large import writes into (two 64-character
 * blind-index keys per contact): the transaction would spill and re-read pages all along. The shared connection
 * gets a 64 MB cache while the import runs, and its setting back afterwards.
 */
export async function withLargerSqliteCache<T>(db: Db, work: () => Promise<T>): Promise<T> {
  if (isPostgres(db)) return work();
  const before = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
  const previous = Number(before.rows[0]?.cache_size ?? -2000);
  if (previous < 0 && previous <= -importCacheKiB) return work();
  await sql.raw(`pragma cache_size = -${importCacheKiB}`).execute(db);
  try {
    return await work();
  } finally {
    await sql.raw(`pragma cache_size = ${Math.trunc(previous)}`).execute(db);
  }
}
const importCacheKiB = 65536;

/**
 * After a large import PostgreSQL's statistics still describe the tables as they were (autovacuum analyses a
 * minute or more later), and a second import started meanwhile would plan its look-ups as scans of a small table.
 * A few hundred milliseconds of sampling keep the plans on the indexes. SQLite plans from its indexes alone.
 */
export async function refreshStatistics(db: Db, tables: readonly string[], created: number): Promise<void> {
  if (!isPostgres(db) || created < 10_000 || tables.length === 0) return;
  await sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
}

/** The error report, stored as a file of the job (its sha256); `onRow` sees each row written to it. */
export async function storeErrorReport(
  deps: ImportRunDeps,
  columns: readonly TemplateColumn<string>[],
  source: string,
  spool: Spool,
  onRow?: OnReportRow,
) {
  const target = tempFilePath(deps.dataDir, '.xlsx');
  try {
    await writeErrorReport({ path: source }, columns, spool, target, onRow);
    const mime = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    return (await storeFileFromPath(deps.db, deps.dataDir, target, mime)).sha256;
  } finally {
    fs.rmSync(target, { force: true });
  }
}
