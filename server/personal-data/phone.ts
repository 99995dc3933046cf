import type { Keyring } from './keyring.js';

/** What the database stores for one protected value. */
export type ProtectedValue = { cipher: string; index: string; masked: string };

/**
 * A mainland mobile number from what people type or spreadsheets hold: full-width digits, spaces, dashes,
 * a +86 / 0086 prefix, or a number cell that became 13812345678.0. Null when it is not a mobile number.
 */
export function normalizePhone(raw: string | number): string | null {
  let text = typeof raw === 'number' ? String(Math.round(raw)) : raw.normalize('NFKC');
  text = text.replace(/[\s\-()（）.]/g, '');
  if (/^\d+\.0+$/.test(text)) text = text.replace(/\.0+$/, '');
  text = text.replace(/^(\+86|0086|86)(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(text) ? text : null;
}

/** 138****1234: the only form of a phone number that leaves the server without an audited reveal. */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

export function phoneIndex(keyring: Keyring, normalized: string): string {
  return keyring.blindIndex('phone', normalized);
}

export function protectPhone(keyring: Keyring, normalized: string): ProtectedValue {
  return { cipher: keyring.encrypt(normalized), index: phoneIndex(keyring, normalized), masked: maskPhone(normalized) };
}

export const phoneFormatMessage = '手机号码应为 11 位中国大陆手机号';
