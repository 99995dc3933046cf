import { normalizePhone } from '../personal-data/phone.js';

/**
 * One cell as read from xlsx or CSV, reduced to what a spreadsheet can hold: rich text is joined, a formula is its
 * cached result, a hyperlink is its text. An error cell (#N/A, #REF!) keeps its code so that a row can say so.
 */
export type CellValue = string | number | boolean | Date | { error: string } | null;

const invisible = /[\u200b-\u200d\u2060\ufeff]/g;

/**
 * What people meant to type: NFKC folds full-width digits, letters, spaces and punctuation (１３８, ＡＢ, the
 * ideographic space) to their ASCII forms, zero-width characters go, runs of white space become one space.
 */
export function cleanText(text: string): string {
  // Most cells are already clean (ASCII, common CJK ideographs, single inner spaces): NFKC leaves them as they are.
  if (cleanAlready.test(text)) return text;
  return text.normalize('NFKC').replace(invisible, '').replace(/\s+/g, ' ').trim();
}
const cleanAlready = /^(?:[\x21-\x7e\u4e00-\u9fff]+(?: [\x21-\x7e\u4e00-\u9fff]+)*)?$/;

export function isErrorCell(value: CellValue): value is { error: string } {
  return typeof value === 'object' && value !== null && !(value instanceof Date);
}

export function isDateValue(value: CellValue): value is Date {
  return value instanceof Date;
}

/** A date as the domain stores it ('YYYY-MM-DD'); Excel dates are calendar dates kept in UTC. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The text of a cell, cleaned; numbers without exponent or float noise, dates as YYYY-MM-DD. */
export function cellText(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return cleanText(value);
  if (typeof value === 'number')
    return Number.isInteger(value) ? value.toFixed(0) : String(Number(value.toPrecision(15)));
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : isoDate(value);
  return value.error;
}

export function isEmptyCell(value: CellValue): boolean {
  return cellText(value) === '';
}

const dayMs = 86_400_000;
/** Day 0 of Excel's 1900 date system as the serial numbers count it (1900-02-29, which never was, included). */
const excelEpoch = Date.UTC(1899, 11, 30);

function validDate(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null; // 2026-02-30
  return isoDate(date);
}

const datePatterns: RegExp[] = [
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$/,
  /^(\d{4})(\d{2})(\d{2})$/,
];

/**
 * A calendar date from whatever a spreadsheet holds: a date cell, an Excel serial number (46295), a number typed
 * as 20260930, or text: 2026-09-30, 2026/9/30, 2026.9.30, 2026年9月30日, 20260930. Undefined when empty, null when
 * it is not a date.
 */
export function cellDate(value: CellValue): string | null | undefined {
  if (isEmptyCell(value)) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : isoDate(value);
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 19000101 && value <= 29991231) {
      return validDate(Math.floor(value / 10000), Math.floor(value / 100) % 100, value % 100);
    }
    // Serial numbers from 1900-03-01 to 2999-12-31; a fraction is a time of day.
    if (value >= 61 && value < 401_769) return isoDate(new Date(excelEpoch + Math.floor(value) * dayMs));
    return null;
  }
  if (typeof value !== 'string') return null;
  const text = cleanText(value).replace(/\s*([年月日号])\s*/g, '$1');
  for (const pattern of datePatterns) {
    const match = pattern.exec(text);
    if (match) return validDate(Number(match[1]), Number(match[2]), Number(match[3]));
  }
  return null;
}

/** A whole number (a count); "1,200" and "1200.0" are fine. Undefined when empty, null when not a whole number. */
export function cellInteger(value: CellValue): number | null | undefined {
  if (isEmptyCell(value)) return undefined;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = cleanText(value).replace(/,/g, '');
  if (!/^-?\d+(\.0+)?$/.test(text)) return null;
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : null;
}

export type PhoneCell = { phone: string } | { problem: 'invalid' | 'lost_digits' };

/**
 * A mainland mobile number from a cell: text, a number cell (13812345678), a float that Excel shows as
 * 1.3812345678E10, or text holding that notation. "1.38123E+10" is what a CSV saved by Excel keeps of a number
 * column: the digits are gone, and saying so is kinder than storing 13812300000.
 */
export function cellPhone(value: CellValue): PhoneCell | undefined {
  if (isEmptyCell(value)) return undefined;
  if (typeof value === 'number') {
    const phone = normalizePhone(value);
    return phone ? { phone } : { problem: 'invalid' };
  }
  const text = cellText(value);
  const scientific = /^(\d)(?:\.(\d+))?e\+?(\d+)$/i.exec(text);
  if (scientific) {
    const significant = 1 + (scientific[2]?.length ?? 0);
    if (significant < 11 && Number(scientific[3]) >= 10) return { problem: 'lost_digits' };
    const phone = normalizePhone(Number(text));
    return phone ? { phone } : { problem: 'invalid' };
  }
  const phone = normalizePhone(text);
  return phone ? { phone } : { problem: 'invalid' };
}
