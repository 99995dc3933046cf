import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loginAs, makeOrg, makeTree, type Client } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeBranch, makeMember, nextIdNumber, type TestMember } from '../../../test/people-factories.js';
import { refreshMemberCounts } from './counts.js';

// The member list read page by page: every scope gives its whole register once, in name order (byte-wise, then
// id), whichever way the server reads it (a branch's index, the province's name order, a merge over the branches
// of a small scope); totals follow members and orgs as they move.

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const admin = await loginAs(ctx, 'org_admin', tree.province);

// Repeated names (ties are broken by id), names that share a prefix, and a rare character outside the BMP.
const names = ['王芳', '王芳', '王', '王小明', '李明', '李明', '张伟', '𠮷丽', '欧阳娜', '王芳华', '艾青', '王芳'];
const branchA2 = await makeBranch(ctx, { parent: tree.townA1 });
const branchA3 = await makeBranch(ctx, { parent: tree.townA2 });
const homes = [tree.villageA1, branchA2, branchA3, tree.villageB1];
const members: (TestMember & { status: string })[] = [];
// Enough members for the province's first pages to be read in name order and the rest merged branch by branch.
for (let i = 0; i < 150; i++) {
  const status = i % 9 === 4 ? 'withdrawn' : 'normal';
  const org = homes[i % homes.length];
  members.push({ ...(await makeMember(ctx, { org, fullName: names[i % names.length], status })), status });
}
const pathOf = new Map(
  (await ctx.db.selectFrom('orgs').select(['id', 'path']).execute()).map((o) => [o.id, o.path] as const),
);

/** Name order as the databases keep it: UTF-8 bytes, then id. */
function byName(a: TestMember, b: TestMember): number {
  return Buffer.compare(Buffer.from(a.fullName), Buffer.from(b.fullName)) || a.id - b.id;
}

function expected(orgId: number, own: boolean, keep: (m: (typeof members)[number]) => boolean = () => true) {
  const path = pathOf.get(orgId)!;
  return members
    .filter((m) => (own ? m.orgId === orgId : pathOf.get(m.orgId)!.startsWith(path)))
    .filter(keep)
    .sort(byName)
    .map((m) => m.id);
}

async function readAll(client: Client, query: string, pageSize: number) {
  const ids: number[] = [];
  const totals = new Set<number>();
  for (let page = 1; page <= 1000; page++) {
    const response = await client.get(`/api/members?${query}&page=${page}&pageSize=${pageSize}`);
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json<{ items: { id: number }[]; total: number }>();
    totals.add(body.total);
    ids.push(...body.items.map((item) => item.id));
    if (body.items.length < pageSize) break;
  }
  return { ids, totals: [...totals] };
}

test('every scope reads as its whole register in name order, page after page, with the same total', async () => {
  const scopes = [
    { org: tree.province, own: false },
    { org: tree.cityA, own: false },
    { org: tree.countyA, own: false },
    { org: tree.townA1, own: false },
    { org: tree.villageA1, own: true },
    { org: tree.cityB, own: false },
  ];
  for (const { org, own } of scopes) {
    const want = expected(org.id, own);
    for (const pageSize of [1, 7, 100]) {
      const query = `orgId=${org.id}&scope=${own ? 'own' : 'subtree'}`;
      const { ids, totals } = await readAll(admin, query, pageSize);
      assert.deepEqual(ids, want, `${org.name} by ${pageSize}`);
      assert.deepEqual(totals, [want.length], `${org.name} by ${pageSize}: total`);
    }
  }
});

test('a name prefix or a status inside a scope finds only that scope, in order, with its total', async () => {
  const cases: [string, number, boolean, (m: (typeof members)[number]) => boolean][] = [
    ['q=王', tree.countyA.id, false, (m) => m.fullName.startsWith('王')],
    ['q=王芳', tree.townA1.id, false, (m) => m.fullName.startsWith('王芳')],
    ['q=王芳', tree.province.id, false, (m) => m.fullName.startsWith('王芳')],
    ['q=𠮷', tree.province.id, false, (m) => m.fullName.startsWith('𠮷')],
    ['q=李', branchA2.id, true, (m) => m.fullName.startsWith('李')],
    ['q=无此人', tree.countyA.id, false, () => false],
    ['status=withdrawn', tree.countyA.id, false, (m) => m.status === 'withdrawn'],
    ['status=withdrawn', tree.province.id, false, (m) => m.status === 'withdrawn'],
    ['q=王&status=normal', tree.cityA.id, false, (m) => m.fullName.startsWith('王') && m.status === 'normal'],
  ];
  for (const [filter, orgId, own, keep] of cases) {
    const want = expected(orgId, own, keep);
    const query = `orgId=${orgId}&scope=${own ? 'own' : 'subtree'}&${filter.replace(/=([^&]+)/g, (_, v: string) => `=${encodeURIComponent(v)}`)}`;
    for (const pageSize of [1, 3, 100]) {
      const { ids, totals } = await readAll(admin, query, pageSize);
      assert.deepEqual(ids, want, `${filter} in ${orgId} by ${pageSize}`);
      assert.deepEqual(totals, [want.length], `${filter} in ${orgId} by ${pageSize}: total`);
    }
  }
});

/** Members by status in each org's subtree, counted from the members themselves. */
async function countedFromMembers() {
  const rows = await ctx.db.selectFrom('members').select(['org_id', 'membership_status']).execute();
  const orgs = await ctx.db.selectFrom('orgs').select(['id', 'path']).execute();
  const counts = new Map<number, Record<string, number>>();
  for (const org of orgs) {
    const byStatus: Record<string, number> = {};
    for (const row of rows) {
      const path = orgs.find((o) => o.id === row.org_id)!.path;
      if (path.startsWith(org.path)) byStatus[row.membership_status] = (byStatus[row.membership_status] ?? 0) + 1;
    }
    counts.set(org.id, byStatus);
  }
  return counts;
}

async function assertTotalsAgree(message: string) {
  const counted = await countedFromMembers();
  for (const [orgId, byStatus] of counted) {
    const stats = (await admin.get(`/api/orgs/${orgId}/member-stats`)).json<{
      byStatus: Record<string, number>;
      total: number;
    }>();
    const nonZero = Object.fromEntries(Object.entries(stats.byStatus).filter(([, n]) => n > 0));
    assert.deepEqual(nonZero, byStatus, `${message}: org ${orgId}`);
    const list = (await admin.get(`/api/members?orgId=${orgId}&pageSize=1`)).json<{ total: number }>();
    const all = Object.values(byStatus).reduce((a, b) => a + b, 0);
    assert.equal(list.total, all, `${message}: list total of org ${orgId}`);
  }
}

test('subtree totals follow an entry, a change of status and an org moved with its members', async () => {
  await assertTotalsAgree('as made');

  const editor = await loginAs(ctx, 'org_editor', branchA3);
  const entered = await editor.post('/api/members', {
    orgId: branchA3.id,
    fullName: '新登记',
    idNumber: nextIdNumber({ birthDate: '2000-03-01' }),
    joinedOn: '2020-05-04',
  });
  assert.equal(entered.statusCode, 201, entered.body);
  await assertTotalsAgree('after an entry');

  // A status decided elsewhere (an approved request) refreshes the branch it touched.
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('members').set({ membership_status: 'withdrawn' }).where('id', '=', members[0].id).execute();
    await refreshMemberCounts(trx, [members[0].orgId]);
  });
  await assertTotalsAgree('after a change of status');

  // 甲二镇 with its branch moves from 甲县 to a new county of 乙市: the old ancestors lose its members.
  const countyB2 = await makeOrg(ctx, { parent: tree.cityB, level: 'county', name: '共青团乙二县委员会' });
  const moveId = (
    await admin.post(`/api/orgs/${tree.townA2.id}/moves`, { toParentId: countyB2.id, reason: '区划调整' })
  ).json<{ id: number }>().id;
  const oldParentAdmin = await loginAs(ctx, 'org_admin', tree.countyA);
  const newParentAdmin = await loginAs(ctx, 'org_admin', countyB2);
  assert.equal((await oldParentAdmin.post(`/api/org-moves/${moveId}/approve`)).statusCode, 200);
  assert.equal((await newParentAdmin.post(`/api/org-moves/${moveId}/approve`)).json().status, 'done');
  for (const org of await ctx.db.selectFrom('orgs').select(['id', 'path']).execute()) pathOf.set(org.id, org.path);
  await assertTotalsAgree('after a move');
  const { ids } = await readAll(admin, `orgId=${countyB2.id}`, 2);
  assert.equal(ids.length, members.filter((m) => m.orgId === branchA3.id).length + 1);
});
