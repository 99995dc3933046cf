import { politicalStatusLabels, sexLabels, yesNoLabels } from '../../../common/imports.js';
import type { PoliticalStatus, Sex } from '../../../common/domain.js';
import { parseIdNumber, scientificIdMessage, type IdNumberFacts } from '../../../common/id-number.js';
import { joinAgeProblem, needsGuardianConsent } from '../../../common/people-rules.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { protectIdNumber } from '../../personal-data/id-number.js';
import { protectPhone } from '../../personal-data/phone.js';
import { openTable, type SpreadsheetFile } from '../../spreadsheets/table.js';
import { cellText, type CellValue } from '../../spreadsheets/values.js';
import { holdsMembers } from '../members/policy.js';
import { displayCell, idNumberText, labelsOf, RowChecker } from './checks.js';
import { examplePrefix, memberColumns, type MemberColumn } from './columns.js';
import type { OrgResolver } from './org-resolver.js';

// The member register (团员) from a sheet, row by row: every cell checked against the league's rules, the ID number
// and the phone protected (cipher, blind index, mask) before the row goes anywhere. Nothing here touches the
// database, so that it can run in a worker thread (members-reader.ts); what the register says about each person
// is decided when the row is written (members-apply.ts).

/**
 * A valid row, in the column order of the insert (members-apply.ts). Optional fields are null when the cell was
 * empty: an empty cell never erases what a member record holds (political status and 是否流动团员 get their
 * defaults only when a member is created).
 */
export type MemberRecord = [
  orgId: number,
  name: string,
  idCipher: string,
  idIndex: string,
  idMasked: string,
  birthDate: string,
  sex: Sex,
  memberNo: string | null,
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

/** Rows of the sheet, checked, in row order: plain data (it crosses from the worker thread as it is). */
export type MemberBatch = {
  /** Data rows read so far (progress). */
  read: number;
  /** Row numbers of `records`, as Excel shows them. */
  rows: number[];
  records: MemberRecord[];
  /** Rows with errors of their own (the register is not asked about them). */
  invalid: { row: number; errors: string[] }[];
  /** What the preview shows of the first rows of the file (valid or not). */
  displays: [row: number, values: Record<string, string>][];
};

export type MemberSheet = { sheet: string; columns: { key: string; header: string }[] };

export type MemberCheckContext = { today: string; orgs: OrgResolver; keyring: Keyring };

/** Data rows at the top of the file whose cells the preview shows. */
export const previewRows = 50;

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

/** One row: its record (ID number and phone protected), or its errors. */
export function checkMemberRow(
  values: Record<MemberColumn, CellValue>,
  ctx: MemberCheckContext,
): { record: MemberRecord } | { errors: string[] } {
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

  if (row.errors.length > 0 || org === null || facts === null || name === null || joinedOn === null) {
    return { errors: row.errors };
  }
  // Encryption is the costly part of a row: only rows that will be kept are protected.
  const id = protectIdNumber(ctx.keyring, facts.idNumber);
  const protectedPhone = phone ? protectPhone(ctx.keyring, phone) : null;
  return {
    record: [
      org.id,
      name,
      id.cipher,
      id.index,
      id.masked,
      facts.birthDate,
      facts.sex,
      memberNo,
      joinedOn,
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
    ],
  };
}

/** What the preview shows of a row: its cells as text, ID numbers and phones masked. */
export function displayMember(values: Record<MemberColumn, CellValue>): Record<string, string> {
  return Object.fromEntries(
    memberColumns.map((c) => [c.key, displayCell(values[c.key], 'personal' in c ? c.personal : 'text')]),
  );
}

/**
 * Opens the sheet (a Chinese error when it is not a member table) and checks its rows in batches of `batchRows`.
 * The template's example row is skipped; so are empty rows.
 */
export async function readMemberBatches(
  file: SpreadsheetFile,
  ctx: MemberCheckContext,
  batchRows: number,
): Promise<MemberSheet & { batches: AsyncGenerator<MemberBatch> }> {
  const table = await openTable(file, memberColumns);
  async function* batches(): AsyncGenerator<MemberBatch> {
    let batch: MemberBatch = { read: 0, rows: [], records: [], invalid: [], displays: [] };
    let read = 0;
    for await (const chunk of table.chunks) {
      for (const { rowNumber, values } of chunk) {
        if (cellText(values.org ?? null).startsWith(examplePrefix)) continue;
        if (read < previewRows) batch.displays.push([rowNumber, displayMember(values)]);
        read++;
        const checked = checkMemberRow(values, ctx);
        if ('record' in checked) {
          batch.rows.push(rowNumber);
          batch.records.push(checked.record);
        } else {
          batch.invalid.push({ row: rowNumber, errors: checked.errors });
        }
        if (batch.rows.length + batch.invalid.length === batchRows) {
          batch.read = read;
          yield batch;
          batch = { read, rows: [], records: [], invalid: [], displays: [] };
        }
      }
    }
    if (batch.rows.length + batch.invalid.length > 0) {
      batch.read = read;
      yield batch;
    }
  }
  return {
    sheet: table.sheet,
    columns: table.columns.map((c) => ({ key: c.key, header: c.header })),
    batches: batches(),
  };
}
