import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { chinaToday } from '../../../common/dates.js';
import type { RowAction } from '../../../common/imports.js';
import { nowIso } from '../../db/tree.js';
import { storedFilePath } from '../../files/store.js';
import type { Actor } from '../../http/actor.js';
import { JobFailure, type JobContext } from '../../jobs/runner.js';
import { lockAuditChain } from '../audit/repo.js';
import { recordAudit } from '../audit/service.js';
import { memberColumns } from './columns.js';
import { displayMember, previewRows, type MemberBatch } from './members-import.js';
import { finishMembers, memberWriter, newMemberImportState, type RowOutcome } from './members-apply.js';
import { openMemberReader } from './members-reader.js';
import type { OrgResolver, ResolvedOrg } from './org-resolver.js';
import {
  listErrors,
  preview,
  refreshStatistics,
  storeErrorReport,
  type ImportJobInput,
  type ImportRunDeps,
  type StoredImportResult,
} from './run.js';
import { openSpool, spoolDir, type Spool } from './spool.js';
import { withSqliteBulkWrite } from './sqlite-bulk.js';
import { importTestHooks } from './test-hooks.js';

// A member import in one pass. The sheet is read, checked and encrypted in batches (members-reader.ts, a worker
// thread for a large file) while this thread writes each batch into the register inside ONE transaction
// (members-apply.ts): the unique indexes find the people already registered and the repeats within the file, so a
// fresh import looks nothing up. At the end a real run without a single error commits, with the member counts,
// the audit row and the job's completion; a dry run, or a run with errors, rolls everything back and reports
// what it found (a real run would have done exactly that). Rows with errors, and what the preview shows of the
// first rows, go to the spool on disk, so memory does not grow with the file.

/**
 * Rows written between two turns of the event loop: as many as take about `sliceMs` (SQLite writes on this
 * thread), halved after a slow slice and doubled after a quick one, within 50–2,000.
 */
const sliceMs = 20;
/** The write-ahead log is synced in the background every so many rows (sqlite-bulk.ts). */
const flushRows = 100_000;

/** Thrown inside the transaction to roll it back once everything has been classified. */
class RollBack extends Error {}

type Tally = {
  rows: number;
  errors: number;
  duplicates: number;
  counts: Record<'create' | 'update' | 'unchanged', number>;
  /** The action of each previewed row (the first rows of the file). */
  early: Map<number, RowAction>;
  /** Rows per slice (see sliceMs). */
  slice: number;
};

export async function runMemberImport(
  deps: ImportRunDeps,
  job: JobContext,
  input: ImportJobInput,
  scope: { actor: Actor; root: ResolvedOrg; orgs: OrgResolver },
): Promise<StoredImportResult> {
  const source = storedFilePath(deps.dataDir, input.file.sha256);
  const spool = openSpool(spoolDir(deps.dataDir), { duplicateMessage: () => '' });
  const reader = await openMemberReader({
    file: { path: source },
    size: input.file.size,
    orgs: scope.orgs,
    today: chinaToday(),
    keyring: deps.keyring,
  });
  const state = newMemberImportState(job.job.id, scope.actor, nowIso());
  const tally: Tally = {
    rows: 0,
    errors: 0,
    duplicates: 0,
    counts: { create: 0, update: 0, unchanged: 0 },
    early: new Map(),
    slice: 250,
  };
  const base = {
    kind: input.kind,
    dryRun: input.dryRun,
    fileName: input.file.name,
    sheet: reader.sheet,
    columns: reader.columns,
  };
  const result = (displays?: Map<number, Record<string, string>>): StoredImportResult => ({
    ...base,
    counts: { rows: tally.rows, ...tally.counts, errors: tally.errors },
    duplicates: tally.duplicates,
    preview: preview(spool, tally.early, displays),
    errors: listErrors(spool),
    errorReport: tally.errors > 0,
  });
  try {
    const committed = await withSqliteBulkWrite(deps.db, deps.sqliteWriter ?? null, (bulk) =>
      deps.db
        .transaction()
        .execute(async (trx) => {
          const writer = memberWriter(trx, deps.sqliteWriter ?? null, state);
          let flushed = 0;
          for await (const batch of reader.batches) {
            await writeBatch(batch, (rows, records) => writer.apply(rows, records), spool, tally);
            if (!input.dryRun) await importTestHooks.afterChunkWritten?.(tally.rows);
            job.progress(batch.read, null);
            if (job.signal.aborted) throw new Error('import stopped');
            if (tally.rows - flushed >= flushRows) {
              flushed = tally.rows;
              await bulk.flush();
            }
          }
          if (tally.rows === 0) throw new JobFailure('表中没有数据行：请在表头下方逐行填写后再上传');
          if (input.dryRun || tally.errors > 0) throw new RollBack();
          // The audit chain before the member counts, in the order a registration takes them (its audit row, then
          // its counts): taken the other way round, the two waited for each other (PostgreSQL: a deadlock that
          // failed the import; found by server/crash.test.ts).
          await lockAuditChain(trx);
          await finishMembers(trx, state);
          const done = result();
          await recordAudit(trx, scope.actor, {
            action: 'member.import',
            objectType: 'job',
            objectId: job.job.id,
            orgId: scope.root.id,
            details: { kind: input.kind, ...done.counts, duplicates: tally.duplicates },
          });
          await job.complete(trx, done);
          await bulk.flush();
          return done;
        })
        .catch((error: unknown) => {
          if (error instanceof RollBack) return null;
          throw error;
        }),
    );
    if (committed) {
      await refreshStatistics(deps.db, ['members', 'member_events'], committed.counts.create);
      return committed;
    }
    // Rolled back: a dry run, or errors. The report repeats the rows with errors (and gives the preview the
    // cells of the duplicates found after the first rows, which only the sheet still holds).
    let displays: Map<number, Record<string, string>> | undefined;
    let errorFile: string | undefined;
    if (tally.errors > 0) {
      const wanted = new Set(spool.flaggedRows(0, previewRows * 2).map((r) => r.row));
      displays = new Map();
      const found = displays;
      errorFile = await storeErrorReport(deps, memberColumns, source, spool, (row) => {
        if (wanted.has(row.rowNumber)) found.set(row.rowNumber, displayMember(row.values));
      });
    }
    const rolledBack: StoredImportResult = { ...result(displays), ...(errorFile ? { errorFile } : {}) };
    if (input.dryRun) return rolledBack;
    throw new JobFailure(`共 ${tally.errors} 行有错误，未导入任何数据：请下载错误报告，修改后重新上传`, rolledBack);
  } finally {
    await reader.close();
    spool.close();
  }
}

/**
 * One batch from the reader: its rows with errors to the spool, its valid rows written a slice at a time with a
 * turn of the event loop in between, and what became of each row counted (and spooled when it is an error).
 */
async function writeBatch(
  batch: MemberBatch,
  write: (rows: readonly number[], records: MemberBatch['records']) => Promise<RowOutcome[]>,
  spool: Spool,
  tally: Tally,
): Promise<void> {
  const displays = new Map(batch.displays);
  const shown = (row: number) => displays.get(row) ?? null;
  spool.add(
    batch.invalid.map(({ row, errors }) => ({
      row,
      orgId: null,
      key: null,
      record: null,
      errors,
      display: shown(row),
    })),
  );
  tally.rows += batch.invalid.length;
  tally.errors += batch.invalid.length;
  for (let start = 0; start < batch.rows.length;) {
    const rows = batch.rows.slice(start, start + tally.slice);
    const started = performance.now();
    const outcomes = await write(rows, batch.records.slice(start, start + rows.length));
    const took = performance.now() - started;
    tally.slice = Math.min(
      2000,
      Math.max(50, took > sliceMs ? tally.slice >> 1 : took < sliceMs / 2 ? tally.slice * 2 : tally.slice),
    );
    start += rows.length;
    const spooled: Parameters<Spool['add']>[0][number][] = [];
    outcomes.forEach((outcome, i) => {
      const row = rows[i];
      const display = shown(row);
      if ('action' in outcome) {
        tally.counts[outcome.action]++;
        if (display) {
          tally.early.set(row, outcome.action);
          spooled.push({ row, orgId: null, key: null, record: null, errors: [], display });
        }
        return;
      }
      tally.errors++;
      if (outcome.duplicate) tally.duplicates++;
      spooled.push({
        row,
        orgId: null,
        key: null,
        record: null,
        errors: outcome.errors,
        display,
        flag: outcome.duplicate ? 'duplicate' : null,
      });
    });
    spool.add(spooled);
    tally.rows += rows.length;
    await yieldToLoop();
  }
}
