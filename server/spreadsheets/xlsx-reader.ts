import type { Readable } from 'node:stream';
import type { Entry } from 'yauzl';
import { AppError } from '../http/errors.js';
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
    for (const [, attrs] of (await readPart(zip, rels, opened)).matchAll(/<Relationship\b([^>]*)>/g)) {
      const id = attribute(attrs, 'Id');
      const target = attribute(attrs, 'Target');
      if (id && target) targets.set(id, entryName(target));
    }
  }
  const date1904 = /<workbookPr\b[^>]*\bdate1904\s*=\s*["'](1|true)["']/.test(workbook);
  const styles = part('xl/styles.xml');
  const dateStyles = styles ? dateStyleIndexes(await readPart(zip, styles, opened)) : new Set<number>();
  const sharedStringsPart = part('xl/sharedStrings.xml');
  const sharedStrings = sharedStringsPart
    ? await readSharedStrings(zip, sharedStringsPart, opened)
    : sharedStringStore();
  const context: SheetContext = { sharedStrings, dateStyles, date1904 };

  for (const [, attrs] of workbook.matchAll(/<sheet\b([^>]*)>/g)) {
    const state = attribute(attrs, 'state');
    if (state === 'hidden' || state === 'veryHidden') continue;
    const entry = part(targets.get(attribute(attrs, 'r:id') ?? '') ?? '');
    if (!entry) continue;
    const stream = await openText(zip, entry, opened);
    yield { name: decodeXml(attribute(attrs, 'name') ?? ''), chunks: sheetRows(stream, context) };
    stream.destroy(); // a sheet the consumer left unfinished
  }
}

/** "worksheets/sheet1.xml" or "/xl/worksheets/sheet1.xml" → the entry name in the zip. */
function entryName(target: string): string {
  return target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
}

async function openText(zip: GuardedZip, entry: Entry, opened: Readable[]): Promise<Readable> {
  const stream = await zip.open(entry);
  stream.setEncoding('utf8');
  opened.push(stream);
  return stream;
}

/** A small part (workbook, relationships, styles) as one string. */
async function readPart(zip: GuardedZip, entry: Entry, opened: Readable[]): Promise<string> {
  let text = '';
  for await (const chunk of await openText(zip, entry, opened)) text += chunk as string;
  return text;
}

/**
 * Complete elements `<tag …/>` or `<tag …>…</tag>` from a stream of XML text, a group per chunk of text. The
 * tag name must be followed by a space, `>` or `/` (so `row` does not match `rowBreaks`). What remains of an
 * element cut by the chunk's end waits for the next chunk.
 */
async function* elements(stream: Readable, tag: string): AsyncGenerator<string[]> {
  const pattern = new RegExp(`<${tag}(?=[\\s/>])[^>]*?(?:/>|>[\\s\\S]*?</${tag}>)`, 'g');
  let rest = '';
  for await (const chunk of stream) {
    const text = rest + (chunk as string);
    pattern.lastIndex = 0;
    const found: string[] = [];
    let end = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      found.push(match[0]);
      end = pattern.lastIndex;
    }
    // Keep what may be the start of the next element: from its opening tag, or from a `<` cut by the chunk's end.
    const open = text.indexOf(`<${tag}`, end);
    const cut = text.lastIndexOf('<');
    rest = open >= 0 ? text.slice(open) : cut >= end && text.indexOf('>', cut) < 0 ? text.slice(cut) : '';
    if (found.length > 0) yield found;
  }
}

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
  // Other white space around `=` or before the name: the general form.
  const match = new RegExp(`(?:^|\\s)${name.replace(':', '\\:')}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs);
  return match ? (match[1] ?? match[2]) : undefined;
}

const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML text to the string it stands for: the five predefined entities and character references. */
export function decodeXml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name[0] !== '#') return entities[name] ?? whole;
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The text of a string item (`<si>`, `<is>`): its `<t>` runs joined; phonetic guides (`<rPh>`) left out. */
function runText(xml: string): string {
  const body = xml.includes('<rPh') ? xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '') : xml;
  let text = '';
  for (const [, , content] of body.matchAll(/<t(\s[^>]*)?(?:\/>|>([\s\S]*?)<\/t>)/g)) {
    if (content) text += decodeXml(content);
  }
  return text;
}

async function readSharedStrings(zip: GuardedZip, entry: Entry, opened: Readable[]): Promise<SharedStrings> {
  const store = sharedStringStore();
  for await (const items of elements(await openText(zip, entry, opened), 'si')) {
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
  for (const [, attrs] of styles.matchAll(/<numFmt\b([^>]*)>/g)) {
    custom.set(Number(attribute(attrs, 'numFmtId')), decodeXml(attribute(attrs, 'formatCode') ?? ''));
  }
  const dates = new Set<number>();
  const cellXfs = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)?.[1] ?? '';
  let index = 0;
  for (const [, attrs] of cellXfs.matchAll(/<xf\b([^>]*)>/g)) {
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
    for await (const rows of elements(stream, 'row')) {
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
    const attrs = xml.slice(start + 2, xml[tagEnd - 1] === '/' ? tagEnd - 1 : tagEnd);
    const named = columnOf(attribute(attrs, 'r'));
    column = named >= 0 ? named : column + 1;
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
  const match = /<v(?:\s[^>]*)?(?:\/>|>([\s\S]*?)<\/v>)/.exec(inner);
  return match ? (match[1] ?? '') : null;
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
