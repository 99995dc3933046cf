import { politicalStatusLabels, sexLabels, yesNoLabels } from '../../../common/imports.js';
import type { PoliticalStatus, Sex } from '../../../common/domain.js';
import { parseIdNumber, scientificIdMessage, type IdNumberFacts } from '../../../common/id-number.js';
import { joinAgeProblem, needsGuardianConsent } from '../../../common/people-rules.js';
import { protectIdNumber } from '../../personal-data/id-number.js';
import { protectPhone } from '../../personal-data/phone.js';
import { cellText } from '../../spreadsheets/values.js';
import { holdsMembers } from '../members/policy.js';
import { oneOf } from './bulk.js';
import {
  displayCell,
  idNumberText,
  labelsOf,
  RowChecker,
  type Checked,
  type ImportContext,
  type KindRun,
} from './checks.js';
import { memberColumns, type MemberColumn } from './columns.js';
import { applyMembers, finishMembers, type MemberImportState } from './members-apply.js';

// The member register (团员) from a sheet: one person per ID number, registered in a branch of the uploader's
// subtree. Pass 1 checks every cell against the league's rules and looks each chunk's ID numbers up by their blind
// index: a person another org holds is a row error naming that org (the preview lists it as a duplicate); one
// already in the same branch is the same record, updated where the sheet says something new. ID numbers and
// phones are protected here, before the row reaches the spool.

/**
 * A valid row as the spool keeps it (the ID number's blind index is the row's key, the member number its alt key).
 * Optional fields are null when the cell was empty: an empty cell never erases what a member record holds.
 */
export type PackedMember = [
  name: string,
  idCipher: string,
  idMasked: string,
  birthDate: string,
  sex: Sex,
  joinedOn: string,
  politicalStatus: PoliticalStatus | null,
  ethnicity: string | null,
  education: string | null,
  occupation: string | null,
  workplace: string | null,
  phoneCipher: string | null,
  phoneIndex: string | null,
  phoneMasked: string | null,
  wechat: string | null,
  household: string | null,
  isMobile: 0 | 1 | null,
  mobileOrigin: string | null,
  mobileCurrent: string | null,
];

const labels = labelsOf(memberColumns);
const yesNoExtra: Record<string, 'yes' | 'no'> = {
  Y: 'yes',
  N: 'no',
  y: 'yes',
  n: 'no',
  '1': 'yes',
  '0': 'no',
  流动: 'yes',
  流动团员: 'yes',
};

export const underageMessage =
  '未满 14 周岁，须登记监护人同意书，表格导入无法附带：请删除该行，在团员登记页面逐个登记并填写监护人同意书';

/** The ID number cell: text only. A number cell has lost its last digits (or will, in the next CSV): refused. */
function checkIdCell(row: RowChecker<MemberColumn>, today: string): IdNumberFacts | null {
  const value = row.raw('idNumber');
  if (value === undefined) return null;
  if (typeof value === 'number') {
    row.errors.push(scientificIdMessage);
    return null;
  }
  const text = typeof value === 'string' ? idNumberText(value) : cellText(value);
  if (text === '') {
    row.errors.push('请填写身份证号');
    return null;
  }
  const parsed = parseIdNumber(text, today);
  if (!parsed.ok) {
    row.errors.push(parsed.message);
    return null;
  }
  return parsed.facts;
}

type Candidate = {
  orgId: number;
  facts: IdNumberFacts;
  index: string;
  name: string;
  joinedOn: string;
  memberNo: string | null;
};

export function memberImport(ctx: ImportContext): KindRun<MemberColumn> {
  const state: MemberImportState = { touchedOrgs: new Set<number>(), jobId: ctx.jobId, actor: ctx.actor };
  let duplicates = 0;

  return {
    columns: memberColumns,

    async check(rows) {
      const checked: (Checked & { candidate: Candidate | null; packed: Omit<PackedMember, never> | null })[] = [];
      for (const { values } of rows) {
        const row = new RowChecker(values, labels, ctx.today);
        const org = row.org('org', ctx.orgs, labels.org);
        if (org && !holdsMembers(org)) {
          row.errors.push(
            values.org === null || cellText(values.org) === ''
              ? `请填写所在团支部：导入的组织“${org.name}”不是团支部，团员只能登记在团支部或联合团支部`
              : `所在团支部“${org.name}”不是团支部或联合团支部，团员只能登记在支部`,
          );
        }
        const name = row.text('fullName', 50, true);
        const facts = checkIdCell(row, ctx.today);
        const sex = row.choice('sex', sexLabels);
        const birthDate = row.date('birthDate');
        if (facts && sex && sex !== facts.sex) {
          row.errors.push(`性别“${sexLabels[sex]}”与身份证号（${sexLabels[facts.sex]}）不一致`);
        }
        if (facts && birthDate && birthDate !== facts.birthDate) {
          row.errors.push(`出生日期 ${birthDate} 与身份证号中的 ${facts.birthDate} 不一致`);
        }
        const memberNoText = row.text('memberNo', 40);
        const memberNo = memberNoText === null ? null : memberNoText.replace(/\s/g, '');
        if (memberNo !== null && !/^\d{12}$/.test(memberNo)) row.errors.push('团员编号应为 12 位数字');
        const joinedOn = row.date('joinedOn', { notAfterToday: true });
        if (joinedOn === null && cellText(values.joinedOn ?? null) === '') row.errors.push('请填写入团日期');
        if (facts && joinedOn) {
          const problem = joinAgeProblem(facts.birthDate, joinedOn);
          if (problem) row.errors.push(problem);
        }
        if (memberNo && /^\d{12}$/.test(memberNo) && joinedOn && memberNo.slice(0, 4) !== joinedOn.slice(0, 4)) {
          row.errors.push(`团员编号前 4 位应为入团年份 ${joinedOn.slice(0, 4)}`);
        }
        if (facts && needsGuardianConsent(facts.birthDate, ctx.today)) row.errors.push(underageMessage);
        const politicalStatus = row.choice('politicalStatus', politicalStatusLabels);
        const ethnicity = row.text('ethnicity', 20);
        const education = row.text('education', 20);
        const occupation = row.text('occupation', 50);
        const workplace = row.text('workplace', 100);
        const phone = row.phone('phone');
        const wechat = row.text('wechat', 50);
        const household = row.text('household', 100);
        const mobile = row.choice('isMobile', yesNoLabels, yesNoExtra);
        const mobileOrigin = row.text('mobileOrigin', 100);
        const mobileCurrent = row.text('mobileCurrent', 100);

        const ok = row.errors.length === 0 && org !== null && facts !== null && name !== null && joinedOn !== null;
        // Encryption is the costly part of a row: only rows that will be kept are protected.
        const id = ok ? protectIdNumber(ctx.keyring, facts.idNumber) : null;
        const protectedPhone = ok && phone ? protectPhone(ctx.keyring, phone) : null;
        checked.push({
          orgId: org?.id ?? null,
          key: id?.index ?? null,
          alt: ok ? memberNo : null,
          errors: row.errors,
          record: null,
          candidate: id
            ? { orgId: org!.id, facts: facts!, index: id.index, name: name!, joinedOn: joinedOn!, memberNo }
            : null,
          packed: id
            ? [
                name!,
                id.cipher,
                id.masked,
                facts!.birthDate,
                facts!.sex,
                joinedOn!,
                politicalStatus,
                ethnicity,
                education,
                occupation,
                workplace,
                protectedPhone?.cipher ?? null,
                protectedPhone?.index ?? null,
                protectedPhone?.masked ?? null,
                wechat,
                household,
                mobile === null ? null : mobile === 'yes' ? 1 : 0,
                mobileOrigin,
                mobileCurrent,
              ]
            : null,
        });
      }
      await checkAgainstRegister(ctx, checked);
      return checked.map(({ candidate: _c, packed, ...item }) => {
        if (item.flag === 'duplicate') duplicates++;
        return { ...item, record: item.errors.length === 0 ? packed : null };
      });
    },

    display: (values) =>
      Object.fromEntries(
        memberColumns.map((c) => [c.key, displayCell(values[c.key], 'personal' in c ? c.personal : 'text')]),
      ),

    spoolRules: {
      keyScope: 'file',
      duplicateMessage: (first) => `身份证号与第 ${first} 行相同：同一人只能登记一次`,
      altMessage: (first) => `团员编号与第 ${first} 行相同`,
    },

    apply: (db, rows, write) => applyMembers(db, rows, write, state),
    finish: (trx) => finishMembers(trx, state),
    extra: () => ({ duplicates }),
    tables: ['members', 'member_events'],
  };
}

/**
 * The chunk's people against the register, in two queries: their ID numbers by blind index (held by another org:
 * a duplicate; by the same branch: the same record, whose name and join date a sheet may not change) and their
 * member numbers (held by someone else: a row error).
 */
async function checkAgainstRegister(
  ctx: ImportContext,
  checked: (Checked & { candidate: Candidate | null })[],
): Promise<void> {
  const candidates = checked.flatMap((c) => (c.candidate ? [c] : []));
  if (candidates.length === 0) return;
  const held = await ctx.db
    .selectFrom('members')
    .innerJoin('orgs', 'orgs.id', 'members.org_id')
    .select(['members.id_index', 'members.org_id', 'orgs.name as org_name', 'full_name', 'joined_on', 'member_no'])
    .where(oneOf(ctx.db, 'members.id_index', [...new Set(candidates.map((c) => c.candidate!.index))], 'text'))
    .execute();
  const byIndex = new Map(held.map((m) => [m.id_index, m]));
  const numbers = [...new Set(candidates.flatMap((c) => (c.candidate!.memberNo ? [c.candidate!.memberNo] : [])))];
  const numberHolders = new Map(
    numbers.length === 0
      ? []
      : (
          await ctx.db
            .selectFrom('members')
            .select(['member_no', 'id_index'])
            .where(oneOf(ctx.db, 'member_no', numbers, 'text'))
            .execute()
        ).map((m) => [m.member_no!, m.id_index]),
  );
  for (const item of candidates) {
    const candidate = item.candidate!;
    const existing = byIndex.get(candidate.index);
    if (existing && existing.org_id !== candidate.orgId) {
      item.errors.push(
        `身份证号已由“${existing.org_name}”登记：如是同一人，请办理组织关系转接或在“重复与更正”中处理；否则请核对身份证号`,
      );
      item.flag = 'duplicate';
    } else if (existing) {
      if (existing.full_name !== candidate.name) {
        item.errors.push(`该身份证号在本支部已登记为“${existing.full_name}”：姓名须通过更正申请修改`);
      }
      if (existing.joined_on !== candidate.joinedOn) {
        item.errors.push(`入团日期与已登记的 ${existing.joined_on} 不一致：须通过更正申请修改`);
      }
      if (existing.member_no && candidate.memberNo && existing.member_no !== candidate.memberNo) {
        item.errors.push(`团员编号与已登记的 ${existing.member_no} 不一致：须通过更正申请修改`);
      }
    }
    const numberHolder = candidate.memberNo ? numberHolders.get(candidate.memberNo) : undefined;
    if (numberHolder !== undefined && numberHolder !== candidate.index) {
      item.errors.push(`团员编号 ${candidate.memberNo} 已由其他团员使用`);
    }
  }
}
