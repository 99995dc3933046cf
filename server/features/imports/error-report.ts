import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { openTable, type SpreadsheetFile, type TableRow } from '../../spreadsheets/table.js';
import { createXlsxWriter } from '../../spreadsheets/writer.js';
import { displayCell, type DisplayKind } from './checks.js';
import type { TemplateColumn } from './columns.js';
import type { Spool } from './spool.js';

/**
 * The rows that have errors, as uploaded (the columns the import recognised, in sheet order) with an added
 * 错误 column: '第 12 行：手机号码应为 11 位中国大陆手机号'. The source is read again and joined with the spool's
 * errors in row order, so memory stays flat however many rows are wrong. A phone or ID number that is valid is
 * masked like everywhere else; a wrong one is shown as typed, since it is what needs fixing. The report goes only
 * to the uploader.
 */
/** Called with each row the report repeats (a member import collects the preview of late duplicates there). */
export type OnReportRow = (row: TableRow<string>) => void;

export async function writeErrorReport(
  source: SpreadsheetFile,
  columns: readonly TemplateColumn<string>[],
  spool: Spool,
  target: string,
  onRow?: OnReportRow,
): Promise<number> {
  const table = await openTable(source, columns);
  const output = fs.createWriteStream(target);
  const writer = createXlsxWriter(output);
  const sheet = writer.addSheet('错误报告', [
    ...table.columns.map((c) => ({ header: c.header, width: columns.find((s) => s.key === c.key)?.width })),
    { header: '错误', width: 60 },
  ]);
  const kinds = new Map<string, DisplayKind>(
    columns.flatMap((c) => (c.personal ? [[c.key, `typed-${c.personal}` as const]] : [])),
  );
  const errors = spool.errorRows();
  let next = errors.next();
  let written = 0;
  try {
    for await (const row of table.rows) {
      while (!next.done && next.value.row < row.rowNumber) next = errors.next();
      if (next.done) break;
      if (next.value.row !== row.rowNumber) continue;
      onRow?.(row);
      sheet.addRow([
        ...table.columns.map((c) => displayCell(row.values[c.key], kinds.get(c.key) ?? 'text')),
        `第 ${row.rowNumber} 行：${next.value.error}`,
      ]);
      written++;
      if (written % 500 === 0) {
        await sheet.drained();
        await yieldToLoop();
      }
    }
  } finally {
    await table.rows.return(undefined);
  }
  sheet.commit();
  await writer.finish();
  await finished(output);
  return written;
}
