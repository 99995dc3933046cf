import assert from 'node:assert/strict';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import { chinaToday, addDays } from '../../../common/dates.js';
import { addYears } from '../../../common/id-number.js';
import type { MinorsAccessReport } from '../../../common/audit.js';
import { loginAs, makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeMember, makeBranch } from '../../../test/people-factories.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const auditor = await loginAs(ctx, 'audit_admin', null);
const countyAdmin = await loginAs(ctx, 'org_admin', tree.countyA);
const branch = await makeBranch(ctx, { parent: tree.townA1 });
const today = chinaToday();
const year = Number(today.slice(0, 4));
const fullIdPattern = /\d{17}[\dXx]/;

// 17 today; 18 today (an adult from the birthday on); 18 and one day.
const minor = await makeMember(ctx, { org: branch, fullName: '林小雨', birthDate: addYears(today, -17) });
const eighteenToday = await makeMember(ctx, { org: branch, fullName: '陈晓', birthDate: addYears(today, -18) });
const adult = await makeMember(ctx, {
  org: branch,
  fullName: '王大成',
  birthDate: addDays(addYears(today, -18), -1),
});

test("the yearly report lists who revealed or changed a minor's record, and only minors'", async () => {
  for (const member of [minor, eighteenToday, adult]) {
    const revealed = await countyAdmin.post(`/api/members/${member.id}/reveal-id`);
    assert.equal(revealed.statusCode, 200, revealed.body);
  }
  assert.equal((await countyAdmin.post(`/api/members/${minor.id}/reveal-phone`)).statusCode, 200);
  const changed = await countyAdmin.patch(`/api/members/${minor.id}`, { education: '高中' });
  assert.equal(changed.statusCode, 200, changed.body);
  assert.equal((await countyAdmin.patch(`/api/members/${adult.id}`, { education: '大学本科' })).statusCode, 200);
  const exported = await countyAdmin.get(`/api/exports/members.xlsx?orgId=${tree.countyA.id}&scope=subtree`);
  assert.equal(exported.statusCode, 200);

  const response = await auditor.get(`/api/audit/minors-access?year=${year}`);
  assert.equal(response.statusCode, 200, response.body);
  const report = response.json<MinorsAccessReport>();
  assert.deepEqual(report.totals, {
    accesses: 3,
    reveals: 2,
    changes: 1,
    exports: 1,
    actors: 1,
    minors: 1,
    unknownSubjects: 0,
  });
  assert.equal(report.actors.length, 1);
  assert.equal(report.actors[0].actorName, countyAdmin.user.username);
  assert.deepEqual([report.actors[0].reveals, report.actors[0].changes, report.actors[0].minors], [2, 1, 1]);
  assert.ok(report.rows.every((row) => row.subjectId === minor.id && row.age === 17));
  assert.deepEqual(
    report.rows.map((row) => row.subjectName),
    ['林**', '林**', '林**'],
  );
  const month = Number(today.slice(5, 7));
  assert.deepEqual(report.months[month - 1], { month, reveals: 2, changes: 1 });
  assert.doesNotMatch(response.body, fullIdPattern);
  assert.ok(!response.body.includes('林小雨'), 'names are masked');

  const lastYear = (await auditor.get(`/api/audit/minors-access?year=${year - 1}`)).json<MinorsAccessReport>();
  assert.equal(lastYear.totals.accesses, 0);
  assert.equal(lastYear.totals.exports, 0);
});

test('the report downloads as Excel with a summary per person and every access, and the download is audited', async () => {
  const response = await auditor.get(`/api/audit/minors-access.xlsx?year=${year}`);
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-disposition']), /attachment/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
  assert.deepEqual(
    workbook.worksheets.map((sheet) => sheet.name),
    ['按人员汇总', '访问明细', '团员名册导出'],
  );
  const summary = workbook.getWorksheet('按人员汇总')!;
  assert.deepEqual((summary.getRow(2).values as unknown[]).slice(1, 6), [
    countyAdmin.user.username,
    tree.countyA.name,
    2,
    1,
    1,
  ]);
  const detail = workbook.getWorksheet('访问明细')!;
  assert.equal(detail.rowCount, 1 + 3);
  assert.deepEqual(
    [2, 3, 4].map((row) => detail.getRow(row).getCell(8).value),
    ['林**', '林**', '林**'],
  );
  const audit = (await auditor.get('/api/audit?action=audit.minors_report_export')).json<{ items: unknown[] }>();
  assert.equal(audit.items.length, 1);
});

test('only the audit administrator reads the report; a year out of range is refused in Chinese', async () => {
  assert.equal((await countyAdmin.get(`/api/audit/minors-access?year=${year}`)).statusCode, 403);
  assert.equal((await countyAdmin.get(`/api/audit/minors-access.xlsx?year=${year}`)).statusCode, 403);
  const bad = await auditor.get('/api/audit/minors-access?year=1899');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /年份/);
});
