import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { addDays, chinaToday } from '../../../common/dates.js';
import { addYears, composeIdNumber, scientificIdMessage } from '../../../common/id-number.js';
import type { ImportResult } from '../../../common/imports.js';
import { loginAsFrom } from '../../../test/clients.js';
import { makeOrg, makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { importFile, upload, waitForJob } from '../../../test/imports.js';
import { makeMember } from '../../../test/people-factories.js';
import { makeXlsx } from '../../../test/spreadsheet-fixtures.js';
import { createJobRunner } from '../../jobs/runner.js';
import { underageMessage } from './members-import.js';
import { importTestHooks } from './run.js';
import { memberBatchRows } from './members-reader.js';
import { importJobHandler, importJobKind } from './service.js';

// Member imports through the API: a good sheet (xlsx and CSV), idempotent re-runs, every kind of bad row with its
// message in the job and in the error report while nothing is written, Excel's lost digits, and the dry run's
// list of people another org already holds.

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const branchByCode = await makeOrg(ctx, {
  parent: tree.townA1,
  name: '甲一中学团支部',
  type: 'branch',
  level: 'village',
  statCode: '610101001201',
});
const county = await loginAsFrom(ctx, 'org_admin', tree.countyA);
const members = { kind: 'members', orgId: String(tree.countyA.id) };
const result = (job: { result: unknown }) => job.result as ImportResult;
const header = [
  '所在团支部',
  '姓名',
  '身份证号',
  '性别',
  '出生日期',
  '团员编号',
  '入团日期',
  '政治面貌',
  '民族',
  '学历',
  '职业',
  '工作单位或学校',
  '手机号码',
  '微信号',
  '户籍所在地',
  '是否流动团员',
  '流出地',
  '现所在地',
];

let serial = 100;
/** A valid ID number born on the date (odd sequence: a man, even: a woman). */
const idNumber = (birthDate: string, sex: 'male' | 'female' = 'male') => {
  serial += 2;
  return composeIdNumber('610102', birthDate, sex === 'male' ? serial + 1 : serial);
};

async function counts() {
  const count = async (table: 'members' | 'member_events' | 'member_counts') =>
    Number(
      (
        await ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const audit = await ctx.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '!=', 'member.import_queued')
    .executeTakeFirstOrThrow();
  return {
    members: await count('members'),
    member_events: await count('member_events'),
    member_counts: await count('member_counts'),
    audit: Number(audit.n),
  };
}

async function reportRows(jobId: number) {
  const report = await county.get(`/api/jobs/${jobId}/errors.xlsx`);
  assert.equal(report.statusCode, 200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet('错误报告')!;
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

/** A woman's ID number whose check character is X. */
const idNumberEndingX = (birthDate: string) => {
  for (;;) {
    const id = idNumber(birthDate, 'female');
    if (id.endsWith('X')) return id;
  }
};

const zhang = idNumber('2005-03-01', 'male');
const li = idNumber('2003-07-15', 'female');

test('a good sheet imports every column; a second run creates nothing; empty cells never erase', async () => {
  const file = await makeXlsx((wb) => {
    const ws = wb.addWorksheet('团员名册');
    ws.addRow(header.map((h) => (['姓名', '身份证号', '入团日期'].includes(h) ? `${h}*` : h)));
    ws.addRow(['示例：某村团支部', '示例', '610102200501011233']);
    ws.addRow([
      '甲一村团支部',
      '张三',
      zhang,
      '男',
      '2005-03-01',
      '202000000001',
      '2020-05-04',
      '团员',
      '汉族',
      '高中',
      '学生',
      '甲县第一中学',
      '13812340001',
      'zhangsan_wx',
      '陕西省甲县',
      '否',
    ]);
    ws.addRow([
      '610101001201',
      '李四',
      `'${li.toLowerCase()}`,
      '女',
      new Date(Date.UTC(2003, 6, 15)),
      '',
      '2019/5/4',
      '中共预备党员',
      '回族',
      '大学本科',
      '教师',
      '',
      13812340002,
      '',
      '',
      '是',
      '甲县',
      '西安市',
    ]);
  });
  const before = await counts();
  const dry = await importFile(county, { ...members, dryRun: 'true' }, file);
  assert.equal(dry.status, 'done', JSON.stringify(dry));
  assert.deepEqual(result(dry).counts, { rows: 2, create: 2, update: 0, unchanged: 0, errors: 0 });
  assert.deepEqual(await counts(), before, 'a dry run writes nothing');

  const job = await importFile(county, members, file);
  assert.equal(job.status, 'done', JSON.stringify(job));
  assert.deepEqual(result(job).counts, { rows: 2, create: 2, update: 0, unchanged: 0, errors: 0 });
  assert.deepEqual(
    result(job).preview.map((p) => [p.row, p.action, p.values.idNumber, p.values.phone]),
    [
      [3, 'create', `${zhang.slice(0, 4)}**********${zhang.slice(-4)}`, '138****0001'],
      [4, 'create', `${li.slice(0, 4)}**********${li.slice(-4)}`, '138****0002'],
    ],
  );
  assert.doesNotMatch(JSON.stringify(job), /\d{17}[\dXx]|1381234000/, 'no ID number or phone in the job');

  const list = await county.get(`/api/members?orgId=${tree.countyA.id}`);
  assert.equal(list.statusCode, 200);
  const items = list.json<{ items: Record<string, unknown>[] }>().items;
  assert.deepEqual(
    items.map((m) => [
      m.fullName,
      m.orgName,
      m.sex,
      m.birthDate,
      m.memberNo,
      m.joinedOn,
      m.politicalStatus,
      m.isMobile,
      m.phoneMasked,
    ]),
    [
      ['张三', '甲一村团支部', 'male', '2005-03-01', '202000000001', '2020-05-04', 'member', false, '138****0001'],
      ['李四', '甲一中学团支部', 'female', '2003-07-15', null, '2019-05-04', 'probationary_party', true, '138****0002'],
    ],
  );
  const li_ = await county.get(`/api/members/${items[1].id as number}`);
  assert.deepEqual(
    (({ ethnicity, education, occupation, mobileOrigin, mobileCurrent }) => ({
      ethnicity,
      education,
      occupation,
      mobileOrigin,
      mobileCurrent,
    }))(li_.json<Record<string, unknown>>()),
    { ethnicity: '回族', education: '大学本科', occupation: '教师', mobileOrigin: '甲县', mobileCurrent: '西安市' },
  );
  const timeline = await county.get(`/api/members/${items[0].id as number}/events`);
  assert.deepEqual(
    timeline.json<{ items: { kind: string; details: unknown }[] }>().items.map((e) => [e.kind, e.details]),
    [['created', { source: 'import', jobId: job.id }]],
  );
  const stats = await county.get(`/api/orgs/${tree.countyA.id}/member-stats`);
  assert.equal(stats.json<{ total: number }>().total, 2, 'member counts follow the import');
  const audit = await ctx.db
    .selectFrom('audit_log')
    .select(['action', 'details'])
    .where('action', '=', 'member.import')
    .execute();
  assert.equal(audit.length, 1);
  assert.doesNotMatch(JSON.stringify(audit), /\d{17}|1381234/, 'no ID number or phone in the audit log');

  const afterFirst = await counts();
  const again = await importFile(county, members, file);
  assert.deepEqual(result(again).counts, { rows: 2, create: 0, update: 0, unchanged: 2, errors: 0 });
  assert.deepEqual(
    { ...(await counts()), audit: 0 },
    { ...afterFirst, audit: 0 },
    'a re-run adds no member, event or count',
  );

  // Only what the sheet says anew changes; the empty phone, household and WeChat cells erase nothing.
  const update = await makeXlsx((wb) => {
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(header);
    ws.addRow(['甲一村团支部', '张三', zhang, '', '', '', '2020-05-04', '', '', '大学专科', '', '', '', '', '']);
  });
  const updated = await importFile(county, members, update);
  assert.deepEqual(result(updated).counts, { rows: 1, create: 0, update: 1, unchanged: 0, errors: 0 });
  const zhangNow = await county.get(`/api/members/${items[0].id as number}`);
  const detail = zhangNow.json<Record<string, unknown>>();
  assert.deepEqual(
    [detail.education, detail.phoneMasked, detail.wechat, detail.household, detail.memberNo],
    ['大学专科', '138****0001', 'zhangsan_wx', '陕西省甲县', '202000000001'],
  );
  const events = await county.get(`/api/members/${items[0].id as number}/events`);
  assert.deepEqual(
    events.json<{ items: { kind: string; details: unknown }[] }>().items.map((e) => [e.kind, e.details]),
    [
      ['created', { source: 'import', jobId: job.id }],
      ['updated', { fields: ['education'], source: 'import', jobId: updated.id }],
    ],
  );
});

test('CSV saved by Excel as UTF-8 with a byte-order mark imports like xlsx', async () => {
  const wang = idNumber('2001-11-30', 'male');
  const zhao = idNumberEndingX('2000-02-29');
  const csv =
    '\ufeff所在团支部,姓名,身份证号,入团日期,手机号码,是否流动团员\r\n' +
    `甲一中学团支部,王五,${wang},2016-05-04,13812340003,\r\n` +
    `甲一中学团支部,赵六,${zhao.slice(0, 17)}x,2015-05-04,,流动团员\r\n`;
  const job = await importFile(county, members, { name: '团员.csv', content: Buffer.from(csv, 'utf8') });
  assert.equal(job.status, 'done', JSON.stringify(job));
  assert.deepEqual(result(job).counts, { rows: 2, create: 2, update: 0, unchanged: 0, errors: 0 });
  const rows = await ctx.db
    .selectFrom('members')
    .select(['full_name', 'birth_date', 'sex', 'is_mobile', 'phone_masked'])
    .where('org_id', '=', branchByCode.id)
    .where('full_name', 'in', ['王五', '赵六'])
    .orderBy('full_name')
    .execute();
  assert.deepEqual(rows, [
    { full_name: '王五', birth_date: '2001-11-30', sex: 'male', is_mobile: 0, phone_masked: '138****0003' },
    { full_name: '赵六', birth_date: '2000-02-29', sex: 'female', is_mobile: 1, phone_masked: null },
  ]);
  const again = await importFile(county, members, { name: '团员.csv', content: Buffer.from(csv, 'utf8') });
  assert.deepEqual(result(again).counts, { rows: 2, create: 0, update: 0, unchanged: 2, errors: 0 });
});

test('every kind of bad row has its message, in the job and in the error report, and nothing is written', async () => {
  const elsewhere = idNumber('2002-02-02');
  await makeMember(ctx, { org: tree.villageB1, idNumber: elsewhere, fullName: '外县人' });
  const good = idNumber('2004-04-04');
  const young = addYears(chinaToday(), -13);
  const badCheck = `${good.slice(0, 17)}${good[17] === '0' ? '1' : '0'}`;
  const file = await makeXlsx((wb) => {
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(header);
    ws.addRow(['甲一村团支部', '好人', good, '', '', '', '2020-05-04']); // 2
    ws.addRow(['甲一村团支部', '错校验', badCheck, '', '', '', '2020-05-04']); // 3
    ws.addRow(['甲一村团支部', '错日期', composeIdNumber('610102', '1999-02-30', 11), '', '', '', '2020-05-04']); // 4
    ws.addRow(['甲一村团支部', '数字', 610102200501011234, '', '', '', '2020-05-04']); // 5
    ws.addRow(['甲一村团支部', '科学计数', '6.10102E+17', '', '', '', '2020-05-04']); // 6
    ws.addRow(['甲一村团支部', '太早', idNumber('2008-06-01'), '', '', '', '2020-05-04']); // 7
    ws.addRow(['甲一村团支部', '未满十四', idNumber(young), '', '', '', chinaToday()]); // 8
    ws.addRow(['甲一村团支部', '同号', good, '', '', '', '2020-05-04']); // 9
    ws.addRow(['甲一村团支部', '外县人', elsewhere, '', '', '', '2020-05-04']); // 10
    ws.addRow(['共青团甲一镇委员会', '非支部', idNumber('2004-05-05'), '', '', '', '2020-05-04']); // 11
    ws.addRow(['甲一村团支部', '性别错', idNumber('2004-06-06', 'male'), '女', '2004-06-07', '', '2020-05-04']); // 12
    ws.addRow(['甲一村团支部', '编号错', idNumber('2004-07-07'), '', '', '201900000009', '2020-05-04']); // 13
    ws.addRow(['乙一村团支部', '外县支部', idNumber('2004-08-08'), '', '', '', '2020-05-04']); // 14
  });
  const before = await counts();
  const job = await importFile(county, members, file);
  assert.equal(job.status, 'failed');
  assert.match(job.error!, /共 12 行有错误，未导入任何数据/);
  assert.deepEqual(await counts(), before, 'no member, event, count or audit row is written');
  assert.deepEqual(result(job).counts, { rows: 13, create: 1, update: 0, unchanged: 0, errors: 12 });
  assert.equal(result(job).duplicates, 1);
  const expected = [
    '第 3 行：身份证号校验位不正确，请核对是否输错',
    '第 4 行：身份证号中的出生日期 1999-02-30 不存在',
    `第 5 行：${scientificIdMessage}`,
    `第 6 行：${scientificIdMessage}`,
    '第 7 行：入团时未满 13 周岁（2017 年起不允许）',
    `第 8 行：${underageMessage}`,
    '第 9 行：身份证号与第 2 行相同：同一人只能登记一次',
    '第 10 行：身份证号已由“乙一村团支部”登记：如是同一人，请办理组织关系转接或在“重复与更正”中处理；否则请核对身份证号',
    '第 11 行：所在团支部“共青团甲一镇委员会”不是团支部或联合团支部，团员只能登记在支部',
    '第 12 行：性别“女”与身份证号（男）不一致；出生日期 2004-06-07 与身份证号中的 2004-06-06 不一致',
    '第 13 行：团员编号前 4 位应为入团年份 2020',
    '第 14 行：所在团支部“乙一村团支部”不存在或不在本次导入的组织范围内',
  ];
  assert.deepEqual(result(job).errors, expected);
  assert.equal(result(job).preview.find((p) => p.row === 10)?.action, 'duplicate');
  assert.equal(result(job).preview.find((p) => p.row === 3)?.action, 'error');
  assert.doesNotMatch(JSON.stringify(job), /\d{17}[\dXx]/, 'the job (stored in the database) holds no ID number');

  const report = await reportRows(job.id);
  assert.deepEqual(report[0], [...header, '错误']);
  assert.deepEqual(
    report.slice(1).map((r) => r[18]),
    expected,
  );
  assert.equal(report[1][2], badCheck, 'a wrong ID number is shown as typed to the uploader');
  assert.equal(report[7][2], `${good.slice(0, 4)}**********${good.slice(-4)}`, 'a valid one is masked');
});

test("a dry run's preview lists the people another org holds, wherever they are in the file", async () => {
  const held = idNumber('2001-01-01');
  await makeMember(ctx, { org: tree.villageB1, idNumber: held, fullName: '已登记' });
  const file = await makeXlsx((wb) => {
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(header);
    for (let i = 0; i < 60; i++)
      ws.addRow(['甲一村团支部', `新人${i}`, idNumber('2003-03-03'), '', '', '', '2020-05-04']);
    ws.addRow(['甲一村团支部', '已登记', held, '', '', '', '2020-05-04']);
  });
  const job = await importFile(county, { ...members, dryRun: 'true' }, file);
  assert.equal(job.status, 'done');
  assert.deepEqual(result(job).counts, { rows: 61, create: 60, update: 0, unchanged: 0, errors: 1 });
  assert.equal(result(job).duplicates, 1);
  const duplicate = result(job).preview.filter((p) => p.action === 'duplicate');
  assert.deepEqual(
    duplicate.map((p) => [p.row, p.values.fullName, p.values.idNumber]),
    [[62, '已登记', `${held.slice(0, 4)}**********${held.slice(-4)}`]],
  );
  assert.match(duplicate[0].errors[0], /已由“乙一村团支部”登记/);
  assert.equal(result(job).preview.length, 51, 'the first 50 rows, then the duplicates after them');
});

test('a large sheet is read in a worker thread: rows in order, repeats found across its batches', async () => {
  importTestHooks.memberThread = 'worker';
  try {
    const rows = memberBatchRows * 2 + 300; // three batches from the worker
    const ids = Array.from({ length: rows }, (_, i) => idNumber(addDays('1998-01-01', i % 3000)));
    const line = (i: number, id = ids[i], memberNo = '') => `甲一中学团支部,批量${i},${id},,,${memberNo},2016-05-04`;
    const good = ['所在团支部,姓名,身份证号,性别,出生日期,团员编号,入团日期'];
    for (let i = 0; i < rows; i++) good.push(line(i, ids[i], i === 7 ? '201600000077' : ''));
    // The same file with a person repeated in a later batch and a member number used twice.
    const repeats = [...good];
    repeats[memberBatchRows + 50] = line(memberBatchRows + 49, ids[3]); // sheet row memberBatchRows + 51
    repeats[rows - 1] = line(rows - 2, ids[rows - 2], '201600000077'); // sheet row `rows`: row 9's member number
    const before = await counts();
    const refused = await importFile(county, members, {
      name: '团员.csv',
      content: Buffer.from(repeats.join('\r\n'), 'utf8'),
    });
    assert.equal(refused.status, 'failed');
    assert.deepEqual(result(refused).errors, [
      `第 ${memberBatchRows + 51} 行：身份证号与第 5 行相同：同一人只能登记一次`,
      `第 ${rows} 行：团员编号与第 9 行相同`,
    ]);
    assert.deepEqual(await counts(), before, 'nothing is written');

    const job = await importFile(county, members, {
      name: '团员.csv',
      content: Buffer.from(good.join('\r\n'), 'utf8'),
    });
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.deepEqual(result(job).counts, { rows, create: rows, update: 0, unchanged: 0, errors: 0 });
    assert.deepEqual(
      result(job)
        .preview.slice(0, 3)
        .map((p) => [p.row, p.action, p.values.fullName]),
      [
        [2, 'create', '批量0'],
        [3, 'create', '批量1'],
        [4, 'create', '批量2'],
      ],
    );
    const created = await ctx.db
      .selectFrom('members')
      .select('full_name')
      .where('full_name', 'like', '批量%')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      created.map((m) => m.full_name),
      Array.from({ length: rows }, (_, i) => `批量${i}`),
      'members are created in the order of the sheet',
    );
    const after = await counts();
    assert.equal(after.member_events - before.member_events, rows, 'one created event per member');
  } finally {
    importTestHooks.memberThread = undefined;
  }
});

test('when the worker thread fails, the job fails with a message for people and nothing is written', async () => {
  importTestHooks.memberThread = 'worker';
  importTestHooks.memberWorkerFailAfter = 1;
  try {
    const lines = ['所在团支部,姓名,身份证号,入团日期'];
    for (let i = 0; i < memberBatchRows + 10; i++) {
      lines.push(`甲一中学团支部,失败${i},${idNumber(addDays('1997-01-01', i))},2016-05-04`);
    }
    const before = await counts();
    const job = await importFile(county, members, { name: '团员.csv', content: Buffer.from(lines.join('\r\n')) });
    assert.equal(job.status, 'failed');
    assert.match(job.error ?? '', /任务执行出错/);
    assert.deepEqual(await counts(), before, 'the first batch was written, then rolled back');
    // A file that is no member table fails in the worker with the table's own message.
    importTestHooks.memberWorkerFailAfter = undefined;
    const notTable = await importFile(county, members, { name: '团员.csv', content: Buffer.from('甲,乙\r\n1,2\r\n') });
    assert.equal(notTable.status, 'failed');
    assert.match(notTable.error ?? '', /未找到导入表/);
  } finally {
    importTestHooks.memberThread = undefined;
    importTestHooks.memberWorkerFailAfter = undefined;
  }
});

// Last in the file: it stops the app's job runner, as a dying process would, and finishes with a runner of its own.
test('a crash half-way through the apply leaves nothing behind, and the re-claimed job completes', async () => {
  const rows = 700; // more than one batch of 500: the crash comes after a batch was written inside the transaction
  const file = await makeXlsx((wb) => {
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(header);
    for (let i = 0; i < rows; i++) {
      ws.addRow(['甲一中学团支部', `续传${i}`, idNumber(addDays('2000-01-01', i)), '', '', '', '2018-05-04']);
    }
  });
  const before = await counts();
  let written = 0;
  importTestHooks.afterChunkWritten = (done) => {
    written = done;
    // The process dies here: its runner stops and the transaction never commits.
    void ctx.app.jobs.stop();
    throw new Error('simulated crash');
  };
  const response = await upload(county, members, file);
  assert.equal(response.statusCode, 202);
  const jobId = response.json<{ jobId: number }>().jobId;
  const jobRow = () => ctx.db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
  // The stopped runner puts the job back in the queue once the transaction has rolled back.
  for (let i = 0; i < 3000; i++) {
    const { status } = await jobRow();
    if (status === 'failed' || (written > 0 && status === 'queued')) break;
    await sleep(10);
  }
  importTestHooks.afterChunkWritten = undefined;
  assert.equal(written, 500, 'the crash came after the first chunk had been written');
  assert.deepEqual(await counts(), before, 'no member, event, count or audit row of the import remains');

  // What a killed worker leaves: the job still "running" (its first attempt) under a claim whose heartbeat
  // stopped long ago.
  await ctx.db
    .updateTable('jobs')
    .set({
      status: 'running',
      claimed_by: 'dead-host:1:0000',
      heartbeat_at: '2026-01-01T00:00:00.000Z',
      attempts: 1,
    })
    .where('id', '=', jobId)
    .execute();
  const runner = createJobRunner({ db: ctx.db, log: { info: () => {}, error: () => {} }, staleMs: 1000 });
  runner.register(importJobKind, importJobHandler({ db: ctx.db, keyring: ctx.app.keyring, dataDir: ctx.dataDir }));
  await runner.start();
  try {
    const job = await waitForJob(county, jobId);
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.deepEqual(result(job).counts, { rows, create: rows, update: 0, unchanged: 0, errors: 0 });
  } finally {
    await runner.stop();
  }
  const after = await counts();
  assert.equal(after.members - before.members, rows);
  assert.equal(after.member_events - before.member_events, rows, 'one created event per new member');
  assert.equal(after.audit - before.audit, 1, 'one audit row for the import');
  assert.equal((await jobRow()).attempts, 2, 'the same job, claimed a second time');
});
