import fs from 'node:fs';
import { AppError } from '../http/errors.js';

export type SpreadsheetType = 'xlsx' | 'csv';
export type TextEncodingName = 'utf-8' | 'gb18030';

export const unsupportedFile = (message: string) => new AppError('unsupported_file', 400, message);

const sniffBytes = 64 * 1024;

function readHead(file: string, size: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(size);
    const read = fs.readSync(fd, buffer, 0, size, 0);
    return buffer.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

/** Drops a possibly cut multi-byte character at the end of a sample, so that a sample decodes like the whole. */
function decodes(sample: Buffer, encoding: TextEncodingName, complete: boolean): boolean {
  try {
    new TextDecoder(encoding, { fatal: true }).decode(sample, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

/**
 * The encoding of a CSV file: UTF-8 (with or without BOM) when it decodes as such, otherwise GB18030 (a superset of
 * GBK, what Excel on Chinese Windows writes for "CSV").
 */
export function textEncodingOf(sample: Buffer, complete: boolean): TextEncodingName | null {
  if (sample.includes(0)) return null;
  if (decodes(sample, 'utf-8', complete)) return 'utf-8';
  if (decodes(sample, 'gb18030', complete)) return 'gb18030';
  return null;
}

/**
 * The type of an uploaded spreadsheet from its first bytes, never from its name: a zip (PK\x03\x04) is taken for
 * xlsx and checked as one later; text without NUL bytes in UTF-8 or GB18030 for CSV. The old binary .xls and
 * everything else are refused with what to do instead.
 */
export function detectSpreadsheetType(file: string): { type: SpreadsheetType; encoding: TextEncodingName | null } {
  const size = fs.statSync(file).size;
  if (size === 0) throw unsupportedFile('上传的文件是空的');
  const head = readHead(file, Math.min(size, sniffBytes));
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return { type: 'xlsx', encoding: null };
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    throw unsupportedFile('不支持旧版 Excel 97-2003（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 后上传');
  }
  const encoding = textEncodingOf(head, head.length === size);
  if (encoding === null) throw unsupportedFile('无法识别的文件类型：请上传 .xlsx 工作簿或 CSV 文本文件');
  return { type: 'csv', encoding };
}
