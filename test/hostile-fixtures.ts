import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import type { TestContext } from './harness.js';
import { minimalXlsxParts } from './spreadsheet-fixtures.js';

// Hostile files and bodies, generated in code at each run (nothing large is committed): zip bombs of several kinds,
// polyglot images, file names that try to leave their directory, CSVs of a million empty rows, invalid UTF-8,
// deeply nested JSON, and uploads of 100 MB streamed over a real socket without holding them in memory.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuanjian-hostile-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let counter = 0;

export function hostileFile(name: string, content: Buffer): string {
  const file = path.join(dir, `${++counter}-${name}`);
  fs.writeFileSync(file, content);
  return file;
}

/** Rows in every table, in one round trip: what a refused request must leave as it was. */
export async function rowCounts(ctx: Pick<TestContext, 'db'>): Promise<Record<string, number>> {
  const tables = (await ctx.db.introspection.getTables()).map((t) => t.name).sort();
  const rows = await sql<{ t: string; n: number | string }>`${sql.join(
    tables.map((name) => sql`select ${sql.lit(name)} as t, count(*) as n from ${sql.table(name)}`),
    sql` union all `,
  )}`.execute(ctx.db);
  return Object.fromEntries(rows.rows.map((r) => [r.t, Number(r.n)]));
}

// ---- Zip files with every size under our control ----------------------------------------------------------------

type ZipEntry = { name: string; compressed: Buffer; crc: number; size: number; declaredSize?: number };

/** Deflates `size` bytes of one repeated 1 MB block without ever holding them: a bomb costs its compressed size. */
async function deflated(size: number, block: Buffer = Buffer.alloc(1024 * 1024)): Promise<Omit<ZipEntry, 'name'>> {
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  let crc = 0;
  for (let left = size; left > 0; left -= block.length) {
    const piece = left >= block.length ? block : block.subarray(0, left);
    crc = zlib.crc32(piece, crc);
    if (!deflate.write(piece)) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  return { compressed: Buffer.concat(out), crc, size };
}

const textEntry = (name: string, text: string): ZipEntry => {
  const data = Buffer.from(text, 'utf8');
  return { name, compressed: zlib.deflateRawSync(data), crc: zlib.crc32(data), size: data.length };
};

/** A deflate zip written by hand; `declaredSize` lies about an entry's size in both headers. */
function zipFile(name: string, entries: ZipEntry[]): string {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const nameBytes = Buffer.from(entry.name, 'utf8');
    const size = entry.declaredSize ?? entry.size;
    const header = (signature: number, length: number) => {
      const b = Buffer.alloc(length);
      b.writeUInt32LE(signature, 0);
      return b;
    };
    const local = header(0x04034b50, 30);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(entry.crc, 14);
    local.writeUInt32LE(entry.compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    parts.push(local, nameBytes, entry.compressed);
    const record = header(0x02014b50, 46);
    record.writeUInt16LE(20, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(0x0800, 8);
    record.writeUInt16LE(8, 10);
    record.writeUInt32LE(entry.crc, 16);
    record.writeUInt32LE(entry.compressed.length, 20);
    record.writeUInt32LE(size, 24);
    record.writeUInt16LE(nameBytes.length, 28);
    record.writeUInt32LE(offset, 42);
    central.push(record, nameBytes);
    offset += 30 + nameBytes.length + entry.compressed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 8);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return hostileFile(name, Buffer.concat([...parts, directory, end]));
}

/** The parts of a one-sheet workbook around the given sheet entry. */
function workbookWith(sheet: ZipEntry): ZipEntry[] {
  return minimalXlsxParts('')
    .filter((p) => p.name !== 'xl/worksheets/sheet1.xml')
    .map((p) => textEntry(p.name, p.data.toString('utf8')))
    .concat({ ...sheet, name: 'xl/worksheets/sheet1.xml' });
}

const sheetXml = (rows: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;
const inlineCell = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
/** The header row of the contacts template (name and phone are required). */
const contactsHeader = `<row r="1">${inlineCell('A1', '姓名')}${inlineCell('B1', '手机号码')}</row>`;

export type HostileSheet = { what: string; file: string; expandsTo: number };

/** Zip bombs refused by the central directory alone, before a byte is inflated. */
export async function zipBombs(): Promise<HostileSheet[]> {
  const gigabyte = 1024 * 1024 * 1024;
  const zeros = await deflated(gigabyte / 2);
  const tiny = textEntry('x', 'x');
  return [
    {
      what: 'an xlsx whose sheet inflates 512 MB of zeros (ratio 1000:1)',
      file: zipFile('ratio-bomb.xlsx', workbookWith({ ...zeros, name: '' })),
      expandsTo: gigabyte / 2,
    },
    {
      what: 'an xlsx whose entries declare 8 GB in all',
      file: zipFile('declared-bomb.xlsx', [
        ...workbookWith(textEntry('', sheetXml(contactsHeader))),
        ...[1, 2].map((n) => ({ ...tiny, name: `xl/media/big${n}.bin`, declaredSize: 0xffff0000 })),
      ]),
      expandsTo: 8 * gigabyte,
    },
    {
      what: 'an xlsx of 5,000 entries',
      file: zipFile('entries-bomb.xlsx', [
        ...workbookWith(textEntry('', sheetXml(contactsHeader))),
        ...Array.from({ length: 5000 }, (_, n) => ({ ...tiny, name: `xl/media/${n}.bin` })),
      ]),
      expandsTo: 5000,
    },
  ];
}

/** Workbooks whose directory looks honest: accepted at upload, they must fail their job quickly and in bounds. */
export async function lyingWorkbooks(): Promise<(HostileSheet & { message: RegExp })[]> {
  const lying = await deflated(64 * 1024 * 1024);
  // Cells of random digits compress about four times: a row that never closes gets past the ratio check.
  const cells: string[] = [];
  for (let i = 0, length = 0; length < 12 * 1024 * 1024; i++) {
    const cell = `<c r="C1"><v>${Math.floor(Math.random() * 1e15)}</v></c>`;
    cells.push(cell);
    length += cell.length;
  }
  const open = sheetXml(`${contactsHeader}<row r="2">${inlineCell('A2', '张三')}${cells.join('')}`).replace(
    '</sheetData></worksheet>',
    '',
  );
  return [
    {
      what: 'an xlsx whose sheet declares 1 KB and inflates 64 MB',
      file: zipFile('lying-size.xlsx', workbookWith({ ...lying, name: '', declaredSize: 1024 })),
      expandsTo: 64 * 1024 * 1024,
      message: /不是有效的 xlsx/,
    },
    {
      what: 'an xlsx with a 12 MB row that never closes',
      file: zipFile('endless-row.xlsx', workbookWith(textEntry('', open))),
      expandsTo: open.length,
      message: /内容过大/,
    },
    {
      what: 'an xlsx with a cell in column ZZZZZZ (300 million columns to the right)',
      file: zipFile(
        'far-column.xlsx',
        workbookWith(textEntry('', sheetXml(`${contactsHeader}<row r="2">${inlineCell('ZZZZZZ2', '张三')}</row>`))),
      ),
      expandsTo: 321_272_406,
      message: /超出了 Excel 的范围/,
    },
    {
      what: 'an xlsx whose sheet is not UTF-8',
      file: zipFile(
        'latin1-sheet.xlsx',
        workbookWith({
          name: '',
          ...(() => {
            const data = Buffer.from(
              sheetXml(`${contactsHeader}<row r="2">${inlineCell('A2', 'caf\xe9')}</row>`),
              'latin1',
            );
            return { compressed: zlib.deflateRawSync(data), crc: zlib.crc32(data), size: data.length };
          })(),
        }),
      ),
      expandsTo: 0,
      message: /UTF-8/,
    },
  ];
}

/** An xlsx whose cells hold formulas with their cached results, and one without: never evaluated by us. */
export function formulaWorkbook(rows: { name: string; phone: string; formula: string; cached: string }[]): string {
  const body = rows
    .map(
      (r, i) =>
        `<row r="${i + 2}">${inlineCell(`A${i + 2}`, r.name)}<c r="B${i + 2}" t="str"><f>${r.formula}</f><v>${r.cached}</v></c></row>`,
    )
    .join('');
  return zipFile('formulas.xlsx', workbookWith(textEntry('', sheetXml(`${contactsHeader}${body}`))));
}

// ---- CSV ------------------------------------------------------------------------------------------------------------

/** The contacts header, then a million rows that hold only commas (or, with `before`, the rows first). */
export function emptyRowsCsv(rows: number, where: 'after' | 'before'): Buffer {
  const header = '姓名,手机号码,所属组织,村（社区）,类别,联系团干部,团干部手机号,最近联系日期,备注\n';
  const empty = Buffer.from(',,,,,,,,\n'.repeat(rows));
  return where === 'after' ? Buffer.concat([Buffer.from(header), empty]) : Buffer.concat([empty, Buffer.from(header)]);
}

/** CSV with bytes that are neither UTF-8 nor GB18030, at the start (seen at upload) or beyond the first 64 KB. */
export function invalidUtf8Csv(where: 'start' | 'late'): Buffer {
  const header = Buffer.from('姓名,手机号码\n');
  const bad = Buffer.from([0xff, 0xfe, 0x80, 0xff]);
  const good = Buffer.from('张三,13812345678\n'.repeat(where === 'late' ? 8000 : 0));
  return Buffer.concat([header, good, Buffer.from('李'), bad, Buffer.from(',13812345679\n')]);
}

// ---- Images and PDFs --------------------------------------------------------------------------------------------

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 1×1 PNG, optionally with a text chunk. */
export function png(text?: string): Buffer {
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    pngChunk('IHDR', Buffer.from('00000001000000010806000000', 'hex')),
    ...(text === undefined ? [] : [pngChunk('tEXt', Buffer.from(`Comment\0${text}`, 'latin1'))]),
    pngChunk('IDAT', zlib.deflateSync(Buffer.from([0, 0, 0, 0, 0]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The classic transparent 1×1 GIF. */
export const gif = () => Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** A JPEG's markers: SOI, JFIF, a comment, a scan with a stuffed 0xFF and a restart marker, EOI. */
export function jpeg(comment = 'tuanjian'): Buffer {
  const segment = (marker: number, data: Buffer) => {
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(data.length + 2, 2);
    return Buffer.concat([head, data]);
  };
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    segment(0xfe, Buffer.from(comment, 'latin1')),
    segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
    Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** A zip holding one file, with its end-of-central-directory record last, as a Java archive or any zip has. */
function smallZip(): Buffer {
  const entry = textEntry('payload.html', '<html><script>alert(document.cookie)</script></html>');
  return fs.readFileSync(zipFile('payload.zip', [entry]));
}

export const pdf = () => Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');

export type Polyglot = { what: string; bytes: Buffer; name: string };

/** Files whose magic bytes say image (or PDF) and that are also something else. */
export function polyglots(): Polyglot[] {
  const html = Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>');
  return [
    { what: 'a PNG followed by an HTML page', bytes: Buffer.concat([png(), html]), name: 'shot.png' },
    { what: 'a PNG signature and then only HTML', bytes: Buffer.concat([png().subarray(0, 8), html]), name: 'a.png' },
    { what: 'a PNG with a <script> in a text chunk', bytes: png('<script>alert(1)</script>'), name: 'c.png' },
    { what: 'a GIF that is also a zip (GIFAR)', bytes: Buffer.concat([gif(), smallZip()]), name: 'g.gif' },
    { what: 'a JPEG with a PDF after its end', bytes: Buffer.concat([jpeg(), pdf()]), name: 'j.jpg' },
    {
      what: 'a JPEG with a PDF header in its first bytes',
      bytes: jpeg('%PDF-1.4 1 0 obj << >> endobj'),
      name: 'k.jpg',
    },
    {
      what: 'a GIF with an SVG after its trailer',
      bytes: Buffer.concat([gif(), Buffer.from('<svg onload=alert(1)>')]),
      name: 's.gif',
    },
    { what: 'a PDF that holds an HTML page', bytes: Buffer.concat([pdf(), html]), name: 'p.pdf' },
    { what: 'a PDF that ends as a zip', bytes: Buffer.concat([pdf(), smallZip()]), name: 'z.pdf' },
  ];
}

/** Names that try to leave the upload directory, hide their end, or carry a NUL. */
export const hostileNames = [
  '../../../../etc/passwd.png',
  '..\\..\\..\\windows\\win.ini.png',
  'a\u0000b.png',
  '\u202egnp.exe.png',
  '..',
  `${'长'.repeat(400)}.png`,
];

// ---- JSON -----------------------------------------------------------------------------------------------------------

/** `{"name": [[[…]]]}` nested `depth` times, or objects nested as deep after a __proto__ key: just under 1 MB. */
export function deepJson(kind: 'arrays' | 'objects', depth: number): string {
  return kind === 'arrays'
    ? `{"name":${'['.repeat(depth)}${']'.repeat(depth)}}`
    : `{"__proto__":{"admin":true},"name":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
}

// ---- Memory and large streamed uploads --------------------------------------------------------------------------

export type Measured<T> = { value: T; ms: number; rssGrowthMb: number; heapGrowthMb: number };

/**
 * Runs `work` and reports its wall time and the growth of the process's resident set and JS heap (sampled every
 * 10 ms, the largest value kept) over what it was before. Worker threads count: they live in the same process.
 */
export async function measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
  const before = process.memoryUsage();
  let rss = before.rss;
  let heap = before.heapUsed;
  const sample = () => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, now.heapUsed);
  };
  const timer = setInterval(sample, 10);
  const started = performance.now();
  try {
    const value = await work();
    sample();
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    return {
      value,
      ms: Math.round(performance.now() - started),
      rssGrowthMb: mb(rss - before.rss),
      heapGrowthMb: mb(heap - before.heapUsed),
    };
  } finally {
    clearInterval(timer);
  }
}

export type Streamed = { status: number; body: string; sentBytes: number };

/**
 * Sends `head`, then `size` bytes made of one repeated block, then `tail`, to the app listening on `port`, as a
 * browser would over a socket: the test process never holds the body. The answer may come before the body is sent
 * (a 413 after the limit); what was sent by then is reported.
 */
export function streamRequest(options: {
  port: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  head: Buffer;
  size: number;
  tail: Buffer;
  block?: Buffer;
}): Promise<Streamed> {
  const block = options.block ?? Buffer.alloc(1024 * 1024, 'a');
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const request = http.request(
      { host: '127.0.0.1', port: options.port, method: options.method, path: options.path, headers: options.headers },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), sentBytes }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const write = async () => {
      const send = async (chunk: Buffer) => {
        if (answered || request.destroyed) return false;
        sentBytes += chunk.length;
        if (!request.write(chunk)) await once(request, 'drain');
        return true;
      };
      if (!(await send(options.head))) return;
      for (let left = options.size; left > 0; left -= block.length) {
        if (!(await send(left >= block.length ? block : block.subarray(0, left)))) return;
      }
      if (await send(options.tail)) request.end();
    };
    write().catch((error: unknown) => {
      if (!answered) reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}
