import { once } from 'node:events';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';

/** A cell as the writer takes it: text is neutralised, numbers stay numbers, null leaves the cell empty. */
export type WritableCell = string | number | boolean | null | undefined;

/** `text`: the column is formatted as text, so that digits typed into it later stay digits (ID numbers, codes). */
export type SheetColumn = { header: string; width?: number; text?: boolean };

export type SheetWriter = {
  /** Adds and commits one row; its memory is released at once. */
  addRow: (values: readonly WritableCell[], options?: { note?: boolean }) => void;
  /** Resolves when the reader has caught up: call it between chunks so that a slow download bounds memory. */
  drained: () => Promise<void>;
  /** Finishes the sheet; the next sheet may be added afterwards. */
  commit: () => void;
  readonly rowCount: number;
};

export type XlsxWriter = {
  addSheet: (name: string, columns: readonly SheetColumn[], options?: { freezeHeader?: boolean }) => SheetWriter;
  finish: () => Promise<void>;
};

/**
 * Text that a spreadsheet program, or a CSV made from the file later, could take for a formula (= + - @, a tab or
 * a carriage return first) gets a leading apostrophe: shown as typed, never evaluated (OWASP CSV injection).
 */
export function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function cellValue(value: WritableCell): ExcelJS.CellValue {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? neutralizeFormula(value) : value;
}

const headerFill: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
const noteFont: Partial<ExcelJS.Font> = { italic: true, color: { argb: 'FF808080' } };

/**
 * A streaming xlsx writer (exceljs WorkbookWriter, inline strings, rows committed as they come): Chinese
 * headers in bold on a tinted row, column widths, the header frozen. Memory stays flat however many rows.
 */
export function createXlsxWriter(output: Writable): XlsxWriter {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  const drained = async () => {
    if (output.writableNeedDrain) await once(output, 'drain');
  };
  return {
    addSheet(name, columns, options = {}) {
      const sheet = workbook.addWorksheet(name, {
        views: options.freezeHeader === false ? [] : [{ state: 'frozen', ySplit: 1, xSplit: 0 }],
      });
      sheet.columns = columns.map((c) => ({
        width: c.width ?? Math.max(10, c.header.length * 2 + 4),
        ...(c.text ? { style: { numFmt: '@' } } : {}),
      }));
      const header = sheet.addRow(columns.map((c) => c.header));
      header.font = { bold: true };
      header.eachCell((cell) => {
        cell.fill = headerFill;
      });
      header.commit();
      let rowCount = 0;
      return {
        addRow(values, rowOptions = {}) {
          const row = sheet.addRow(values.map(cellValue));
          if (rowOptions.note) row.font = noteFont;
          row.commit();
          rowCount++;
        },
        drained,
        commit: () => sheet.commit(),
        get rowCount() {
          return rowCount;
        },
      };
    },
    finish: async () => {
      await workbook.commit();
    },
  };
}

/** A writer whose bytes are read from the returned stream, e.g. sent as a download while rows are produced. */
export function createXlsxStream(): { writer: XlsxWriter; stream: Readable } {
  const stream = new PassThrough();
  return { writer: createXlsxWriter(stream), stream };
}
