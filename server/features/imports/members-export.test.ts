import assert from 'node:assert/strict';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import type { JobItem } from '../../../common/imports.js';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { importFile } from '../../../test/imports.js';
import { makeBranch, makeMember, nextIdNumber } from '../../../test/people-factories.js';

// The member register as a spreadsheet: the export (masked, formula-safe, filtered by status, audited) and the
// member templates (xlsx with its instructions and text-formatted ID column, CSV that Excel opens as UTF-8).

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const branch = await makeBranch(ctx, { parent: tree.townA1, name: '导出甲团支部' });
const county = await loginAsFrom(ctx, 'org_admin', tree.countyA);

async function workbookOf(payload: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(payload as unknown as ArrayBuffer);
  return workbook;
}
const valuesOf = (sheet: ExcelJS.Worksheet) => {
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
};

test('the export has the template columns, masked ID numbers and phones, neutralised formulas and one audit row', async () => {
  const normal = await makeMember(ctx, {
    org: branch,
    fullName: '=HYPERLINK("http://evil","点我")',
    phone: '13912345678',
    memberNo: '202100000077',
    joinedOn: '2021-05-04',
  });
  const agedOut = await makeMember(ctx, { org: branch, fullName: '离团者', status: 'aged_out', phone: null });
  await makeMember(ctx, { org: tree.villageB1, fullName: '外县团员' });

  const response = await county.get(`/api/exports/members.xlsx?orgId=${tree.countyA.id}`);
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-disposition']), /^attachment/);
  const sheet = (await workbookOf(response.rawPayload)).getWorksheet('团员')!;
  const rows = valuesOf(sheet);
  assert.deepEqual(rows[0].slice(0, 3), ['所在团支部', '姓名', '身份证号']);
  assert.equal(rows[0].at(-1), '团籍状态');
  assert.equal(rows.length, 3, 'the two members of the county, not the other county’s');
  const byName = new Map(rows.slice(1).map((r) => [r[1], r]));
  const first = byName.get(`'${normal.fullName}`)!;
  assert.ok(first, 'the formula-like name starts with an apostrophe');
  assert.deepEqual(
    [first[0], first[2], first[5], first[6], first[12], first.at(-1)],
    [
      '导出甲团支部',
      `${normal.idNumber.slice(0, 4)}**********${normal.idNumber.slice(-4)}`,
      '202100000077',
      '2021-05-04',
      '139****5678',
      '正常',
    ],
  );
  assert.equal(byName.get('离团者')!.at(-1), '满28周岁离团');
  const everything = JSON.stringify(rows);
  assert.doesNotMatch(everything, /\d{17}[\dXx]|13912345678/, 'no full ID number or phone anywhere in the sheet');
  assert.ok(!everything.includes(agedOut.idNumber));

  const normalOnly = await county.get(`/api/exports/members.xlsx?orgId=${branch.id}&status=normal`);
  const normalRows = valuesOf((await workbookOf(normalOnly.rawPayload)).getWorksheet('团员')!);
  assert.deepEqual(
    normalRows.slice(1).map((r) => r.at(-1)),
    ['正常'],
  );

  const audit = await ctx.db
    .selectFrom('audit_log')
    .select(['org_id', 'details'])
    .where('action', '=', 'member.export')
    .orderBy('id')
    .execute();
  assert.deepEqual(
    audit.map((a) => [a.org_id, JSON.parse(a.details!) as unknown]),
    [
      [tree.countyA.id, { scope: 'subtree', status: 'all', format: 'xlsx' }],
      [branch.id, { scope: 'subtree', status: 'normal', format: 'xlsx' }],
    ],
  );
});

test('bad export queries are refused; another county and the system admin get nothing', async () => {
  const bad = await county.get(`/api/exports/members.xlsx?orgId=${tree.countyA.id}&status=gone`);
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json<{ error: { code: string } }>().error.code, 'validation_failed');
  assert.equal((await county.get(`/api/exports/members.xlsx?orgId=${tree.countyB.id}`)).statusCode, 404);
  const system = await loginAsFrom(ctx, 'system_admin');
  assert.equal((await system.get('/api/exports/members.xlsx')).statusCode, 403);
});

test('the member templates: xlsx with instructions and a text ID column, CSV with a byte-order mark; both import', async () => {
  const xlsx = await county.get('/api/import-templates/members.xlsx');
  assert.equal(xlsx.statusCode, 200);
  const workbook = await workbookOf(xlsx.rawPayload);
  const data = workbook.getWorksheet('团员')!;
  const header = (data.getRow(1).values as unknown[]).slice(1);
  assert.deepEqual(header.slice(0, 7), [
    '所在团支部',
    '姓名*',
    '身份证号*',
    '性别',
    '出生日期',
    '团员编号',
    '入团日期*',
  ]);
  assert.equal(data.getColumn(3).numFmt, '@', 'the ID number column is formatted as text');
  const help = valuesOf(workbook.getWorksheet('填写说明')!);
  assert.ok(help.some((r) => r[0] === '身份证号' && String(r[2]).includes('文本')));

  const csv = await county.get('/api/import-templates/members.csv');
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /^text\/csv/);
  assert.match(String(csv.headers['content-disposition']), /^attachment/);
  assert.deepEqual([...csv.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a byte-order mark');
  const lines = csv.rawPayload.subarray(3).toString('utf8').split('\r\n');
  assert.equal(
    lines[0],
    '所在团支部,姓名*,身份证号*,性别,出生日期,团员编号,入团日期*,政治面貌,民族,学历,职业,工作单位或学校,手机号码,微信号,户籍所在地,是否流动团员,流出地,现所在地',
  );
  assert.match(lines[1], /^示例/);

  // Filled in as people do (below the example row), the CSV template imports.
  const idNumber = nextIdNumber({ birthDate: '2004-10-01' });
  const filled = Buffer.concat([
    csv.rawPayload,
    Buffer.from(`导出甲团支部,模板团员,${idNumber},,,,2019-05-04,,,,,,,,,,,\r\n`),
  ]);
  const job: JobItem = await importFile(
    county,
    { kind: 'members', orgId: String(tree.countyA.id) },
    { name: '团员导入模板.csv', content: filled },
  );
  assert.equal(job.status, 'done', JSON.stringify(job));
  assert.equal((job.result as { counts: { create: number } }).counts.create, 1);

  // The job of a member import lists people: the system admin, who may not read member registers, cannot see it.
  const system = await loginAsFrom(ctx, 'system_admin');
  assert.equal((await system.get(`/api/jobs/${job.id}`)).statusCode, 404);
});
