import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { maskIdNumber } from '../../../common/id-number.js';
import type { PersonSummary } from '../../../common/personal-rights.js';
import { loginAsFrom, tableCounts } from '../../../test/clients.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeBranch, nextIdNumber } from '../../../test/people-factories.js';
import { maskPhone } from '../../personal-data/phone.js';
import { readXlsxSheets } from '../../spreadsheets/xlsx-reader.js';
import { cellText } from '../../spreadsheets/values.js';
import { makePerson } from './person-fixture.js';

// A person's copy of their data (PIPL art. 45): found by ID number or by phone and name inside the org admin's
// subtree, masked in the look-up, in full in the copy, every copy audited. Outside the subtree the person does
// not exist; editors and inspectors may not ask.

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const branch = await makeBranch(ctx, { parent: tree.townA1, name: '权利甲团支部' });
const admin = await loginAsFrom(ctx, 'org_admin', tree.countyA);
const person = await makePerson(ctx, admin, { branch, town: tree.townA1, fullName: '王晓明' });
const byId = { idNumber: person.idNumber };

const lookup = (client = admin, body: object = byId) => client.post('/api/personal-rights/lookup', body);
const copy = (format: string, client = admin, body: object = byId) =>
  client.post('/api/personal-rights/copy', { ...body, format });

test('a look-up by ID number lists every record of the person, masked, and changes nothing', async () => {
  const before = await tableCounts(ctx);
  const response = await lookup();
  assert.equal(response.statusCode, 200, response.body);
  const summary = response.json<PersonSummary>();
  assert.equal(summary.fullName, '王晓明');
  assert.equal(summary.idMasked, maskIdNumber(person.idNumber));
  assert.deepEqual(summary.records.map((r) => r.kind).sort(), ['applicant', 'cadre', 'contact', 'member']);
  const rows = Object.fromEntries(summary.sections.map((s) => [s.key, s.rows]));
  for (const key of [
    'member',
    'member_events',
    'annual_reviews',
    'member_requests',
    'party_recommendations',
    'applicant',
    'applicant_lectures',
    'applicant_documents',
    'guardian_consents',
    'cadre',
    'cadre_trainings',
    'cadre_assessments',
    'contact',
    'contact_cadres',
    'contact_logs',
  ])
    assert.ok(rows[key] > 0, `section ${key}: ${JSON.stringify(rows)}`);
  assert.equal(rows.applicant_documents, 2);
  assert.deepEqual(summary.erasure, { allowed: true, blockers: [], confirmation: '王晓明' });
  assert.ok(!response.body.includes(person.idNumber) && !response.body.includes(person.phone), 'masked only');
  assert.ok(response.body.includes(maskPhone(person.phone)));
  assert.deepEqual(await tableCounts(ctx), before);
});

test('a phone with the name finds the same person; a phone with another name finds nobody', async () => {
  const byPhone = await lookup(admin, { phone: person.phone, fullName: '王晓明' });
  assert.equal(byPhone.statusCode, 200, byPhone.body);
  const ids = (s: PersonSummary) => s.records.map((r) => `${r.kind}:${r.id}`).sort();
  assert.deepEqual(ids(byPhone.json<PersonSummary>()), ids((await lookup()).json<PersonSummary>()));
  const other = await lookup(admin, { phone: person.phone, fullName: '王晓红' });
  assert.equal(other.statusCode, 404);
  const neither = await lookup(admin, { phone: person.phone });
  assert.equal(neither.statusCode, 400);
});

test('outside the subtree the person answers exactly like nobody; editors, inspectors and operators may not ask', async () => {
  const nobody = await lookup(admin, { idNumber: nextIdNumber() });
  assert.equal(nobody.statusCode, 404);
  for (const client of [
    await loginAsFrom(ctx, 'org_admin', tree.countyB),
    await loginAsFrom(ctx, 'org_admin', tree.townA2),
  ]) {
    for (const call of [
      () => lookup(client),
      () => lookup(client, { phone: person.phone, fullName: '王晓明' }),
      () => copy('json', client),
      () => client.post('/api/personal-rights/erase', { ...byId, confirmation: '王晓明', reason: '本人申请删除' }),
    ]) {
      const response = await call();
      assert.equal(response.statusCode, 404, response.body);
      assert.deepEqual(response.json(), nobody.json());
    }
  }
  for (const role of ['org_editor', 'inspector', 'system_admin', 'security_admin', 'audit_admin'] as const) {
    const client = await loginAsFrom(ctx, role, role.startsWith('org') || role === 'inspector' ? tree.countyA : null);
    const response = await lookup(client);
    assert.equal(response.statusCode, 403, `${role}: ${response.body}`);
    assert.equal((await copy('json', client)).statusCode, 403, role);
  }
  // The township above the person sees them.
  assert.equal((await lookup(await loginAsFrom(ctx, 'org_admin', tree.townA1))).statusCode, 200);
});

test('the JSON copy holds every section with the person’s full ID number and phone, as an attachment', async () => {
  const response = await copy('json');
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-disposition']), /^attachment; .*filename\*=UTF-8''/);
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.match(String(response.headers['content-type']), /application\/json/);
  const body = response.json<{ sections: { key: string; rows: Record<string, unknown>[] }[] }>();
  const section = (key: string) => body.sections.find((s) => s.key === key)!.rows;
  assert.equal(section('member')[0]['身份证号'], person.idNumber);
  assert.equal(section('member')[0]['手机号码'], person.phone);
  assert.equal(section('member')[0]['微信号'], 'wxm-2001');
  assert.equal(section('applicant')[0]['身份证号'], person.idNumber);
  assert.equal(section('cadre')[0]['身份证号'], person.idNumber);
  assert.equal(section('cadre')[0]['手机号码'], person.phone);
  assert.equal(section('contact')[0]['手机号码'], person.phone);
  assert.equal(section('cadre_trainings')[0]['培训名称'], '基层团干部培训班');
  assert.equal(section('cadre_assessments')[0]['等次'], '称职');
  assert.equal(section('annual_reviews')[0]['评议等次'], '优秀');
  assert.equal(section('member_requests')[0]['处理意见'], '经核实仍正常参加组织生活');
  assert.equal(section('applicant_lectures')[0]['题目'], '团的基本知识');
  assert.deepEqual(
    section('applicant_documents')
      .map((d) => d['文件名'])
      .sort(),
    ['入团申请书.pdf', '志愿书.pdf'],
  );
  assert.equal(section('contact_logs')[0]['方式'], '走访');
  assert.equal(section('contact_logs')[0]['备注'], '=1+2 走访', 'JSON keeps the text as it is');
  assert.deepEqual(
    section('contact_cadres').map((c) => c['团干部']),
    [person.neighbourCadre.fullName],
  );
  // A guardian is someone else: their phone stays masked; the youth a cadre keeps in touch with are left out.
  assert.equal(section('guardian_consents')[0]['监护人手机号码'], maskPhone(person.guardianPhone));
  assert.ok(!response.body.includes(person.guardianPhone));
  assert.ok(section('member_events').length >= 1);
});

test('the CSV and xlsx copies hold the same sections, readable by Excel, formulas neutralised', async () => {
  const csv = await copy('csv');
  assert.equal(csv.statusCode, 200, csv.body);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  assert.ok(csv.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'UTF-8 byte-order mark');
  for (const text of [
    '【团员信息】共 1 条',
    '【团干部培训】共 1 条',
    '【联系记录】共 1 条',
    person.idNumber,
    person.phone,
  ])
    assert.ok(csv.body.includes(text), text);
  assert.ok(csv.body.includes("'=1+2 走访"), 'a note starting with = is shown as typed, never evaluated');

  const xlsx = await copy('xlsx');
  assert.equal(xlsx.statusCode, 200);
  assert.match(String(xlsx.headers['content-disposition']), /filename\*=UTF-8''.*\.xlsx$/);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'copy-')), 'copy.xlsx');
  fs.writeFileSync(file, xlsx.rawPayload);
  const sheets = new Map<string, string[][]>();
  for await (const sheet of readXlsxSheets(file)) {
    const rows: string[][] = [];
    for await (const chunk of sheet.chunks) rows.push(...chunk.map((r) => r.cells.map(cellText)));
    sheets.set(sheet.name, rows);
  }
  fs.rmSync(path.dirname(file), { recursive: true });
  assert.equal([...sheets.keys()][0], '说明');
  for (const name of ['团员信息', '入团申请', '团干部信息', '联系青年信息', '监护人同意书', '团员档案时间线'])
    assert.ok(sheets.has(name), `sheet ${name}: ${[...sheets.keys()].join(',')}`);
  const members = sheets.get('团员信息')!;
  assert.equal(members[1][members[0].indexOf('身份证号')], person.idNumber);
  assert.equal(members[1][members[0].indexOf('手机号码')], person.phone);
  assert.equal(sheets.get('联系记录')![1][3], "'=1+2 走访");
});

test('every copy writes one personal.export audit row naming no personal value; the look-up writes none', async () => {
  const rows = async () =>
    ctx.db.selectFrom('audit_log').selectAll().where('action', 'like', 'personal.%').orderBy('id').execute();
  const before = (await rows()).length;
  await lookup();
  assert.equal((await rows()).length, before);
  assert.equal((await copy('json')).statusCode, 200);
  const after = await rows();
  assert.equal(after.length, before + 1);
  const row = after.at(-1)!;
  assert.equal(row.action, 'personal.export');
  assert.equal(row.object_type, 'person');
  assert.equal(row.object_id, `member:${person.memberId}`);
  assert.equal(row.org_id, branch.id);
  const details = row.details ?? '';
  for (const value of [person.idNumber, maskIdNumber(person.idNumber), person.phone, maskPhone(person.phone), '王晓明'])
    assert.ok(!details.includes(value), `audit details hold ${value}: ${details}`);
  assert.match(details, /"format":"json"/);
});

test('a wrong ID number or phone is refused in words that never repeat it', async () => {
  const wrongId = `${person.idNumber.slice(0, 17)}${person.idNumber.endsWith('0') ? '1' : '0'}`;
  for (const body of [{ idNumber: wrongId }, { phone: '12345', fullName: '王晓明' }]) {
    const response = await lookup(admin, body);
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(response.json<{ error: { code: string } }>().error.code, 'validation_failed');
    assert.ok(!response.body.includes(wrongId) && !response.body.includes('12345'), response.body);
  }
  const both = await lookup(admin, { idNumber: person.idNumber, phone: person.phone, fullName: '王晓明' });
  assert.equal(both.statusCode, 400);
});
