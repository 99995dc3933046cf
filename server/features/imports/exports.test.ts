import assert from 'node:assert/strict';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { linkContact, makeCadre, makeChannel, makeContact } from '../../../test/ledger-factories.js';

// Exports: what an inspector downloads from the ledger — masked phones, nothing a spreadsheet would run, only the
// scope asked for and seen, one audit row each.

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const inspector = await loginAsFrom(ctx, 'inspector', tree.countyA);

async function sheetRows(response: LightMyRequestResponse, name: string): Promise<unknown[][]> {
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(String(response.headers['content-disposition']), /^attachment;/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet(name)!;
  assert.equal(sheet.views[0]?.state, 'frozen', 'the header is frozen');
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

test('contacts export: masked phones, linked cadres, neutralised formulas, the scope asked for, one audit row', async () => {
  const cadre = await makeCadre(ctx, { org: tree.townA1, fullName: '陈书记', phone: '13900001111' });
  const a = await makeContact(ctx, {
    org: tree.townA1,
    fullName: '=HYPERLINK("http://evil","点")',
    phone: '13812345678',
  });
  const b = await makeContact(ctx, { org: tree.villageA1, fullName: '李四', phone: '13812345679' });
  await makeContact(ctx, { org: tree.townB1, fullName: '外县人', phone: '13812345670' });
  await linkContact(ctx, cadre, a, b);

  const auditBefore = await ctx.db.selectFrom('audit_log').select('id').where('action', '=', 'ledger.export').execute();
  const rows = await sheetRows(await inspector.get(`/api/exports/contacts.xlsx?orgId=${tree.townA1.id}`), '联系青年');
  assert.deepEqual(rows[0], [
    '姓名',
    '手机号码',
    '所属组织',
    '村（社区）',
    '类别',
    '联系团干部',
    '团干部手机号',
    '最近联系日期',
    '备注',
  ]);
  const body = rows.slice(1).map((r) => [r[0], r[1], r[2], r[5], r[6]]);
  assert.deepEqual(body, [
    [`'=HYPERLINK("http://evil","点")`, '138****5678', '共青团甲一镇委员会', '陈书记', '139****1111'],
    ['李四', '138****5679', '甲一村团支部', '陈书记', '139****1111'],
  ]);
  assert.doesNotMatch(JSON.stringify(rows), /1[3-9]\d{9}/, 'no full phone in the file');

  const own = await sheetRows(
    await inspector.get(`/api/exports/contacts.xlsx?orgId=${tree.townA1.id}&scope=own`),
    '联系青年',
  );
  assert.equal(own.length, 2, 'own: the org itself only');

  const audit = await ctx.db
    .selectFrom('audit_log')
    .select(['action', 'object_type', 'org_id', 'actor_id', 'details'])
    .where('action', '=', 'ledger.export')
    .orderBy('id')
    .execute();
  assert.equal(audit.length - auditBefore.length, 2, 'one audit row per export');
  assert.deepEqual(audit.at(-1), {
    action: 'ledger.export',
    object_type: 'contacts',
    org_id: tree.townA1.id,
    actor_id: inspector.user.id,
    details: JSON.stringify({ scope: 'own', format: 'xlsx' }),
  });

  assert.equal((await inspector.get(`/api/exports/contacts.xlsx?orgId=${tree.townB1.id}`)).statusCode, 404);
  assert.equal((await inspector.get('/api/exports/contacts.xlsx?scope=all')).statusCode, 400);
});

test('channels export: the template columns in Chinese, readable back by the importer', async () => {
  await makeChannel(ctx, { org: tree.townA1, kind: 'tuanqing_group', name: '-甲一镇团青群' });
  await makeChannel(ctx, { org: tree.countyA, kind: 'qingnong_group', name: '甲县群' });
  const rows = await sheetRows(await inspector.get('/api/exports/channels.xlsx'), '渠道');
  assert.deepEqual(rows[0].slice(0, 3), ['名称', '类型', '所属组织']);
  assert.deepEqual(
    rows.slice(1).map((r) => [r[0], r[1], r[2]]),
    [
      [`'-甲一镇团青群`, '团青群', '共青团甲一镇委员会'],
      ['甲县群', '青农群', '共青团甲县委员会'],
    ],
  );
  assert.match(String(rows[2][11]), /青农/, 'the naming issue is listed');
});

test('a large contacts export is streamed whole', async () => {
  const at = new Date().toISOString();
  const values = Array.from({ length: 3000 }, (_, i) => ({
    org_id: tree.townA2.id,
    full_name: `青年${i}`,
    phone_cipher: 'v1:x',
    phone_index: `index-${i}`,
    phone_masked: '137****0000',
    village: null,
    category: 'other' as const,
    note: null,
    last_contact_on: null,
    created_at: at,
    updated_at: at,
  }));
  for (let i = 0; i < values.length; i += 500)
    await ctx.db
      .insertInto('youth_contacts')
      .values(values.slice(i, i + 500))
      .execute();
  const rows = await sheetRows(await inspector.get(`/api/exports/contacts.xlsx?orgId=${tree.townA2.id}`), '联系青年');
  assert.equal(rows.length, 3001);
  assert.equal(rows[3000][0], '青年2999');
});
