import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, type Migration } from 'kysely';
import pg from 'pg';
import type { Database, Db } from './schema.js';
import { openSqliteReader, SqliteTwoConnectionDialect } from './sqlite-driver.js';
import { isPostgres } from './tree.js';
import * as initial from './migrations/2026-11-27-initial.js';
import * as treeReadIndexes from './migrations/2026-11-28-tree-read-indexes.js';
import * as ledger from './migrations/2026-11-29-ledger.js';
import * as people from './migrations/2026-11-30-people.js';
import * as memberSearch from './migrations/2026-12-01-member-search.js';
import * as identity from './migrations/2026-12-02-identity.js';
import * as publishing from './migrations/2026-12-03-publishing.js';

export type Dialect = 'sqlite' | 'postgres';

export type DatabaseHandle = {
  db: Db;
  dialect: Dialect;
  /**
   * SQLite's writer connection (null on PostgreSQL), for prepared statements in bulk paths. Use it only inside a
   * Kysely transaction: the transaction then holds the writer, and raw statements on it are part of that transaction.
   */
  sqliteWriter: SQLite.Database | null;
  close: () => Promise<void>;
};

// COUNT(*) and other int8 values: numbers, not strings (counts stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export function sqliteFilePath(dataDir: string): string {
  return path.join(dataDir, 'tuanjian.sqlite');
}

export function openDatabase(options: { databaseUrl: string | null; dataDir: string }): DatabaseHandle {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', sqliteWriter: null, close: () => db.destroy() };
  }
  fs.mkdirSync(options.dataDir, { recursive: true });
  const file = sqliteFilePath(options.dataDir);
  const writer = new SQLite(file);
  configureSqlite(writer);
  // Reads outside a transaction never wait for the writer (see sqlite-driver.ts).
  const reader = openSqliteReader(file);
  const db = new Kysely<Database>({ dialect: new SqliteTwoConnectionDialect({ writer, reader }) });
  return { db, dialect: 'sqlite', sqliteWriter: writer, close: () => db.destroy() };
}

/** Durability settings are checked, not assumed: a file on a filesystem without WAL support fails loudly. */
export function configureSqlite(sqlite: SQLite.Database): void {
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const journal = sqlite.pragma('journal_mode', { simple: true });
  const synchronous = sqlite.pragma('synchronous', { simple: true });
  const foreignKeys = sqlite.pragma('foreign_keys', { simple: true });
  if (journal !== 'wal' || synchronous !== 2 || foreignKeys !== 1) {
    throw new Error(
      `SQLite durability settings not in force (journal_mode=${String(journal)}, synchronous=${String(synchronous)}, foreign_keys=${String(foreignKeys)})`,
    );
  }
}

const migrations: Record<string, Migration> = {
  '2026-11-27-initial': initial,
  '2026-11-28-tree-read-indexes': treeReadIndexes,
  '2026-11-29-ledger': ledger,
  '2026-11-30-people': people,
  '2026-12-01-member-search': memberSearch,
  '2026-12-02-identity': identity,
  '2026-12-03-publishing': publishing,
};

export type PostgresDurability = { fsync: string; fullPageWrites: string; synchronousCommit: string };

/**
 * What is wrong with PostgreSQL's durability settings, for the operator (null: nothing). Without fsync or
 * full_page_writes a crash of the machine can corrupt the database; with synchronous_commit off it can lose
 * commits the users were told had succeeded.
 */
export function postgresDurabilityProblem(settings: PostgresDurability): string | null {
  const wrong = [
    settings.fsync !== 'on' && `fsync = ${settings.fsync}`,
    settings.fullPageWrites !== 'on' && `full_page_writes = ${settings.fullPageWrites}`,
    settings.synchronousCommit === 'off' && `synchronous_commit = off`,
  ].filter(Boolean);
  if (wrong.length === 0) return null;
  return (
    `PostgreSQL 的持久化设置不安全（${wrong.join('，')}）：崩溃或断电时可能丢失或损坏已提交的数据，团建拒绝启动。` +
    `请在 postgresql.conf 中设置 fsync = on、full_page_writes = on、synchronous_commit = on（并检查数据库和角色上` +
    `没有用 ALTER DATABASE/ROLE … SET 改动它们），重新加载配置后再启动。`
  );
}

/** PostgreSQL's durability settings as a connection of this app sees them (database and role defaults included). */
export async function readPostgresDurability(db: Db): Promise<PostgresDurability> {
  const rows = await sql<{ name: string; setting: string }>`select name, setting from pg_settings
    where name in ('fsync', 'full_page_writes', 'synchronous_commit')`.execute(db);
  const setting = (name: string) => rows.rows.find((r) => r.name === name)?.setting ?? 'unknown';
  return {
    fsync: setting('fsync'),
    fullPageWrites: setting('full_page_writes'),
    synchronousCommit: setting('synchronous_commit'),
  };
}

/**
 * Runs pending migrations under Kysely's migration lock, so that several instances may start at once. Every start
 * comes through here (the server, the CLI, the tests): on PostgreSQL it first refuses settings that do not keep
 * what is committed, as configureSqlite does for SQLite.
 */
export async function migrateToLatest(db: Db): Promise<void> {
  if (isPostgres(db)) {
    const problem = postgresDurabilityProblem(await readPostgresDurability(db));
    if (problem) throw new Error(problem);
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
