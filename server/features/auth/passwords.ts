import { randomBytes, randomInt } from 'node:crypto';
import argon2 from 'argon2';
import type { PasswordProfile } from '../../../common/auth.js';
import { AppError } from '../../http/errors.js';

/** OWASP / security.md minimum for argon2id: m ≥ 19 MiB, t ≥ 2, p = 1. */
export const argon2Options = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, argon2Options);
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password);
}

// A hash of a random password: unknown users are verified against it so they take as long as real ones.
let dummyHash: Promise<string> | null = null;
export function verifyAgainstDummy(password: string): Promise<boolean> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash.then((hash) => argon2.verify(hash, password));
}

// The most common passwords and the patterns people use for this product; a longer list can replace it.
const commonPasswords = new Set([
  '12345678',
  '123456789',
  '1234567890',
  '11111111',
  '00000000',
  '88888888',
  '66666666',
  '87654321',
  'password',
  'password1',
  'password123',
  'passw0rd',
  'qwertyui',
  'qwerty123',
  'qwertyuiop',
  'iloveyou',
  'abc12345',
  'abcd1234',
  'a1234567',
  'aa123456',
  'asdfghjk',
  '1qaz2wsx',
  '1q2w3e4r',
  'zxcvbnm1',
  'admin123',
  'admin888',
  'administrator',
  'root1234',
  'welcome1',
  'letmein1',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'dragon12',
  'monkey12',
  'woaini1314',
  '5201314520',
  'woaini520',
  'a123456789',
  'tuanjian',
  'tuanjian123',
  'gongqingtuan',
  'qingnian123',
  'zhihuituanjian',
]);

/** The "mlps" profile: at least three of these four kinds of character. */
const characterClasses = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/];

/** Days a password lasts under the "mlps" profile before the next login asks for a new one. */
export const mlpsMaxAgeDays = 90;

export function minPasswordLength(profile: PasswordProfile): number {
  return profile === 'mlps' ? 10 : 8;
}

export function checkPasswordPolicy(password: string, username: string, profile: PasswordProfile = 'standard'): void {
  const reasons: string[] = [];
  const minLength = minPasswordLength(profile);
  if (password.length < minLength) reasons.push(`密码至少 ${minLength} 位`);
  if (password.length > 128) reasons.push('密码不能超过 128 位');
  const lower = password.toLowerCase();
  if (commonPasswords.has(lower)) reasons.push('密码过于常见，容易被猜到');
  if (lower.includes(username.toLowerCase())) reasons.push('密码不能包含用户名');
  if (/^(.)\1+$/.test(password)) reasons.push('密码不能由同一个字符组成');
  if (profile === 'mlps' && characterClasses.filter((c) => c.test(password)).length < 3) {
    reasons.push('密码须包含大写字母、小写字母、数字、符号中的至少三类');
  }
  if (reasons.length > 0) throw new AppError('weak_password', 400, reasons.join('；'), reasons);
}

/**
 * A new password may not be the current one; under "mlps" not one of the four before it either (the last five
 * passwords). Earlier hashes are checked one by one: argon2 has no other way, and five checks take a fraction of
 * a second once per change.
 */
export async function assertNotReused(
  password: string,
  hashes: { current: string; earlier: string[] },
  profile: PasswordProfile,
): Promise<void> {
  if (await verifyPassword(hashes.current, password)) {
    throw new AppError('weak_password', 400, '新密码不能与当前密码相同');
  }
  if (profile !== 'mlps') return;
  for (const hash of hashes.earlier) {
    if (await verifyPassword(hash, password)) {
      throw new AppError('weak_password', 400, '新密码不能与最近 5 次使用过的密码相同');
    }
  }
}

/** Under "mlps", whether a password set at `changedAt` has outlived its 90 days. */
export function passwordExpired(profile: PasswordProfile, changedAt: string, now = Date.now()): boolean {
  return profile === 'mlps' && Date.parse(changedAt) <= now - mlpsMaxAgeDays * 86_400_000;
}

/** 16 characters from an alphabet without look-alikes (0/O, 1/l/I), always with each class present. */
export function generatePassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '#%+=?@'];
  const all = sets.join('');
  const chars = sets.map((set) => set[randomInt(set.length)]);
  while (chars.length < 16) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
