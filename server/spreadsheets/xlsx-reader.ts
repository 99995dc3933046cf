import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Entry } from 'yauzl';
import { AppError } from '../http/errors.js';
import { notWorkbook, openGuardedZip, defaultZipLimits, type GuardedZip, type ZipLimits } from './zip-guard.js';
import { arrayView, sharedStringStore, sharedStringText } from './shared-strings.js';
import type { CellValue } from './values.js';

/** One row of a sheet: its 1-based number as Excel shows it and its cells by 0-based column. */
export type RawRow = { rowNumber: number; cells: CellValue[] };
/** A sheet's rows in order, in groups (one await per group rather than per row). */
export type RawSheet = { name: string; chunks: AsyncGenerator<RawRow[]> };

const chunkRows = 500;

/**
 * The parts of exceljs's streaming WorkbookReader this module drives itself (exceljs 4.4.0, pinned). Its own
 * parse() reads the zip with unzipper from the local headers, which a crafted file can make disagree with the
 * central directory we checked, and decodes each chunk as UTF-8 on its own, which garbles a Chinese character
 * cut by a chunk boundary (exceljs issues #2063, #2084). Here the entries come from yauzl — sizes validated
 * against the checked central directory — as text through a streaming decoder, workbook parts first, so
 * worksheets never go to temporary files.
 */
type WorksheetReader = ExcelJS.stream.xlsx.WorksheetReader & { name: string; state?: string };
type ReaderInternals = {
  options: { sharedStrings: string };
  sharedStrings?: string[];
  workbookRels?: { Id: string; Target: string }[];
  model?: { sheets?: { name: string; rId: string; state?: string }[] };
  _parseRels(stream: Readable): Promise<void>;
  _parseWorkbook(stream: Readable): Promise<void>;
  _parseStyles(stream: Readable): Promise<void>;
  _parseSharedStrings(stream: Readable): AsyncGenerator<unknown>;
  _parseWorksheet(stream: Readable, sheetNo: string): Generator<{ eventType: string; value: WorksheetReader }>;
};

function fromExcelCell(value: ExcelJS.CellValue): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || value instanceof Date) return value;
  if ('richText' in value) return value.richText.map((run) => run.text ?? '').join('');
  if ('error' in value) return { error: String(value.error) };
  if ('hyperlink' in value) return typeof value.text === 'string' ? value.text : null;
  if ('formula' in value || 'sharedFormula' in value) {
    // The streaming reader loses the code of an error result (#N/A parses as NaN and is dropped); a formula
    // saved without a cached result is as unknown to us. Either way the cell holds no value to import.
    const result = value.result;
    if (result === undefined || result === null || (typeof result === 'number' && Number.isNaN(result))) {
      return { error: '公式错误或无计算结果' };
    }
    return typeof result === 'object' && !(result instanceof Date) ? { error: String(result.error) } : result;
  }
  return null;
}

async function textStream(zip: GuardedZip, entry: Entry): Promise<Readable> {
  const stream = await zip.open(entry);
  stream.setEncoding('utf8');
  return stream;
}

/** "worksheets/sheet1.xml" or "/xl/worksheets/sheet1.xml" → the entry name in the zip. */
function entryName(target: string): string {
  return target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
}

/** A broken or lying zip, or XML that does not parse, is the uploader's file, not our error. */
function asFileError(error: unknown): unknown {
  return error instanceof AppError ? error : notWorkbook();
}

async function* sheetRows(reader: WorksheetReader, stream: Readable): AsyncGenerator<RawRow[]> {
  try {
    let chunk: RawRow[] = [];
    for await (const row of reader) {
      const values = row.values as ExcelJS.CellValue[];
      const cells: CellValue[] = new Array<CellValue>(Math.max(values.length - 1, 0)).fill(null);
      for (let i = 1; i < values.length; i++) cells[i - 1] = fromExcelCell(values[i]);
      chunk.push({ rowNumber: row.number, cells });
      if (chunk.length === chunkRows) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield chunk;
  } catch (error) {
    throw asFileError(error);
  } finally {
    stream.destroy();
  }
}

/**
 * The visible sheets of an xlsx in workbook order, each a stream of rows, with bounded memory apart from the
 * shared-string table. A consumer may stop reading a sheet early and go on to the next.
 */
export async function* readXlsxSheets(file: string, limits: ZipLimits = defaultZipLimits): AsyncGenerator<RawSheet> {
  const zip = await openGuardedZip(file, limits);
  const opened: Readable[] = [];
  try {
    yield* workbookSheets(zip, file, opened);
  } catch (error) {
    throw asFileError(error);
  } finally {
    for (const stream of opened) stream.destroy();
    zip.close();
  }
}

async function* workbookSheets(zip: GuardedZip, file: string, opened: Readable[]): AsyncGenerator<RawSheet> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: 'emit',
    sharedStrings: 'cache', // replaced by a compact store below
    styles: 'cache', // dates are numbers with a date format: without the styles they would stay numbers
    hyperlinks: 'ignore',
    entries: 'ignore',
  }) as unknown as ReaderInternals;
  const part = (name: string) => zip.entries.get(name);
  const rels = part('xl/_rels/workbook.xml.rels');
  if (rels) await reader._parseRels(await textStream(zip, rels));
  await reader._parseWorkbook(await textStream(zip, part('xl/workbook.xml')!));
  const styles = part('xl/styles.xml');
  if (styles) await reader._parseStyles(await textStream(zip, styles));
  const sharedStrings = part('xl/sharedStrings.xml');
  if (sharedStrings) {
    // Emitted one by one into a compact store rather than exceljs's array of strings (see shared-strings.ts).
    const store = sharedStringStore();
    reader.options.sharedStrings = 'emit';
    for await (const item of reader._parseSharedStrings(await textStream(zip, sharedStrings))) {
      store.add(sharedStringText((item as { text?: unknown }).text));
    }
    reader.sharedStrings = arrayView(store);
  }
  const targets = new Map((reader.workbookRels ?? []).map((rel) => [rel.Id, entryName(rel.Target)]));
  for (const sheet of reader.model?.sheets ?? []) {
    if (sheet.state === 'hidden' || sheet.state === 'veryHidden') continue;
    const entry = part(targets.get(sheet.rId) ?? '');
    if (!entry) continue;
    const stream = await textStream(zip, entry);
    opened.push(stream);
    const [first] = [...reader._parseWorksheet(stream, sheet.rId)];
    yield { name: sheet.name, chunks: sheetRows(first.value, stream) };
    stream.destroy(); // a sheet the consumer left unfinished
  }
}
