import { maskIdNumber } from '../../common/id-number.js';
import type { Keyring } from './keyring.js';
import type { ProtectedValue } from './phone.js';

/** The blind index of an ID number: the same person found in any table without decrypting anything. */
export function idNumberIndex(keyring: Keyring, idNumber: string): string {
  return keyring.blindIndex('id_number', idNumber);
}

/** A checked ID number (see common/id-number.ts) as the database stores it: cipher, blind index, mask. */
export function protectIdNumber(keyring: Keyring, idNumber: string): ProtectedValue {
  return { cipher: keyring.encrypt(idNumber), index: idNumberIndex(keyring, idNumber), masked: maskIdNumber(idNumber) };
}
