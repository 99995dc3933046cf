import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chinaToday } from '../../../common/dates.js';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree, type Client } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeBranch, makeMember } from '../../../test/people-factories.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const year = Number(chinaToday().slice(0, 4)) - 1;
const branch = await makeBranch(ctx, { parent: tree.townA1, name: '评议村团支部' });
const secretary = await loginAsFrom(ctx, 'org_editor', branch);
const county = await loginAsFrom(ctx, 'org_admin', tree.countyA);
const inspector = await loginAsFrom(ctx, 'inspector', tree.countyA);
const otherCounty = await loginAsFrom(ctx, 'org_admin', tree.countyB);
const fullIdPattern = /\d{17}[\dXx]/;

const put = (client: Client, orgId: number, y: number, payload: object) =>
  client.request({ method: 'PUT', url: `/api/orgs/${orgId}/annual-reviews/${y}`, payload });
const register = (client: Client, orgId: number, y: number, memberIds: number[]) =>
  client.post(`/api/orgs/${orgId}/annual-registrations/${y}`, { memberIds });
const audits = (action: string) =>
  ctx.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
const registeredIds = async () =>
  (
    await ctx.db
      .selectFrom('annual_reviews')
      .select('member_id')
      .where('year', '=', year)
      .where('registered_at', 'is not', null)
      .execute()
  ).map((r) => r.member_id);

const good = await makeMember(ctx, { org: branch, fullName: '甲优秀', joinedOn: '2018-05-04' });
const fair = await makeMember(ctx, { org: branch, fullName: '乙基本', joinedOn: '2018-05-04' });
const failing = await makeMember(ctx, { org: branch, fullName: '丙不合格', joinedOn: '2018-05-04' });
const silent = await makeMember(ctx, { org: branch, fullName: '丁未评', joinedOn: '2018-05-04' });
const lapsed = await makeMember(ctx, { org: branch, fullName: '戊脱团', status: 'lapsed', joinedOn: '2018-05-04' });

test('a branch grades its members; the sheet lists every normal member with the summary of the year', async () => {
  const saved = await put(secretary, branch.id, year, {
    entries: [
      { memberId: good.id, grade: 'excellent' },
      { memberId: fair.id, grade: 'basic' },
      { memberId: failing.id, grade: 'unqualified' },
    ],
  });
  assert.equal(saved.statusCode, 200, saved.body);
  assert.equal(saved.json().saved, 3);
  assert.deepEqual(saved.json().summary, {
    year,
    members: 4,
    byGrade: { excellent: 1, qualified: 0, basic: 1, unqualified: 1 },
    registered: 0,
    notReviewed: 1,
  });
  const sheet = await county.get(`/api/orgs/${branch.id}/annual-reviews/${year}?scope=own`);
  assert.equal(sheet.statusCode, 200, sheet.body);
  const body = sheet.json();
  assert.deepEqual(
    body.items.map((i: { fullName: string; grade: string | null; mayRegister: boolean }) => [
      i.fullName,
      i.grade,
      i.mayRegister,
    ]),
    [
      ['丁未评', null, false],
      ['丙不合格', 'unqualified', false],
      ['乙基本', 'basic', true],
      ['甲优秀', 'excellent', true],
    ],
    'the lapsed member is not on the sheet',
  );
  assert.deepEqual(body.abilities, { review: true, register: true });
  assert.doesNotMatch(sheet.body, fullIdPattern);
  const notReviewed = (await county.get(`/api/orgs/${tree.countyA.id}/annual-reviews/${year}?grade=none`)).json();
  assert.deepEqual(
    notReviewed.items.map((i: { memberId: number }) => i.memberId),
    [silent.id],
  );
  assert.deepEqual(notReviewed.abilities, { review: false, register: false }, 'a county is not a branch');
  // A second review of the same year replaces the grade: one row per member and year.
  await put(secretary, branch.id, year, { entries: [{ memberId: fair.id, grade: 'qualified' }] });
  const rows = await ctx.db.selectFrom('annual_reviews').selectAll().where('member_id', '=', fair.id).execute();
  assert.deepEqual(
    rows.map((r) => [r.year, r.grade]),
    [[year, 'qualified']],
  );
  const timeline = (await county.get(`/api/members/${fair.id}/events`)).json();
  assert.deepEqual(
    timeline.items
      .filter((e: { kind: string }) => e.kind === 'annual_review')
      .map((e: { details: { grade: string } }) => e.details.grade),
    ['basic', 'qualified'],
  );
});

test('a 不合格 member or one not reviewed cannot register; the refusal names them and registers nobody', async () => {
  const refused = await register(secretary, branch.id, year, [good.id, failing.id, silent.id]);
  assert.equal(refused.statusCode, 409);
  const error = refused.json().error;
  assert.equal(error.code, 'rule_violation');
  assert.match(error.message, /丙不合格：\d{4} 年度评议为不合格，不能注册/);
  assert.match(error.message, /丁未评：\d{4} 年度尚未评议，评议后才能注册/);
  assert.doesNotMatch(error.message, /甲优秀/);
  assert.deepEqual(await registeredIds(), [], 'all or nothing');

  const before = (await audits('annual_registration.register')).length;
  const done = await register(secretary, branch.id, year, [good.id, fair.id]);
  assert.equal(done.statusCode, 200, done.body);
  assert.equal(done.json().registered, 2);
  assert.equal(done.json().summary.registered, 2);
  assert.deepEqual((await registeredIds()).sort(), [good.id, fair.id].sort());
  assert.equal((await audits('annual_registration.register')).length, before + 1);
  // Registering again changes nothing.
  assert.equal((await register(secretary, branch.id, year, [good.id])).json().registered, 0);
  const registered = (await county.get(`/api/orgs/${branch.id}/annual-reviews/${year}?registered=true`)).json();
  assert.equal(registered.total, 2);
  assert.ok(registered.items.every((i: { registered: boolean }) => i.registered));
  // A registered member cannot be re-graded 不合格.
  const regrade = await put(secretary, branch.id, year, { entries: [{ memberId: good.id, grade: 'unqualified' }] });
  assert.equal(regrade.statusCode, 409);
  assert.match(regrade.json().error.message, /甲优秀：已完成 \d{4} 年度注册，不能改评为不合格/);
});

test('only normal members of the branch, for a year they were members; other orgs and years are refused', async () => {
  const elsewhere = await makeMember(ctx, { org: tree.villageA1, fullName: '己外支部' });
  const newcomer = await makeMember(ctx, { org: branch, fullName: '庚新人', joinedOn: chinaToday() });
  const refused = await put(secretary, branch.id, year, {
    entries: [
      { memberId: lapsed.id, grade: 'qualified' },
      { memberId: elsewhere.id, grade: 'qualified' },
      { memberId: newcomer.id, grade: 'qualified' },
      { memberId: silent.id, grade: 'qualified' },
    ],
  });
  assert.equal(refused.statusCode, 409);
  const message = refused.json().error.message;
  assert.match(message, /戊脱团：团籍状态不是正常/);
  assert.match(message, new RegExp(`编号 ${elsewhere.id}：不是“评议村团支部”的团员`));
  assert.match(message, /庚新人：.* 入团，不参加 \d{4} 年度评议/);
  assert.equal(
    (await ctx.db.selectFrom('annual_reviews').select('id').where('member_id', '=', silent.id).execute()).length,
    0,
    'nothing written',
  );

  const future = await put(secretary, branch.id, year + 2, { entries: [{ memberId: silent.id, grade: 'qualified' }] });
  assert.equal(future.statusCode, 400);
  assert.match(future.json().error.message, /年度不能晚于今年/);
  const notBranch = await put(county, tree.townA1.id, year, { entries: [{ memberId: silent.id, grade: 'qualified' }] });
  assert.equal(notBranch.statusCode, 409);
  assert.match(notBranch.json().error.message, /不是支部/);
  const twice = await put(secretary, branch.id, year, {
    entries: [
      { memberId: silent.id, grade: 'qualified' },
      { memberId: silent.id, grade: 'basic' },
    ],
  });
  assert.equal(twice.statusCode, 400);
  assert.match(twice.json().error.message, /重复/);
});

test('another county reads the branch as missing; an inspector reads but does not write', async () => {
  assert.equal((await otherCounty.get(`/api/orgs/${branch.id}/annual-reviews/${year}`)).statusCode, 404);
  assert.equal(
    (await put(otherCounty, branch.id, year, { entries: [{ memberId: silent.id, grade: 'qualified' }] })).statusCode,
    404,
  );
  assert.equal((await register(otherCounty, branch.id, year, [good.id])).statusCode, 404);
  assert.equal((await inspector.get(`/api/orgs/${branch.id}/annual-reviews/${year}`)).statusCode, 200);
  assert.equal(
    (await put(inspector, branch.id, year, { entries: [{ memberId: silent.id, grade: 'qualified' }] })).statusCode,
    403,
  );
});
