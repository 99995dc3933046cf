import { randomBytes, randomInt } from 'node:crypto';
import argon2 from 'argon2';
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

export function checkPasswordPolicy(password: string, username: string): void {
  const reasons: string[] = [];
  if (password.length < 8) reasons.push('密码至少 8 位');
  if (password.length > 128) reasons.push('密码不能超过 128 位');
  const lower = password.toLowerCase();
  if (commonPasswords.has(lower)) reasons.push('密码过于常见，容易被猜到');
  if (lower.includes(username.toLowerCase())) reasons.push('密码不能包含用户名');
  if (/^(.)\1+$/.test(password)) reasons.push('密码不能由同一个字符组成');
  if (reasons.length > 0) throw new AppError('weak_password', 400, reasons.join('；'), reasons);
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
