import { addDays } from '../common/dates.js';
import type { MembershipStatus, PoliticalStatus } from '../common/domain.js';
import { composeIdNumber } from '../common/id-number.js';
import { nowIso } from '../server/db/tree.js';
import { storeFile } from '../server/files/store.js';
import { refreshMemberCounts } from '../server/features/members/counts.js';
import { checkIdNumber, idColumns } from '../server/features/members/identity.js';
import type { OrgRow } from '../server/features/orgs/repo.js';
import { protectPhone } from '../server/personal-data/phone.js';
import { makeOrg } from './factories.js';
import type { TestContext } from './harness.js';
import { nextPhone } from './ledger-factories.js';

// People written straight to the database with what the routes maintain alongside them (protected ID number and
// phone, member counts). A missing branch is made.

let sequence = 0;
const regions = ['610102', '610103', '610104', '610111', '610112', '610113', '610114', '610115', '610116', '610122'];

/**
 * A fresh valid ID number. Without a birth date the person is 18 to 26 years old today; the sequence digit
 * follows `sex` when given.
 */
export function nextIdNumber(input: { birthDate?: string; sex?: 'male' | 'female' } = {}): string {
  sequence += 1;
  const birthDate = input.birthDate ?? addDays('2000-01-01', (sequence * 37) % 3000);
  let serial = (sequence * 7 + (process.pid % 97)) % 1000;
  if (input.sex === 'male' && serial % 2 === 0) serial = (serial + 1) % 1000;
  if (input.sex === 'female' && serial % 2 === 1) serial = (serial + 1) % 1000;
  return composeIdNumber(regions[Math.floor(sequence / 1000) % regions.length], birthDate, serial);
}

export type TestMember = { id: number; orgId: number; fullName: string; idNumber: string; phone: string | null };

/** A branch (团支部) under `parent`, or under a fresh township when none is given. */
export async function makeBranch(ctx: TestContext, input: { parent?: OrgRow; name?: string } = {}): Promise<OrgRow> {
  sequence += 1;
  return makeOrg(ctx, {
    parent: input.parent ?? (await makeOrg(ctx, { level: 'township' })),
    name: input.name ?? `测试${sequence}村团支部`,
    type: 'branch',
    level: 'village',
  });
}

export async function makeMember(
  ctx: TestContext,
  input: {
    org?: OrgRow;
    fullName?: string;
    idNumber?: string;
    birthDate?: string;
    joinedOn?: string;
    status?: MembershipStatus;
    politicalStatus?: PoliticalStatus;
    phone?: string | null;
    memberNo?: string | null;
    lastReachedOn?: string | null;
  } = {},
): Promise<TestMember> {
  const org = input.org ?? (await makeBranch(ctx));
  const idNumber = input.idNumber ?? nextIdNumber({ birthDate: input.birthDate });
  const facts = checkIdNumber(idNumber);
  const phone = input.phone === undefined ? nextPhone() : input.phone;
  const protectedPhone = phone ? protectPhone(ctx.app.keyring, phone) : null;
  sequence += 1;
  const fullName = input.fullName ?? `团员${sequence}`;
  const at = nowIso();
  const joinedOn = input.joinedOn ?? addDays(facts.birthDate, 15 * 366);
  const id = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('members')
      .values({
        org_id: org.id,
        full_name: fullName,
        ...idColumns(ctx.app.keyring, facts),
        birth_date: facts.birthDate,
        sex: facts.sex,
        member_no: input.memberNo === undefined ? null : input.memberNo,
        joined_on: joinedOn,
        membership_status: input.status ?? 'normal',
        political_status: input.politicalStatus ?? 'member',
        ethnicity: '汉族',
        education: null,
        occupation: null,
        workplace: null,
        phone_cipher: protectedPhone?.cipher ?? null,
        phone_index: protectedPhone?.index ?? null,
        phone_masked: protectedPhone?.masked ?? null,
        wechat: null,
        household: null,
        mobile_origin: null,
        mobile_current: null,
        mobile_contact: null,
        last_reached_on: input.lastReachedOn === undefined ? at.slice(0, 10) : input.lastReachedOn,
        applicant_id: null,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await refreshMemberCounts(trx, [org.id]);
    return row.id;
  });
  return { id, orgId: org.id, fullName, idNumber: facts.idNumber, phone };
}

export type ApplicantDates = {
  appliedOn?: string;
  talkedOn?: string | null;
  activistOn?: string | null;
  candidateOn?: string | null;
  voteOn?: string | null;
  approvedOn?: string | null;
  ceremonyOn?: string | null;
};

export type TestApplicant = { id: number; orgId: number; fullName: string; idNumber: string };

/**
 * An applicant (入团申请人) written straight to the database at a stage, with the dates of the stages it passed:
 * by default each step a month after the one before, starting a year ago; `dates` overrides any of them.
 * A 'voted' applicant gets two fresh member introducers in its branch; an 'admitted' one also its member record.
 */
export async function makeApplicant(
  ctx: TestContext,
  input: {
    org?: OrgRow;
    fullName?: string;
    idNumber?: string;
    birthDate?: string;
    stage?: 'applied' | 'activist' | 'candidate' | 'voted' | 'admitted' | 'withdrawn';
    lectureHours?: number;
    dates?: ApplicantDates;
  } = {},
): Promise<TestApplicant> {
  const org = input.org ?? (await makeBranch(ctx));
  const idNumber = input.idNumber ?? nextIdNumber({ birthDate: input.birthDate });
  const facts = checkIdNumber(idNumber);
  const stage = input.stage ?? 'applied';
  const order = ['applied', 'activist', 'candidate', 'voted', 'admitted'];
  // A withdrawn applicant withdrew as a candidate.
  const reachedStage = stage === 'withdrawn' ? 'candidate' : stage;
  const reached = (s: string) => order.indexOf(reachedStage) >= order.indexOf(s);
  const start = addDays(nowIso().slice(0, 10), -365);
  const dates = {
    appliedOn: start,
    talkedOn: reached('activist') ? addDays(start, 20) : null,
    activistOn: reached('activist') ? addDays(start, 30) : null,
    candidateOn: reached('candidate') ? addDays(start, 150) : null,
    voteOn: reached('voted') ? addDays(start, 180) : null,
    approvedOn: reached('admitted') ? addDays(start, 200) : null,
    ...input.dates,
  };
  const introducers = reached('voted')
    ? [await makeMember(ctx, { org }), await makeMember(ctx, { org })]
    : [null, null];
  sequence += 1;
  const fullName = input.fullName ?? `申请人${sequence}`;
  const member = reached('admitted')
    ? await makeMember(ctx, { org, idNumber: facts.idNumber, fullName, joinedOn: dates.approvedOn! })
    : null;
  const at = nowIso();
  const row = await ctx.db
    .insertInto('applicants')
    .values({
      org_id: org.id,
      full_name: fullName,
      ...idColumns(ctx.app.keyring, facts),
      birth_date: facts.birthDate,
      sex: facts.sex,
      phone_cipher: null,
      phone_index: null,
      phone_masked: null,
      stage,
      applied_on: dates.appliedOn,
      talked_on: dates.talkedOn,
      activist_on: dates.activistOn,
      lecture_hours: input.lectureHours ?? (reached('candidate') ? 8 : 0),
      candidate_on: dates.candidateOn,
      introducer1_id: introducers[0]?.id ?? null,
      introducer2_id: introducers[1]?.id ?? null,
      vote_on: dates.voteOn,
      vote_due: dates.voteOn ? 10 : null,
      vote_present: dates.voteOn ? 8 : null,
      vote_for: dates.voteOn ? 7 : null,
      approved_on: dates.approvedOn ?? null,
      approved_by: null,
      ceremony_on: dates.ceremonyOn ?? null,
      member_id: member?.id ?? null,
      closed_reason: stage === 'withdrawn' ? '测试撤回' : null,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, orgId: org.id, fullName, idNumber: facts.idNumber };
}

/** A PDF filed with an applicant (stored like an upload); returns the document's id. */
export async function makeApplicantDocument(ctx: TestContext, applicant: TestApplicant): Promise<number> {
  sequence += 1;
  const bytes = Buffer.from(`%PDF-1.4\n% test document ${sequence}\n%%EOF\n`);
  const file = await storeFile(ctx.db, ctx.dataDir, bytes, 'application/pdf');
  const row = await ctx.db
    .insertInto('applicant_documents')
    .values({
      applicant_id: applicant.id,
      stage: 'applied',
      file_sha256: file.sha256,
      file_name: '入团申请书.pdf',
      uploaded_by: null,
      uploaded_at: nowIso(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
