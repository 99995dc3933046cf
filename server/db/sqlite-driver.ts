/**
 * SQLite over two connections to one file, so that reads never wait for a write transaction. Kysely's own
 * SqliteDriver keeps ONE connection behind a mutex for the whole of a transaction: while an import applies two
 * million rows in one transaction, every other request (even /healthz) would wait minutes. In WAL mode one writer
 * works while readers see the last commit, so:
 * - the writer connection is held by one party at a time (a mutex): a transaction from begin to commit/rollback,
 *   or a single statement outside one (an autocommit write, any pragma: pragmas set the writer's state);
 * - outside a transaction, a statement that returns rows and that SQLite reports read-only runs at once on the
 *   read-only reader connection and sees the last commit — what a PostgreSQL pool connection would see;
 * - inside a transaction everything runs on the writer: a transaction reads its own rows and transactions stay
 *   serialised. acquireConnection takes no lock; the connection routes each query.
 * A write outside the transaction (a session's once-a-minute touch too) still waits for it: one writer.
 */
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

export type SqliteConnections = { writer: SQLite.Database; reader: SQLite.Database };

/** Upkeep of a database file running apart from its connections (a checkpoint in a worker thread), per writer. */
const upkeep = new WeakMap<SQLite.Database, Set<Promise<void>>>();

/**
 * Runs work on the writer's file apart from the connections, not waited for by its caller; closing the database
 * waits for it, so that nothing touches the file (or recreates its -wal and -shm) after close.
 */
export function runUpkeep(writer: SQLite.Database, work: () => Promise<void>): void {
  const running = upkeep.get(writer) ?? new Set<Promise<void>>();
  upkeep.set(writer, running);
  const task: Promise<void> = work()
    .catch(() => {})
    .finally(() => running.delete(task));
  running.add(task);
}

export class SqliteTwoConnectionDialect implements Dialect {
  constructor(private readonly connections: SqliteConnections) {}
  createDriver(): Driver {
    return new SqliteTwoConnectionDriver(this.connections);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

class SqliteTwoConnectionDriver implements Driver {
  readonly #writerMutex = new Mutex();
  constructor(private readonly connections: SqliteConnections) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new RoutingConnection(this.connections, this.#writerMutex);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutingConnection).begin();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutingConnection).commit();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutingConnection).rollback();
  }

  // Savepoints are only ever asked for inside a transaction, so they run on the writer.
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteName(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoteName(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoteName(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as RoutingConnection).release();
  }

  async destroy(): Promise<void> {
    await Promise.all([...(upkeep.get(this.connections.writer) ?? [])]);
    // The reader first: the writer, last to close, checkpoints the write-ahead log into the file.
    this.connections.reader.close();
    this.connections.writer.close();
  }
}

class RoutingConnection implements DatabaseConnection {
  /** True from begin until commit or rollback: this connection then owns the writer. */
  #holdsWriter = false;

  constructor(
    private readonly connections: SqliteConnections,
    private readonly writerMutex: Mutex,
  ) {}

  async begin(): Promise<void> {
    await this.writerMutex.lock();
    this.#holdsWriter = true;
    // IMMEDIATE takes SQLite's write lock now, waiting out another process (the CLI) by the busy timeout; a
    // deferred transaction that first reads could not upgrade to writing past a commit made meanwhile.
    run(this.connections.writer.prepare('begin immediate'), []);
  }

  async commit(): Promise<void> {
    // A failed commit leaves the transaction open; Kysely then rolls back, still on the writer.
    run(this.connections.writer.prepare('commit'), []);
    this.release();
  }

  async rollback(): Promise<void> {
    try {
      // SQLite rolls back by itself after some errors (a full disk): then there is nothing left to roll back.
      if (this.connections.writer.inTransaction) run(this.connections.writer.prepare('rollback'), []);
    } finally {
      this.release();
    }
  }

  release(): void {
    if (!this.#holdsWriter) return;
    this.#holdsWriter = false;
    this.writerMutex.unlock();
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { writer, reader } = this.connections;
    if (this.#holdsWriter) return run<R>(prepared(writer, query.sql), query.parameters);
    const onReader = prepared(reader, query.sql);
    if (isPlainRead(onReader, query.sql)) return run<R>(onReader, query.parameters);
    await this.writerMutex.lock();
    try {
      return run<R>(prepared(writer, query.sql), query.parameters);
    } finally {
      this.writerMutex.unlock();
    }
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { writer, reader } = this.connections;
    if (this.#holdsWriter) {
      yield* streamRows<R>(writer.prepare(query.sql), query.parameters);
      return;
    }
    if (isPlainRead(reader.prepare(query.sql), query.sql)) {
      // Its own read-only connection: an open statement keeps its connection's snapshot, and the shared reader
      // must keep seeing each new commit (read-your-writes) while the stream is consumed.
      const own = openSqliteReader(writer.name);
      try {
        yield* streamRows<R>(own.prepare(query.sql), query.parameters);
      } finally {
        own.close();
      }
      return;
    }
    await this.writerMutex.lock();
    try {
      yield* streamRows<R>(writer.prepare(query.sql), query.parameters);
    } finally {
      this.writerMutex.unlock();
    }
  }
}

/** A read-only connection to the file the writer holds (which set WAL mode, a property of the file). */
export function openSqliteReader(file: string): SQLite.Database {
  const reader = new SQLite(file, { readonly: true, fileMustExist: true });
  // A reader may briefly meet a lock while the writer checkpoints or recovers the log.
  reader.pragma('busy_timeout = 5000');
  return reader;
}

/**
 * Rows from a statement that changes nothing. Pragmas stay on the writer even when they only read: their values
 * (cache_size, foreign_keys…) are the writer's settings. Transaction statements return no rows, so they never qualify.
 */
function isPlainRead(stmt: SQLite.Statement, sqlText: string): boolean {
  return stmt.reader && stmt.readonly && !/^\s*pragma\b/i.test(sqlText);
}

function run<R>(stmt: SQLite.Statement, parameters: readonly unknown[]): QueryResult<R> {
  if (stmt.reader) return { rows: stmt.all(parameters) as R[] };
  const { changes, lastInsertRowid } = stmt.run(parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

function* streamRows<R>(stmt: SQLite.Statement, parameters: readonly unknown[]): Iterable<QueryResult<R>> {
  if (!stmt.reader) throw new Error('only statements returning rows can be streamed');
  for (const row of stmt.iterate(parameters)) yield { rows: [row as R] };
}

/**
 * Statements already prepared on a connection, by SQL text: preparing cost as much as running for the small
 * queries of a request (a quarter of the CPU of a member list page at 50 clients). all() and run() finish before
 * returning, so a statement is never busy when it is reused; streams prepare their own. The oldest of 500 goes.
 */
const statements = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();
function prepared(connection: SQLite.Database, text: string): SQLite.Statement {
  let cache = statements.get(connection);
  if (!cache) statements.set(connection, (cache = new Map<string, SQLite.Statement>()));
  let stmt = cache.get(text);
  if (!stmt) {
    stmt = connection.prepare(text);
    if (cache.size >= 500) cache.delete(cache.keys().next().value!);
    cache.set(text, stmt);
  }
  return stmt;
}

function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** First come, first served: unlock hands the writer straight to the next waiter. */
class Mutex {
  #locked = false;
  readonly #waiting: (() => void)[] = [];

  async lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  unlock(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#locked = false;
  }
}
