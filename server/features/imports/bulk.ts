import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../db/schema.js';
import { isPostgres } from '../../db/tree.js';

// Chunked look-ups and inserts for imports, one statement per chunk on either database. PostgreSQL plans a
// 500-element IN list or a 5,500-parameter VALUES anew every time; one array parameter per column (= any(…),
// unnest(…)) is planned in a fraction of that and made a contact import three times faster. SQLite gets the plain
// forms, which it parses quickly.

export type ColumnType = 'int' | 'text';

/** The column is one of the values. */
export function oneOf(db: Executor, column: string, values: readonly (string | number)[], type: ColumnType) {
  if (isPostgres(db)) {
    return sql<SqlBool>`${sql.ref(column)} = any(${[...values]}::${sql.raw(type === 'int' ? 'int[]' : 'text[]')})`;
  }
  if (values.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(values)})`;
}

/**
 * Inserts rows (objects with the given columns) and returns the `returning` columns of what was inserted;
 * `onConflict` is appended as written (e.g. "on conflict (cadre_id, contact_id) do nothing").
 */
export async function insertRows<R>(
  db: Executor,
  table: string,
  columns: Record<string, ColumnType>,
  rows: readonly Record<string, unknown>[],
  options: { returning?: readonly string[]; onConflict?: string } = {},
): Promise<R[]> {
  if (rows.length === 0) return [];
  const names = Object.keys(columns);
  const into = sql`insert into ${sql.table(table)} (${sql.join(names.map((n) => sql.ref(n)))})`;
  let source: RawBuilder<unknown>;
  if (isPostgres(db)) {
    const arrays = names.map(
      (n) => sql`${rows.map((r) => r[n] ?? null)}::${sql.raw(columns[n] === 'int' ? 'int[]' : 'text[]')}`,
    );
    source = sql`select * from unnest(${sql.join(arrays)})`;
  } else {
    source = sql`values ${sql.join(rows.map((r) => sql`(${sql.join(names.map((n) => r[n] ?? null))})`))}`;
  }
  const conflict = options.onConflict ? sql.raw(` ${options.onConflict}`) : sql``;
  const returning = options.returning?.length
    ? sql` returning ${sql.join(options.returning.map((n) => sql.ref(n)))}`
    : sql``;
  const result = await sql<R>`${into} ${source}${conflict}${returning}`.execute(db);
  return result.rows;
}
