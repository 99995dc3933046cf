import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chinaToday } from '../../../common/dates.js';
import { addYears } from '../../../common/id-number.js';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree, type Client } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeCadre } from '../../../test/ledger-factories.js';
import { makeBranch, makeMember, nextIdNumber } from '../../../test/people-factories.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const branch = await makeBranch(ctx, { parent: tree.townA1, name: '甲一镇申请团支部' });
const editor = await loginAsFrom(ctx, 'org_editor', branch);
const branchAdmin = await loginAsFrom(ctx, 'org_admin', branch);
const townAdmin = await loginAsFrom(ctx, 'org_admin', tree.townA1);
const otherTownAdmin = await loginAsFrom(ctx, 'org_admin', tree.townB1);
const inspector = await loginAsFrom(ctx, 'inspector', tree.countyA);
const today = chinaToday();
const fullIdPattern = /\d{17}[\dXx]/;

type Item = { id: number; status: string; abilities: Record<string, boolean> };

async function stats(client: Client) {
  return (await client.get(`/api/orgs/${branch.id}/member-stats`)).json<{ byStatus: Record<string, number> }>()
    .byStatus;
}

async function awaiting(client: Client, kind: string): Promise<number[]> {
  const response = await client.get(`/api/member-requests?awaiting=true&kind=${kind}&pageSize=100`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ items: Item[] }>().items.map((r) => r.id);
}

test('a status change is approved by the org above the branch, never by the branch itself, and then applies', async () => {
  const member = await makeMember(ctx, { org: branch, fullName: '孙变' });
  const before = await stats(townAdmin);
  const requested = await editor.post(`/api/members/${member.id}/status-requests`, {
    toStatus: 'lapsed',
    reason: '连续 6 个月未参加组织生活',
  });
  assert.equal(requested.statusCode, 201, requested.body);
  const request = requested.json<Item & { memberStatus: string; toStatus: string }>();
  assert.deepEqual([request.memberStatus, request.toStatus, request.status], ['normal', 'lapsed', 'pending']);
  assert.deepEqual(request.abilities, { approve: false, reject: false, withdraw: true });
  // One pending request per member; the same status again is refused.
  const second = await editor.post(`/api/members/${member.id}/status-requests`, {
    toStatus: 'withdrawn',
    reason: '又一次',
  });
  assert.equal(second.statusCode, 409);
  assert.match(second.json().error.message, /待审批/);

  const own = await branchAdmin.post(`/api/member-requests/${request.id}/approve`, {});
  assert.equal(own.statusCode, 403, 'the branch cannot approve its own request');
  assert.match(own.json().error.message, /上级团组织审批/);
  assert.ok(!(await awaiting(branchAdmin, 'status')).includes(request.id));
  assert.equal((await otherTownAdmin.post(`/api/member-requests/${request.id}/approve`, {})).statusCode, 404);
  assert.equal((await inspector.post(`/api/member-requests/${request.id}/approve`, {})).statusCode, 403);
  assert.ok((await awaiting(townAdmin, 'status')).includes(request.id));
  const listed = (await townAdmin.get(`/api/member-requests?q=孙&status=pending`)).json<{ items: Item[] }>();
  assert.equal(listed.items[0].abilities.approve, true);

  const approved = await townAdmin.post(`/api/member-requests/${request.id}/approve`, { note: '同意' });
  assert.equal(approved.statusCode, 200, approved.body);
  assert.equal(approved.json().status, 'approved');
  assert.equal(approved.json().decisionNote, '同意');
  assert.equal((await editor.get(`/api/members/${member.id}`)).json().membershipStatus, 'lapsed');
  const after = await stats(townAdmin);
  assert.equal(after.normal, before.normal - 1);
  assert.equal(after.lapsed, before.lapsed + 1);
  const events = (await editor.get(`/api/members/${member.id}/events`)).json<{
    items: { kind: string; details: Record<string, unknown> }[];
  }>().items;
  assert.deepEqual(
    events.map((e) => e.kind),
    ['status_requested', 'status_changed'],
  );
  assert.deepEqual(events[1].details, { requestId: request.id, from: 'normal', to: 'lapsed' });
  const audit = await ctx.db
    .selectFrom('audit_log')
    .select('details')
    .where('action', '=', 'member.status_change')
    .where('object_id', '=', String(member.id))
    .execute();
  assert.equal(audit.length, 1);
  assert.equal((await townAdmin.post(`/api/member-requests/${request.id}/approve`, {})).statusCode, 409);
});

test('a rejection must say why; only the requester withdraws', async () => {
  const member = await makeMember(ctx, { org: branch });
  const request = (
    await editor.post(`/api/members/${member.id}/status-requests`, { toStatus: 'withdrawn', reason: '本人申请退团' })
  ).json<Item>();
  assert.equal((await townAdmin.post(`/api/member-requests/${request.id}/reject`, {})).statusCode, 400);
  assert.equal((await branchAdmin.post(`/api/member-requests/${request.id}/withdraw`)).statusCode, 403);
  const withdrawn = await editor.post(`/api/member-requests/${request.id}/withdraw`);
  assert.equal(withdrawn.json().status, 'withdrawn');
  const again = (
    await editor.post(`/api/members/${member.id}/status-requests`, { toStatus: 'withdrawn', reason: '本人再次申请' })
  ).json<Item>();
  const rejected = await townAdmin.post(`/api/member-requests/${again.id}/reject`, { note: '未见本人书面申请' });
  assert.equal(rejected.json().status, 'rejected');
  assert.equal(rejected.json().decisionNote, '未见本人书面申请');
  assert.equal((await editor.get(`/api/members/${member.id}`)).json().membershipStatus, 'normal');
  const same = await editor.post(`/api/members/${member.id}/status-requests`, { toStatus: 'normal', reason: '无' });
  assert.equal(same.statusCode, 409);
  assert.match(same.json().error.message, /已是“正常”/);
});

test('the age-out batch is all or nothing: under 28 or a cadre post refuses the batch, naming the member', async () => {
  const old = await makeMember(ctx, { org: branch, fullName: '满龄', birthDate: addYears(today, -29) });
  const young = await makeMember(ctx, { org: branch, fullName: '年轻', birthDate: addYears(today, -25) });
  const secretary = await makeMember(ctx, { org: branch, fullName: '书记', birthDate: addYears(today, -30) });
  const cadre = await makeCadre(ctx, { org: branch, fullName: '书记', post: '书记' });
  await ctx.db.updateTable('cadres').set({ member_id: secretary.id }).where('id', '=', cadre.id).execute();
  const countRequests = async () => (await ctx.db.selectFrom('member_requests').select('id').execute()).length;
  const before = await countRequests();

  const withYoung = await editor.post('/api/member-requests/batch', {
    memberIds: [old.id, young.id],
    toStatus: 'aged_out',
    reason: '满 28 周岁',
  });
  assert.equal(withYoung.statusCode, 409, withYoung.body);
  assert.equal(withYoung.json().error.code, 'rule_violation');
  const refused = withYoung.json().error.details.refused as { memberId: number; reason: string }[];
  assert.deepEqual(
    refused.map((r) => r.memberId),
    [young.id],
  );
  assert.match(refused[0].reason, new RegExp(`未满 28 周岁（${addYears(today, 3)} 满 28 周岁）`));
  assert.match(withYoung.json().error.message, /年轻/);

  const withCadre = await editor.post('/api/member-requests/batch', {
    memberIds: [old.id, secretary.id],
    toStatus: 'aged_out',
    reason: '满 28 周岁',
  });
  assert.equal(withCadre.statusCode, 409);
  assert.match(withCadre.json().error.message, /现任团干部（书记）/);
  assert.equal(await countRequests(), before, 'a refused batch writes nothing');

  const accepted = await editor.post('/api/member-requests/batch', {
    memberIds: [old.id],
    toStatus: 'aged_out',
    reason: '满 28 周岁',
  });
  assert.equal(accepted.statusCode, 201, accepted.body);
  const [id] = accepted.json<{ ids: number[] }>().ids;
  assert.equal((await townAdmin.post(`/api/member-requests/${id}/approve`, {})).statusCode, 200);
  assert.equal((await editor.get(`/api/members/${old.id}`)).json().membershipStatus, 'aged_out');
  // A single request follows the same rule.
  const single = await editor.post(`/api/members/${young.id}/status-requests`, {
    toStatus: 'aged_out',
    reason: '离团',
  });
  assert.equal(single.statusCode, 409);
  // Members outside the actor's subtree read as missing.
  const stranger = await makeMember(ctx, { org: tree.villageB1 });
  const outside = await editor.post('/api/member-requests/batch', {
    memberIds: [stranger.id],
    toStatus: 'lapsed',
    reason: '失联',
  });
  assert.equal(outside.statusCode, 404);
});

test('a corrected ID number re-derives birth date and sex; nothing plain reaches the audit log or the timeline', async () => {
  const oldId = nextIdNumber({ birthDate: '2001-06-15', sex: 'male' });
  const member = await makeMember(ctx, { org: branch, fullName: '钱错', idNumber: oldId, joinedOn: '2016-05-04' });
  const newId = nextIdNumber({ birthDate: '2002-03-04', sex: 'female' });
  const requested = await editor.post(`/api/members/${member.id}/corrections`, {
    fullName: '钱对',
    idNumber: newId,
    reason: '录入时身份证号有误',
  });
  assert.equal(requested.statusCode, 201, requested.body);
  assert.equal(requested.json().newName, '钱对');
  assert.equal(requested.json().newIdMasked, `${newId.slice(0, 4)}**********${newId.slice(-4)}`);
  assert.doesNotMatch(requested.body, fullIdPattern);
  assert.equal((await branchAdmin.post(`/api/member-requests/${requested.json().id}/approve`, {})).statusCode, 403);
  assert.ok((await awaiting(townAdmin, 'correction')).includes(requested.json().id));
  const approved = await townAdmin.post(`/api/member-requests/${requested.json().id}/approve`, {});
  assert.equal(approved.statusCode, 200, approved.body);
  const detail = (await editor.get(`/api/members/${member.id}`)).json();
  assert.equal(detail.fullName, '钱对');
  assert.equal(detail.birthDate, '2002-03-04');
  assert.equal(detail.sex, 'female');
  assert.equal(detail.idMasked, `${newId.slice(0, 4)}**********${newId.slice(-4)}`);
  // The new number is the one the search finds.
  assert.equal((await editor.get(`/api/members?orgId=${branch.id}&q=${newId}`)).json().total, 1);
  const events = (await editor.get(`/api/members/${member.id}/events`)).json().items as {
    kind: string;
    details: Record<string, unknown>;
  }[];
  const corrected = events.find((e) => e.kind === 'corrected')!;
  assert.deepEqual(corrected.details.fields, ['fullName', 'idNumber']);
  assert.deepEqual(corrected.details.birthDate, { from: '2001-06-15', to: '2002-03-04' });
  const audit = await ctx.db.selectFrom('audit_log').select(['action', 'details']).execute();
  const text = JSON.stringify(audit) + JSON.stringify(events);
  for (const id of [oldId, newId]) assert.ok(!text.includes(id), 'no plain ID number in the audit log or timeline');
  const stored = await ctx.db.selectFrom('member_requests').selectAll().execute();
  assert.ok(!JSON.stringify(stored).includes(newId), 'the request keeps the new number only protected');
});

test('a correction is refused when it changes nothing, breaks the join age or takes another member’s number', async () => {
  const member = await makeMember(ctx, { org: branch, fullName: '李某', joinedOn: '2018-05-04' });
  const holder = await makeMember(ctx, { org: tree.villageB1, fullName: '别人' });
  const cases: [Record<string, unknown>, number, string, RegExp][] = [
    [{ fullName: '李某' }, 409, 'rule_violation', /没有需要更正/],
    [{ idNumber: member.idNumber }, 409, 'rule_violation', /没有需要更正/],
    [{ idNumber: '6.10102E+17' }, 400, 'validation_failed', /Excel/],
    [{ idNumber: nextIdNumber({ birthDate: '2008-01-01' }) }, 409, 'rule_violation', /未满 13 周岁/],
    [{ idNumber: holder.idNumber }, 409, 'duplicate_person', /“乙一村团支部”登记/],
  ];
  for (const [fields, status, code, message] of cases) {
    const response = await editor.post(`/api/members/${member.id}/corrections`, { ...fields, reason: '更正' });
    assert.equal(response.statusCode, status, `${JSON.stringify(fields)}: ${response.body}`);
    assert.equal(response.json().error.code, code);
    assert.match(response.json().error.message, message);
    assert.doesNotMatch(response.body, fullIdPattern);
  }
  assert.equal((await editor.post(`/api/members/${member.id}/corrections`, { reason: '更正' })).statusCode, 400);
  assert.equal(
    (await ctx.db.selectFrom('member_requests').select('id').where('member_id', '=', member.id).execute()).length,
    0,
  );
});

test('two status requests for the same member at the same moment: one waits for approval, the other is refused', async () => {
  const member = await makeMember(ctx, { org: branch });
  const answers = await Promise.all([
    editor.post(`/api/members/${member.id}/status-requests`, { toStatus: 'lapsed', reason: '失联' }),
    branchAdmin.post(`/api/members/${member.id}/status-requests`, { toStatus: 'withdrawn', reason: '本人申请' }),
  ]);
  assert.deepEqual(answers.map((r) => r.statusCode).sort(), [201, 409]);
  const pending = await ctx.db.selectFrom('member_requests').select('id').where('member_id', '=', member.id).execute();
  assert.equal(pending.length, 1);
});
