import { chinaToday } from '../../../common/dates.js';
import { parseIdNumber, type IdNumberFacts } from '../../../common/id-number.js';
import type { Sex } from '../../../common/domain.js';
import { invalid } from '../../http/errors.js';
import { protectIdNumber } from '../../personal-data/id-number.js';
import type { Keyring } from '../../personal-data/keyring.js';
import type { ProtectedValue } from '../../personal-data/phone.js';

const sexNames: Record<Sex, string> = { male: '男', female: '女' };

/**
 * Checks an ID number as entered (GB 11643 check character, a real birth date, not Excel's 6.10102E+17) and that
 * an entered birth date and sex agree with it. The message never repeats the number.
 */
export function checkIdNumber(
  raw: string,
  entered: { birthDate?: string | null; sex?: Sex | null } = {},
  today = chinaToday(),
): IdNumberFacts {
  const result = parseIdNumber(raw, today);
  if (!result.ok) throw invalid(result.message, { field: 'idNumber' });
  const { facts } = result;
  if (entered.birthDate && entered.birthDate !== facts.birthDate) {
    throw invalid(`出生日期 ${entered.birthDate} 与身份证号中的 ${facts.birthDate} 不一致`, { field: 'birthDate' });
  }
  if (entered.sex && entered.sex !== facts.sex) {
    throw invalid(`性别“${sexNames[entered.sex]}”与身份证号（${sexNames[facts.sex]}）不一致`, { field: 'sex' });
  }
  return facts;
}

/** The stored columns of a checked ID number. */
export function idColumns(keyring: Keyring, facts: IdNumberFacts) {
  const value: ProtectedValue = protectIdNumber(keyring, facts.idNumber);
  return { id_cipher: value.cipher, id_index: value.index, id_masked: value.masked };
}
