import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../config.js';
import { sqliteFilePath } from '../db/database.js';
import { storedFilePath } from '../files/store.js';
import {
  appVersion,
  availableKey,
  copyHashed,
  countPostgresTables,
  countSqliteTables,
  fsyncPath,
  sha256OfFile,
  writeManifest,
  type BackupFile,
  type BackupManifest,
  type BackupProgress,
} from './manifest.js';
import { runPostgresTool } from './pg-tools.js';

// A backup of a running installation: the database as one consistent snapshot, taken without stopping writers,
// then the uploaded files that snapshot refers to. SQLite: the online backup API, never a copy of the live file.
// PostgreSQL: pg_dump. Everything is written to `<out>.partial-…` and renamed to `<out>` once the manifest is
// written, so a backup cut short never looks complete.

export type BackupResult = { dir: string; manifest: BackupManifest; bytes: number; seconds: number };

/** How an import's upload is stored (features/imports/service.ts), as opposed to screenshots, documents, reports. */
const importUploadMime = 'application/octet-stream';

type Snapshot = {
  databaseFile: string;
  tables: Record<string, number>;
  lastMigration: string | null;
  /** The `files` rows of the snapshot: the uploads the backup must carry. */
  fileRows: { sha256: string; size: number; mime: string }[];
};

export async function createBackup(options: {
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'dataKey'>;
  out: string;
  onProgress?: BackupProgress;
}): Promise<BackupResult> {
  const started = Date.now();
  const { config } = options;
  const out = path.resolve(options.out);
  if (fs.existsSync(out) && (!fs.statSync(out).isDirectory() || fs.readdirSync(out).length > 0)) {
    throw new Error(`${out} 已存在且不是空目录：请指定一个新的备份目录`);
  }
  // Read before the snapshot: a key file the server has not created yet must not be created here.
  const key = availableKey(config);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const work = `${out}.partial-${randomBytes(4).toString('hex')}`;
  fs.mkdirSync(work, { mode: 0o700 });
  const progress = options.onProgress ?? (() => {});
  try {
    const snapshot = config.databaseUrl
      ? await dumpPostgres(config.databaseUrl, work, progress)
      : await copySqlite(config.dataDir, work, progress);
    const { files, filesNotCopied } = await copyFiles(config.dataDir, work, snapshot.fileRows, progress);
    const databasePath = path.join(work, snapshot.databaseFile);
    const size = fs.statSync(databasePath).size;
    let read = 0;
    const sha256 = await sha256OfFile(databasePath, (n) =>
      progress({ phase: 'verify', done: (read += n), total: size }),
    );
    const manifest: BackupManifest = {
      format: 'tuanjian-backup',
      formatVersion: 1,
      appVersion: appVersion(),
      createdAt: new Date().toISOString(),
      database: {
        kind: config.databaseUrl ? 'postgres' : 'sqlite',
        file: snapshot.databaseFile,
        size,
        sha256,
        lastMigration: snapshot.lastMigration,
      },
      tables: snapshot.tables,
      files,
      filesNotCopied,
      key: { included: false, fingerprint: key?.fingerprint ?? null },
    };
    writeManifest(work, manifest);
    if (fs.existsSync(out)) fs.rmdirSync(out);
    fs.renameSync(work, out);
    fsyncPath(path.dirname(out));
    const bytes = size + files.reduce((sum, f) => sum + f.size, 0);
    return { dir: out, manifest, bytes, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    fs.rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The online backup API, page by page, on a connection that holds one read transaction from start to end: in WAL
 * mode writers carry on, and the copy is the snapshot that transaction sees. (Without it, every commit of the
 * server between two steps restarts the copy, and a busy server never lets it finish.) The same snapshot gives
 * the list of files. The copy is then checked (integrity_check) and counted, and made a standalone file.
 */
async function copySqlite(dataDir: string, work: string, progress: BackupProgress): Promise<Snapshot> {
  const file = sqliteFilePath(dataDir);
  if (!fs.existsSync(file)) throw new Error(`找不到数据库文件 ${file}：请检查 TUANJIAN_DATA_DIR`);
  const databaseFile = 'database.sqlite';
  const target = path.join(work, databaseFile);
  const source = new SQLite(file, { fileMustExist: true });
  let fileRows: Snapshot['fileRows'];
  try {
    source.pragma('busy_timeout = 5000');
    source.exec('begin');
    source.prepare('select count(*) from sqlite_master').get();
    await source.backup(target, {
      progress: ({ totalPages, remainingPages }) => {
        progress({ phase: 'database', done: totalPages - remainingPages, total: totalPages });
        return 4096;
      },
    });
    const pages = source.pragma('page_count', { simple: true }) as number;
    progress({ phase: 'database', done: pages, total: pages });
    fileRows = source.prepare('select sha256, size, mime from files order by sha256').all() as Snapshot['fileRows'];
    source.exec('commit');
  } finally {
    source.close();
  }
  const copy = new SQLite(target);
  try {
    const integrity = copy.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`备份出的数据库未通过完整性检查：${String(integrity)}`);
    copy.pragma('journal_mode = delete');
    fs.chmodSync(target, 0o600);
    const tables = countSqliteTables(copy);
    const lastMigration = (copy.prepare('select max(name) from kysely_migration').pluck().get() as string) ?? null;
    return { databaseFile, tables, lastMigration, fileRows };
  } finally {
    copy.close();
  }
}

/**
 * pg_dump in custom format, in the snapshot of a repeatable-read transaction exported to it: the counts and the
 * list of files are read in that same transaction, so they describe exactly what the dump holds.
 */
async function dumpPostgres(databaseUrl: string, work: string, progress: BackupProgress): Promise<Snapshot> {
  const databaseFile = 'database.dump';
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const { rows } = await client.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot');
    const tables = await countPostgresTables(client);
    const fileRows = (
      await client.query<Snapshot['fileRows'][number]>('select sha256, size, mime from files order by sha256')
    ).rows;
    const migration = await client.query<{ name: string | null }>('select max(name) as name from kysely_migration');
    const total = Object.keys(tables).length;
    let done = 0;
    progress({ phase: 'database', done, total });
    await runPostgresTool(
      'pg_dump',
      databaseUrl,
      [
        '--format=custom',
        '--no-owner',
        '--no-privileges',
        `--snapshot=${rows[0].snapshot}`,
        `--file=${path.join(work, databaseFile)}`,
      ],
      () => progress({ phase: 'database', done: ++done, total }),
    );
    await client.query('commit');
    fs.chmodSync(path.join(work, databaseFile), 0o600);
    fsyncPath(path.join(work, databaseFile));
    return { databaseFile, tables, lastMigration: migration.rows[0].name, fileRows };
  } finally {
    await client.end();
  }
}

/**
 * The uploads the snapshot refers to, each copied and checked against its content address. A file deleted after
 * the snapshot (an import's upload once its job ended) or damaged on disk is reported, not fatal: the rest of the
 * backup is still worth having. The upload of an import in progress is left out on purpose: it holds ID numbers
 * and phones in clear (it is deleted when its job ends); after a restore that import must be uploaded again.
 */
async function copyFiles(
  dataDir: string,
  work: string,
  rows: Snapshot['fileRows'],
  progress: BackupProgress,
): Promise<Pick<BackupManifest, 'files' | 'filesNotCopied'>> {
  const files: BackupFile[] = [];
  const filesNotCopied: BackupManifest['filesNotCopied'] = [];
  const dirs = new Set<string>();
  progress({ phase: 'files', done: 0, total: rows.length });
  for (const [index, row] of rows.entries()) {
    const source = storedFilePath(dataDir, row.sha256);
    const relative = path.posix.join(row.sha256.slice(0, 2), row.sha256);
    const target = path.join(work, 'files', relative);
    if (row.mime === importUploadMime) {
      filesNotCopied.push({ sha256: row.sha256, reason: 'import-upload' });
    } else if (!fs.existsSync(source)) {
      filesNotCopied.push({ sha256: row.sha256, reason: 'missing' });
    } else {
      const dir = path.dirname(target);
      if (!dirs.has(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      dirs.add(dir);
      const sha256 = await copyHashed(source, target);
      if (sha256 === row.sha256) {
        files.push({ path: relative, size: fs.statSync(target).size, sha256 });
      } else {
        fs.rmSync(target);
        filesNotCopied.push({ sha256: row.sha256, reason: 'damaged' });
      }
    }
    progress({ phase: 'files', done: index + 1, total: rows.length });
  }
  for (const dir of dirs) fsyncPath(dir);
  if (dirs.size > 0) fsyncPath(path.join(work, 'files'));
  fsyncPath(work);
  return { files, filesNotCopied };
}
