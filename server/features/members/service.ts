import { addDays, chinaToday } from '../../../common/dates.js';
import type { MembershipStatus } from '../../../common/domain.js';
import type { AgeBand, CreateMemberBody, GuardianConsentInput, UpdateMemberBody } from '../../../common/members.js';
import { addYears, ageOn, parseIdNumber } from '../../../common/id-number.js';
import {
  ageOutAge,
  ageOutDate,
  ageOutNoticeDays,
  consentVersion,
  joinAgeProblem,
  needsGuardianConsent,
} from '../../../common/people-rules.js';
import { normalizePhone, phoneIndex } from '../../personal-data/phone.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { assertSees, type Actor } from '../../http/actor.js';
import { AppError, invalid } from '../../http/errors.js';
import { idNumberIndex } from '../../personal-data/id-number.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { revealAudited } from '../../personal-data/reveal.js';
import { recordAudit } from '../audit/service.js';
import { describeChanges, loadWritableOrg, pageWindow, phoneColumns, resolveLedgerScope } from '../ledger/shared.js';
import { loadVisibleOrg } from '../orgs/service.js';
import { refreshMemberCounts, subtreeMemberCounts } from './counts.js';
import { openDuplicateCase } from './duplicates.js';
import { recordMemberEvent } from './events.js';
import { checkIdNumber, idColumns } from './identity.js';
import { assertHoldsMembers, mayRevealPeople, mayWritePeople } from './policy.js';
import {
  findGuardianConsent,
  findMember,
  findMemberByIdIndex,
  insertMember,
  listMemberEvents,
  listMembers,
  pendingCounts,
  updateMember,
  type BirthRange,
  type MemberListRow,
  type MemberWithOrg,
} from './repo.js';

export type MemberDeps = { db: Db; keyring: Keyring };

/** `noticeEnd`: the last age-out date flagged as due on `today` (a list computes it once for all its rows). */
export function presentMember(row: MemberListRow, today = chinaToday(), noticeEnd = addDays(today, ageOutNoticeDays)) {
  const ageOutOn = ageOutDate(row.birth_date);
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    fullName: row.full_name,
    idMasked: row.id_masked,
    birthDate: row.birth_date,
    age: ageOn(row.birth_date, today),
    sex: row.sex,
    memberNo: row.member_no,
    joinedOn: row.joined_on,
    membershipStatus: row.membership_status,
    politicalStatus: row.political_status,
    phoneMasked: row.phone_masked,
    isMobile: row.is_mobile === 1,
    ageOutOn,
    ageOutDue: row.membership_status === 'normal' && ageOutOn <= noticeEnd,
  };
}

/** A member whose branch lies in the actor's subtree; anything else is "not found", whether it exists or not. */
export async function loadVisibleMember(db: Executor, actor: Actor, id: number): Promise<MemberWithOrg> {
  const member = await findMember(db, id);
  assertSees(actor, member?.org_path, '团员');
  return member;
}

/** The member number: 12 digits whose first four are the join year. */
export function checkMemberNo(memberNo: string, joinedOn: string): void {
  if (memberNo.slice(0, 4) !== joinedOn.slice(0, 4)) {
    throw invalid(`团员编号前 4 位应为入团年份 ${joinedOn.slice(0, 4)}`, { field: 'memberNo' });
  }
}

/** Stores a guardian's consent for a subject under 14, with the version of the consent text. */
export async function recordGuardianConsent(
  trx: Executor,
  keyring: Keyring,
  actor: Actor,
  subject: { type: 'applicant' | 'member'; id: number },
  consent: GuardianConsentInput,
): Promise<void> {
  const phone = consent.phone ? phoneColumns(keyring, consent.phone) : null;
  await trx
    .insertInto('guardian_consents')
    .values({
      subject_type: subject.type,
      subject_id: subject.id,
      guardian_name: consent.guardianName,
      relation: consent.relation,
      phone_cipher: phone?.phone_cipher ?? null,
      phone_masked: phone?.phone_masked ?? null,
      consent_version: consentVersion,
      signed_on: consent.signedOn,
      recorded_by: actor.userId,
      created_at: nowIso(),
    })
    .execute();
}

/** Refuses a record of someone under 14 without the guardian's consent. */
export function assertConsentGiven(birthDate: string, consent: GuardianConsentInput | null | undefined): void {
  if (needsGuardianConsent(birthDate, chinaToday()) && !consent) {
    throw new AppError('rule_violation', 409, '未满 14 周岁，须登记监护人同意书（监护人姓名、关系、签署日期）', {
      field: 'guardianConsent',
    });
  }
}

/**
 * Registers a member in a branch. The same ID number already registered elsewhere is never overwritten: a
 * duplicate case is opened for both orgs to resolve, and the entry answers 409 `duplicate_person`.
 */
export async function createMember({ db, keyring }: MemberDeps, actor: Actor, body: CreateMemberBody) {
  const facts = checkIdNumber(body.idNumber, { birthDate: body.birthDate, sex: body.sex });
  const joinProblem = joinAgeProblem(facts.birthDate, body.joinedOn);
  if (joinProblem) throw new AppError('rule_violation', 409, joinProblem, { field: 'joinedOn' });
  if (body.joinedOn > chinaToday()) throw invalid('入团日期不能晚于今天', { field: 'joinedOn' });
  if (body.memberNo) checkMemberNo(body.memberNo, body.joinedOn);
  assertConsentGiven(facts.birthDate, body.guardianConsent);
  const phone = body.phone ? phoneColumns(keyring, body.phone) : null;
  const ids = idColumns(keyring, facts);
  type Outcome = { id: number } | { duplicate: { caseId: number; holderOrgName: string } };
  const result = await db.transaction().execute(async (trx): Promise<Outcome> => {
    const org = await loadWritableOrg(trx, actor, body.orgId);
    assertHoldsMembers(org);
    const at = nowIso();
    const id = await insertMember(trx, {
      org_id: org.id,
      full_name: body.fullName,
      ...ids,
      birth_date: facts.birthDate,
      sex: facts.sex,
      member_no: body.memberNo ?? null,
      joined_on: body.joinedOn,
      membership_status: 'normal',
      political_status: body.politicalStatus,
      ethnicity: body.ethnicity ?? null,
      education: body.education ?? null,
      occupation: body.occupation ?? null,
      workplace: body.workplace ?? null,
      ...(phone ?? { phone_cipher: null, phone_index: null, phone_masked: null }),
      wechat: body.wechat ?? null,
      household: body.household ?? null,
      is_mobile: body.isMobile ? 1 : 0,
      mobile_origin: body.mobileOrigin ?? null,
      mobile_current: body.mobileCurrent ?? null,
      mobile_contact: body.mobileContact ?? null,
      last_reached_on: body.lastReachedOn ?? null,
      applicant_id: null,
      created_at: at,
      updated_at: at,
    });
    if (id === null) {
      const holder = (await findMemberByIdIndex(trx, ids.id_index))!;
      const caseId = await openDuplicateCase(trx, keyring, actor, {
        holder,
        claimantOrg: org,
        claimantName: body.fullName,
        source: 'entry',
        payload: { ...body, idNumber: facts.idNumber },
      });
      return { duplicate: { caseId, holderOrgName: holder.org_name } };
    }
    if (body.guardianConsent) {
      await recordGuardianConsent(trx, keyring, actor, { type: 'member', id }, body.guardianConsent);
    }
    await recordMemberEvent(trx, actor, { memberId: id, kind: 'created', orgId: org.id, details: { source: 'entry' } });
    await recordAudit(trx, actor, {
      action: 'member.create',
      objectType: 'member',
      objectId: id,
      orgId: org.id,
      details: { joinedOn: body.joinedOn, withPhone: phone !== null, guardianConsent: Boolean(body.guardianConsent) },
    });
    await refreshMemberCounts(trx, [org.id]);
    return { id };
  });
  if ('duplicate' in result) {
    throw new AppError(
      'duplicate_person',
      409,
      `该身份证号已由“${result.duplicate.holderOrgName}”登记。已提交重复认定，双方可在“审批 › 重复身份证”中处理（转接、合并或驳回）`,
      result.duplicate,
    );
  }
  return getMemberDetail(db, actor, result.id);
}

export async function getMemberDetail(db: Executor, actor: Actor, id: number) {
  const member = await loadVisibleMember(db, actor, id);
  const consent = await findGuardianConsent(db, 'member', member.id);
  const pending = await pendingCounts(db, member.id);
  const write = mayWritePeople(actor) && member.membership_status === 'normal';
  const busy = pending.transfers > 0;
  return {
    ...presentMember(member),
    ethnicity: member.ethnicity,
    education: member.education,
    occupation: member.occupation,
    workplace: member.workplace,
    wechat: member.wechat,
    household: member.household,
    mobileOrigin: member.mobile_origin,
    mobileCurrent: member.mobile_current,
    mobileContact: member.mobile_contact,
    lastReachedOn: member.last_reached_on,
    guardianConsent: consent
      ? {
          guardianName: consent.guardian_name,
          relation: consent.relation,
          phoneMasked: consent.phone_masked,
          consentVersion: consent.consent_version,
          signedOn: consent.signed_on,
        }
      : null,
    pending,
    createdAt: member.created_at,
    updatedAt: member.updated_at,
    abilities: {
      update: mayWritePeople(actor),
      revealIdNumber: mayRevealPeople(actor),
      revealPhone: mayRevealPeople(actor) && member.phone_cipher !== null,
      requestStatus: mayWritePeople(actor) && pending.requests === 0 && !busy,
      requestCorrection: mayWritePeople(actor) && pending.requests === 0,
      transfer: write && !busy,
    },
  };
}

/** Birth-date bounds of an age band on `today` (ages in whole years). */
export function birthRangeOf(band: AgeBand, today: string): BirthRange {
  // Age ≥ n ⇔ born on or before today − n years; age < n ⇔ born after today − n years.
  const bornBy = (age: number) => addYears(today, -age);
  switch (band) {
    case 'under_14':
      return { bornAfter: bornBy(14) };
    case '14_17':
      return { bornAfter: bornBy(18), bornOnOrBefore: bornBy(14) };
    case '18_22':
      return { bornAfter: bornBy(23), bornOnOrBefore: bornBy(18) };
    case '23_27':
      return { bornAfter: bornBy(28), bornOnOrBefore: bornBy(23) };
    case '28_plus':
      return { bornOnOrBefore: bornBy(28) };
    case 'age_out_due':
      return { bornOnOrBefore: addYears(addDays(today, ageOutNoticeDays), -ageOutAge) };
  }
}

/**
 * What a search box holds decides the look-up: a full ID number or a phone by its blind index (exact, never
 * decrypted), anything else as a name prefix.
 */
export function searchKeys(keyring: Keyring, q: string | undefined) {
  if (!q) return {};
  const text = q.normalize('NFKC').replace(/\s/g, '');
  const id = parseIdNumber(text, chinaToday());
  if (id.ok) return { idIndex: idNumberIndex(keyring, id.facts.idNumber) };
  const phone = normalizePhone(text);
  if (phone) return { phoneIndex: phoneIndex(keyring, phone) };
  return { namePrefix: q.trim() };
}

export async function listMembersInScope(
  { db, keyring }: MemberDeps,
  actor: Actor,
  input: {
    orgId?: number;
    scope: 'own' | 'subtree';
    q?: string;
    status?: MembershipStatus;
    ageBand?: AgeBand;
    mobile?: boolean;
    page: number;
    pageSize: number;
  },
) {
  const scope = await resolveLedgerScope(db, actor, { orgId: input.orgId, scope: input.scope });
  const today = chinaToday();
  const { rows, total } = await listMembers(db, {
    scope,
    ...searchKeys(keyring, input.q),
    status: input.ageBand === 'age_out_due' ? 'normal' : input.status,
    birth: input.ageBand ? birthRangeOf(input.ageBand, today) : undefined,
    mobile: input.mobile,
    ...pageWindow(input),
  });
  const noticeEnd = addDays(today, ageOutNoticeDays);
  return { items: rows.map((row) => presentMember(row, today, noticeEnd)), total };
}

export async function updateMemberProfile(
  { db, keyring }: MemberDeps,
  actor: Actor,
  id: number,
  body: UpdateMemberBody,
) {
  const phone = body.phone === undefined || body.phone === null ? body.phone : phoneColumns(keyring, body.phone);
  if (body.lastReachedOn && body.lastReachedOn > chinaToday()) {
    throw invalid('最近联系日期不能晚于今天', { field: 'lastReachedOn' });
  }
  await db.transaction().execute(async (trx) => {
    const member = await loadVisibleMember(trx, actor, id);
    await loadWritableOrg(trx, actor, member.org_id);
    const before: Record<string, unknown> = {
      politicalStatus: member.political_status,
      ethnicity: member.ethnicity,
      education: member.education,
      occupation: member.occupation,
      workplace: member.workplace,
      phone: member.phone_index,
      wechat: member.wechat,
      household: member.household,
      isMobile: member.is_mobile === 1,
      mobileOrigin: member.mobile_origin,
      mobileCurrent: member.mobile_current,
      mobileContact: member.mobile_contact,
      lastReachedOn: member.last_reached_on,
    };
    const after = { ...before, ...body, ...(phone === undefined ? {} : { phone: phone?.phone_index ?? null }) };
    const details = describeChanges(before, after, [
      'phone',
      'wechat',
      'household',
      'workplace',
      'mobileOrigin',
      'mobileCurrent',
      'mobileContact',
    ]);
    if (details.fields.length === 0) return;
    await updateMember(trx, member.id, {
      political_status: after.politicalStatus,
      ethnicity: after.ethnicity ?? null,
      education: after.education ?? null,
      occupation: after.occupation ?? null,
      workplace: after.workplace ?? null,
      wechat: after.wechat ?? null,
      household: after.household ?? null,
      is_mobile: after.isMobile ? 1 : 0,
      mobile_origin: after.mobileOrigin ?? null,
      mobile_current: after.mobileCurrent ?? null,
      mobile_contact: after.mobileContact ?? null,
      last_reached_on: after.lastReachedOn ?? null,
      ...(phone === undefined
        ? {}
        : {
            phone_cipher: phone?.phone_cipher ?? null,
            phone_index: phone?.phone_index ?? null,
            phone_masked: phone?.phone_masked ?? null,
          }),
      updated_at: nowIso(),
    });
    await recordMemberEvent(trx, actor, {
      memberId: member.id,
      kind: 'updated',
      orgId: member.org_id,
      details: { fields: details.fields },
    });
    await recordAudit(trx, actor, {
      action: 'member.update',
      objectType: 'member',
      objectId: member.id,
      orgId: member.org_id,
      details,
    });
  });
  return getMemberDetail(db, actor, id);
}

export async function revealMemberField(
  { db, keyring }: MemberDeps,
  actor: Actor,
  id: number,
  field: 'idNumber' | 'phone',
) {
  return db.transaction().execute(async (trx) => {
    const member = await loadVisibleMember(trx, actor, id);
    const cipher = field === 'idNumber' ? member.id_cipher : member.phone_cipher;
    if (cipher === null) throw new AppError('not_found', 404, '该团员没有登记手机号');
    return revealAudited(trx, keyring, actor, {
      objectType: 'member',
      objectId: member.id,
      orgId: member.org_id,
      field,
      cipher,
    });
  });
}

export async function memberTimeline(db: Db, actor: Actor, id: number) {
  const member = await loadVisibleMember(db, actor, id);
  const rows = await listMemberEvents(db, member.id);
  return {
    items: rows.map((row) => ({
      id: row.id,
      at: row.at,
      kind: row.kind,
      orgId: row.org_id,
      orgName: row.org_name,
      actorName: row.actor_name,
      details: JSON.parse(row.details) as Record<string, unknown>,
    })),
  };
}

export async function orgMemberStats(db: Db, actor: Actor, orgId: number) {
  const org = await loadVisibleOrg(db, actor, orgId);
  const byStatus = await subtreeMemberCounts(db, org.id);
  return { orgId: org.id, byStatus, total: Object.values(byStatus).reduce((a, b) => a + b, 0) };
}
