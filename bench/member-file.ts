import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { once } from 'node:events';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { politicalStatusLabels, yesNoLabels } from '../common/imports.js';
import { memberColumns } from '../server/features/imports/columns.js';
import { generateMember, type GeneratedMember } from './members.js';
import { createRandom, deriveSeed } from './random.js';

// The member sheet a province uploads (团员导入模板 as CSV, UTF-8 with a byte-order mark, or as xlsx): N members in runs of
// about 100 per branch, the branches spread evenly over the province in code order, each member with a valid ID
// number of the branch's county (bench/members.ts). Written as a stream by a child process, so that neither the
// benchmark's memory nor its event loop is part of what the server is measured doing; the child also writes the
// probes the search workloads use (ID numbers, phones and name prefixes that are in the file).

export type MemberBranch = { statCode: string; name: string; region: string; county: string };

export type MemberFileInput = {
  file: string;
  probesFile: string;
  rows: number;
  branches: readonly MemberBranch[];
  seed: number;
  asOf: string;
  /** CSV (default) or xlsx as Excel saves it: one sheet, shared strings unless `inlineStrings`. */
  format?: 'csv' | 'xlsx';
  inlineStrings?: boolean;
  /** Where each county's members start counting (default 0): a sheet of other people than one before it. */
  firstMember?: number;
};

/** What the search workloads look for: people of the file, taken at even intervals. */
export type MemberProbes = { idNumbers: string[]; phones: string[]; namePrefixes: string[]; branchCodes: string[] };

/** Phones and member numbers of the member sheet (the province's own from 1,000,000, the contact sheet's 60,000,000). */
export const memberSerialStart = 30_000_000;
const membersPerBranch = 100;
const probeCount = 200;

const csvCell = (value: string | null) =>
  value === null ? '' : /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

function cells(branch: MemberBranch, m: GeneratedMember): (string | null)[] {
  const values: Record<(typeof memberColumns)[number]['key'], string | null> = {
    org: branch.statCode,
    fullName: m.fullName,
    idNumber: m.idNumber,
    sex: null,
    birthDate: null,
    memberNo: m.memberNo,
    joinedOn: m.joinedOn,
    politicalStatus: politicalStatusLabels[m.politicalStatus],
    ethnicity: m.ethnicity,
    education: m.education,
    occupation: m.occupation,
    workplace: m.workplace,
    phone: m.phone,
    wechat: m.wechat,
    household: m.household,
    isMobile: m.isMobile ? yesNoLabels.yes : yesNoLabels.no,
    mobileOrigin: m.mobileOrigin,
    mobileCurrent: m.mobileCurrent,
  };
  return memberColumns.map((c) => values[c.key]);
}

/** A sink for the sheet's rows: CSV lines or xlsx rows. */
type RowSink = { add: (cells: (string | null)[]) => Promise<void>; close: () => Promise<void> };

async function csvSink(file: string): Promise<RowSink> {
  const out = fs.createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`\ufeff${memberColumns.map((c) => c.header).join(',')}\r\n`);
  let lines: string[] = [];
  return {
    async add(cells) {
      lines.push(cells.map(csvCell).join(','));
      if (lines.length === 1000) {
        await write(`${lines.join('\r\n')}\r\n`);
        lines = [];
      }
    },
    async close() {
      if (lines.length > 0) await write(`${lines.join('\r\n')}\r\n`);
      out.end();
      await once(out, 'close');
    },
  };
}

/** exceljs's streaming writer; with shared strings (what Excel and WPS write) the table is held until the end. */
function xlsxSink(file: string, inlineStrings: boolean): RowSink {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: !inlineStrings });
  const sheet = workbook.addWorksheet('团员');
  sheet.addRow(memberColumns.map((c) => c.header)).commit();
  return {
    add: async (cells) => sheet.addRow(cells).commit(),
    async close() {
      sheet.commit();
      await workbook.commit();
    },
  };
}

export async function writeMemberSheet(input: MemberFileInput): Promise<void> {
  const random = createRandom(deriveSeed(input.seed, 'member-file'));
  const sink = input.format === 'xlsx' ? xlsxSink(input.file, input.inlineStrings ?? false) : await csvSink(input.file);
  const used = Math.min(input.branches.length, Math.max(1, Math.round(input.rows / membersPerBranch)));
  const perCounty = new Map<string, number>();
  const probes: MemberProbes = { idNumbers: [], phones: [], namePrefixes: [], branchCodes: [] };
  const every = Math.max(1, Math.floor(input.rows / probeCount));
  for (let i = 0; i < input.rows; i++) {
    const branch = input.branches[Math.floor((Math.floor((i * used) / input.rows) * input.branches.length) / used)];
    const k = perCounty.get(branch.region) ?? input.firstMember ?? 0;
    perCounty.set(branch.region, k + 1);
    const village = branch.name.replace(/团支部$/, '');
    const member = generateMember(random, {
      region: branch.region,
      county: branch.county,
      village,
      k,
      serial: memberSerialStart + (input.firstMember ?? 0) + i,
      asOf: input.asOf,
    });
    if (i % every === 0) {
      probes.idNumbers.push(member.idNumber);
      if (member.phone) probes.phones.push(member.phone);
      probes.namePrefixes.push(member.fullName.slice(0, 2));
      probes.branchCodes.push(branch.statCode);
    }
    await sink.add(cells(branch, member));
  }
  await sink.close();
  fs.writeFileSync(input.probesFile, JSON.stringify(probes));
}

/** Writes the sheet in a child process; resolves with its size and how long it took. */
export async function writeMemberSheetApart(input: MemberFileInput): Promise<{ bytes: number; ms: number }> {
  const started = performance.now();
  const inputFile = `${input.file}.input.json`;
  fs.writeFileSync(inputFile, JSON.stringify(input));
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', import.meta.filename, inputFile], {
      maxBuffer: 1024 * 1024,
    });
  } finally {
    fs.rmSync(inputFile, { force: true });
  }
  return { bytes: fs.statSync(input.file).size, ms: Math.round(performance.now() - started) };
}

/** The CSV sheet of the benchmark, written apart. */
export const writeMemberCsvApart = (input: MemberFileInput) => writeMemberSheetApart({ ...input, format: 'csv' });

export function readProbes(file: string): MemberProbes {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as MemberProbes;
}

if (process.argv[1] === import.meta.filename) {
  await writeMemberSheet(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as MemberFileInput);
}
