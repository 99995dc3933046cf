import { CompiledQuery } from 'kysely';
import type { Database, Executor } from '../server/db/schema.js';
import { isPostgres } from '../server/db/tree.js';

// Multi-row INSERTs for generated data, one statement per chunk. SQLite gets a VALUES list with its values bound
// as parameters; PostgreSQL gets one array per column, unnested (parsing 30,000 parameters costs it more than
// storing the rows). Kysely's builder is exact but costs more per row than the database does at this volume.

export type Cell = string | number | null;

/** Parameters per SQLite statement: below its limit of 32,766. */
const maxParameters = 30_000;
const postgresRows = 5_000;

const arrayTypes: Record<string, string> = {
  integer: 'int4',
  bigint: 'int8',
  real: 'float4',
  'double precision': 'float8',
  text: 'text',
  'character varying': 'text',
};
const columnTypes = new Map<string, Map<string, string>>();

async function postgresColumnTypes(db: Executor, table: string): Promise<Map<string, string>> {
  const known = columnTypes.get(table);
  if (known) return known;
  const result = await db.executeQuery<{ column_name: string; data_type: string }>(
    CompiledQuery.raw(
      'select column_name, data_type from information_schema.columns where table_schema = current_schema() and table_name = $1',
      [table],
    ),
  );
  const types = new Map(result.rows.map((r) => [r.column_name, arrayTypes[r.data_type] ?? 'text']));
  columnTypes.set(table, types);
  return types;
}

export async function bulkInsert<T extends keyof Database, R = Record<string, never>>(
  db: Executor,
  table: T,
  columns: readonly (keyof Database[T] & string)[],
  rows: readonly (readonly Cell[])[],
  returning: readonly (keyof Database[T] & string)[] = [],
): Promise<R[]> {
  for (const row of rows) {
    if (row.length !== columns.length)
      throw new Error(`${table}: a row has ${row.length} values, not ${columns.length}`);
  }
  const tail = returning.length > 0 ? ` returning ${returning.join(',')}` : '';
  const out: R[] = [];
  if (isPostgres(db)) {
    const types = await postgresColumnTypes(db, table);
    const arrays = columns.map((c, i) => `$${i + 1}::${types.get(c) ?? 'text'}[]`).join(',');
    const text = `insert into ${table} (${columns.join(',')}) select * from unnest(${arrays})${tail}`;
    for (let start = 0; start < rows.length; start += postgresRows) {
      const chunk = rows.slice(start, start + postgresRows);
      const parameters = columns.map((_, i) => chunk.map((row) => row[i]));
      out.push(...(await db.executeQuery<R>(CompiledQuery.raw(text, parameters))).rows);
    }
    return out;
  }
  const perStatement = Math.max(1, Math.floor(maxParameters / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const tuple = `(${columns.map(() => '?').join(',')})`;
    const text = `insert into ${table} (${columns.join(',')}) values ${chunk.map(() => tuple).join(',')}${tail}`;
    out.push(...(await db.executeQuery<R>(CompiledQuery.raw(text, chunk.flat()))).rows);
  }
  return out;
}
