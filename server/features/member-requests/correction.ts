import type { Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { AppError } from '../../http/errors.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { recordAudit } from '../audit/service.js';
import { joinAgeProblem } from '../../../common/people-rules.js';
import { recordMemberEvent } from '../members/events.js';
import { checkIdNumber } from '../members/identity.js';
import { findMemberByIdIndex, updateMember, type MemberWithOrg } from '../members/repo.js';
import { isUniqueViolation } from '../ledger/shared.js';
import type { RequestRow } from './repo.js';

/**
 * Applies an approved correction: the new name, and the new ID number with the birth date and sex it carries
 * (re-derived, and the join-age rule re-checked). The timeline and the audit row name the fields and the masked
 * numbers, never a plain value.
 */
export async function applyCorrection(
  trx: Executor,
  keyring: Keyring,
  actor: Actor,
  row: RequestRow,
  member: MemberWithOrg,
): Promise<void> {
  const fields: string[] = [];
  const changes: Parameters<typeof updateMember>[2] = { updated_at: nowIso() };
  const event: Record<string, unknown> = { requestId: row.id };
  if (row.new_name !== null && row.new_name !== member.full_name) {
    fields.push('fullName');
    changes.full_name = row.new_name;
    event.fullName = { from: member.full_name, to: row.new_name };
  }
  let idMasked: { from: string; to: string } | null = null;
  if (row.new_id_cipher !== null && row.new_id_index !== member.id_index) {
    const facts = checkIdNumber(keyring.decrypt(row.new_id_cipher));
    const problem = joinAgeProblem(facts.birthDate, member.joined_on);
    if (problem) throw new AppError('rule_violation', 409, `按更正后的身份证号，${problem}`);
    const holder = await findMemberByIdIndex(trx, row.new_id_index!);
    if (holder && holder.id !== member.id) {
      throw new AppError('duplicate_person', 409, `该身份证号已由“${holder.org_name}”登记，不能更正为此号码`);
    }
    fields.push('idNumber');
    idMasked = { from: member.id_masked, to: row.new_id_masked! };
    Object.assign(changes, {
      id_cipher: row.new_id_cipher,
      id_index: row.new_id_index!,
      id_masked: row.new_id_masked!,
      birth_date: facts.birthDate,
      sex: facts.sex,
    });
    event.idMasked = idMasked;
    if (facts.birthDate !== member.birth_date) event.birthDate = { from: member.birth_date, to: facts.birthDate };
    if (facts.sex !== member.sex) event.sex = { from: member.sex, to: facts.sex };
  }
  try {
    await updateMember(trx, member.id, changes);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('duplicate_person', 409, '该身份证号刚刚已由其他组织登记');
    throw error;
  }
  await recordMemberEvent(trx, actor, {
    memberId: member.id,
    kind: 'corrected',
    orgId: member.org_id,
    details: { ...event, fields },
  });
  await recordAudit(trx, actor, {
    action: 'member.correct',
    objectType: 'member',
    objectId: member.id,
    orgId: member.org_id,
    details: { requestId: row.id, fields, ...(idMasked ? { idMasked } : {}) },
  });
}
