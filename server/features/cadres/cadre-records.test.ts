import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, chinaToday } from '../../../common/dates.js';
import { addYears, maskIdNumber } from '../../../common/id-number.js';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeCadre } from '../../../test/ledger-factories.js';
import { makeMember, nextIdNumber } from '../../../test/people-factories.js';
import { idNumberIndex } from '../../personal-data/id-number.js';
import { notRegisteredMessage } from './identity.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const today = chinaToday();
const admin = await loginAsFrom(ctx, 'org_admin', tree.countyA);
const editor = await loginAsFrom(ctx, 'org_editor', tree.countyA);
const inspector = await loginAsFrom(ctx, 'inspector', tree.countyA);
const otherCounty = await loginAsFrom(ctx, 'org_admin', tree.countyB);
const fullIdPattern = /\d{17}[\dXx]/;
const year = Number(today.slice(0, 4));

const cadreBody = (overrides: Record<string, unknown> = {}) => ({
  orgId: tree.townA1.id,
  fullName: '周干部',
  post: '副书记',
  kind: 'part_time',
  ...overrides,
});
const idIndexCount = async (idNumber: string) => {
  const index = idNumberIndex(ctx.app.keyring, idNumber);
  const members = await ctx.db.selectFrom('members').select('id').where('id_index', '=', index).execute();
  const cadres = await ctx.db.selectFrom('cadres').select('id').where('id_index', '=', index).execute();
  return members.length + cadres.length;
};

test('a cadre under 28 is a member: without a member record the entry is refused', async () => {
  const idNumber = nextIdNumber({ birthDate: addYears(today, -24) });
  const before = await ctx.db.selectFrom('cadres').select('id').execute();
  const refused = await editor.post('/api/cadres', cadreBody({ idNumber }));
  assert.equal(refused.statusCode, 409);
  assert.equal(refused.json().error.code, 'rule_violation');
  assert.equal(refused.json().error.message, notRegisteredMessage);
  assert.equal(refused.json().error.message, '未满28周岁的团干部也是团员，请先在团员名册中登记');
  assert.doesNotMatch(refused.body, fullIdPattern);
  assert.equal((await ctx.db.selectFrom('cadres').select('id').execute()).length, before.length, 'nothing written');
});

test('a cadre under 28 is linked to the member record; the ID number is stored once', async () => {
  const member = await makeMember(ctx, { org: tree.villageA1, fullName: '吴青年', birthDate: addYears(today, -25) });
  const created = await editor.post(
    '/api/cadres',
    cadreBody({ fullName: '吴青年', idNumber: member.idNumber, termStart: '2024-01-01', termEnd: '2026-12-31' }),
  );
  assert.equal(created.statusCode, 201, created.body);
  const cadre = created.json();
  assert.equal(cadre.memberId, member.id);
  assert.equal(cadre.idMasked, maskIdNumber(member.idNumber));
  assert.equal(cadre.age, 25);
  assert.equal(cadre.birthDate, addYears(today, -25));
  assert.deepEqual([cadre.termStart, cadre.termEnd, cadre.inReserve], ['2024-01-01', '2026-12-31', false]);
  assert.doesNotMatch(created.body, fullIdPattern);
  const row = await ctx.db.selectFrom('cadres').selectAll().where('id', '=', cadre.id).executeTakeFirstOrThrow();
  assert.deepEqual([row.id_cipher, row.id_index, row.id_masked, row.birth_date], [null, null, null, null]);
  assert.equal(await idIndexCount(member.idNumber), 1, 'the ID number lives on the member record only');

  const misnamed = await editor.post('/api/cadres', cadreBody({ fullName: '别人', idNumber: member.idNumber }));
  assert.equal(misnamed.statusCode, 409);
  assert.match(misnamed.json().error.message, /姓名与团员名册中该身份证号登记的姓名不一致/);
  const twice = await editor.post('/api/cadres', cadreBody({ fullName: '吴青年', idNumber: member.idNumber }));
  assert.equal(twice.statusCode, 409);
  assert.match(twice.json().error.message, /已是该组织的在任团干部/);
  // The same person may hold a post in another org, still without a second copy of the number.
  const elsewhere = await editor.post(
    '/api/cadres',
    cadreBody({ orgId: tree.villageA1.id, fullName: '吴青年', post: '书记', idNumber: member.idNumber }),
  );
  assert.equal(elsewhere.statusCode, 201, elsewhere.body);
  assert.equal(await idIndexCount(member.idNumber), 1);
});

test('a cadre of 28 or more keeps the protected ID number on the cadre row', async () => {
  const idNumber = nextIdNumber({ birthDate: '1985-03-02', sex: 'male' });
  const created = await editor.post('/api/cadres', cadreBody({ fullName: '郑书记', idNumber: ` ${idNumber} ` }));
  assert.equal(created.statusCode, 201, created.body);
  const cadre = created.json();
  assert.equal(cadre.memberId, null);
  assert.equal(cadre.idMasked, maskIdNumber(idNumber));
  assert.equal(cadre.birthDate, '1985-03-02');
  const row = await ctx.db.selectFrom('cadres').selectAll().where('id', '=', cadre.id).executeTakeFirstOrThrow();
  assert.ok(row.id_cipher && !row.id_cipher.includes(idNumber));
  assert.equal(await idIndexCount(idNumber), 1);
  const audit = await ctx.db
    .selectFrom('audit_log')
    .select('details')
    .where('action', '=', 'cadre.create')
    .where('object_id', '=', String(cadre.id))
    .executeTakeFirstOrThrow();
  assert.doesNotMatch(audit.details ?? '', fullIdPattern);

  const wrong = await editor.post(
    '/api/cadres',
    cadreBody({ idNumber: `${idNumber.slice(0, 17)}${idNumber[17] === '1' ? '2' : '1'}` }),
  );
  assert.equal(wrong.statusCode, 400);
  assert.match(wrong.json().error.message, /校验位/);
  assert.doesNotMatch(wrong.body, fullIdPattern);

  // Clearing the number removes it; setting it again links or stores it by the same rules.
  const cleared = await editor.patch(`/api/cadres/${cadre.id}`, { idNumber: null });
  assert.equal(cleared.json().idMasked, null);
  assert.equal(await idIndexCount(idNumber), 0);
  const young = nextIdNumber({ birthDate: addYears(today, -20) });
  const refused = await editor.patch(`/api/cadres/${cadre.id}`, { idNumber: young });
  assert.equal(refused.statusCode, 409);
  assert.equal(refused.json().error.message, notRegisteredMessage);
});

test('terms, the reserve pool and its filter', async () => {
  const reversed = await editor.post('/api/cadres', cadreBody({ termStart: '2025-01-01', termEnd: '2024-01-01' }));
  assert.equal(reversed.statusCode, 400);
  assert.match(reversed.json().error.message, /任期结束日期不能早于开始日期/);
  const ended = await editor.post(
    '/api/cadres',
    cadreBody({ fullName: '冯后备', termStart: '2020-01-01', termEnd: addDays(today, -1), inReserve: true }),
  );
  assert.equal(ended.statusCode, 201, ended.body);
  assert.equal(ended.json().termEnded, true);
  assert.equal(ended.json().inReserve, true);
  const patchReversed = await editor.patch(`/api/cadres/${ended.json().id}`, { termStart: today });
  assert.equal(patchReversed.statusCode, 400, 'the stored end is now before the new start');
  const pool = (await inspector.get(`/api/orgs/${tree.countyA.id}/cadres?includeSubtree=true&inReserve=true`)).json();
  assert.deepEqual(
    pool.items.map((c: { fullName: string }) => c.fullName),
    ['冯后备'],
  );
  const out = await editor.patch(`/api/cadres/${ended.json().id}`, { inReserve: false });
  assert.equal(out.json().inReserve, false);
  const audit = await ctx.db
    .selectFrom('audit_log')
    .select('details')
    .where('action', '=', 'cadre.update')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  assert.deepEqual(JSON.parse(audit.details!), { fields: ['inReserve'], inReserve: { from: true, to: false } });
  assert.equal(
    (await inspector.get(`/api/orgs/${tree.countyA.id}/cadres?includeSubtree=true&inReserve=true`)).json().total,
    0,
  );
});

test('the detail holds trainings and one assessment per year', async () => {
  const cadre = await makeCadre(ctx, { org: tree.townA2, fullName: '陈培训' });
  const training = await editor.post(`/api/cadres/${cadre.id}/trainings`, {
    title: '基层团干部示范培训班',
    organizer: '团省委',
    startOn: '2025-06-02',
    endOn: '2025-06-06',
    hours: 32,
  });
  assert.equal(training.statusCode, 201, training.body);
  assert.equal(training.json().hours, 32);
  const backwards = await editor.post(`/api/cadres/${cadre.id}/trainings`, {
    title: '倒序',
    startOn: '2025-06-02',
    endOn: '2025-06-01',
  });
  assert.equal(backwards.statusCode, 400);
  const assess = (y: number, payload: object) =>
    editor.request({ method: 'PUT', url: `/api/cadres/${cadre.id}/assessments/${y}`, payload });
  assert.equal((await assess(year - 1, { grade: 'competent' })).statusCode, 200);
  const regraded = await assess(year - 1, { grade: 'excellent', note: '表现突出' });
  assert.deepEqual([regraded.json().grade, regraded.json().note], ['excellent', '表现突出']);
  assert.equal((await assess(year - 2, { grade: 'basic' })).statusCode, 200);
  const future = await assess(year + 1, { grade: 'basic' });
  assert.equal(future.statusCode, 400);
  assert.match(future.json().error.message, /年度不能晚于今年/);
  const detail = (await inspector.get(`/api/cadres/${cadre.id}`)).json();
  assert.deepEqual(
    detail.trainings.map((t: { title: string }) => t.title),
    ['基层团干部示范培训班'],
  );
  assert.deepEqual(
    detail.assessments.map((a: { year: number; grade: string }) => [a.year, a.grade]),
    [
      [year - 1, 'excellent'],
      [year - 2, 'basic'],
    ],
  );
  assert.equal((await otherCounty.get(`/api/cadres/${cadre.id}`)).statusCode, 404);
  assert.equal(
    (await otherCounty.post(`/api/cadres/${cadre.id}/trainings`, { title: 'x', startOn: '2025-01-01' })).statusCode,
    404,
  );
  assert.equal(
    (await inspector.post(`/api/cadres/${cadre.id}/trainings`, { title: 'x', startOn: '2025-01-01' })).statusCode,
    403,
  );
});

test('revealing a cadre ID number reads the member record when linked, and is audited', async () => {
  const member = await makeMember(ctx, { org: tree.villageA1, fullName: '褚委员', birthDate: addYears(today, -22) });
  const cadre = (await editor.post('/api/cadres', cadreBody({ fullName: '褚委员', idNumber: member.idNumber }))).json();
  assert.equal(cadre.abilities.revealIdNumber, false, 'editors do not reveal');
  assert.equal((await editor.post(`/api/cadres/${cadre.id}/reveal-id`)).statusCode, 403);
  assert.equal((await otherCounty.post(`/api/cadres/${cadre.id}/reveal-id`)).statusCode, 404);
  const before = await ctx.db.selectFrom('audit_log').select('id').where('action', '=', 'personal.reveal').execute();
  const revealed = await admin.post(`/api/cadres/${cadre.id}/reveal-id`);
  assert.equal(revealed.statusCode, 200, revealed.body);
  assert.deepEqual(revealed.json(), { idNumber: member.idNumber });
  const rows = await ctx.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', 'personal.reveal')
    .orderBy('id')
    .execute();
  assert.equal(rows.length, before.length + 1);
  assert.deepEqual([rows.at(-1)!.object_type, rows.at(-1)!.object_id], ['member', String(member.id)]);
  assert.doesNotMatch(JSON.stringify(rows.at(-1)), fullIdPattern);
  const none = await makeCadre(ctx, { org: tree.townA1 });
  assert.equal((await admin.post(`/api/cadres/${none.id}/reveal-id`)).statusCode, 404);
});
