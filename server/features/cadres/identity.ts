import { chinaToday } from '../../../common/dates.js';
import { ageOn } from '../../../common/id-number.js';
import { ageOutAge } from '../../../common/people-rules.js';
import type { Executor } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import { idNumberIndex } from '../../personal-data/id-number.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { checkIdNumber, idColumns } from '../members/identity.js';
import { findMember, findMemberByIdIndex } from '../members/repo.js';

// A cadre's identity. Cadres under 28 are members (league charter): such a cadre is linked to the member record
// by the ID number's blind index, and the number is kept on the member only, never twice. A cadre of 28 or more
// without a member record keeps the protected number on the cadre row.

export const notRegisteredMessage = '未满28周岁的团干部也是团员，请先在团员名册中登记';
const nameMismatchMessage = '姓名与团员名册中该身份证号登记的姓名不一致，请核对姓名或身份证号';

export type CadreIdentityColumns = {
  member_id: number | null;
  id_cipher: string | null;
  id_index: string | null;
  id_masked: string | null;
  birth_date: string | null;
};

export const noIdentity: CadreIdentityColumns = {
  member_id: null,
  id_cipher: null,
  id_index: null,
  id_masked: null,
  birth_date: null,
};

/** The identity columns for an ID number as entered, with the cadre's name; refuses what the rules refuse. */
export async function resolveCadreIdentity(
  trx: Executor,
  keyring: Keyring,
  input: { idNumber: string; fullName: string },
): Promise<CadreIdentityColumns> {
  const facts = checkIdNumber(input.idNumber);
  const member = await findMemberByIdIndex(trx, idNumberIndex(keyring, facts.idNumber));
  if (member) {
    if (member.full_name !== input.fullName) {
      throw new AppError('rule_violation', 409, nameMismatchMessage, { field: 'fullName' });
    }
    return { ...noIdentity, member_id: member.id };
  }
  if (ageOn(facts.birthDate, chinaToday()) < ageOutAge) {
    throw new AppError('rule_violation', 409, notRegisteredMessage, { field: 'idNumber' });
  }
  return { member_id: null, ...idColumns(keyring, facts), birth_date: facts.birthDate };
}

/** A linked cadre's name follows the member record: a new name must be corrected there first. */
export async function assertNameAgrees(trx: Executor, memberId: number, fullName: string): Promise<void> {
  const member = await findMember(trx, memberId);
  if (member && member.full_name !== fullName) {
    throw new AppError('rule_violation', 409, `${nameMismatchMessage}（团员姓名请通过更正申请修改）`, {
      field: 'fullName',
    });
  }
}
