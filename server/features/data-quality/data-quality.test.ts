import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chinaToday } from '../../../common/dates.js';
import { dataQualityChecks, type DataQualityCheck, type DataQualityRow } from '../../../common/data-quality.js';
import { addMonths, addYears } from '../../../common/id-number.js';
import { loginAsFrom } from '../../../test/clients.js';
import { makeOrg, makeTree, type Client } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeCadre } from '../../../test/ledger-factories.js';
import { makeBranch, makeMember, type TestMember } from '../../../test/people-factories.js';
import { nowIso } from '../../db/tree.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const today = chinaToday();
const fullIdPattern = /\d{17}[\dXx]/;

// A township of its own under county A, holding one case of every problem and one near miss of each.
const town = await makeOrg(ctx, { parent: tree.countyA, name: '共青团质检镇委员会' });
const small = await makeBranch(ctx, { parent: town, name: '两人村团支部' });
const full = await makeBranch(ctx, { parent: town, name: '满员村团支部' });
await makeOrg(ctx, { parent: town, name: '空联合团支部', type: 'joint_branch', level: 'village' });
const gone = await makeBranch(ctx, { parent: town, name: '已撤销村团支部' });
const villageCommittee = await makeOrg(ctx, { parent: town, name: '质检村团委', type: 'committee', level: 'village' });

const reached = await makeMember(ctx, { org: small, fullName: '常联系' });
const never = await makeMember(ctx, { org: small, fullName: '未联系', lastReachedOn: null });
await makeMember(ctx, { org: small, fullName: '已脱团', status: 'lapsed', lastReachedOn: null });
const stale = await makeMember(ctx, { org: full, fullName: '久未联系', lastReachedOn: addMonths(today, -7) });
await makeMember(ctx, { org: full, fullName: '刚联系', lastReachedOn: addMonths(today, -5) });
const aged = await makeMember(ctx, { org: full, fullName: '超龄', birthDate: addYears(today, -30) });
const agedCadre = await makeMember(ctx, { org: full, fullName: '超龄书记', birthDate: addYears(today, -29) });
const tooYoung = await makeMember(ctx, {
  org: full,
  fullName: '早入团',
  birthDate: '2008-06-01',
  joinedOn: '2020-06-01',
});
await makeMember(ctx, { org: full, fullName: '满十三', birthDate: '2008-06-01', joinedOn: '2021-06-01' });
await makeMember(ctx, { org: full, fullName: '旧规则', birthDate: '2004-01-01', joinedOn: '2016-01-01' });
const inGone = await makeMember(ctx, { org: gone, fullName: '撤销支部团员' });
const inCommittee = await makeMember(ctx, { org: villageCommittee, fullName: '团委名下' });
await ctx.db.updateTable('orgs').set({ status: 'dissolved' }).where('id', '=', gone.id).execute();

async function cadre(fullName: string, contacts: number, input: { status?: 'left'; member?: TestMember } = {}) {
  const made = await makeCadre(ctx, { org: town, fullName, status: input.status });
  await ctx.db
    .updateTable('cadres')
    .set({ contact_count: contacts, member_id: input.member?.id ?? null })
    .where('id', '=', made.id)
    .execute();
  return made;
}
const few = await cadre('联系少', 5);
const secretary = await cadre('超龄书记', 0, { member: agedCadre });
await cadre('联系够', 20);
await cadre('已离任', 0, { status: 'left' });

async function duplicate(holder: TestMember, claimantOrgId: number, status: 'pending' | 'merged' = 'pending') {
  const row = await ctx.db
    .insertInto('member_duplicates')
    .values({
      member_id: holder.id,
      claimant_org_id: claimantOrgId,
      claimant_name: `${holder.fullName}（重）`,
      payload_cipher: ctx.app.keyring.encrypt('{}'),
      source: 'entry',
      status,
      note: null,
      created_by: null,
      created_at: nowIso(),
      resolved_by: null,
      resolved_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
const outsider = await makeMember(ctx, { org: tree.villageB1, fullName: '外县团员' });
const heldHere = await duplicate(reached, tree.villageB1.id);
const claimedHere = await duplicate(outsider, full.id);
await duplicate(stale, tree.villageB1.id, 'merged');
await duplicate(outsider, tree.villageB1.id);

const inspector = await loginAsFrom(ctx, 'inspector', tree.countyA);
const otherCounty = await loginAsFrom(ctx, 'org_admin', tree.countyB);
const system = await loginAsFrom(ctx, 'system_admin');

async function figures(client: Client, orgId: number): Promise<Record<DataQualityCheck, number>> {
  const response = await client.get(`/api/orgs/${orgId}/data-quality`);
  assert.equal(response.statusCode, 200, response.body);
  return Object.fromEntries(
    response.json().figures.map((f: { check: DataQualityCheck; count: number }) => [f.check, f.count]),
  ) as Record<DataQualityCheck, number>;
}

/** Every row of a check's list, page by page. */
async function wholeList(client: Client, orgId: number, check: DataQualityCheck, pageSize = 2) {
  const rows: DataQualityRow[] = [];
  let total = 0;
  for (let page = 1; ; page += 1) {
    const response = await client.get(`/api/orgs/${orgId}/data-quality/${check}?page=${page}&pageSize=${pageSize}`);
    assert.equal(response.statusCode, 200, response.body);
    assert.doesNotMatch(response.body, fullIdPattern);
    const body = response.json();
    total = body.total;
    rows.push(...body.items);
    if (body.items.length < pageSize) break;
  }
  return { rows, total };
}

test('each figure of a township counts exactly its problems and none of the near misses', async () => {
  assert.deepEqual(await figures(inspector, town.id), {
    small_branches: 2,
    unreachable_members: 2,
    cadres_below_target: 2,
    invalid_records: 4,
    pending_duplicates: 2,
  });
});

test('each list names the rows behind its figure, masked, with the reason', async () => {
  const names = async (check: DataQualityCheck) =>
    Object.fromEntries((await wholeList(inspector, town.id, check)).rows.map((r) => [r.name, r.reason]));
  assert.deepEqual(await names('small_branches'), {
    两人村团支部: '正常团员 2 人，少于 3 人',
    空联合团支部: '正常团员 0 人，少于 3 人',
  });
  assert.deepEqual(await names('unreachable_members'), {
    未联系: '没有联系记录',
    久未联系: `最近一次联系在 ${addMonths(today, -7)}，已超过 6 个月`,
  });
  const cadres = await wholeList(inspector, town.id, 'cadres_below_target');
  assert.deepEqual(
    cadres.rows.map((r) => r.id).sort((a, b) => a - b),
    [few.id, secretary.id].sort((a, b) => a - b),
  );
  assert.deepEqual(await names('cadres_below_target'), {
    联系少: '书记联系青年 5 人，少于 20 人',
    超龄书记: '书记联系青年 0 人，少于 20 人',
  });
  const invalid = await wholeList(inspector, town.id, 'invalid_records');
  assert.deepEqual(
    invalid.rows.map((r) => r.id).sort((a, b) => a - b),
    [aged.id, tooYoung.id, inGone.id, inCommittee.id].sort((a, b) => a - b),
    'an aged member who holds a post, one who joined at 13 and one who joined young before 2017 are fine',
  );
  const reasons = Object.fromEntries(invalid.rows.map((r) => [r.name, r.reason]));
  assert.equal(reasons['超龄'], `已于 ${addYears(today, -2)} 满 28 周岁，仍为正常团籍`);
  assert.equal(reasons['早入团'], '2020-06-01 入团时未满 13 周岁');
  assert.equal(reasons['撤销支部团员'], '所在组织“已撤销村团支部”已撤销');
  assert.equal(reasons['团委名下'], '登记在“质检村团委”，不是团支部');
  const duplicates = await wholeList(inspector, town.id, 'pending_duplicates');
  assert.deepEqual(
    duplicates.rows.map((r) => r.id),
    [heldHere, claimedHere],
    'held or claimed in the township; resolved cases and cases elsewhere are not',
  );
  assert.match(duplicates.rows[0].reason, /已由“两人村团支部”登记，尚未处理/);
  const member = (await wholeList(inspector, town.id, 'unreachable_members')).rows.find((r) => r.id === never.id)!;
  assert.match(member.idMasked!, /^\d{4}\*{10}[\dX]{4}$/);
});

test('every count equals the length of its list, at the township, the county and the province', async () => {
  for (const org of [town, tree.countyA, tree.province]) {
    const reader = await loginAsFrom(ctx, 'inspector', org);
    const counts = await figures(reader, org.id);
    for (const check of dataQualityChecks) {
      const { rows, total } = await wholeList(reader, org.id, check, 3);
      assert.equal(total, counts[check], `${org.name} ${check}: total`);
      assert.equal(rows.length, counts[check], `${org.name} ${check}: rows listed`);
      assert.equal(new Set(rows.map((r) => `${r.subject}:${r.id}`)).size, rows.length, `${check}: no row twice`);
    }
  }
});

test('the page is scoped: another county reads it as missing, the system admin has no access to people', async () => {
  assert.equal((await otherCounty.get(`/api/orgs/${town.id}/data-quality`)).statusCode, 404);
  assert.equal((await otherCounty.get(`/api/orgs/${town.id}/data-quality/small_branches`)).statusCode, 404);
  assert.equal((await system.get(`/api/orgs/${town.id}/data-quality`)).statusCode, 403);
  const unknown = await inspector.get(`/api/orgs/${town.id}/data-quality/hollow`);
  assert.equal(unknown.statusCode, 400);
  const county = await figures(otherCounty, tree.countyB.id);
  assert.equal(county.pending_duplicates, 3, 'county B sees the cases its branch holds or claims');
});
