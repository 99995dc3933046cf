import assert from 'node:assert/strict';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import type { ImportResult } from '../../../common/imports.js';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { importFile, ledgerCounts } from '../../../test/imports.js';
import { makeCadre, makeChannel } from '../../../test/ledger-factories.js';
import { makeXlsx } from '../../../test/spreadsheet-fixtures.js';

// Channel and plan imports: readings as history, official accounts by AppID, the naming rule, the plan table's
// rules, and the template people start from.

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const county = await loginAsFrom(ctx, 'org_admin', tree.countyA);
const system = await loginAsFrom(ctx, 'system_admin');
const header = [
  '名称',
  '类型',
  '所属组织',
  '负责团干部',
  '建立日期',
  '成员数',
  '统计日期',
  '公众号类型',
  'AppID',
  '原始ID',
  '状态',
];
const channels = { kind: 'channels', orgId: String(tree.countyA.id) };
const result = (job: { result: unknown }) => job.result as ImportResult;
const sheet = (rows: unknown[][]) =>
  makeXlsx((wb) => {
    const ws = wb.addWorksheet('渠道');
    ws.addRow(header);
    for (const row of rows) ws.addRow(row);
  });

test('channels: created with their first reading; a later count is a new dated reading, not an overwrite', async () => {
  await makeCadre(ctx, { org: tree.townA1, fullName: '陈书记' });
  const first = await sheet([
    ['甲一镇团青一群', '团青群', '共青团甲一镇委员会', '陈书记', '2026-08-01', 120, '2026-09-01'],
    ['甲县青年之声', '公众号', '', '', '2025/3/1', 5000, '2026.9.1', '订阅号', 'WX0123456789ABCDEF', 'gh_0123456789ab'],
    ['甲县群', '青农群', '', '', '', '', '', '', '', '', '正常'],
  ]);
  const job = await importFile(county, channels, first);
  assert.equal(job.status, 'done', JSON.stringify(job));
  assert.deepEqual(result(job).counts, { rows: 3, create: 3, update: 0, unchanged: 0, errors: 0 });
  const rows = await ctx.db
    .selectFrom('channels')
    .select([
      'name',
      'kind',
      'app_id',
      'account_type',
      'latest_count',
      'latest_count_on',
      'naming_issue',
      'responsible_cadre_id',
    ])
    .orderBy('id')
    .execute();
  assert.equal(rows[0].latest_count, 120);
  assert.notEqual(rows[0].responsible_cadre_id, null);
  assert.equal(rows[1].app_id, 'wx0123456789abcdef');
  assert.equal(rows[1].account_type, 'subscription');
  assert.match(rows[2].naming_issue ?? '', /青农/, 'a county qingnong group named against the rule is flagged');

  const before = await ledgerCounts(ctx);
  const again = await importFile(county, channels, first);
  assert.deepEqual(result(again).counts, { rows: 3, create: 0, update: 0, unchanged: 3, errors: 0 });
  assert.deepEqual(await ledgerCounts(ctx), before, 'a re-run creates nothing');

  // A month later: new counts, and the account found by its AppID although its name changed.
  const later = await sheet([
    ['甲一镇团青一群', '团青群', '共青团甲一镇委员会', '', '', 180, '2026-10-01'],
    ['甲县青年', '公众号', '', '', '', 5600, '2026-10-01', '', 'wx0123456789abcdef'],
  ]);
  const update = await importFile(county, channels, later);
  assert.deepEqual(result(update).counts, { rows: 2, create: 0, update: 2, unchanged: 0, errors: 0 });
  const readings = await ctx.db
    .selectFrom('channel_readings')
    .innerJoin('channels', 'channels.id', 'channel_readings.channel_id')
    .select(['channels.name', 'on_date', 'count', 'source'])
    .orderBy('channels.id')
    .orderBy('on_date')
    .execute();
  assert.deepEqual(readings, [
    { name: '甲一镇团青一群', on_date: '2026-09-01', count: 120, source: 'import' },
    { name: '甲一镇团青一群', on_date: '2026-10-01', count: 180, source: 'import' },
    { name: '甲县青年', on_date: '2026-09-01', count: 5000, source: 'import' },
    { name: '甲县青年', on_date: '2026-10-01', count: 5600, source: 'import' },
  ]);
  const channel = await ctx.db
    .selectFrom('channels')
    .select(['latest_count', 'latest_count_on'])
    .where('name', '=', '甲一镇团青一群')
    .executeTakeFirstOrThrow();
  assert.deepEqual(channel, { latest_count: 180, latest_count_on: '2026-10-01' });
});

test('channel rows that cannot be right are errors, and a failed run writes nothing', async () => {
  const other = await makeChannel(ctx, { org: tree.townB1, kind: 'official_account', name: '乙县号' });
  await ctx.db.updateTable('channels').set({ app_id: 'wx1111111111111111' }).where('id', '=', other.id).execute();
  const file = await sheet([
    ['好群', '团青群'],
    ['坏类型', '微信'],
    ['非公众号', '团青群', '', '', '', '', '', '服务号'],
    ['好群', '团青群'],
    ['坏AppID', '公众号', '', '', '', '', '', '', 'wx123'],
    ['别县号', '公众号', '', '', '', '', '', '', 'wx1111111111111111'],
    ['无干部', '团青群', '', '不存在的人'],
    ['未来', '团青群', '', '', '2999-01-01'],
    ['负数', '团青群', '', '', '', -5],
  ]);
  const before = await ledgerCounts(ctx);
  const job = await importFile(county, channels, file);
  assert.equal(job.status, 'failed');
  assert.deepEqual(await ledgerCounts(ctx), before);
  assert.deepEqual(result(job).errors, [
    '第 3 行：类型“微信”应为：团青群、青农群、其他微信群、公众号、QQ群、微博、抖音、企业微信群机器人',
    '第 4 行：只有公众号可以填写公众号类型、AppID 和原始ID',
    '第 5 行：与第 2 行是同一组织的同类型、同名称渠道',
    '第 6 行：AppID 应为 wx 加 16 位十六进制字符',
    '第 7 行：AppID 已被其他组织登记',
    '第 8 行：负责团干部“不存在的人”未在所属组织登记，请先录入团干部',
    '第 9 行：建立日期不能晚于今天',
    '第 10 行：成员数应为 0–100000000 的整数',
  ]);
});

test('plans: (campaign, township) upserted for the townships below, with the plan table rules', async () => {
  const created = await system.post('/api/campaigns', {
    rootOrgId: tree.province.id,
    name: '农村共青团微信体系建设',
    startsOn: '2026-07-01',
    endsOn: '2026-11-30',
    template: 'rural_wechat',
  });
  assert.equal(created.statusCode, 201, created.body);
  const campaignId = String(created.json<{ id: number }>().id);
  const plans = { kind: 'plans', orgId: String(tree.countyA.id), campaignId };
  const file = await makeXlsx((wb) => {
    const ws = wb.addWorksheet('计划');
    ws.addRow(['甲县各乡镇建群计划']);
    ws.addRow(['乡镇（统计代码或名称）*', '计划建群数*']);
    ws.addRow([tree.townA1.stat_code, 12]);
    ws.addRow(['共青团甲二镇委员会', '８']);
  });
  const job = await importFile(county, plans, file);
  assert.equal(job.status, 'done', JSON.stringify(job));
  assert.deepEqual(result(job).counts, { rows: 2, create: 2, update: 0, unchanged: 0, errors: 0 });
  const stored = await ctx.db.selectFrom('campaign_plans').select(['org_id', 'planned']).orderBy('org_id').execute();
  assert.deepEqual(stored, [
    { org_id: tree.townA1.id, planned: 12 },
    { org_id: tree.townA2.id, planned: 8 },
  ]);
  assert.deepEqual(result(await importFile(county, plans, file)).counts, {
    rows: 2,
    create: 0,
    update: 0,
    unchanged: 2,
    errors: 0,
  });

  const wrong = await makeXlsx((wb) => {
    const ws = wb.addWorksheet('计划');
    ws.addRow(['乡镇', '计划建群数']);
    ws.addRow(['共青团甲县委员会', 3]);
    ws.addRow(['甲一村团支部', 3]);
    ws.addRow(['共青团乙一镇委员会', 3]);
    ws.addRow(['共青团甲一镇委员会', 'x']);
  });
  const failed = await importFile(county, { ...plans, dryRun: 'true' }, wrong);
  assert.deepEqual(result(failed).errors, [
    '第 2 行：“共青团甲县委员会”不在该工作任务或本级可填报的范围内（只能为下级组织填报）',
    '第 3 行：“甲一村团支部”不在计划表的适用层级内',
    '第 4 行：所属组织“共青团乙一镇委员会”不存在或不在本次导入的组织范围内',
    '第 5 行：计划建群数应为 0–1000 的整数',
  ]);
  const missing = await importFile(county, { ...plans, campaignId: '999999' }, file);
  assert.equal(missing.status, 'failed');
  assert.match(missing.error!, /工作任务不存在/);
});

test('the template has Chinese headers, an example row and instructions, and imports once filled in', async () => {
  const response = await county.get('/api/import-templates/channels.xlsx');
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-disposition']), /^attachment;.*filename\*=UTF-8''/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
  const data = workbook.getWorksheet('渠道')!;
  assert.deepEqual((data.getRow(1).values as unknown[]).slice(1, 4), ['名称*', '类型*', '所属组织']);
  assert.match(data.getRow(2).getCell(1).text, /^示例/);
  const help = workbook.getWorksheet('填写说明')!;
  assert.ok(help.rowCount > header.length);
  assert.equal(help.getRow(2).getCell(1).value, '名称');

  // Filled in by a cadre below the example row, saved and uploaded.
  data.addRow(['甲县团青二群', '团青群']);
  const filled = Buffer.from(await workbook.xlsx.writeBuffer());
  const job = await importFile(county, channels, { name: '模板.xlsx', content: filled });
  assert.deepEqual(result(job).counts, { rows: 1, create: 1, update: 0, unchanged: 0, errors: 0 });
});
