import assert from 'node:assert/strict';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { importFile, ledgerCounts } from '../../../test/imports.js';
import { makeCadre } from '../../../test/ledger-factories.js';
import { makeXlsx } from '../../../test/spreadsheet-fixtures.js';
import type { ImportResult } from '../../../common/imports.js';

// Contact imports through the API: a county's real-world sheet with every trap at once, the all-or-nothing rule,
// idempotent re-runs, and what a wrong row looks like to the person who uploaded it.

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const county = await loginAsFrom(ctx, 'org_admin', tree.countyA);
const editor = await loginAsFrom(ctx, 'org_editor', tree.countyA);
const header = [
  '姓名',
  '手机号码',
  '所属组织',
  '村（社区）',
  '类别',
  '联系团干部',
  '团干部手机号',
  '最近联系日期',
  '备注',
];
const contacts = { kind: 'contacts', orgId: String(tree.countyA.id) };
const result = (job: { result: unknown }) => job.result as ImportResult;

/** The sheet a county actually sends: a merged title, an instructions sheet first, and every trap of the cells. */
const trapSheet = () =>
  makeXlsx((wb) => {
    wb.addWorksheet('说明').addRow(['本表由各乡镇填报后汇总']);
    const ws = wb.addWorksheet('联系青年汇总');
    ws.addRow(['甲县“1+N”联系青年台账']);
    ws.mergeCells('A1:I1');
    ws.addRow([]);
    ws.addRow(header.map((h, i) => (i < 2 ? `${h}*` : h)));
    ws
      .addRow([
        '  张　三 ',
        13812345678,
        tree.townA1.stat_code,
        '甲一村',
        '返乡青年',
        '王书记',
        '13900000001',
        new Date(Date.UTC(2026, 8, 30)),
      ])
      .getCell(8).numFmt = 'yyyy/m/d';
    ws.addRow([
      '李四',
      '１３８ １２３４ ５６７９',
      '共青团甲一镇委员会',
      '甲一村',
      '致富带头人',
      '王书记',
      13900000001,
      46290,
    ]);
    ws.addRow([]);
    ws.addRow([
      { richText: [{ text: '王' }, { text: '五' }] },
      '1.3812345680E10',
      '',
      '',
      '',
      '',
      '',
      '2026年9月1日',
      '=1+1 备注',
    ]);
    const scientific = ws.addRow(['赵六', 13812345681, '甲一村团支部', '', '在校生', '', '', '2026.9.2']);
    scientific.getCell(2).numFmt = '0.00E+00';
    ws.addRow([
      { formula: 'CONCATENATE("钱","七")', result: '钱七' },
      { formula: '13812345682', result: 13812345682 },
      '',
      '',
      '外出务工',
      '',
      '',
      20260903,
    ]);
    ws.addRow(['示例：孙八', '13800000000']);
  });

test('a real-world sheet imports correctly, and a second run of it creates nothing', async () => {
  const file = await trapSheet();
  const dry = await importFile(county, { ...contacts, dryRun: 'true' }, file);
  assert.equal(dry.status, 'done', JSON.stringify(dry));
  assert.deepEqual(result(dry).counts, { rows: 5, create: 5, update: 0, unchanged: 0, errors: 0 });
  assert.equal(result(dry).cadresCreated, 1);
  assert.equal(result(dry).sheet, '联系青年汇总');
  assert.deepEqual((await ledgerCounts(ctx)).youth_contacts, 0, 'a dry run writes nothing');

  const job = await importFile(county, contacts, file);
  assert.equal(job.status, 'done', JSON.stringify(job));
  assert.deepEqual(result(job).counts, { rows: 5, create: 5, update: 0, unchanged: 0, errors: 0 });
  assert.equal(job.progress.done, job.progress.total, 'progress reaches its total');
  assert.deepEqual(
    result(job).preview.map((p) => [p.row, p.action, p.values.phone]),
    [
      [4, 'create', '138****5678'],
      [5, 'create', '138****5679'],
      [7, 'create', '138****5680'],
      [8, 'create', '138****5681'],
      [9, 'create', '138****5682'],
    ],
  );

  const rows = await ctx.db
    .selectFrom('youth_contacts')
    .innerJoin('orgs', 'orgs.id', 'youth_contacts.org_id')
    .select(['full_name', 'phone_masked', 'orgs.name as org', 'village', 'category', 'last_contact_on', 'note'])
    .orderBy('phone_masked')
    .execute();
  assert.deepEqual(rows, [
    {
      full_name: '张 三',
      phone_masked: '138****5678',
      org: '共青团甲一镇委员会',
      village: '甲一村',
      category: 'returnee',
      last_contact_on: '2026-09-30',
      note: null,
    },
    {
      full_name: '李四',
      phone_masked: '138****5679',
      org: '共青团甲一镇委员会',
      village: '甲一村',
      category: 'entrepreneur',
      last_contact_on: '2026-09-25',
      note: null,
    },
    {
      full_name: '王五',
      phone_masked: '138****5680',
      org: '共青团甲县委员会',
      village: null,
      category: 'other',
      last_contact_on: '2026-09-01',
      note: '=1+1 备注',
    },
    {
      full_name: '赵六',
      phone_masked: '138****5681',
      org: '甲一村团支部',
      village: null,
      category: 'student',
      last_contact_on: '2026-09-02',
      note: null,
    },
    {
      full_name: '钱七',
      phone_masked: '138****5682',
      org: '共青团甲县委员会',
      village: null,
      category: 'migrant_worker',
      last_contact_on: '2026-09-03',
      note: null,
    },
  ]);
  const cadres = await ctx.db
    .selectFrom('cadres')
    .select(['full_name', 'org_id', 'contact_count', 'phone_masked'])
    .execute();
  assert.deepEqual(cadres, [
    { full_name: '王书记', org_id: tree.townA1.id, contact_count: 2, phone_masked: '139****0001' },
  ]);

  const before = await ledgerCounts(ctx);
  const again = await importFile(county, contacts, file);
  assert.deepEqual(result(again).counts, { rows: 5, create: 0, update: 0, unchanged: 5, errors: 0 });
  assert.equal(result(again).cadresCreated, 0);
  assert.deepEqual(await ledgerCounts(ctx), before, 'a re-run creates nothing');
  const audit = await ctx.db
    .selectFrom('audit_log')
    .select(['action', 'details'])
    .where('action', '=', 'ledger.import')
    .execute();
  assert.equal(audit.length, 2);
  assert.doesNotMatch(JSON.stringify(audit), /1381234/, 'no phone in the audit log');
});

test('a sheet with bad rows: nothing applied, row-level Chinese errors, and an error report with a 错误 column', async () => {
  const file = await makeXlsx((wb) => {
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(header);
    ws.addRow(['好人', '13700000001']);
    ws.addRow(['错号', '1370000']);
    ws.addRow(['', '13700000003']);
    ws.addRow(['重复', '13700000001']);
    ws.addRow(['丢位', '1.37E+10']);
    ws.addRow(['类别错', '13700000004', '', '', '学生']);
    ws.addRow(['单干部', '13700000005', '', '', '', '王书记']);
    ws.addRow(['日期错', '13700000006', '', '', '', '', '', '2026-13-01']);
    ws.addRow(['外县', '13700000007', '共青团乙一镇委员会']);
    ws.addRow(['外县码', '13700000008', '610101001999']);
  });
  const before = await ledgerCounts(ctx);
  const job = await importFile(county, contacts, file);
  assert.equal(job.status, 'failed');
  assert.match(job.error!, /共 9 行有错误，未导入任何数据/);
  assert.deepEqual(await ledgerCounts(ctx), before, 'the ledger is unchanged');
  assert.deepEqual(result(job).counts, { rows: 10, create: 1, update: 0, unchanged: 0, errors: 9 });
  assert.deepEqual(result(job).errors, [
    '第 3 行：手机号码应为 11 位中国大陆手机号',
    '第 4 行：请填写姓名',
    '第 5 行：与第 2 行是同一组织的同一手机号码',
    '第 6 行：手机号码被保存成了科学计数法（如 1.38E+10），后几位已丢失：请把该列设为文本后重新填写',
    '第 7 行：类别“学生”应为：返乡青年、致富带头人、在校生、外出务工、其他',
    '第 8 行：联系团干部和团干部手机号须同时填写',
    '第 9 行：最近联系日期“2026-13-01”不是有效日期（如 2026-09-30）',
    '第 10 行：所属组织“共青团乙一镇委员会”不存在或不在本次导入的组织范围内',
    '第 11 行：所属组织“610101001999”不存在或不在本次导入的组织范围内',
  ]);
  assert.ok(job.abilities.downloadErrors);
  // The preview is read by whoever sees the org: a wrong phone is masked there too, unlike in the uploader's report.
  assert.equal(result(job).preview.find((p) => p.row === 3)?.values.phone, '137****00');
  assert.deepEqual(result(job).preview.find((p) => p.row === 3)?.action, 'error');

  const report = await county.get(`/api/jobs/${job.id}/errors.xlsx`);
  assert.equal(report.statusCode, 200);
  assert.match(String(report.headers['content-disposition']), /^attachment/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet('错误报告')!;
  const values = (row: number) => (sheet.getRow(row).values as unknown[]).slice(1);
  assert.deepEqual(values(1), [...header, '错误']);
  assert.equal(sheet.rowCount, 10);
  assert.deepEqual(values(2).slice(0, 2), ['错号', '1370000']);
  assert.equal(values(2)[9], '第 3 行：手机号码应为 11 位中国大陆手机号');
  assert.deepEqual(values(4).slice(0, 2), ['重复', '137****0001'], 'a valid phone is masked in the report');

  // The job is visible to whoever sees the org; the report, which repeats what was typed, only to the uploader.
  assert.equal((await editor.get(`/api/jobs/${job.id}`)).statusCode, 200);
  assert.equal((await editor.get(`/api/jobs/${job.id}/errors.xlsx`)).statusCode, 404);
  const outsider = await loginAsFrom(ctx, 'org_admin', tree.countyB);
  assert.equal((await outsider.get(`/api/jobs/${job.id}`)).statusCode, 404);
});

test('a cadre phone already registered under another name, or of a cadre who left, is a row error', async () => {
  await makeCadre(ctx, { org: tree.townA2, fullName: '周干部', phone: '13600000001' });
  await makeCadre(ctx, { org: tree.townA2, fullName: '吴干部', phone: '13600000002', status: 'left' });
  const file = await makeXlsx((wb) => {
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(header);
    ws.addRow(['甲', '13500000001', '共青团甲二镇委员会', '', '', '郑干部', '13600000001']);
    ws.addRow(['乙', '13500000002', '共青团甲二镇委员会', '', '', '吴干部', '13600000002']);
    ws.addRow(['丙', '13500000003', '共青团甲二镇委员会', '', '', '冯干部', '13600000009']);
    ws.addRow(['丁', '13500000004', '共青团甲二镇委员会', '', '', '陈干部', '13600000009']);
  });
  const job = await importFile(county, { ...contacts, dryRun: 'true' }, file);
  assert.equal(job.status, 'done');
  assert.deepEqual(result(job).errors, [
    '第 2 行：团干部手机号 136****0001 已登记为“周干部”，与填写的“郑干部”不一致',
    '第 3 行：联系团干部“吴干部”已离任，请改填在任的团干部',
    '第 5 行：团干部手机号与第 4 行相同，但姓名不是“冯干部”',
  ]);
  assert.ok(result(job).errorReport);
});

test('CSV from Excel on Chinese Windows (GB18030) imports like xlsx', async () => {
  const gbk = Buffer.from('d0d5c3fb2ccad6bbfabac5c2eb0d0ac2deb0cb2c31333430303030303030310d0a', 'hex'); // 姓名,手机号码 / 罗八,13400000001
  const job = await importFile(county, contacts, { name: '名单.csv', content: gbk });
  assert.equal(job.status, 'done', JSON.stringify(job));
  assert.deepEqual(result(job).counts, { rows: 1, create: 1, update: 0, unchanged: 0, errors: 0 });
  const row = await ctx.db
    .selectFrom('youth_contacts')
    .select('full_name')
    .where('phone_masked', '=', '134****0001')
    .executeTakeFirst();
  assert.equal(row?.full_name, '罗八');
});
