import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../config.js';
import { openDatabase, sqliteFilePath, type Dialect } from '../db/database.js';
import { verifyAuditChain } from '../features/audit/service.js';
import { filesDir } from '../files/store.js';
import { keyFilePath } from '../personal-data/keyring.js';
import {
  availableKey,
  copyHashed,
  countDifferences,
  countPostgresTables,
  countSqliteTables,
  fsyncPath,
  readManifest,
  sha256OfFile,
  type BackupManifest,
  type BackupProgress,
} from './manifest.js';
import { runPostgresTool } from './pg-tools.js';

// Restores a backup into an empty data directory (SQLite) or an empty database (PostgreSQL); with `force`, over
// existing data once the server is stopped. Nothing in the target is touched before every checksum of the backup
// has been verified: the files and the SQLite copy are staged in the data directory and moved into place at the
// end. The restored database is then checked: rows per table as in the manifest, the audit chain intact.

export type KeyStatus =
  /** The key the target would use is the one the backup's personal data was encrypted with. */
  | { status: 'match'; fingerprint: string; source: 'environment' | 'file' }
  /** No key yet: the operator must supply the one with this fingerprint before starting the server. */
  | { status: 'missing'; fingerprint: string | null }
  /** The backup did not record which key (it was not available when the backup was made). */
  | { status: 'unknown'; source: 'environment' | 'file' };

export type RestoreResult = {
  manifest: BackupManifest;
  seconds: number;
  bytes: number;
  replaced: boolean;
  filesRestored: number;
  auditRowsChecked: number;
  key: KeyStatus;
};

export async function restoreBackup(options: {
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'dataKey'>;
  from: string;
  force: boolean;
  onProgress?: BackupProgress;
}): Promise<RestoreResult> {
  const started = Date.now();
  const { config } = options;
  const from = path.resolve(options.from);
  const progress = options.onProgress ?? (() => {});
  const manifest = readManifest(from);
  const kind: Dialect = config.databaseUrl ? 'postgres' : 'sqlite';
  if (manifest.database.kind !== kind) {
    const name = { sqlite: 'SQLite', postgres: 'PostgreSQL' };
    throw new Error(
      `这是 ${name[manifest.database.kind]} 的备份，当前配置的是 ${name[kind]}：` +
        (kind === 'sqlite' ? '恢复到 PostgreSQL 请设置 DATABASE_URL' : '恢复到 SQLite 请去掉 DATABASE_URL'),
    );
  }
  const key = checkKey(config, manifest);
  const replaced = await assertTargetWritable(config, options.force);

  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const stage = path.join(config.dataDir, `.restore-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(stage, { mode: 0o700 });
  try {
    await stageFiles(from, stage, manifest, progress);
    const databaseSource = path.join(from, manifest.database.file);
    if (!fs.existsSync(databaseSource)) throw new Error(`备份不完整：缺少 ${manifest.database.file}`);
    if (kind === 'sqlite') {
      const staged = path.join(stage, 'tuanjian.sqlite');
      const sha256 = await copyHashed(databaseSource, staged);
      progress({ phase: 'verify', done: manifest.database.size, total: manifest.database.size });
      if (sha256 !== manifest.database.sha256) throw damaged(manifest.database.file);
      checkStagedSqlite(staged, manifest);
      replaceSqliteFile(config.dataDir, staged);
    } else {
      let read = 0;
      const size = manifest.database.size;
      const sha256 = await sha256OfFile(databaseSource, (n) =>
        progress({ phase: 'verify', done: (read += n), total: size }),
      );
      if (sha256 !== manifest.database.sha256) throw damaged(manifest.database.file);
      await restorePostgres(config.databaseUrl!, databaseSource, manifest, replaced, progress);
    }
    const filesRestored = moveFilesIntoPlace(stage, config.dataDir, replaced);
    const audit = await verifyRestoredAudit(config);
    return {
      manifest,
      seconds: (Date.now() - started) / 1000,
      bytes: manifest.database.size + manifest.files.reduce((sum, f) => sum + f.size, 0),
      replaced,
      filesRestored,
      auditRowsChecked: audit,
      key,
    };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

function damaged(name: string): Error {
  return new Error(`备份已损坏：${name} 的校验值与清单不符，未做任何恢复`);
}

/**
 * The backup never holds the master key. A key that is there and is not the backup's is refused outright: the
 * server would start, show masks, and never find a person by ID number again.
 */
function checkKey(config: Pick<Config, 'dataKey' | 'dataDir'>, manifest: BackupManifest): KeyStatus {
  const present = availableKey(config);
  const expected = manifest.key.fingerprint;
  if (!present) return { status: 'missing', fingerprint: expected };
  if (!expected) return { status: 'unknown', source: present.source };
  if (present.fingerprint !== expected) {
    const where = present.source === 'environment' ? 'TUANJIAN_DATA_KEY' : keyFilePath(config.dataDir);
    throw new Error(
      `${where} 中的主密钥（指纹 ${present.fingerprint}）不是这份备份所用的主密钥（指纹 ${expected}）：` +
        '用它无法解密备份中的手机号和身份证号。请换上原来的密钥后再恢复。',
    );
  }
  return { status: 'match', fingerprint: expected, source: present.source };
}

/** True when existing data will be replaced (allowed only with --force, and only once the server has stopped). */
async function assertTargetWritable(config: Pick<Config, 'databaseUrl' | 'dataDir'>, force: boolean): Promise<boolean> {
  const existing: string[] = [];
  const storedFiles = countStoredFiles(config.dataDir);
  if (storedFiles > 0) existing.push(`${storedFiles} 个上传的文件`);
  if (config.databaseUrl) {
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ tables: string; others: string }>(
        `select (select count(*) from information_schema.tables where table_schema = current_schema()) as tables,
                (select count(*) from pg_stat_activity
                  where datname = current_database() and pid <> pg_backend_pid()) as others`,
      );
      if (Number(rows[0].tables) > 0) existing.push(`数据库中的 ${rows[0].tables} 张表`);
      if (existing.length > 0 && force && Number(rows[0].others) > 0) {
        throw new Error(`数据库还有 ${rows[0].others} 个其他连接：覆盖之前请先停止所有团建服务实例`);
      }
    } finally {
      await client.end();
    }
  } else {
    const file = sqliteFilePath(config.dataDir);
    if (fs.existsSync(file) && fs.statSync(file).size > 0) {
      existing.push(`数据库文件 ${path.basename(file)}`);
      if (force && sqliteInUse(file)) throw new Error(`${file} 正被使用：覆盖之前请先停止团建服务`);
    }
  }
  if (existing.length === 0) return false;
  if (!force) {
    throw new Error(
      `恢复的目标已有数据（${existing.join('、')}）。恢复会删除并替换它们；确认要覆盖，请先停止服务，再加 --force 重新执行`,
    );
  }
  return true;
}

/** Stored uploads (not temporary files) in a data directory. */
function countStoredFiles(dataDir: string): number {
  const root = filesDir(dataDir);
  if (!fs.existsSync(root)) return 0;
  return fs
    .readdirSync(root)
    .filter((shard) => shard !== 'tmp')
    .reduce((sum, shard) => sum + fs.readdirSync(path.join(root, shard)).length, 0);
}

/**
 * Whether another connection (a running server) has the file open: in WAL mode every open connection holds a
 * shared lock on the file, so an exclusive lock is only granted to a connection that is alone.
 */
function sqliteInUse(file: string): boolean {
  const probe = new SQLite(file, { fileMustExist: true });
  try {
    probe.pragma('busy_timeout = 0');
    probe.pragma('locking_mode = exclusive');
    probe.exec('begin exclusive');
    probe.exec('commit');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw error;
  } finally {
    probe.close();
  }
}

/** Copies every file of the manifest into the stage, checking each against its checksum. */
async function stageFiles(from: string, stage: string, manifest: BackupManifest, progress: BackupProgress) {
  progress({ phase: 'files', done: 0, total: manifest.files.length });
  for (const [index, file] of manifest.files.entries()) {
    if (!/^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(file.path)) throw new Error(`清单中的文件路径不合法：${file.path}`);
    const source = path.join(from, 'files', file.path);
    if (!fs.existsSync(source)) throw new Error(`备份不完整：缺少文件 files/${file.path}，未做任何恢复`);
    const target = path.join(stage, 'files', file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    if ((await copyHashed(source, target)) !== file.sha256) throw damaged(`files/${file.path}`);
    progress({ phase: 'files', done: index + 1, total: manifest.files.length });
  }
}

function checkStagedSqlite(staged: string, manifest: BackupManifest): void {
  const connection = new SQLite(staged, { fileMustExist: true });
  try {
    const integrity = connection.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`备份中的数据库未通过完整性检查：${String(integrity)}`);
    const differences = countDifferences(manifest.tables, countSqliteTables(connection));
    if (differences.length > 0) throw new Error(`备份中的数据库与清单不符：\n${differences.join('\n')}`);
  } finally {
    connection.close();
  }
  fsyncPath(staged);
}

/** The staged file replaces the database; a write-ahead log of the old one must not survive next to it. */
function replaceSqliteFile(dataDir: string, staged: string): void {
  const file = sqliteFilePath(dataDir);
  for (const suffix of ['-wal', '-shm', '-journal', '']) fs.rmSync(`${file}${suffix}`, { force: true });
  fs.renameSync(staged, file);
  fsyncPath(dataDir);
}

async function restorePostgres(
  databaseUrl: string,
  dump: string,
  manifest: BackupManifest,
  replace: boolean,
  progress: BackupProgress,
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    if (replace) {
      const { rows } = await client.query<{ name: string }>(
        `select table_name as name from information_schema.tables where table_schema = current_schema()`,
      );
      await client.query('begin');
      for (const { name } of rows) await client.query(`drop table if exists "${name.replaceAll('"', '""')}" cascade`);
      await client.query('commit');
    }
    const total = Object.keys(manifest.tables).length;
    let done = 0;
    progress({ phase: 'restore', done, total });
    // One transaction: a restore that fails leaves the database as empty as it found it.
    await runPostgresTool(
      'pg_restore',
      databaseUrl,
      ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges', dump],
      () => progress({ phase: 'restore', done: ++done, total }),
    );
    await client.query('begin isolation level repeatable read read only');
    const differences = countDifferences(manifest.tables, await countPostgresTables(client));
    await client.query('commit');
    if (differences.length > 0) throw new Error(`恢复后的数据库与清单不符：\n${differences.join('\n')}`);
  } finally {
    await client.end();
  }
}

function moveFilesIntoPlace(stage: string, dataDir: string, replace: boolean): number {
  const root = filesDir(dataDir);
  if (replace) fs.rmSync(root, { recursive: true, force: true });
  const staged = path.join(stage, 'files');
  if (!fs.existsSync(staged)) return 0;
  let moved = 0;
  for (const shard of fs.readdirSync(staged)) {
    fs.mkdirSync(path.join(root, shard), { recursive: true });
    for (const name of fs.readdirSync(path.join(staged, shard))) {
      fs.renameSync(path.join(staged, shard, name), path.join(root, shard, name));
      moved++;
    }
    fsyncPath(path.join(root, shard));
  }
  fsyncPath(root);
  return moved;
}

/** Walks the restored audit chain; a break means the database was altered before the backup was made. */
async function verifyRestoredAudit(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<number> {
  const handle = openDatabase(config);
  try {
    const chain = await verifyAuditChain(handle.db);
    if (!chain.ok) {
      throw new Error(
        `数据已恢复，但审计日志的哈希链在第 ${String(chain.firstBrokenId)} 行断开：备份之前审计日志已被改动，请报告安全管理员`,
      );
    }
    return chain.checked;
  } finally {
    await handle.close();
  }
}
