// 公民身份号码 (GB 11643-1999): 6 address digits, 8 birth-date digits (YYYYMMDD), 3 sequence digits (odd for a
// man, even for a woman) and a check character. Shared by the server (which decides) and the web (which hints).

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkCharacters = '10X98765432';

export type IdNumberFacts = { idNumber: string; birthDate: string; sex: 'male' | 'female' };
export type IdNumberResult = { ok: true; facts: IdNumberFacts } | { ok: false; message: string };

/** The check character for the first 17 digits: Σ aᵢ·wᵢ mod 11 → 1 0 X 9 8 7 6 5 4 3 2. */
export function idCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * weights[i];
  return checkCharacters[sum % 11];
}

/** A spreadsheet number such as 6.10102E+17 or 610102200501011234.0: the digits past the 15th are lost. */
export function looksLikeScientificIdNumber(text: string): boolean {
  return /^\d(\.\d+)?e\+?\d+$/i.test(text) || /^\d{15,18}\.0+$/.test(text);
}

export const scientificIdMessage =
  '身份证号被 Excel 存成了数字（如 6.10102E+17），后几位已经丢失：请把该列设为“文本”后重新填写，系统不会猜测缺失的数字';

/**
 * Checks an ID number as people type it (full-width digits, spaces, a lower-case x) and derives the birth date
 * and sex. `today` bounds the birth date. Never guesses: a number that lost its digits is refused.
 */
export function parseIdNumber(raw: string, today: string): IdNumberResult {
  const text = raw.normalize('NFKC').replace(/\s/g, '');
  if (text === '') return { ok: false, message: '请填写身份证号' };
  if (looksLikeScientificIdNumber(text)) return { ok: false, message: scientificIdMessage };
  const idNumber = text.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(idNumber)) return { ok: false, message: '身份证号应为 18 位：17 位数字加 1 位数字或 X' };
  const year = idNumber.slice(6, 10);
  const month = idNumber.slice(10, 12);
  const day = idNumber.slice(12, 14);
  const birthDate = `${year}-${month}-${day}`;
  const parsed = new Date(`${birthDate}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || !parsed.toISOString().startsWith(birthDate)) {
    return { ok: false, message: `身份证号中的出生日期 ${birthDate} 不存在` };
  }
  if (Number(year) < 1900) return { ok: false, message: `身份证号中的出生日期 ${birthDate} 早于 1900 年` };
  if (birthDate > today) return { ok: false, message: `身份证号中的出生日期 ${birthDate} 晚于今天` };
  if (idCheckCharacter(idNumber) !== idNumber[17]) {
    return { ok: false, message: '身份证号校验位不正确，请核对是否输错' };
  }
  const sex = Number(idNumber[16]) % 2 === 1 ? 'male' : 'female';
  return { ok: true, facts: { idNumber, birthDate, sex } };
}

/** 6101**********1234: the only form of an ID number that leaves the server without an audited reveal. */
export function maskIdNumber(idNumber: string): string {
  return `${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`;
}

/** Whole years of age on a date (a birthday on 29 Feb counts from 1 Mar in other years). */
export function ageOn(birthDate: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

/** The same month and day `years` later; 29 Feb becomes 1 Mar in a common year. */
export function addYears(date: string, years: number): string {
  const year = Number(date.slice(0, 4)) + years;
  const candidate = `${String(year).padStart(4, '0')}${date.slice(4)}`;
  const parsed = new Date(`${candidate}T00:00:00Z`);
  return parsed.toISOString().startsWith(candidate) ? candidate : `${String(year).padStart(4, '0')}-03-01`;
}

/** The first day of `months` later (same day of month, clamped to the month's end). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** A valid ID number for generated data (demo, benchmark, tests): region code, birth date, 3-digit sequence. */
export function composeIdNumber(region: string, birthDate: string, sequence: number): string {
  const first17 = `${region}${birthDate.replaceAll('-', '')}${String(sequence % 1000).padStart(3, '0')}`;
  return `${first17}${idCheckCharacter(first17)}`;
}
