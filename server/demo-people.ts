import { bulkInsert, type Cell } from '../bench/bulk.js';
import { generateMember, type GeneratedMember } from '../bench/members.js';
import { createRandom, deriveSeed, phoneNumber, type Random } from '../bench/random.js';
import { addDays, chinaToday } from '../common/dates.js';
import type { ApplicantStage, MembershipStatus } from '../common/domain.js';
import { addMonths, ageOn } from '../common/id-number.js';
import { ageOutAge } from '../common/people-rules.js';
import type { Db, Executor } from './db/schema.js';
import { nowIso } from './db/tree.js';
import { refreshMemberCounts } from './features/members/counts.js';
import { protectIdNumber } from './personal-data/id-number.js';
import type { Keyring } from './personal-data/keyring.js';
import { protectPhone } from './personal-data/phone.js';

// The demo county's people: members in every branch (a few branches with fewer than three, a few members at or
// past the age-out, some mobile), and applicants at every stage of the admission pipeline in its first branches.
// Generated like the benchmark's member sheet (bench/members.ts): valid ID numbers of the county, real-looking
// names, protected ID numbers and phones. Written once.

const memberColumns = [
  ...['org_id', 'full_name', 'id_cipher', 'id_index', 'id_masked', 'birth_date', 'sex', 'member_no', 'joined_on'],
  ...['membership_status', 'political_status', 'ethnicity', 'education', 'occupation', 'workplace'],
  ...['phone_cipher', 'phone_index', 'phone_masked', 'wechat', 'household', 'is_mobile', 'mobile_origin'],
  ...['mobile_current', 'last_reached_on', 'applicant_id', 'created_at', 'updated_at'],
] as const;

/** Phones and member numbers of demo people (the generated province's own start at 1,000,000). */
const demoSerialStart = 20_000_000;

type Branch = { id: number; name: string; short_name: string | null; stat_code: string | null };

function memberRow(
  keyring: Keyring,
  random: Random,
  branch: Branch,
  person: GeneratedMember,
  options: { asOf: string; at: string; status?: MembershipStatus; applicantId?: number },
): Cell[] {
  const id = protectIdNumber(keyring, person.idNumber);
  const phone = person.phone ? protectPhone(keyring, person.phone) : null;
  const agedOut = ageOn(person.birthDate, options.asOf) >= ageOutAge && random.chance(0.75);
  return [
    branch.id,
    person.fullName,
    id.cipher,
    id.index,
    id.masked,
    person.birthDate,
    person.sex,
    person.memberNo,
    person.joinedOn,
    options.status ?? (agedOut ? 'aged_out' : 'normal'),
    person.politicalStatus,
    person.ethnicity,
    person.education,
    person.occupation,
    person.workplace,
    phone?.cipher ?? null,
    phone?.index ?? null,
    phone?.masked ?? null,
    person.wechat,
    person.household,
    person.isMobile ? 1 : 0,
    person.mobileOrigin,
    person.mobileCurrent,
    random.chance(0.9) ? addDays(options.asOf, -random.int(0, 240)) : null,
    options.applicantId ?? null,
    options.at,
    options.at,
  ];
}

export type DemoPeople = { members: number; applicants: number; branches: number };

/** Members and applicants for the branches of the county with this 6-digit code; nothing if it has members. */
export async function generateDemoPeople(db: Db, keyring: Keyring, countyCode: string): Promise<DemoPeople | null> {
  const branches: Branch[] = await db
    .selectFrom('orgs')
    .select(['id', 'name', 'short_name', 'stat_code'])
    .where('stat_code', 'like', `${countyCode}%`)
    .where('type', 'in', ['branch', 'joint_branch'])
    .where('status', '=', 'active')
    .orderBy('stat_code')
    .execute();
  if (branches.length === 0) return null;
  const held = await db
    .selectFrom('members')
    .select('id')
    .where(
      'org_id',
      'in',
      branches.map((b) => b.id),
    )
    .limit(1)
    .executeTakeFirst();
  if (held) return null;
  const county = await db
    .selectFrom('orgs')
    .select('name')
    .where('stat_code', '=', `${countyCode}000000`)
    .executeTakeFirst();
  const countyName = (county?.name ?? '').replace(/^共青团/, '').replace(/委员会$/, '');
  const asOf = chinaToday();
  const at = nowIso();
  const random = createRandom(deriveSeed(20261127, `demo-people:${countyCode}`));
  let k = 0;
  let serial = demoSerialStart;
  const person = (village: string) =>
    generateMember(random, { region: countyCode, county: countyName, village, k: k++, serial: serial++, asOf });

  return db.transaction().execute(async (trx) => {
    const rows: Cell[][] = [];
    for (const branch of branches) {
      // Most branches have 4–25 members; one in ten is below the three a branch needs.
      const size = random.chance(0.1) ? random.int(1, 2) : random.int(4, 25);
      const village = (branch.short_name ?? branch.name).replace(/团支部$/, '');
      for (let i = 0; i < size; i++) rows.push(memberRow(keyring, random, branch, person(village), { asOf, at }));
    }
    const inserted = await bulkInsert<'members', { id: number; org_id: number }>(trx, 'members', memberColumns, rows, [
      'id',
      'org_id',
    ]);
    const applicants = await writeApplicants(trx, keyring, random, branches.slice(0, 14), {
      asOf,
      at,
      next: (village) => {
        // Applicants are 15 to 26 on the day they apply.
        for (;;) {
          const candidate = person(village);
          const age = ageOn(candidate.birthDate, asOf);
          if (age >= 15 && age <= 26) return candidate;
        }
      },
      members: inserted,
    });
    const created = JSON.stringify({ source: 'demo' });
    await bulkInsert(
      trx,
      'member_events',
      ['member_id', 'at', 'kind', 'org_id', 'actor_id', 'actor_name', 'details'],
      [...inserted, ...applicants.members].map((m) => [m.id, at, 'created', m.org_id, null, null, created]),
    );
    await refreshMemberCounts(
      trx,
      branches.map((b) => b.id),
    );
    return {
      members: inserted.length + applicants.members.length,
      applicants: applicants.count,
      branches: branches.length,
    };
  });
}

const stages: readonly ApplicantStage[] = [
  'applied',
  'activist',
  'candidate',
  'voted',
  'admitted',
  'withdrawn',
  'rejected',
];

/**
 * Two applicants at each stage, over the first branches: the dates of every step they passed (a talk within a
 * month, 3–6 months of observation, lectures, two introducers from the branch, a vote), and for the admitted a
 * member record linked both ways.
 */
async function writeApplicants(
  trx: Executor,
  keyring: Keyring,
  random: Random,
  branches: Branch[],
  input: {
    asOf: string;
    at: string;
    next: (village: string) => GeneratedMember;
    members: readonly { id: number; org_id: number }[];
  },
): Promise<{ count: number; members: { id: number; org_id: number }[] }> {
  const { asOf, at } = input;
  const admitted: { id: number; org_id: number }[] = [];
  let count = 0;
  for (const [i, branch] of branches.entries()) {
    const stage = stages[i % stages.length];
    const village = (branch.short_name ?? branch.name).replace(/团支部$/, '');
    const person = input.next(village);
    const id = protectIdNumber(keyring, person.idNumber);
    const phone = protectPhone(keyring, phoneNumber(demoSerialStart - 1000 + i));
    const reached = stages.indexOf(stage);
    const past = (months: number) => addDays(addMonths(asOf, -months), -random.int(0, 10));
    const appliedOn = stage === 'applied' ? addDays(asOf, -random.int(3, 25)) : past(9);
    const talkedOn = stage === 'applied' && random.chance(0.5) ? null : addDays(appliedOn, random.int(7, 25));
    const activistOn = reached >= 1 ? addDays(appliedOn, 40) : null;
    const observed = reached >= 2 && stage !== 'withdrawn';
    const candidateOn = observed ? addMonths(activistOn!, 4) : null;
    const voted = reached >= 3 && stage !== 'withdrawn';
    const introducers = input.members.filter((m) => m.org_id === branch.id).slice(0, 2);
    const values = {
      org_id: branch.id,
      full_name: person.fullName,
      id_cipher: id.cipher,
      id_index: id.index,
      id_masked: id.masked,
      birth_date: person.birthDate,
      sex: person.sex,
      phone_cipher: phone.cipher,
      phone_index: phone.index,
      phone_masked: phone.masked,
      stage,
      applied_on: appliedOn,
      talked_on: talkedOn,
      activist_on: activistOn,
      lecture_hours: activistOn ? (observed ? 10 : 4) : 0,
      candidate_on: candidateOn,
      introducer1_id: voted ? (introducers[0]?.id ?? null) : null,
      introducer2_id: voted ? (introducers[1]?.id ?? null) : null,
      vote_on: voted ? addDays(candidateOn!, 20) : null,
      vote_due: voted ? 12 : null,
      vote_present: voted ? 10 : null,
      vote_for: voted ? 9 : null,
      approved_on: stage === 'admitted' ? addDays(candidateOn!, 35) : null,
      approved_by: null,
      ceremony_on: stage === 'admitted' ? addDays(candidateOn!, 45) : null,
      member_id: null,
      closed_reason:
        stage === 'withdrawn' ? '本人申请撤回' : stage === 'rejected' ? '上级团委未批准：考察材料不完整' : null,
      created_at: at,
      updated_at: at,
    };
    const { id: applicantId } = await trx
      .insertInto('applicants')
      .values(values)
      .returning('id')
      .executeTakeFirstOrThrow();
    count++;
    if (activistOn) {
      const lectures = observed ? [4, 3, 3] : [4];
      await trx
        .insertInto('applicant_lectures')
        .values(
          lectures.map((hours, n) => ({
            applicant_id: applicantId,
            held_on: addDays(activistOn, 20 + n * 30),
            title: ['团的基本知识', '团章学习', '青年与新时代'][n],
            hours,
            recorded_by: null,
            created_at: at,
          })),
        )
        .execute();
    }
    if (stage === 'admitted') {
      const member = { ...person, joinedOn: values.approved_on!, memberNo: null, politicalStatus: 'member' as const };
      const [row] = await bulkInsert<'members', { id: number; org_id: number }>(
        trx,
        'members',
        memberColumns,
        [memberRow(keyring, random, branch, member, { asOf, at, status: 'normal', applicantId })],
        ['id', 'org_id'],
      );
      await trx.updateTable('applicants').set({ member_id: row.id }).where('id', '=', applicantId).execute();
      admitted.push(row);
    }
  }
  return { count, members: admitted };
}
