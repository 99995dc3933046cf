import { AppError } from '../http/errors.js';
import { readCsvSheet } from './csv-reader.js';
import { detectSpreadsheetType } from './detect.js';
import { cellText, cleanText, type CellValue } from './values.js';
import { readXlsxSheets, type RawRow, type RawSheet } from './xlsx-reader.js';
import { defaultZipLimits, type ZipLimits } from './zip-guard.js';

/** A column a table is expected to have, by its Chinese header (and other spellings people use). */
export type ColumnSpec<K extends string = string> = {
  key: K;
  header: string;
  aliases?: readonly string[];
  required?: boolean;
};

export type TableRow<K extends string> = { rowNumber: number; values: Record<K, CellValue> };

export type OpenedTable<K extends string> = {
  sheet: string;
  headerRow: number;
  /** Columns found in the header, in sheet order, for reports that repeat the uploaded row. */
  columns: { key: K; index: number; header: string }[];
  /** The non-empty rows below the header, one by one. */
  rows: AsyncGenerator<TableRow<K>>;
  /** The same rows in groups, for readers of large sheets: one await per group. Read `rows` or `chunks`, not both. */
  chunks: AsyncGenerator<TableRow<K>[]>;
};

/** How far down a header may sit below merged title rows and notes. */
const headerSearchRows = 10;

/** "手机号码*", "手机号码 ＊", "AppID" and "appid" are the same header; so are "村(社区)" and "村（社区）". */
export function headerKey(text: string): string {
  return cleanText(text).replace(/[*\s]/g, '').toLowerCase();
}

function matchHeader<K extends string>(cells: CellValue[], columns: readonly ColumnSpec<K>[]) {
  const wanted = new Map<string, ColumnSpec<K>>();
  for (const column of columns) {
    for (const name of [column.header, ...(column.aliases ?? [])]) wanted.set(headerKey(name), column);
  }
  const found: OpenedTable<K>['columns'] = [];
  cells.forEach((cell, index) => {
    const column = wanted.get(headerKey(cellText(cell)));
    if (column && !found.some((f) => f.key === column.key))
      found.push({ key: column.key, index, header: column.header });
  });
  const required = columns.filter((c) => c.required);
  return required.every((c) => found.some((f) => f.key === c.key)) && found.length > 0 ? found : null;
}

function toTableRow<K extends string>(row: RawRow, columns: OpenedTable<K>['columns']): TableRow<K> | null {
  const values = {} as Record<K, CellValue>;
  let empty = true;
  for (const { key, index } of columns) {
    const value = row.cells[index] ?? null;
    values[key] = value;
    if (empty && cellText(value) !== '') empty = false;
  }
  return empty ? null : { rowNumber: row.rowNumber, values };
}

async function* dataChunks<K extends string>(
  first: RawRow[],
  rest: AsyncGenerator<RawRow[]>,
  columns: OpenedTable<K>['columns'],
  release: () => Promise<unknown>,
): AsyncGenerator<TableRow<K>[]> {
  const rows = (raw: RawRow[]) => {
    const out: TableRow<K>[] = [];
    for (const r of raw) {
      const row = toTableRow(r, columns);
      if (row) out.push(row);
    }
    return out;
  };
  try {
    const head = rows(first);
    if (head.length > 0) yield head;
    for await (const raw of rest) {
      const chunk = rows(raw);
      if (chunk.length > 0) yield chunk;
    }
  } finally {
    await rest.return(undefined);
    await release();
  }
}

async function* oneByOne<T>(chunks: AsyncGenerator<T[]>): AsyncGenerator<T> {
  try {
    for await (const chunk of chunks) yield* chunk;
  } finally {
    await chunks.return(undefined);
  }
}

export type SpreadsheetFile = { path: string; limits?: ZipLimits };

/**
 * Opens the first sheet whose header (within its first rows, below any merged title) holds every required
 * column, and streams its non-empty rows. Other sheets — instructions, a lookup list, last year's table — are
 * passed over. No such sheet: a Chinese error naming the headers the template expects.
 */
export async function openTable<K extends string>(
  file: SpreadsheetFile,
  columns: readonly ColumnSpec<K>[],
): Promise<OpenedTable<K>> {
  const { type, encoding } = detectSpreadsheetType(file.path);
  const sheets: AsyncGenerator<RawSheet> =
    type === 'xlsx'
      ? readXlsxSheets(file.path, file.limits ?? defaultZipLimits)
      : (async function* () {
          yield readCsvSheet(file.path, encoding!);
        })();
  try {
    // Not for-await: leaving such a loop with the table found would close the workbook under its reader.
    for (let next = await sheets.next(); !next.done; next = await sheets.next()) {
      const sheet = next.value;
      let searched = 0;
      while (searched < headerSearchRows) {
        const chunk = await sheet.chunks.next();
        if (chunk.done) break;
        for (let i = 0; i < chunk.value.length && searched < headerSearchRows; i++, searched++) {
          const row = chunk.value[i];
          const found = matchHeader(row.cells, columns);
          if (!found) continue;
          const chunks = dataChunks(chunk.value.slice(i + 1), sheet.chunks, found, () => sheets.return(undefined));
          return { sheet: sheet.name, headerRow: row.rowNumber, columns: found, chunks, rows: oneByOne(chunks) };
        }
      }
      await sheet.chunks.return(undefined);
    }
  } catch (error) {
    await sheets.return(undefined);
    throw error;
  }
  const expected = columns
    .filter((c) => c.required)
    .map((c) => `“${c.header}”`)
    .join('');
  throw new AppError(
    'import_failed',
    400,
    `未找到导入表：请使用导入模板，表头（前 ${headerSearchRows} 行内）应包含${expected}等列`,
  );
}
