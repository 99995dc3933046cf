import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Executor } from '../db/schema.js';
import { nowIso } from '../db/tree.js';
import { processEnded, processTag } from '../jobs/liveness.js';

/**
 * Uploaded files, content-addressed: <data dir>/files/ab/<sha256>. A file is written to a temporary name,
 * fsynced and renamed (and the directory fsynced), so a crash never leaves a half-written file under its final
 * name; the row in `files` is inserted by the caller's transaction, and `sweepOrphans` removes what a crash left:
 * temporary files, files whose row never committed, uploads whose import ended. `server/crash.test.ts` kills the
 * server during uploads and checks.
 */
export function filesDir(dataDir: string): string {
  return path.join(dataDir, 'files');
}

export function storedFilePath(dataDir: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256');
  return path.join(filesDir(dataDir), sha256.slice(0, 2), sha256);
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Creates the directory of a stored file; a new shard directory is made durable in its parent too. */
function makeShardDir(target: string): void {
  const dir = path.dirname(target);
  if (fs.mkdirSync(dir, { recursive: true }) !== undefined) fsyncDir(path.dirname(dir));
}

/** Writes the bytes (once) and records them; returns the content address. */
export async function storeFile(
  trx: Executor,
  dataDir: string,
  bytes: Buffer,
  mime: string,
): Promise<{ sha256: string; size: number }> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const target = storedFilePath(dataDir, sha256);
  if (!fs.existsSync(target)) {
    makeShardDir(target);
    const tmp = tempFilePath(dataDir);
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
    fsyncDir(path.dirname(target));
  }
  await trx
    .insertInto('files')
    .values({ sha256, size: bytes.length, mime, created_at: nowIso() })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
  return { sha256, size: bytes.length };
}

/**
 * A temporary file for bytes on their way into the store (an upload being received, a report being written). Its
 * name starts with the writing process's tag, so that once that process has died the sweep knows it for litter.
 */
export function tempFilePath(dataDir: string, suffix = ''): string {
  const tmpDir = path.join(filesDir(dataDir), 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  return path.join(tmpDir, `${processTag}.${randomBytes(12).toString('hex')}${suffix}`);
}

/**
 * Moves a finished temporary file (from tempFilePath) into the store and records it, like storeFile without
 * holding the bytes in memory: a spreadsheet of a million rows is streamed in and out.
 */
export async function storeFileFromPath(
  trx: Executor,
  dataDir: string,
  tempPath: string,
  mime: string,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(tempPath)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  const size = fs.statSync(tempPath).size;
  const target = storedFilePath(dataDir, sha256);
  if (fs.existsSync(target)) {
    fs.rmSync(tempPath, { force: true });
  } else {
    const fd = fs.openSync(tempPath, 'r+');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    makeShardDir(target);
    fs.renameSync(tempPath, target);
    fsyncDir(path.dirname(target));
  }
  await trx
    .insertInto('files')
    .values({ sha256, size, mime, created_at: nowIso() })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
  return { sha256, size };
}

/** Removes a stored file and its row, for files nothing else refers to (an upload once its import is over). */
export async function deleteStoredFile(db: Executor, dataDir: string, sha256: string): Promise<void> {
  await db.deleteFrom('files').where('sha256', '=', sha256).execute();
  fs.rmSync(storedFilePath(dataDir, sha256), { force: true });
}

export function readStoredFile(dataDir: string, sha256: string): Buffer {
  return fs.readFileSync(storedFilePath(dataDir, sha256));
}

/** How import uploads are stored (features/imports/service.ts): the sweep recognises them by it. */
const uploadMime = 'application/octet-stream';

/**
 * Removes what a crash (or a failed step) leaves in the store, and returns how many files it removed:
 * - temporary files whose writing process has ended (on this host), or older than an hour;
 * - stored files with no row, older than an hour: the crash came between the rename and the commit (a younger
 *   one may belong to a transaction another instance still has open);
 * - import uploads that only finished jobs name: the crash came between the job's commit and the upload's
 *   deletion. An upload holds ID numbers in clear; it is kept only while an import still needs it.
 * Run at start-up and daily (server/scheduler.ts).
 */
export async function sweepOrphans(db: Executor, dataDir: string): Promise<number> {
  const root = filesDir(dataDir);
  if (!fs.existsSync(root)) return 0;
  let removed = 0;
  const hourAgo = Date.now() - 3600_000;
  const remove = (file: string) => {
    fs.rmSync(file, { force: true });
    removed++;
  };
  for (const shard of fs.readdirSync(root)) {
    const dir = path.join(root, shard);
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      const age = fs.statSync(file, { throwIfNoEntry: false });
      if (!age) continue; // removed meanwhile (a rename into the store, a finished report)
      if (shard === 'tmp') {
        if (age.mtimeMs < hourAgo || processEnded(name.split('.')[0])) remove(file);
        continue;
      }
      if (age.mtimeMs > hourAgo) continue; // may belong to a transaction still open
      const row = await db.selectFrom('files').select('sha256').where('sha256', '=', name).executeTakeFirst();
      if (!row) remove(file);
    }
  }
  const namedBy = (statuses: ('queued' | 'running' | 'done' | 'failed')[]) =>
    db
      .selectFrom('jobs')
      .select('jobs.id')
      .where('jobs.status', 'in', statuses)
      .where(sql<boolean>`jobs.input like '%' || files.sha256 || '%'`);
  const endedUploads = await db
    .selectFrom('files')
    .select('sha256')
    .where('mime', '=', uploadMime)
    .where((eb) => eb.exists(namedBy(['done', 'failed'])))
    .where((eb) => eb.not(eb.exists(namedBy(['queued', 'running']))))
    .execute();
  for (const { sha256 } of endedUploads) {
    // Deleted only if still unneeded when deleted: an upload of the same bytes may have queued a job meanwhile.
    const deleted = await db
      .deleteFrom('files')
      .where('sha256', '=', sha256)
      .where((eb) => eb.not(eb.exists(namedBy(['queued', 'running']))))
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 1) remove(storedFilePath(dataDir, sha256));
  }
  return removed;
}

export type ImageType = { mime: 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif'; extension: string };

/** The type of an image from its first bytes, never from its name or the declared content type. */
export function detectImageType(bytes: Buffer): ImageType | null {
  const starts = (signature: number[], offset = 0) => signature.every((b, i) => bytes[offset + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mime: 'image/png', extension: 'png' };
  if (starts([0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', extension: 'jpg' };
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) {
    return { mime: 'image/webp', extension: 'webp' };
  }
  if (starts([0x47, 0x49, 0x46, 0x38])) return { mime: 'image/gif', extension: 'gif' };
  return null;
}

export type DocumentType = ImageType | { mime: 'application/pdf'; extension: 'pdf' };

/** A filed document (a signed form, a scan): a PDF or an image, from its first bytes like detectImageType. */
export function detectDocumentType(bytes: Buffer): DocumentType | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return { mime: 'application/pdf', extension: 'pdf' };
  return detectImageType(bytes);
}
