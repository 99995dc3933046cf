import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type SQLite from 'better-sqlite3';
import type pg from 'pg';
import type { Dialect } from '../db/database.js';
import { keyFilePath } from '../personal-data/keyring.js';

/**
 * What a backup is: one directory holding the database (`database.sqlite`, an online-backup copy, or
 * `database.dump`, a pg_dump in custom format), the uploaded files under `files/ab/<sha256>`, and `manifest.json`,
 * written last, which describes it all. Never the master key of the personal data (see README.md).
 */
export type BackupManifest = {
  format: 'tuanjian-backup';
  formatVersion: 1;
  appVersion: string;
  createdAt: string;
  database: {
    kind: Dialect;
    file: string;
    size: number;
    sha256: string;
    /** The last migration applied: a restore into an older version of the app would not know it. */
    lastMigration: string | null;
  };
  /** Rows per table in the snapshot the backup holds. */
  tables: Record<string, number>;
  files: BackupFile[];
  /**
   * `files` rows whose bytes are not in the backup: gone (deleted after the snapshot), damaged, or the upload of an
   * import still in progress — a spreadsheet with ID numbers and phones in clear, which no backup may hold.
   */
  filesNotCopied: { sha256: string; reason: 'missing' | 'damaged' | 'import-upload' }[];
  key: {
    included: false;
    /** Identifies the master key the personal data was encrypted with (null: the key was not available). */
    fingerprint: string | null;
  };
};

export type BackupFile = { path: string; size: number; sha256: string };

export type BackupProgress = (step: { phase: BackupPhase; done: number; total: number }) => void;
/** database: the copy or dump; verify: checksums read back; files: uploaded files copied; restore: the load. */
export type BackupPhase = 'database' | 'verify' | 'files' | 'restore';

export const manifestName = 'manifest.json';
export const formatVersion: number = 1;

export function appVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export async function sha256OfFile(file: string, onBytes?: (n: number) => void): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    onBytes?.((chunk as Buffer).length);
  }
  return hash.digest('hex');
}

export function fsyncPath(target: string): void {
  const fd = fs.openSync(target, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function writeManifest(dir: string, manifest: BackupManifest): void {
  const target = path.join(dir, manifestName);
  const tmp = `${target}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  fsyncPath(tmp);
  fs.renameSync(tmp, target);
  fsyncPath(dir);
}

export function readManifest(dir: string): BackupManifest {
  const file = path.join(dir, manifestName);
  if (!fs.existsSync(file)) {
    throw new Error(`${dir} 不是一份完整的备份：缺少 ${manifestName}（备份可能没有做完）`);
  }
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as BackupManifest;
  } catch {
    throw new Error(`${file} 已损坏，无法读取`);
  }
  if (manifest.format !== 'tuanjian-backup') throw new Error(`${file} 不是团建的备份清单`);
  if (manifest.formatVersion !== formatVersion) {
    throw new Error(
      `备份格式版本 ${String(manifest.formatVersion)} 不受支持（本程序支持 ${String(formatVersion)}），请用更新的版本恢复`,
    );
  }
  return manifest;
}

/** A short public name for a master key: who holds the key can check it; the fingerprint reveals nothing of it. */
export function keyFingerprint(masterKey: Buffer): string {
  const digest = createHash('sha256').update('tuanjian data key fingerprint\n').update(masterKey).digest('hex');
  return digest.slice(0, 16).replace(/(.{4})(?!$)/g, '$1-');
}

/**
 * The master key this process would use, without creating one (the server creates the key file at its first start;
 * a backup or a restore must not). Null when there is none yet.
 */
export function availableKey(options: {
  dataKey: string | null;
  dataDir: string;
}): { source: 'environment' | 'file'; fingerprint: string } | null {
  if (options.dataKey) {
    const key = Buffer.from(options.dataKey, 'base64');
    if (key.length !== 32) throw new Error('TUANJIAN_DATA_KEY 应为 32 字节的 base64 字符串');
    return { source: 'environment', fingerprint: keyFingerprint(key) };
  }
  const file = keyFilePath(options.dataDir);
  if (!fs.existsSync(file)) return null;
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`密钥文件 ${file} 不是 32 字节的 base64 密钥`);
  return { source: 'file', fingerprint: keyFingerprint(key) };
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Rows per table (the app's and the migrator's), on a SQLite connection: what the file holds. */
export function countSqliteTables(connection: SQLite.Database): Record<string, number> {
  const names = connection
    .prepare(
      `select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name`,
    )
    .pluck()
    .all() as string[];
  return Object.fromEntries(
    names.map((name) => [
      name,
      Number(
        connection
          .prepare(`select count(*) from ${quote(name)}`)
          .pluck()
          .get(),
      ),
    ]),
  );
}

/** Rows per table of the current schema, in the client's transaction (a backup's snapshot). */
export async function countPostgresTables(client: pg.ClientBase): Promise<Record<string, number>> {
  const tables = await client.query<{ name: string }>(
    `select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${quote(name)}`);
    counts[name] = Number(rows[0].n);
  }
  return counts;
}

/** Tables whose count differs between the manifest and what a restore produced; empty when they agree. */
export function countDifferences(expected: Record<string, number>, actual: Record<string, number>): string[] {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return names
    .filter((name) => expected[name] !== actual[name])
    .map((name) => `${name}: 清单 ${expected[name] ?? '无此表'}，恢复后 ${actual[name] ?? '无此表'}`);
}

/** Copies a file while hashing it; the copy is fsynced. Returns the sha256 of what was copied. */
export async function copyHashed(source: string, target: string, mode = 0o600): Promise<string> {
  const hash = createHash('sha256');
  const fd = fs.openSync(target, 'w', mode);
  try {
    for await (const chunk of fs.createReadStream(source, { highWaterMark: 1024 * 1024 })) {
      hash.update(chunk as Buffer);
      fs.writeSync(fd, chunk as Buffer);
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * A PostgreSQL URL for pg_dump and pg_restore without its password, which goes to them in PGPASSWORD instead:
 * command lines are visible to every user of the machine.
 */
export function postgresToolTarget(databaseUrl: string): { url: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  return { url: url.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}
