import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import {
  fixturePath,
  inlineSheetXml,
  makeXlsx,
  minimalXlsxParts,
  writeFixture,
  writeZip,
} from '../../test/spreadsheet-fixtures.js';
import { sharedStringStore } from './shared-strings.js';
import { openTable, type ColumnSpec } from './table.js';
import { cellDate, cellInteger, cellPhone, cellText, isErrorCell, type CellValue } from './values.js';
import { createXlsxWriter } from './writer.js';

// Each trap of real-world spreadsheets in a file of its own, read through the same openTable an import uses.

const columns: ColumnSpec<'name' | 'phone' | 'date' | 'note'>[] = [
  { key: 'name', header: '姓名', required: true },
  { key: 'phone', header: '手机号码', aliases: ['手机号'], required: true },
  { key: 'date', header: '最近联系日期' },
  { key: 'note', header: '备注' },
];

async function readAll(file: string) {
  const table = await openTable({ path: file }, columns);
  const rows: { rowNumber: number; values: Record<string, CellValue> }[] = [];
  for await (const row of table.rows) rows.push(row);
  return { table, rows };
}

test('a merged title and a note above the header: the header is found where it is', async () => {
  const file = await makeXlsx((wb) => {
    const ws = wb.addWorksheet('联系青年');
    ws.addRow(['某某县联系青年台账（2026 年）']);
    ws.mergeCells('A1:D1');
    ws.addRow(['填报单位：某某镇团委', null, '填报日期：2026-09-01']);
    ws.addRow([]);
    ws.addRow(['姓名*', '手机号码 *', '最近联系日期', '备注']);
    ws.addRow(['张三', '13812345678', '2026-09-30', '']);
  });
  const { table, rows } = await readAll(file);
  assert.equal(table.headerRow, 4);
  assert.deepEqual(
    rows.map((r) => [r.rowNumber, cellText(r.values.name)]),
    [[5, '张三']],
  );
});

test('full-width digits, letters and spaces, and stray spaces, read as what was meant', async () => {
  const file = await makeXlsx((wb) => {
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['　姓名　', '手机号码', '备注']);
    ws.addRow(['  李　四 ', '１３８ １２３４ ５６７８', 'ＡＢＣ\u200b１２３']);
  });
  const { rows } = await readAll(file);
  assert.equal(cellText(rows[0].values.name), '李 四');
  assert.deepEqual(cellPhone(rows[0].values.phone), { phone: '13812345678' });
  assert.equal(cellText(rows[0].values.note), 'ABC123');
});

test('dates as date cells, serial numbers and every common way of typing them', async () => {
  const typed = ['2026-09-30', '2026/9/30', '2026.9.30', '2026年9月30日', '20260930', '2026 年 9 月 30 日'];
  const file = await makeXlsx((wb) => {
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['姓名', '手机号码', '最近联系日期']);
    ws.addRow(['日期格', '13812345678', new Date(Date.UTC(2026, 8, 30))]).getCell(3).numFmt = 'yyyy-mm-dd';
    ws.addRow(['序列号', '13812345678', 46295]);
    ws.addRow(['数字', '13812345678', 20260930]);
    for (const text of typed) ws.addRow(['文本', '13812345678', text]);
    ws.addRow(['不存在', '13812345678', '2026-02-30']);
  });
  const { rows } = await readAll(file);
  const dates = rows.map((r) => cellDate(r.values.date));
  assert.deepEqual(dates, [...Array<string>(3 + typed.length).fill('2026-09-30'), null]);
});

test('phones stored as numbers, in scientific notation, or as text that lost its digits', async () => {
  const file = await makeXlsx((wb) => {
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['姓名', '手机号']);
    ws.addRow(['数字', 13812345678]);
    const scientific = ws.addRow(['科学计数', 13812345678]);
    scientific.getCell(2).numFmt = '0.00E+00';
    ws.addRow(['文本科学计数', '1.3812345678E10']);
    ws.addRow(['丢位', '1.38123E+10']);
    ws.addRow(['+86', '+86 138-1234-5678']);
    ws.addRow(['短号', '1381234']);
  });
  const { rows } = await readAll(file);
  assert.deepEqual(
    rows.map((r) => cellPhone(r.values.phone)),
    [
      { phone: '13812345678' },
      { phone: '13812345678' },
      { phone: '13812345678' },
      { problem: 'lost_digits' },
      { phone: '13812345678' },
      { problem: 'invalid' },
    ],
  );
});

test('rich text is joined, formulas give their cached result, empty rows are skipped', async () => {
  const file = await makeXlsx((wb) => {
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['姓名', '手机号码', '最近联系日期', '备注']);
    ws.addRow([{ richText: [{ text: '王' }, { font: { bold: true }, text: '五' }] }, '13812345678']);
    ws.addRow([]);
    ws.addRow([null, null, null, '   ']);
    ws.addRow([
      { formula: 'CONCATENATE("赵","六")', result: '赵六' },
      { formula: '13800000000+1', result: 13800000001 },
      { formula: 'DATE(2026,9,30)', result: 46295 },
      { formula: 'NA()', result: { error: '#N/A' } },
    ]);
  });
  const { rows } = await readAll(file);
  assert.deepEqual(
    rows.map((r) => r.rowNumber),
    [2, 5],
  );
  assert.equal(cellText(rows[0].values.name), '王五');
  assert.equal(cellText(rows[1].values.name), '赵六');
  assert.deepEqual(cellPhone(rows[1].values.phone), { phone: '13800000001' });
  assert.equal(cellDate(rows[1].values.date), '2026-09-30');
  assert.ok(isErrorCell(rows[1].values.note), 'an error result is not taken for a value');
});

test('the sheet whose header matches is used, whatever comes first; none is a Chinese error naming the headers', async () => {
  const file = await makeXlsx((wb) => {
    wb.addWorksheet('填写说明').addRow(['请按模板填写']);
    const hidden = wb.addWorksheet('隐藏', { state: 'hidden' });
    hidden.addRow(['姓名', '手机号码']);
    hidden.addRow(['隐藏的人', '13900000000']);
    const ws = wb.addWorksheet('青年名单');
    ws.addRow(['姓名', '手机号码']);
    ws.addRow(['钱七', '13812345678']);
  });
  const { table, rows } = await readAll(file);
  assert.equal(table.sheet, '青年名单');
  assert.deepEqual(
    rows.map((r) => cellText(r.values.name)),
    ['钱七'],
  );

  const wrong = await makeXlsx((wb) => wb.addWorksheet('其他').addRow(['名称', '类型']));
  await assert.rejects(openTable({ path: wrong }, columns), (error: Error) => {
    assert.match(error.message, /“姓名”“手机号码”/);
    return true;
  });
});

test('Chinese text survives chunk boundaries of a large sheet (exceljs #2063)', async () => {
  const names = Array.from({ length: 6000 }, (_, i) => `团员青年联络人第${i}号`);
  const file = writeZip(
    'big.xlsx',
    minimalXlsxParts(inlineSheetXml([['姓名', '手机号码'], ...names.map((n) => [n, '13812345678'])])),
  );
  const { rows } = await readAll(file);
  assert.equal(rows.length, names.length);
  assert.ok(rows.every((r, i) => cellText(r.values.name) === names[i]));
});

test('CSV in UTF-8 with BOM and in GB18030, with quoted commas, quotes and line breaks', async () => {
  const text = '姓名,手机号码,备注\r\n"孙,八",13812345678,"他说""好""\n第二行"\r\n\r\n周九,1.38123E+10,\r\n';
  const utf8 = writeFixture('utf8.csv', `\ufeff${text}`);
  const { rows } = await readAll(utf8);
  assert.deepEqual(
    rows.map((r) => [r.rowNumber, cellText(r.values.name), r.values.note]),
    [
      [2, '孙,八', '他说"好"\n第二行'],
      [4, '周九', ''],
    ],
  );
  assert.deepEqual(cellPhone(rows[1].values.phone), { problem: 'lost_digits' });

  // "孙八" in GB18030 (what Excel on Chinese Windows saves as CSV).
  const gbk = writeFixture('gbk.csv', gb18030('姓名,手机号码\r\n孙八,13812345678\r\n'));
  const { rows: gbRows } = await readAll(gbk);
  assert.equal(cellText(gbRows[0].values.name), '孙八');
});

function gb18030(text: string): Buffer {
  // Node has a GB18030 decoder but no encoder: the table for the few characters this test uses.
  const table: Record<string, number[]> = {
    姓: [0xd0, 0xd5],
    名: [0xc3, 0xfb],
    手: [0xca, 0xd6],
    机: [0xbb, 0xfa],
    号: [0xba, 0xc5],
    码: [0xc2, 0xeb],
    孙: [0xcb, 0xef],
    八: [0xb0, 0xcb],
  };
  return Buffer.from([...text].flatMap((ch) => table[ch] ?? [ch.charCodeAt(0)]));
}

test('a zip bomb, a lying entry size, an old .xls and a picture renamed .xlsx are refused quickly', async () => {
  const zeros = Buffer.alloc(64 * 1024 * 1024);
  const refused = async (file: string, pattern: RegExp) => {
    const started = Date.now();
    const rss = process.memoryUsage().rss;
    await assert.rejects(readAll(file), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'unsupported_file', error.message);
      assert.match(error.message, pattern);
      return true;
    });
    assert.ok(Date.now() - started < 2000, 'refused within two seconds');
    assert.ok(process.memoryUsage().rss - rss < 200 * 1024 * 1024, 'without inflating the bomb');
  };
  await refused(
    writeZip('bomb.xlsx', [
      ...minimalXlsxParts(inlineSheetXml([['姓名', '手机号码']])),
      { name: 'xl/media/zeros.bin', data: zeros },
    ]),
    /压缩比|过大/,
  );
  await refused(
    writeZip('declares-4gb.xlsx', [
      ...minimalXlsxParts(''),
      { name: 'xl/worksheets/sheet2.xml', data: Buffer.from('x'), declaredSize: 0xfffffff0 },
    ]),
    /过大/,
  );
  const lying = minimalXlsxParts(
    inlineSheetXml([['姓名', '手机号码'], ...Array.from({ length: 2000 }, () => ['某', '13812345678'])]),
  );
  lying[4] = { ...lying[4], declaredSize: 1000 };
  await refused(writeZip('lying.xlsx', lying), /有效的 xlsx/);
  await refused(
    writeFixture('old.xlsx', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0])),
    /\.xls/,
  );
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    Buffer.alloc(100),
  ]);
  await refused(writeFixture('picture.xlsx', png), /无法识别/);
  await refused(writeZip('not-a-workbook.xlsx', [{ name: 'readme.txt', data: Buffer.from('hello') }]), /有效的 xlsx/);
});

test('the writer neutralises formulas, freezes the header and reads back as written', async () => {
  const file = fixturePath('written.xlsx');
  const writer = createXlsxWriter(fs.createWriteStream(file));
  const sheet = writer.addSheet('联系青年', [
    { header: '姓名', width: 12 },
    { header: '手机号码' },
    { header: '备注' },
  ]);
  sheet.addRow(['=HYPERLINK("http://x","点我")', '138****5678', '+1']);
  sheet.addRow(['@SUM(A1)', '-2', 3]);
  sheet.commit();
  await writer.finish();

  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const ws = workbook.getWorksheet('联系青年')!;
  assert.equal(ws.views[0].state, 'frozen');
  assert.equal((ws.views[0] as { ySplit?: number }).ySplit, 1);
  assert.equal(ws.getColumn(1).width, 12);
  const values = (row: number) => (ws.getRow(row).values as unknown[]).slice(1);
  assert.deepEqual(values(2), [`'=HYPERLINK("http://x","点我")`, '138****5678', `'+1`]);
  assert.deepEqual(values(3), [`'@SUM(A1)`, `'-2`, 3]);
  assert.equal(ws.getRow(1).font?.bold, true);
});

test('cell helpers: integers and text of numbers', () => {
  assert.equal(cellInteger('1,200'), 1200);
  assert.equal(cellInteger('12.0'), 12);
  assert.equal(cellInteger('12.5'), null);
  assert.equal(cellInteger(''), undefined);
  assert.equal(cellText(0.1 + 0.2), '0.3');
  assert.equal(cellText(13812345678), '13812345678');
});

test('the shared-string store returns every string across its blocks', () => {
  const store = sharedStringStore();
  const texts = Array.from({ length: 40_000 }, (_, i) => (i % 7 === 0 ? '' : `团员${i}号`));
  for (const text of texts) store.add(text);
  assert.equal(store.length, texts.length);
  for (const i of [0, 1, 16_383, 16_384, 16_385, 32_767, 32_768, 39_999]) assert.equal(store.get(i), texts[i]);
  assert.equal(store.get(40_000), undefined);
});

test('the shared-string store refuses a workbook whose strings exceed its limits, in Chinese', () => {
  const byChars = sharedStringStore({ maxChars: 100, maxCount: 1000 });
  byChars.add('团'.repeat(60));
  assert.throws(
    () => byChars.add('团'.repeat(60)),
    (error: Error & { code?: string }) => error.code === 'unsupported_file' && /共享字符串超出上限/.test(error.message),
  );
  const byCount = sharedStringStore({ maxChars: 1000, maxCount: 3 });
  for (const text of ['', '', '']) byCount.add(text);
  assert.throws(() => byCount.add(''), /共享字符串超出上限/);
});
