import type { Readable } from 'node:stream';
import type { Entry } from 'yauzl';
import { AppError } from '../http/errors.js';
import { unsupportedFile } from './detect.js';
import { sharedStringStore, type SharedStrings } from './shared-strings.js';
import type { CellValue } from './values.js';
import { defaultZipLimits, notWorkbook, openGuardedZip, type GuardedZip, type ZipLimits } from './zip-guard.js';

/** One row of a sheet: its 1-based number as Excel shows it and its cells by 0-based column. */
export type RawRow = { rowNumber: number; cells: CellValue[] };
/** A sheet's rows in order, in groups (one await per group rather than per row). */
export type RawSheet = { name: string; chunks: AsyncGenerator<RawRow[]> };

// An xlsx is a zip of XML parts. The entries come from yauzl, sizes validated against the central directory that
// zip-guard checked, decoded as UTF-8 by a streaming decoder (a Chinese character may fall across two chunks).
// The parts an import needs are read with a scanner of their own: the workbook (sheet names, order, visibility,
// the 1904 date system), its relationships (which part is which sheet), the styles (which cells are dates), the
// shared strings (into a compact store) and each sheet's rows. Everything else (formatting, merged cells,
// drawings) is passed over. What a cell holds:
// - text: a shared string (t="s"), an inline string (t="inlineStr", rich text runs joined) or a formula's text
//   result (t="str");
// - a number, or a Date when the cell's number format is a date or time format;
// - a boolean (t="b"); an error (t="e": #N/A, #REF!) as { error };
// - a formula's cached result; a formula saved without one is an error cell, as there is no value to import.

/** Rows per chunk handed to the reader. */
const chunkRows = 500;

// A hostile workbook must cost no more than its size: every scan below is one pass of indexOf (no regular
// expression that backtracks over what it already read, which made a row that never closes quadratic), and what
// is held at once is bounded. A row or a shared string is at most a few hundred KB in any real sheet.
const maxElementChars = 8 * 1024 * 1024;
/** The parts read whole: the workbook, its relationships and the styles (a few MB in the largest workbooks). */
const maxPartChars = 32 * 1024 * 1024;
/** Excel's last column is XFD. */
const maxColumns = 16_384;

const tooLargeElement = () => unsupportedFile('工作簿中有一行或一个单元格的内容过大（超过 8 MB），已拒绝处理');
const notUtf8 = () =>
  unsupportedFile('工作簿中有不是 UTF-8 编码的文字，文件可能已损坏：请在 Excel 或 WPS 中另存为 .xlsx 后上传');

/** A broken or lying zip, or XML that does not parse, is the uploader's file, not our error. */
function asFileError(error: unknown): unknown {
  return error instanceof AppError ? error : notWorkbook();
}

/**
 * The visible sheets of an xlsx in workbook order, each a stream of rows, with bounded memory apart from the
 * shared-string table. A consumer may stop reading a sheet early and go on to the next.
 */
export async function* readXlsxSheets(file: string, limits: ZipLimits = defaultZipLimits): AsyncGenerator<RawSheet> {
  const zip = await openGuardedZip(file, limits);
  const opened: Readable[] = [];
  try {
    yield* workbookSheets(zip, opened);
  } catch (error) {
    throw asFileError(error);
  } finally {
    for (const stream of opened) stream.destroy();
    zip.close();
  }
}

async function* workbookSheets(zip: GuardedZip, opened: Readable[]): AsyncGenerator<RawSheet> {
  const part = (name: string) => zip.entries.get(name);
  const workbook = await readPart(zip, part('xl/workbook.xml')!, opened);
  const rels = part('xl/_rels/workbook.xml.rels');
  const targets = new Map<string, string>();
  if (rels) {
    for (const attrs of startTags(await readPart(zip, rels, opened), 'Relationship')) {
      const id = attribute(attrs, 'Id');
      const target = attribute(attrs, 'Target');
      if (id && target) targets.set(id, entryName(target));
    }
  }
  const workbookPr = startTags(workbook, 'workbookPr').next();
  const date1904 = !workbookPr.done && ['1', 'true'].includes(attribute(workbookPr.value, 'date1904') ?? '');
  const styles = part('xl/styles.xml');
  const dateStyles = styles ? dateStyleIndexes(await readPart(zip, styles, opened)) : new Set<number>();
  const sharedStringsPart = part('xl/sharedStrings.xml');
  const sharedStrings = sharedStringsPart
    ? await readSharedStrings(zip, sharedStringsPart, opened)
    : sharedStringStore();
  const context: SheetContext = { sharedStrings, dateStyles, date1904 };

  // Each part once: a workbook listing one sheet a million times would otherwise inflate it a million times.
  const seen = new Set<Entry>();
  for (const attrs of startTags(workbook, 'sheet')) {
    const state = attribute(attrs, 'state');
    if (state === 'hidden' || state === 'veryHidden') continue;
    const entry = part(targets.get(attribute(attrs, 'r:id') ?? '') ?? '');
    if (!entry || seen.has(entry)) continue;
    seen.add(entry);
    const stream = await openEntry(zip, entry, opened);
    yield { name: decodeXml(attribute(attrs, 'name') ?? ''), chunks: sheetRows(stream, context) };
    stream.destroy(); // a sheet the consumer left unfinished
  }
}

/** "worksheets/sheet1.xml" or "/xl/worksheets/sheet1.xml" → the entry name in the zip. */
function entryName(target: string): string {
  return target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
}

async function openEntry(zip: GuardedZip, entry: Entry, opened: Readable[]): Promise<Readable> {
  const stream = await zip.open(entry);
  opened.push(stream);
  return stream;
}

const isDecodingError = (error: unknown) =>
  error instanceof TypeError && (error as { code?: unknown }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA';

/**
 * An entry's text, decoded strictly: bytes that are not UTF-8 are refused rather than replaced by U+FFFD, and so is
 * a NUL character, which XML never allows (and PostgreSQL cannot store).
 */
async function* textOf(stream: Readable): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of stream) {
      const text = decoder.decode(chunk as Buffer, { stream: true });
      if (text.includes('\0')) throw notWorkbook();
      if (text) yield text;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch (error) {
    throw isDecodingError(error) ? notUtf8() : error;
  }
}

/** A small part (workbook, relationships, styles) as one string. */
async function readPart(zip: GuardedZip, entry: Entry, opened: Readable[]): Promise<string> {
  let text = '';
  for await (const chunk of textOf(await openEntry(zip, entry, opened))) {
    text += chunk;
    if (text.length > maxPartChars) throw notWorkbook();
  }
  return text;
}

/** After a tag's name: white space, `>` or `/` (so that `row` does not match `rowBreaks`). */
function endsName(code: number): boolean {
  return code === 32 || code === 62 || code === 47 || code === 9 || code === 10 || code === 13;
}

/**
 * Complete elements `<tag …/>` or `<tag …>…</tag>` from a stream of XML text, a group per chunk of text. An element
 * cut by a chunk's end is kept as pieces, and only each new chunk is searched for its end (with the few characters
 * before it that may begin the end tag): every character is looked at once, and never copied again until the
 * element is complete. An element longer than maxElementChars is refused.
 */
async function* elements(chunks: AsyncIterable<string>, tag: string): AsyncGenerator<string[]> {
  const open = `<${tag}`;
  const close = `</${tag}>`;
  let pending: string[] = []; // the pieces of an element cut by chunk ends, from its `<`
  let pendingLength = 0;
  let inBody = false; // the pending element's start tag is complete: its end tag is sought
  let carry = ''; // nothing pending: the last characters of a chunk, which may begin `<tag`
  const hold = (piece: string) => {
    pending.push(piece);
    pendingLength += piece.length;
    if (pendingLength > maxElementChars) throw tooLargeElement();
  };
  /** Where the pending element ends in the chunk (just past it), or -1. */
  const pendingEnd = (chunk: string): number => {
    if (!inBody) {
      const gt = chunk.indexOf('>');
      if (gt < 0) return -1;
      const last = pending[pending.length - 1];
      if ((gt > 0 ? chunk.charCodeAt(gt - 1) : last.charCodeAt(last.length - 1)) === 47) return gt + 1;
      inBody = true;
      const end = chunk.indexOf(close, gt + 1);
      return end < 0 ? -1 : end + close.length;
    }
    let tail = '';
    for (let i = pending.length - 1; i >= 0 && tail.length < close.length - 1; i--) tail = pending[i] + tail;
    tail = tail.slice(-(close.length - 1));
    const end = (tail + chunk).indexOf(close);
    return end < 0 ? -1 : end - tail.length + close.length;
  };
  for await (const chunk of chunks) {
    const found: string[] = [];
    let text = chunk;
    let from = 0;
    if (pendingLength > 0) {
      const end = pendingEnd(chunk);
      if (end < 0) {
        hold(chunk);
        continue;
      }
      pending.push(chunk.slice(0, end));
      found.push(pending.join(''));
      pending = [];
      pendingLength = 0;
      from = end;
    } else if (carry) {
      text = carry + chunk;
    }
    carry = '';
    for (;;) {
      let at = text.indexOf(open, from);
      while (at >= 0 && at + open.length < text.length && !endsName(text.charCodeAt(at + open.length))) {
        at = text.indexOf(open, at + 1);
      }
      if (at < 0) {
        carry = text.slice(Math.max(from, text.length - open.length + 1)); // a `<ro` cut by the chunk's end
        break;
      }
      if (at + open.length >= text.length) {
        carry = text.slice(at); // what follows the name is in the next chunk
        break;
      }
      const gt = text.indexOf('>', at + open.length);
      if (gt >= 0 && text.charCodeAt(gt - 1) === 47) {
        found.push(text.slice(at, gt + 1));
        from = gt + 1;
        continue;
      }
      const end = gt < 0 ? -1 : text.indexOf(close, gt + 1);
      if (end < 0) {
        inBody = gt >= 0;
        hold(text.slice(at));
        break;
      }
      found.push(text.slice(at, end + close.length));
      from = end + close.length;
    }
    if (found.length > 0) yield found;
  }
}

/** The attributes of each start tag `<name …>` of a part read whole, in order; one pass of indexOf. */
function* startTags(xml: string, name: string): Generator<string> {
  const open = `<${name}`;
  let at = 0;
  for (;;) {
    const found = xml.indexOf(open, at);
    if (found < 0) return;
    const after = found + open.length;
    at = after;
    if (!endsName(xml.charCodeAt(after))) continue;
    const gt = xml.indexOf('>', after);
    if (gt < 0) return;
    yield xml.slice(after, xml.charCodeAt(gt - 1) === 47 ? gt - 1 : gt);
    at = gt + 1;
  }
}

const isSpace = (code: number) => code === 32 || code === 9 || code === 10 || code === 13;

/** An attribute's value (entities not decoded), from the text between a tag's name and its `>`. */
function attribute(attrs: string, name: string): string | undefined {
  const at = attrs.indexOf(` ${name}=`);
  if (at >= 0) {
    const quote = attrs[at + name.length + 2];
    if (quote === '"' || quote === "'") {
      const start = at + name.length + 3;
      const end = attrs.indexOf(quote, start);
      if (end >= 0) return attrs.slice(start, end);
    }
  }
  // Other white space around `=` or before the name: the general form, in one pass.
  for (let from = 0; ;) {
    const found = attrs.indexOf(name, from);
    if (found < 0) return undefined;
    from = found + name.length;
    if (found > 0 && !isSpace(attrs.charCodeAt(found - 1))) continue;
    let i = from;
    while (isSpace(attrs.charCodeAt(i))) i++;
    if (attrs[i] !== '=') continue;
    i++;
    while (isSpace(attrs.charCodeAt(i))) i++;
    const quote = attrs[i];
    if (quote !== '"' && quote !== "'") continue;
    const end = attrs.indexOf(quote, i + 1);
    return end < 0 ? undefined : attrs.slice(i + 1, end);
  }
}

const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML text to the string it stands for: the five predefined entities and character references. */
export function decodeXml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name[0] !== '#') return entities[name] ?? whole;
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    // NUL is no XML character (and PostgreSQL cannot store it): left as written, like a code beyond Unicode.
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The text of a string item (`<si>`, `<is>`): its `<t>` runs joined; phonetic guides (`<rPh>`) left out. */
function runText(xml: string): string {
  let text = '';
  let phonetic = xml.indexOf('<rPh');
  for (let at = 0; ;) {
    const found = xml.indexOf('<t', at);
    if (found < 0) return text;
    if (phonetic >= 0 && phonetic < found) {
      const end = xml.indexOf('</rPh>', phonetic);
      if (end < 0) return text;
      at = end + 6;
      phonetic = xml.indexOf('<rPh', at);
      continue;
    }
    at = found + 2;
    if (!endsName(xml.charCodeAt(at))) continue;
    const gt = xml.indexOf('>', at);
    if (gt < 0) return text;
    at = gt + 1;
    if (xml.charCodeAt(gt - 1) === 47) continue;
    const close = xml.indexOf('</t>', at);
    if (close < 0) return text;
    text += decodeXml(xml.slice(at, close));
    at = close + 4;
  }
}

async function readSharedStrings(zip: GuardedZip, entry: Entry, opened: Readable[]): Promise<SharedStrings> {
  const store = sharedStringStore();
  for await (const items of elements(textOf(await openEntry(zip, entry, opened)), 'si')) {
    for (const item of items) store.add(runText(item));
  }
  return store;
}

/** Number formats Excel defines without writing them: dates and times (the CJK ones included). */
const builtInDateFormats = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56,
  57, 58,
]);

/** A format code that shows a date or a time: y m d h s outside quoted text and [colour]/[$-804] brackets. */
function isDateFormat(code: string): boolean {
  if (code.length > 255) return false; // Excel's own limit; longer is no format Excel wrote
  return /[ymdhsYMDHS]/.test(
    code
      .replace(/\[[^\]]*\]/g, '')
      .replace(/"[^"]*"/g, '')
      .replace(/\\./g, ''),
  );
}

/** Indexes of the cell formats (`s` attribute of a cell) whose number format is a date or a time. */
function dateStyleIndexes(styles: string): Set<number> {
  const custom = new Map<number, string>();
  for (const attrs of startTags(styles, 'numFmt')) {
    custom.set(Number(attribute(attrs, 'numFmtId')), decodeXml(attribute(attrs, 'formatCode') ?? ''));
  }
  const dates = new Set<number>();
  const from = styles.indexOf('<cellXfs');
  const to = from < 0 ? -1 : styles.indexOf('</cellXfs>', from);
  let index = 0;
  for (const attrs of startTags(to < 0 ? '' : styles.slice(from, to), 'xf')) {
    const id = Number(attribute(attrs, 'numFmtId') ?? 0);
    const code = custom.get(id);
    if (code === undefined ? builtInDateFormats.has(id) : isDateFormat(code)) dates.add(index);
    index++;
  }
  return dates;
}

type SheetContext = { sharedStrings: SharedStrings; dateStyles: Set<number>; date1904: boolean };

async function* sheetRows(stream: Readable, context: SheetContext): AsyncGenerator<RawRow[]> {
  let previous = 0;
  try {
    let chunk: RawRow[] = [];
    for await (const rows of elements(textOf(stream), 'row')) {
      for (const xml of rows) {
        const row = parseRow(xml, previous, context);
        previous = row.rowNumber;
        chunk.push(row);
        if (chunk.length === chunkRows) {
          yield chunk;
          chunk = [];
        }
      }
    }
    if (chunk.length > 0) yield chunk;
  } catch (error) {
    throw asFileError(error);
  } finally {
    stream.destroy();
  }
}

/** 0-based column of a cell reference: "A7" → 0, "AB12" → 27; -1 when there is none. */
function columnOf(reference: string | undefined): number {
  if (!reference) return -1;
  let column = 0;
  let i = 0;
  for (; i < reference.length; i++) {
    const code = reference.charCodeAt(i);
    if (code < 65 || code > 90) break;
    column = column * 26 + (code - 64);
  }
  return i === 0 ? -1 : column - 1;
}

function parseRow(xml: string, previous: number, context: SheetContext): RawRow {
  const headEnd = xml.indexOf('>');
  const head = xml.slice(4, headEnd);
  const number = Number(attribute(head, 'r'));
  const rowNumber = Number.isInteger(number) && number > 0 ? number : previous + 1;
  const cells: CellValue[] = [];
  if (xml[headEnd - 1] === '/') return { rowNumber, cells };
  let at = headEnd + 1;
  let column = -1;
  for (;;) {
    const start = xml.indexOf('<c', at);
    if (start < 0) break;
    const next = xml[start + 2];
    if (next !== ' ' && next !== '>' && next !== '/' && next !== '\t' && next !== '\n' && next !== '\r') {
      at = start + 2;
      continue;
    }
    const tagEnd = xml.indexOf('>', start);
    if (tagEnd < 0) break;
    const attrs = xml.slice(start + 2, xml[tagEnd - 1] === '/' ? tagEnd - 1 : tagEnd);
    const named = columnOf(attribute(attrs, 'r'));
    column = named >= 0 ? named : column + 1;
    if (column >= maxColumns) {
      throw unsupportedFile(`工作簿第 ${rowNumber} 行的列超出了 Excel 的范围（最多 ${maxColumns} 列）`);
    }
    if (xml[tagEnd - 1] === '/') {
      at = tagEnd + 1;
      continue;
    }
    const close = xml.indexOf('</c>', tagEnd);
    const inner = xml.slice(tagEnd + 1, close < 0 ? xml.length : close);
    at = close < 0 ? xml.length : close + 4;
    const value = cellValue(attrs, inner, context);
    if (value === null) continue;
    while (cells.length < column) cells.push(null);
    cells[column] = value;
  }
  return { rowNumber, cells };
}

/** The `<v>` of a cell, or null. */
function valueText(inner: string): string | null {
  if (inner.startsWith('<v>')) {
    const end = inner.indexOf('</v>', 3);
    return end < 0 ? null : inner.slice(3, end);
  }
  for (let at = 0; ;) {
    const found = inner.indexOf('<v', at);
    if (found < 0) return null;
    at = found + 2;
    if (!endsName(inner.charCodeAt(at))) continue;
    const gt = inner.indexOf('>', at);
    if (gt < 0) return null;
    if (inner.charCodeAt(gt - 1) === 47) return '';
    const end = inner.indexOf('</v>', gt + 1);
    return end < 0 ? null : inner.slice(gt + 1, end);
  }
}

const dayMs = 86_400_000;

function cellValue(attrs: string, inner: string, context: SheetContext): CellValue {
  const type = attribute(attrs, 't');
  const raw = valueText(inner);
  if (inner.includes('<f')) {
    // A formula: its cached result, as the sheet last showed it.
    if (raw === null) return { error: '公式错误或无计算结果' };
    if (type === 'str') return decodeXml(raw);
    if (type === 'e') return { error: decodeXml(raw) };
    if (type === 'b') return raw.trim() !== '0';
    const result = parseFloat(raw);
    return Number.isNaN(result) ? { error: '公式错误或无计算结果' } : result;
  }
  switch (type ?? 'n') {
    case 'inlineStr':
      return runText(inner);
    case 's':
      return raw === null || raw === '' ? null : (context.sharedStrings.get(Number(raw)) ?? null);
    case 'str':
      return raw === null ? null : decodeXml(raw);
    case 'e':
      return raw === null ? null : { error: decodeXml(raw) };
    case 'b':
      return raw === null ? null : raw.trim() !== '0';
    case 'd':
      return raw === null ? null : new Date(decodeXml(raw));
    default: {
      if (raw === null) return null;
      const number = parseFloat(raw);
      if (Number.isNaN(number)) return null;
      if (context.dateStyles.has(Number(attribute(attrs, 's') ?? 0))) {
        return new Date(Math.round((number - 25569 + (context.date1904 ? 1462 : 0)) * dayMs));
      }
      return number;
    }
  }
}
