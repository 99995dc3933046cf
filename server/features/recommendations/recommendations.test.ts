import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, chinaToday } from '../../../common/dates.js';
import { addMonths, addYears } from '../../../common/id-number.js';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeBranch, makeMember, type TestMember } from '../../../test/people-factories.js';
import type { OrgRow } from '../orgs/repo.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const today = chinaToday();
const roundDay = addDays(today, -60);
const laterDay = addDays(today, -10);
const fullIdPattern = /\d{17}[\dXx]/;

async function branchOf(size: number, name: string): Promise<{ branch: OrgRow; members: TestMember[] }> {
  const branch = await makeBranch(ctx, { parent: tree.townA1, name });
  const members: TestMember[] = [];
  for (let i = 1; i <= size; i += 1) {
    members.push(
      await makeMember(ctx, { org: branch, fullName: `${name.slice(0, 1)}团员${i}`, joinedOn: '2019-05-04' }),
    );
  }
  return { branch, members };
}

const ten = await branchOf(10, '推优村团支部');
const branchAdmin = await loginAsFrom(ctx, 'org_admin', ten.branch);
const township = await loginAsFrom(ctx, 'org_admin', tree.townA1);
const editor = await loginAsFrom(ctx, 'org_editor', tree.townA1);
const otherCounty = await loginAsFrom(ctx, 'org_admin', tree.countyB);
const recommend = (client = editor, orgId: number, recommendedOn: string, memberIds: number[]) =>
  client.post(`/api/orgs/${orgId}/party-recommendations`, { recommendedOn, memberIds });
const rowsOf = (orgId: number) =>
  ctx.db.selectFrom('party_recommendations').selectAll().where('org_id', '=', orgId).execute();

test('a round of a 10-member branch recommends two; the third of the same round is refused by the 20% rule', async () => {
  const [a, b, c] = ten.members;
  const first = await recommend(editor, ten.branch.id, roundDay, [a.id, b.id]);
  assert.equal(first.statusCode, 201, first.body);
  const items = first.json().items;
  assert.deepEqual(
    items.map((i: { fullName: string; validUntil: string; valid: boolean }) => [i.fullName, i.validUntil, i.valid]),
    [
      [a.fullName, addYears(roundDay, 2), true],
      [b.fullName, addYears(roundDay, 2), true],
    ],
  );
  assert.doesNotMatch(first.body, fullIdPattern);
  const third = await recommend(editor, ten.branch.id, roundDay, [c.id]);
  assert.equal(third.statusCode, 409);
  assert.equal(third.json().error.code, 'rule_violation');
  assert.match(
    third.json().error.message,
    new RegExp(`${c.fullName}：超出本轮推优名额：支部正常团员 10 人，每轮最多推荐 20% 即 2 人`),
  );
  assert.equal((await rowsOf(ten.branch.id)).length, 2, 'nothing written');
  const timeline = (await township.get(`/api/members/${a.id}/events`)).json();
  assert.ok(timeline.items.some((e: { kind: string }) => e.kind === 'party_recommended'));
});

test('three at once in a fresh 10-member branch: the one past the quota is named and nobody is recommended', async () => {
  const fresh = await branchOf(10, '整轮村团支部');
  const [a, b, c] = fresh.members;
  const refused = await recommend(editor, fresh.branch.id, roundDay, [a.id, b.id, c.id]);
  assert.equal(refused.statusCode, 409);
  const refusals = refused.json().error.details.refusals;
  assert.deepEqual(
    refusals.map((r: { memberId: number }) => r.memberId),
    [c.id],
  );
  assert.equal((await rowsOf(fresh.branch.id)).length, 0);
});

test('a member of 11 months, a party member and one still validly recommended are refused, each with its rule', async () => {
  const young = await makeMember(ctx, { org: ten.branch, fullName: '新团员', joinedOn: addMonths(laterDay, -11) });
  const party = await makeMember(ctx, {
    org: ten.branch,
    fullName: '党员甲',
    joinedOn: '2015-05-04',
    politicalStatus: 'party',
  });
  const [already] = ten.members;
  const refused = await recommend(editor, ten.branch.id, laterDay, [young.id, party.id, already.id]);
  assert.equal(refused.statusCode, 409);
  const message = refused.json().error.message;
  assert.match(message, /新团员：.* 入团，推优时入团未满 1 年/);
  assert.match(message, /党员甲：已是中共党员，不再推优/);
  assert.match(
    message,
    new RegExp(`${already.fullName}：已于 ${roundDay} 被推优，有效期至 ${addYears(roundDay, 2)}，有效期内不能再次推优`),
  );
  // A year to the day is enough.
  const exact = await makeMember(ctx, { org: ten.branch, fullName: '满一年', joinedOn: addYears(laterDay, -1) });
  const accepted = await recommend(editor, ten.branch.id, laterDay, [exact.id]);
  assert.equal(accepted.statusCode, 201, accepted.body);
});

test('the branch cannot certify itself; its parent certifies once; another county sees nothing', async () => {
  const [row] = await rowsOf(ten.branch.id);
  const url = `/api/party-recommendations/${row.id}/certify`;
  const self = await branchAdmin.post(url, { certifiedOn: today });
  assert.equal(self.statusCode, 403);
  assert.match(self.json().error.message, /上级团组织审批/);
  assert.equal((await editor.post(url, { certifiedOn: today })).statusCode, 403, 'an editor does not approve');
  assert.equal((await otherCounty.post(url, { certifiedOn: today })).statusCode, 404);
  const early = await township.post(url, { certifiedOn: addDays(roundDay, -1) });
  assert.equal(early.statusCode, 409);
  assert.match(early.json().error.message, /不能早于推优日期/);
  const before = await ctx.db
    .selectFrom('audit_log')
    .select('id')
    .where('action', '=', 'party_recommendation.certify')
    .execute();
  const certified = await township.post(url, { certifiedOn: today });
  assert.equal(certified.statusCode, 200, certified.body);
  assert.equal(certified.json().certifiedOn, today);
  assert.equal(certified.json().abilities.certify, false);
  const after = await ctx.db
    .selectFrom('audit_log')
    .select('id')
    .where('action', '=', 'party_recommendation.certify')
    .execute();
  assert.equal(after.length, before.length + 1);
  const again = await township.post(url, { certifiedOn: today });
  assert.equal(again.statusCode, 409);
  const timeline = (await township.get(`/api/members/${row.member_id}/events`)).json();
  assert.ok(timeline.items.some((e: { kind: string }) => e.kind === 'recommendation_certified'));
});

test('the list shows the valid and the expired recommendations of a scope, with the branch quota', async () => {
  const old = await makeMember(ctx, { org: ten.branch, fullName: '旧推优', joinedOn: '2015-05-04' });
  await recommend(editor, ten.branch.id, addYears(today, -3), [old.id]);
  const all = (await township.get(`/api/party-recommendations?orgId=${ten.branch.id}`)).json();
  assert.equal(all.total, 4);
  assert.deepEqual(all.branch, { normalMembers: 14, quota: 2 });
  assert.equal(all.abilities.recommend, true);
  const valid = (await township.get(`/api/party-recommendations?orgId=${ten.branch.id}&valid=true`)).json();
  assert.equal(valid.total, 3);
  assert.ok(valid.items.every((i: { valid: boolean }) => i.valid));
  const expired = (await township.get(`/api/party-recommendations?orgId=${ten.branch.id}&valid=false`)).json();
  assert.deepEqual(
    expired.items.map((i: { fullName: string; valid: boolean }) => [i.fullName, i.valid]),
    [['旧推优', false]],
  );
  const uncertified = (
    await township.get(`/api/party-recommendations?orgId=${tree.townA1.id}&certified=false&valid=true`)
  ).json();
  assert.equal(uncertified.total, 2);
  assert.ok(uncertified.items.every((i: { abilities: { certify: boolean } }) => i.abilities.certify));
  const ofTownship = (await township.get(`/api/party-recommendations?orgId=${tree.townA1.id}`)).json();
  assert.equal(ofTownship.branch, null);
  assert.equal(ofTownship.abilities.recommend, false);
  assert.equal((await otherCounty.get(`/api/party-recommendations?orgId=${ten.branch.id}`)).statusCode, 404);
  const theirs = (await otherCounty.get('/api/party-recommendations')).json();
  assert.equal(theirs.total, 0, "another county's own scope holds none of them");
});
