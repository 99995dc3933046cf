import fs from 'node:fs';
import { unsupportedFile, type TextEncodingName } from './detect.js';
import type { RawRow, RawSheet } from './xlsx-reader.js';

/** Excel's own limit for one cell; an unterminated quote would otherwise swallow the whole file into one field. */
const maxFieldLength = 32_767;
const maxColumns = 500;

type Mode = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted';

/**
 * RFC 4180 CSV from text chunks: quoted fields with "" for a quote and line breaks inside quotes, CRLF, LF or CR,
 * comma-separated (a file whose first line has tabs and no commas is tab-separated). One record is one row, as
 * Excel numbers them when it opens the file. The state carries across chunks, so a boundary may fall anywhere.
 * Rows come out in groups, those of each chunk of text (about 256 KB), not one await per row.
 */
async function* parseCsv(chunks: AsyncIterable<string>): AsyncGenerator<RawRow[]> {
  let mode: Mode = 'fieldStart';
  let field = '';
  let row: string[] = [];
  let rowNumber = 0;
  let afterCr = false;
  let delimiter: string | null = null;
  let pending: RawRow[] = [];
  const endField = () => {
    if (row.length >= maxColumns) throw unsupportedFile(`CSV 第 ${rowNumber + 1} 行的列数超过 ${maxColumns}`);
    row.push(field);
    field = '';
    mode = 'fieldStart';
  };
  const endRow = () => {
    endField();
    rowNumber += 1;
    pending.push({ rowNumber, cells: row });
    row = [];
  };
  let first = true;
  for await (let chunk of chunks) {
    if (first) {
      if (chunk.startsWith('\ufeff')) chunk = chunk.slice(1);
      const firstLine = chunk.split(/\r?\n/, 1)[0];
      delimiter = !firstLine.includes(',') && firstLine.includes('\t') ? '\t' : ',';
      first = false;
    }
    let run = 0; // start of the characters not yet added to field
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i];
      if (afterCr) {
        afterCr = false;
        if (ch === '\n') {
          run = i + 1;
          continue;
        }
      }
      if (mode === 'quoted') {
        if (ch === '"') {
          field += chunk.slice(run, i);
          run = i + 1;
          mode = 'quoteInQuoted';
        }
        continue;
      }
      if (mode === 'quoteInQuoted') {
        if (ch === '"') {
          field += '"';
          run = i + 1;
          mode = 'quoted';
          continue;
        }
        mode = 'unquoted'; // the field's closing quote; what follows is read as Excel does
      }
      if (mode === 'fieldStart') {
        if (ch === '"') {
          run = i + 1;
          mode = 'quoted';
          continue;
        }
        mode = 'unquoted';
      }
      if (ch === delimiter || ch === '\n' || ch === '\r') {
        field += chunk.slice(run, i);
        run = i + 1;
        if (ch === delimiter) endField();
        else {
          endRow();
          afterCr = ch === '\r';
        }
      }
    }
    if (mode === 'quoted' || mode === 'unquoted') field += chunk.slice(run);
    if (field.length > maxFieldLength) {
      throw unsupportedFile(`CSV 第 ${rowNumber + 1} 行的内容过长（可能缺少配对的引号）`);
    }
    if (pending.length > 0) {
      yield pending;
      pending = [];
    }
  }
  if (field !== '' || row.length > 0 || mode !== 'fieldStart') endRow();
  if (pending.length > 0) yield pending;
}

/**
 * The file's text, decoded strictly: the encoding was chosen from the first 64 KB, and bytes further on that are
 * not of it are refused rather than replaced by U+FFFD; so is a NUL character (no text file has one, and
 * PostgreSQL cannot store it).
 */
async function* decodeFile(file: string, encoding: TextEncodingName): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { fatal: true });
  const notText = () =>
    unsupportedFile(
      `文件中有无法识别的字符（不是有效的 ${encoding === 'utf-8' ? 'UTF-8' : 'GB18030'} 文本），请另存为 UTF-8 编码的 CSV 后上传`,
    );
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 64 * 1024 })) {
      const text = decoder.decode(chunk as Buffer, { stream: true });
      if (text.includes('\0')) throw notText();
      yield text;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw code === 'ERR_ENCODING_INVALID_ENCODED_DATA' ? notText() : error;
  }
}

/** A CSV file as one sheet of text cells. */
export function readCsvSheet(file: string, encoding: TextEncodingName): RawSheet {
  return { name: 'CSV', chunks: parseCsv(decodeFile(file, encoding)) };
}
