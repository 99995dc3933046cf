import type { RowAction } from '../../../common/imports.js';
import type { Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { JobFailure } from '../../jobs/runner.js';
import { isUniqueViolation } from '../ledger/shared.js';
import { refreshMemberCounts } from '../members/counts.js';
import { insertRows, oneOf } from './bulk.js';
import type { PackedMember } from './members-import.js';
import type { SpoolRow } from './spool.js';

// Pass 2 of a member import: a chunk of valid rows against the register. A person not registered yet is created
// with a 'created' event on their timeline; one already in the same branch gets what the sheet says anew (empty
// cells erase nothing), with an 'updated' event; the rest is left alone. Member counts of the branches that grew
// are recounted once, after the last chunk, in the same transaction.

export type MemberImportState = {
  touchedOrgs: Set<number>;
  jobId: number;
  actor: Pick<Actor, 'userId' | 'username'>;
};

const memberTypes = {
  org_id: 'int',
  full_name: 'text',
  id_cipher: 'text',
  id_index: 'text',
  id_masked: 'text',
  birth_date: 'text',
  sex: 'text',
  member_no: 'text',
  joined_on: 'text',
  membership_status: 'text',
  political_status: 'text',
  ethnicity: 'text',
  education: 'text',
  occupation: 'text',
  workplace: 'text',
  phone_cipher: 'text',
  phone_index: 'text',
  phone_masked: 'text',
  wechat: 'text',
  household: 'text',
  is_mobile: 'int',
  mobile_origin: 'text',
  mobile_current: 'text',
  created_at: 'text',
  updated_at: 'text',
} as const;

const eventTypes = {
  member_id: 'int',
  at: 'text',
  kind: 'text',
  org_id: 'int',
  actor_id: 'int',
  actor_name: 'text',
  details: 'text',
} as const;

/** Profile columns a sheet may fill in or change on an existing member (the form's editable fields). */
const profileColumns = [
  'political_status',
  'ethnicity',
  'education',
  'occupation',
  'workplace',
  'wechat',
  'household',
  'is_mobile',
  'mobile_origin',
  'mobile_current',
] as const;
type ProfileColumn = (typeof profileColumns)[number];
/** Field names of the timeline and the audit (as the member form names them); never their values. */
const fieldNames: Record<ProfileColumn | 'phone' | 'member_no', string> = {
  political_status: 'politicalStatus',
  ethnicity: 'ethnicity',
  education: 'education',
  occupation: 'occupation',
  workplace: 'workplace',
  wechat: 'wechat',
  household: 'household',
  is_mobile: 'isMobile',
  mobile_origin: 'mobileOrigin',
  mobile_current: 'mobileCurrent',
  phone: 'phone',
  member_no: 'memberNo',
};

function unpack(row: SpoolRow) {
  const [
    name,
    idCipher,
    idMasked,
    birthDate,
    sex,
    joinedOn,
    politicalStatus,
    ethnicity,
    education,
    occupation,
    workplace,
    phoneCipher,
    phoneIndex,
    phoneMasked,
    wechat,
    household,
    isMobile,
    mobileOrigin,
    mobileCurrent,
  ] = JSON.parse(row.record) as PackedMember;
  return {
    row: row.row,
    orgId: row.orgId,
    idIndex: row.key,
    memberNo: row.alt,
    name,
    idCipher,
    idMasked,
    birthDate,
    sex,
    joinedOn,
    phone: phoneCipher && phoneIndex && phoneMasked ? { phoneCipher, phoneIndex, phoneMasked } : null,
    profile: {
      political_status: politicalStatus,
      ethnicity,
      education,
      occupation,
      workplace,
      wechat,
      household,
      is_mobile: isMobile,
      mobile_origin: mobileOrigin,
      mobile_current: mobileCurrent,
    } satisfies Record<ProfileColumn, unknown>,
  };
}

export async function applyMembers(
  db: Executor,
  rows: readonly SpoolRow[],
  write: boolean,
  state: MemberImportState,
): Promise<RowAction[]> {
  const records = rows.map(unpack);
  const existing = await db
    .selectFrom('members')
    .select(['id', 'org_id', 'id_index', 'member_no', 'phone_index', ...profileColumns])
    .where(oneOf(db, 'id_index', [...new Set(records.map((r) => r.idIndex))], 'text'))
    .execute();
  const byIndex = new Map(existing.map((m) => [m.id_index, m]));
  const at = nowIso();
  const actions: RowAction[] = [];
  const creates: typeof records = [];
  const updated: { id: number; orgId: number; fields: string[] }[] = [];
  for (const record of records) {
    const current = byIndex.get(record.idIndex);
    if (!current) {
      actions.push('create');
      creates.push(record);
      continue;
    }
    if (current.org_id !== record.orgId) {
      // Pass 1 saw the person free or in this branch; someone registered or moved them since.
      throw new JobFailure(`第 ${record.row} 行：该身份证号在导入期间已由其他组织登记，未导入任何数据，请重新导入`);
    }
    const changes: Record<string, string | number> = {};
    const fields: string[] = [];
    for (const column of profileColumns) {
      const value = record.profile[column];
      if (value !== null && value !== current[column]) {
        changes[column] = value;
        fields.push(fieldNames[column]);
      }
    }
    if (record.phone && record.phone.phoneIndex !== current.phone_index) {
      Object.assign(changes, {
        phone_cipher: record.phone.phoneCipher,
        phone_index: record.phone.phoneIndex,
        phone_masked: record.phone.phoneMasked,
      });
      fields.push(fieldNames.phone);
    }
    if (record.memberNo && current.member_no === null) {
      changes.member_no = record.memberNo;
      fields.push(fieldNames.member_no);
    }
    if (fields.length === 0) {
      actions.push('unchanged');
      continue;
    }
    actions.push('update');
    updated.push({ id: current.id, orgId: current.org_id, fields });
    if (write) {
      await db
        .updateTable('members')
        .set({ ...changes, updated_at: at })
        .where('id', '=', current.id)
        .execute();
    }
  }
  if (!write) return actions;

  const inserted = await insertMemberRows(
    db,
    creates.map((r) => ({
      org_id: r.orgId,
      full_name: r.name,
      id_cipher: r.idCipher,
      id_index: r.idIndex,
      id_masked: r.idMasked,
      birth_date: r.birthDate,
      sex: r.sex,
      member_no: r.memberNo,
      joined_on: r.joinedOn,
      membership_status: 'normal',
      political_status: r.profile.political_status ?? 'member',
      ethnicity: r.profile.ethnicity,
      education: r.profile.education,
      occupation: r.profile.occupation,
      workplace: r.profile.workplace,
      phone_cipher: r.phone?.phoneCipher ?? null,
      phone_index: r.phone?.phoneIndex ?? null,
      phone_masked: r.phone?.phoneMasked ?? null,
      wechat: r.profile.wechat,
      household: r.profile.household,
      is_mobile: r.profile.is_mobile ?? 0,
      mobile_origin: r.profile.mobile_origin,
      mobile_current: r.profile.mobile_current,
      created_at: at,
      updated_at: at,
    })),
  );
  for (const m of inserted) state.touchedOrgs.add(m.org_id);
  const actor = { actor_id: state.actor.userId, actor_name: state.actor.username };
  const created = JSON.stringify({ source: 'import', jobId: state.jobId });
  await insertRows(db, 'member_events', eventTypes, [
    ...inserted.map((m) => ({ member_id: m.id, at, kind: 'created', org_id: m.org_id, ...actor, details: created })),
    ...updated.map((u) => ({
      member_id: u.id,
      at,
      kind: 'updated',
      org_id: u.orgId,
      ...actor,
      details: JSON.stringify({ fields: u.fields, source: 'import', jobId: state.jobId }),
    })),
  ]);
  return actions;
}

/**
 * New members, all of them or a failure: a person or member number registered by someone else since pass 1 would
 * otherwise be skipped or break the transaction with a database message.
 */
async function insertMemberRows(db: Executor, rows: Record<string, unknown>[]) {
  if (rows.length === 0) return [];
  let inserted: { id: number; org_id: number }[];
  try {
    inserted = await insertRows<{ id: number; org_id: number }>(db, 'members', memberTypes, rows, {
      returning: ['id', 'org_id'],
      onConflict: 'on conflict (id_index) do nothing',
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new JobFailure('有团员编号在导入期间已被其他团员使用，未导入任何数据，请重新导入');
    }
    throw error;
  }
  if (inserted.length < rows.length) {
    throw new JobFailure('有身份证号在导入期间已由其他组织登记，未导入任何数据，请重新导入');
  }
  return inserted;
}

/** After the last chunk, in the same transaction: the counts of the branches that gained members. */
export async function finishMembers(trx: Executor, state: MemberImportState): Promise<void> {
  await refreshMemberCounts(trx, state.touchedOrgs);
}
