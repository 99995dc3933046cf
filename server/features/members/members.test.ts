import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addYears } from '../../../common/id-number.js';
import { chinaToday } from '../../../common/dates.js';
import { loginAs, makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeBranch, makeMember, nextIdNumber } from '../../../test/people-factories.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const branchA = tree.villageA1;
const branchB = tree.villageB1;
const countyAdmin = await loginAs(ctx, 'org_admin', tree.countyA);
const editorA = await loginAs(ctx, 'org_editor', branchA);
const editorB = await loginAs(ctx, 'org_editor', branchB);
const fullIdPattern = /\d{17}[\dXx]/;

function memberBody(overrides: Record<string, unknown> = {}) {
  return { orgId: branchA.id, fullName: '李青', idNumber: nextIdNumber(), joinedOn: '2020-05-04', ...overrides };
}

test('a member is registered with the birth date and sex derived from the ID number, which leaves only masked', async () => {
  const idNumber = nextIdNumber({ birthDate: '2003-08-09', sex: 'female' });
  const response = await editorA.post('/api/members', memberBody({ idNumber, phone: '139 1234 5678', sex: 'female' }));
  assert.equal(response.statusCode, 201, response.body);
  const member = response.json();
  assert.equal(member.birthDate, '2003-08-09');
  assert.equal(member.sex, 'female');
  assert.equal(member.idMasked, `${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`);
  assert.equal(member.phoneMasked, '139****5678');
  assert.equal(member.ageOutOn, '2031-08-09');
  assert.doesNotMatch(response.body, fullIdPattern);
  const list = await countyAdmin.get(`/api/members?orgId=${tree.countyA.id}&q=李青`);
  assert.equal(list.json().total, 1);
  assert.doesNotMatch(list.body, fullIdPattern);
  const stats = (await countyAdmin.get(`/api/orgs/${tree.countyA.id}/member-stats`)).json();
  assert.equal(stats.byStatus.normal >= 1, true);
  const timeline = (await countyAdmin.get(`/api/members/${member.id}/events`)).json();
  assert.deepEqual(
    timeline.items.map((e: { kind: string }) => e.kind),
    ['created'],
  );
});

test('wrong ID numbers are refused with a message that says what is wrong', async () => {
  const valid = nextIdNumber({ birthDate: '2004-02-10', sex: 'male' });
  const wrongCheck = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['check digit', { idNumber: wrongCheck }, /校验位/],
    ['impossible date', { idNumber: '610102200402300011' }, /不存在/],
    ['scientific notation', { idNumber: '6.10102E+17' }, /Excel/],
    ['birth date disagrees', { idNumber: valid, birthDate: '2004-02-11' }, /不一致/],
    ['sex disagrees', { idNumber: valid, sex: 'female' }, /性别/],
    ['member number year', { idNumber: valid, memberNo: '201912345678' }, /入团年份 2020/],
  ];
  for (const [name, overrides, message] of cases) {
    const response = await editorA.post('/api/members', memberBody(overrides));
    assert.equal(response.statusCode, 400, `${name}: ${response.body}`);
    assert.match(response.json().error.message, message, name);
    assert.doesNotMatch(response.body, fullIdPattern, `${name}: the message never repeats the number`);
  }
  const tooYoung = await editorA.post(
    '/api/members',
    memberBody({ idNumber: nextIdNumber({ birthDate: '2010-06-01' }), joinedOn: '2022-06-01' }),
  );
  assert.equal(tooYoung.statusCode, 409);
  assert.match(tooYoung.json().error.message, /未满 13 周岁/);
  const notBranch = await countyAdmin.post('/api/members', memberBody({ orgId: tree.townA1.id }));
  assert.equal(notBranch.json().error.code, 'rule_violation');
});

test('under 14 a guardian consent is required and kept with its version', async () => {
  const birthDate = addYears(chinaToday(), -13);
  const body = memberBody({ idNumber: nextIdNumber({ birthDate }), joinedOn: chinaToday() });
  const refused = await editorA.post('/api/members', body);
  assert.equal(refused.statusCode, 409);
  assert.match(refused.json().error.message, /监护人/);
  const accepted = await editorA.post('/api/members', {
    ...body,
    joinedOn: chinaToday(),
    guardianConsent: { guardianName: '李父', relation: '父亲', signedOn: chinaToday() },
  });
  // Joined at 13 is allowed; under 13 is not.
  assert.equal(accepted.statusCode, 201, accepted.body);
  assert.equal(accepted.json().guardianConsent.relation, '父亲');
  assert.ok(accepted.json().guardianConsent.consentVersion);
});

test('the same ID number in a second org opens a duplicate case both sides see, and overwrites nothing', async () => {
  const holder = await makeMember(ctx, { org: branchA, fullName: '王原' });
  const response = await editorB.post(
    '/api/members',
    memberBody({ orgId: branchB.id, fullName: '王重', idNumber: holder.idNumber }),
  );
  assert.equal(response.statusCode, 409);
  assert.equal(response.json().error.code, 'duplicate_person');
  assert.match(response.json().error.message, /甲一村团支部/);
  const kept = await ctx.db.selectFrom('members').selectAll().where('id', '=', holder.id).executeTakeFirstOrThrow();
  assert.equal(kept.full_name, '王原');
  assert.equal(kept.org_id, branchA.id);
  const cases = await ctx.db.selectFrom('member_duplicates').selectAll().where('member_id', '=', holder.id).execute();
  assert.equal(cases.length, 1);
  assert.equal(cases[0].claimant_org_id, branchB.id);
  assert.equal(cases[0].status, 'pending');
  // A second attempt reuses the open case.
  await editorB.post('/api/members', memberBody({ orgId: branchB.id, fullName: '王重', idNumber: holder.idNumber }));
  assert.equal(
    (await ctx.db.selectFrom('member_duplicates').select('id').where('member_id', '=', holder.id).execute()).length,
    1,
  );
});

test('search by name prefix, full ID number or phone; filters by status and age band; scope is the subtree', async () => {
  const branch = await makeBranch(ctx, { parent: tree.townA2 });
  const young = await makeMember(ctx, { org: branch, fullName: '赵小', birthDate: addYears(chinaToday(), -16) });
  const old = await makeMember(ctx, {
    org: branch,
    fullName: '赵大',
    birthDate: addYears(chinaToday(), -28).replace(/-\d\d$/, '-01'),
  });
  await makeMember(ctx, { org: branch, fullName: '钱某', status: 'lapsed' });
  const list = (query: string) => countyAdmin.get(`/api/members?orgId=${branch.id}&${query}`);
  assert.deepEqual(
    (await list('q=赵')).json().items.map((m: { fullName: string }) => m.fullName),
    ['赵大', '赵小'],
  );
  assert.equal((await list(`q=${young.idNumber}`)).json().items[0].id, young.id);
  assert.equal((await list(`q=${old.phone}`)).json().items[0].id, old.id);
  assert.equal((await list('status=lapsed')).json().total, 1);
  assert.equal((await list('')).json().total, 3, 'the unfiltered total (from the maintained counts)');
  assert.equal((await list('status=normal')).json().total, 2);
  assert.deepEqual(
    (await list('ageBand=14_17')).json().items.map((m: { id: number }) => m.id),
    [young.id],
  );
  const due = (await list('ageBand=age_out_due')).json();
  assert.deepEqual(
    due.items.map((m: { id: number }) => m.id),
    [old.id],
  );
  assert.equal(due.items[0].ageOutDue, true);
  // Another county's members read as missing.
  assert.equal((await editorB.get(`/api/members/${young.id}`)).statusCode, 404);
  assert.equal((await editorB.get(`/api/members?orgId=${branch.id}`)).statusCode, 404);
});

test('reveal needs the permission and leaves one audit row; the profile update is audited without values', async () => {
  const member = await makeMember(ctx, { org: branchA });
  assert.equal((await editorA.post(`/api/members/${member.id}/reveal-id`)).statusCode, 403);
  const revealed = await countyAdmin.post(`/api/members/${member.id}/reveal-id`);
  assert.equal(revealed.json().idNumber, member.idNumber);
  const audit = await ctx.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', 'personal.reveal')
    .where('object_id', '=', String(member.id))
    .execute();
  assert.equal(audit.length, 1);
  assert.doesNotMatch(JSON.stringify(audit), fullIdPattern);
  const updated = await editorA.patch(`/api/members/${member.id}`, { education: '大学本科', phone: '13700001111' });
  assert.equal(updated.statusCode, 200, updated.body);
  assert.equal(updated.json().phoneMasked, '137****1111');
  const row = await ctx.db
    .selectFrom('audit_log')
    .select('details')
    .where('action', '=', 'member.update')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  assert.doesNotMatch(row.details ?? '', /13700001111/);
  assert.match(row.details ?? '', /大学本科/);
});
