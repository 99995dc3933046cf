import fs from 'node:fs';
import type { Executor } from '../../db/schema.js';
import { pathIds, subtreeRange } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { storedFilePath } from '../../files/store.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { readXlsxSheets } from '../../spreadsheets/xlsx-reader.js';
import { cellText } from '../../spreadsheets/values.js';
import { jobResult, updateJobResult } from './erase-repo.js';
import type { Person, PersonRecords } from './person.js';
import { importJobsAround } from './repo.js';

// What imports keep of the people in a sheet once the job is over. The upload itself is deleted when its job ends
// (imports/service.ts releaseUpload), but the job's result keeps a preview of the first rows (names with masked
// ID numbers and phones) and, when rows were wrong, an error report in the file store that repeats those rows.
// An erasure finds the person there — a row naming them and carrying one of their ID numbers or phones, masked
// or in full — and removes those preview rows and those error reports.

/** What identifies the person in a sheet's row: a name, and one of their numbers. */
export type Marks = { names: Set<string>; numbers: Set<string> };

export function marksOf(keyring: Keyring, records: PersonRecords): Marks {
  const all = [...records.members, ...records.applicants, ...records.cadres, ...records.contacts];
  const numbers = new Set<string>();
  const add = (cipher: string | null, masked: string | null) => {
    if (masked) numbers.add(masked);
    if (cipher) numbers.add(keyring.decrypt(cipher));
  };
  for (const r of all) add(r.phone_cipher, r.phone_masked);
  for (const r of [...records.members, ...records.applicants]) add(r.id_cipher, r.id_masked);
  for (const c of records.cadres) add(c.id_cipher, c.id_masked);
  return { names: new Set(all.map((r) => r.full_name)), numbers };
}

export function rowMentions(marks: Marks, cells: readonly string[]): boolean {
  return cells.some((c) => marks.names.has(c.trim())) && cells.some((c) => marks.numbers.has(c.trim()));
}

type StoredResult = {
  preview?: { values: Record<string, string> }[];
  errorFile?: string;
  errorReport?: boolean;
};

export type ImportTrace = { jobId: number; preview: boolean; errorFile: string | null };

async function reportMentions(marks: Marks, file: string): Promise<boolean> {
  for await (const sheet of readXlsxSheets(file)) {
    for await (const rows of sheet.chunks) {
      for (const row of rows) if (rowMentions(marks, row.cells.map(cellText))) return true;
    }
  }
  return false;
}

/** Import jobs that may have read the person's rows: of an org at or above one of theirs, or in the actor's subtree. */
export function importJobsFor(db: Executor, actor: Actor, person: Person) {
  const records = [...person.all.members, ...person.all.applicants, ...person.all.cadres, ...person.all.contacts];
  return importJobsAround(db, {
    orgIds: [...new Set(records.flatMap((r) => pathIds(r.org_path)))],
    subtree: actor.scopePath === null ? null : subtreeRange(actor.scopePath),
  });
}

type ImportJob = Awaited<ReturnType<typeof importJobsFor>>[number];

/** Jobs still queued or running hold their upload, which may carry the person: an erasure waits for them. */
export function unfinishedImports(jobs: ImportJob[]): number {
  return jobs.filter((job) => job.status === 'queued' || job.status === 'running').length;
}

/**
 * The finished jobs whose preview or error report names the person. Read before the erasure's transaction:
 * error reports are files.
 */
export async function findImportTraces(dataDir: string, marks: Marks, jobs: ImportJob[]): Promise<ImportTrace[]> {
  const traces: ImportTrace[] = [];
  for (const job of jobs) {
    if (job.status === 'queued' || job.status === 'running' || !job.result) continue;
    const result = JSON.parse(job.result) as StoredResult;
    const preview = (result.preview ?? []).some((row) => rowMentions(marks, Object.values(row.values)));
    let errorFile: string | null = null;
    if (result.errorFile) {
      const file = storedFilePath(dataDir, result.errorFile);
      if (fs.existsSync(file) && (await reportMentions(marks, file))) errorFile = result.errorFile;
    }
    if (preview || errorFile) traces.push({ jobId: job.id, preview, errorFile });
  }
  return traces;
}

/**
 * Takes the person out of these jobs' results, inside the erasure's transaction: their preview rows go, and an
 * error report naming them is unlinked (its file is removed with the person's other files). Returns the error
 * reports unlinked.
 */
export async function scrubImportTraces(trx: Executor, marks: Marks, traces: ImportTrace[]): Promise<string[]> {
  const reports: string[] = [];
  for (const trace of traces) {
    const row = await jobResult(trx, trace.jobId);
    if (!row?.result) continue;
    const result = JSON.parse(row.result) as StoredResult;
    if (result.preview) result.preview = result.preview.filter((p) => !rowMentions(marks, Object.values(p.values)));
    if (trace.errorFile && result.errorFile === trace.errorFile) {
      reports.push(trace.errorFile);
      delete result.errorFile;
      result.errorReport = false;
    }
    await updateJobResult(trx, trace.jobId, JSON.stringify(result));
  }
  return reports;
}
