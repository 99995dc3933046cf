import type { Updateable } from 'kysely';
import { chinaToday } from '../../../common/dates.js';
import type { DuplicateEntry, MergeableField } from '../../../common/duplicates.js';
import { maskIdNumber } from '../../../common/id-number.js';
import type { Executor, MembersTable } from '../../db/schema.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { maskPhone, normalizePhone, protectPhone } from '../../personal-data/phone.js';
import type { MemberWithOrg } from '../members/repo.js';
import { memberNoTaken } from './repo.js';

// What the claimant entered, kept encrypted in the case (payload_cipher): shown masked, and merged only into the
// holder's empty profile fields. The payload is the entry form or an import row, keyed like createMemberBody.

export type Payload = Record<string, unknown>;

export function readPayload(keyring: Keyring, cipher: string): Payload {
  const value: unknown = JSON.parse(keyring.decrypt(cipher));
  return value !== null && typeof value === 'object' ? (value as Payload) : {};
}

function textOf(value: unknown): string | null {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function phoneMaskOf(value: unknown): string | null {
  const raw = textOf(value);
  if (raw === null) return null;
  const phone = normalizePhone(raw);
  return phone ? maskPhone(phone) : '****';
}

/** The entry as the UI shows it: the ID number and phones masked, never the full values. */
export function presentEntry(payload: Payload, fallback: { claimantName: string; idMasked: string }): DuplicateEntry {
  const idNumber = textOf(payload.idNumber);
  const consent = payload.guardianConsent as Payload | null | undefined;
  return {
    fullName: textOf(payload.fullName) ?? fallback.claimantName,
    idMasked: idNumber && idNumber.length >= 8 ? maskIdNumber(idNumber) : fallback.idMasked,
    birthDate: textOf(payload.birthDate),
    sex: textOf(payload.sex),
    memberNo: textOf(payload.memberNo),
    joinedOn: textOf(payload.joinedOn),
    politicalStatus: textOf(payload.politicalStatus),
    ethnicity: textOf(payload.ethnicity),
    education: textOf(payload.education),
    occupation: textOf(payload.occupation),
    workplace: textOf(payload.workplace),
    phoneMasked: phoneMaskOf(payload.phone),
    wechat: textOf(payload.wechat),
    household: textOf(payload.household),
    isMobile: typeof payload.isMobile === 'boolean' ? payload.isMobile : null,
    mobileOrigin: textOf(payload.mobileOrigin),
    mobileCurrent: textOf(payload.mobileCurrent),
    mobileContact: textOf(payload.mobileContact),
    lastReachedOn: textOf(payload.lastReachedOn),
    guardianName: consent && typeof consent === 'object' ? textOf(consent.guardianName) : null,
  };
}

const textColumns: [MergeableField, keyof MembersTable, number][] = [
  ['ethnicity', 'ethnicity', 20],
  ['education', 'education', 20],
  ['occupation', 'occupation', 50],
  ['workplace', 'workplace', 100],
  ['wechat', 'wechat', 50],
  ['household', 'household', 100],
  ['mobileOrigin', 'mobile_origin', 100],
  ['mobileCurrent', 'mobile_current', 100],
  ['mobileContact', 'mobile_contact', 100],
];

/**
 * What a merge would fill: the holder's EMPTY profile fields that the entry has. Never the name, the ID number
 * (nor the birth date and sex it carries), the join date, the status or the org.
 */
export async function mergePlan(
  db: Executor,
  keyring: Keyring,
  holder: MemberWithOrg,
  payload: Payload,
): Promise<{ fields: MergeableField[]; values: Updateable<MembersTable> }> {
  const fields: MergeableField[] = [];
  const values: Updateable<MembersTable> = {};
  const memberNo = textOf(payload.memberNo);
  if (
    holder.member_no === null &&
    memberNo !== null &&
    /^\d{12}$/.test(memberNo) &&
    memberNo.slice(0, 4) === holder.joined_on.slice(0, 4) &&
    !(await memberNoTaken(db, memberNo))
  ) {
    fields.push('memberNo');
    values.member_no = memberNo;
  }
  for (const [field, column, max] of textColumns) {
    const value = textOf(payload[field]);
    if (holder[column] === null && value !== null && value.length <= max) {
      fields.push(field);
      Object.assign(values, { [column]: value });
    }
  }
  const phone = textOf(payload.phone);
  const normalized = phone === null ? null : normalizePhone(phone);
  if (holder.phone_cipher === null && normalized !== null) {
    const { cipher, index, masked } = protectPhone(keyring, normalized);
    fields.push('phone');
    Object.assign(values, { phone_cipher: cipher, phone_index: index, phone_masked: masked });
  }
  const reached = textOf(payload.lastReachedOn);
  if (
    holder.last_reached_on === null &&
    reached !== null &&
    /^\d{4}-\d{2}-\d{2}$/.test(reached) &&
    reached <= chinaToday()
  ) {
    fields.push('lastReachedOn');
    values.last_reached_on = reached;
  }
  return { fields, values };
}
