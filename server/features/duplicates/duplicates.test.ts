import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree, type Client } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeBranch, makeMember, nextIdNumber, type TestMember } from '../../../test/people-factories.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const holderBranch = await makeBranch(ctx, { parent: tree.townA1, name: '甲一镇持有团支部' });
const claimantBranch = await makeBranch(ctx, { parent: tree.townB1, name: '乙一镇登记团支部' });
const holderEditor = await loginAsFrom(ctx, 'org_editor', holderBranch);
const claimantEditor = await loginAsFrom(ctx, 'org_editor', claimantBranch);
const claimantInspector = await loginAsFrom(ctx, 'inspector', tree.townB1);
const bystander = await loginAsFrom(ctx, 'org_admin', tree.townA2);
const fullIdPattern = /\d{17}[\dXx]/;

type Case = {
  id: number;
  side: string;
  status: string;
  holderName: string;
  claimantName: string;
  abilities: Record<string, boolean>;
};

/** A member of the holder branch, and the claimant branch entering the same ID number: the case id. */
async function openCase(fullName: string): Promise<{ holder: TestMember; caseId: number; phone: string }> {
  const holder = await makeMember(ctx, {
    org: holderBranch,
    fullName,
    phone: null,
    birthDate: '2001-03-03',
    joinedOn: '2018-05-04',
  });
  const phone = '13912345678';
  const entered = await claimantEditor.post('/api/members', {
    orgId: claimantBranch.id,
    fullName: `${fullName}（新）`,
    idNumber: holder.idNumber,
    joinedOn: '2019-05-04',
    memberNo: '201912345678',
    ethnicity: '回族',
    education: '大学本科',
    workplace: '乙县某公司',
    phone,
  });
  assert.equal(entered.statusCode, 409, entered.body);
  assert.equal(entered.json().error.code, 'duplicate_person');
  return { holder, caseId: entered.json().error.details.caseId as number, phone };
}

async function listed(client: Client): Promise<Case[]> {
  const response = await client.get('/api/member-duplicates?pageSize=100');
  assert.equal(response.statusCode, 200, response.body);
  assert.doesNotMatch(response.body, fullIdPattern);
  return response.json<{ items: Case[] }>().items;
}

test('both sides list the case, and the detail shows what the claimant entered, masked', async () => {
  const { holder, caseId, phone } = await openCase('吴重');
  const holderView = (await listed(holderEditor)).find((c) => c.id === caseId)!;
  const claimantView = (await listed(claimantEditor)).find((c) => c.id === caseId)!;
  assert.equal(holderView.side, 'holder');
  assert.equal(claimantView.side, 'claimant');
  for (const view of [holderView, claimantView]) {
    assert.equal(view.holderName, '吴重');
    assert.equal(view.claimantName, '吴重（新）');
    assert.equal(view.status, 'pending');
  }
  assert.deepEqual(holderView.abilities, { transfer: true, merge: true, reject: true });
  assert.deepEqual(claimantView.abilities, { transfer: false, merge: false, reject: true });
  assert.ok(!(await listed(bystander)).some((c) => c.id === caseId), 'a third township does not see it');
  assert.equal((await bystander.get(`/api/member-duplicates/${caseId}`)).statusCode, 404);
  assert.equal((await listed(claimantInspector)).find((c) => c.id === caseId)!.abilities.reject, false);
  assert.equal((await holderEditor.get('/api/member-duplicates?q=吴重（&status=pending')).json().total, 1);

  const detail = await claimantEditor.get(`/api/member-duplicates/${caseId}`);
  assert.equal(detail.statusCode, 200, detail.body);
  assert.doesNotMatch(detail.body, fullIdPattern);
  assert.ok(!detail.body.includes(phone), 'the entered phone leaves masked');
  const entry = detail.json().entry;
  assert.equal(entry.idMasked, `${holder.idNumber.slice(0, 4)}**********${holder.idNumber.slice(-4)}`);
  assert.equal(entry.phoneMasked, '139****5678');
  assert.equal(entry.education, '大学本科');
  assert.deepEqual(detail.json().mergeableFields, [], 'only the holder side is told what a merge would fill');
  const holderDetail = (await holderEditor.get(`/api/member-duplicates/${caseId}`)).json();
  assert.deepEqual(holderDetail.mergeableFields, ['education', 'workplace', 'phone']);
});

test('merge fills only the holder record’s empty fields, never its name or ID number', async () => {
  const { holder, caseId } = await openCase('郑合');
  assert.equal(
    (await claimantEditor.post(`/api/member-duplicates/${caseId}/resolve`, { resolution: 'merge' })).statusCode,
    403,
  );
  const merged = await holderEditor.post(`/api/member-duplicates/${caseId}/resolve`, {
    resolution: 'merge',
    note: '同一人，补充信息',
  });
  assert.equal(merged.statusCode, 200, merged.body);
  assert.deepEqual(merged.json().filledFields, ['education', 'workplace', 'phone']);
  assert.equal(merged.json().case.status, 'merged');
  const record = (await holderEditor.get(`/api/members/${holder.id}`)).json();
  assert.equal(record.fullName, '郑合', 'the name stays the holder’s');
  assert.equal(record.idMasked, `${holder.idNumber.slice(0, 4)}**********${holder.idNumber.slice(-4)}`);
  assert.equal(record.orgId, holderBranch.id);
  assert.equal(record.ethnicity, '汉族', 'a filled field is not overwritten');
  assert.equal(record.memberNo, null, 'a member number of another join year is not taken');
  assert.equal(record.education, '大学本科');
  assert.equal(record.phoneMasked, '139****5678');
  const events = (await holderEditor.get(`/api/members/${holder.id}/events`)).json().items as {
    kind: string;
    details: Record<string, unknown>;
  }[];
  assert.deepEqual(
    events.map((e) => e.kind),
    ['duplicate_opened', 'duplicate_resolved'],
  );
  assert.deepEqual(events[1].details.filledFields, ['education', 'workplace', 'phone']);
  const audit = await ctx.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', 'member.duplicate_resolve')
    .where('object_id', '=', String(caseId))
    .execute();
  assert.equal(audit.length, 1);
  assert.doesNotMatch(JSON.stringify(audit), /13912345678|\d{17}[\dXx]/);
  const again = await holderEditor.post(`/api/member-duplicates/${caseId}/resolve`, {
    resolution: 'reject',
    note: '重复',
  });
  assert.equal(again.statusCode, 409, 'a resolved case takes no second resolution');
});

test('transfer starts a transfer of the holder’s record to the claimant branch', async () => {
  const { holder, caseId } = await openCase('冯转');
  const resolved = await holderEditor.post(`/api/member-duplicates/${caseId}/resolve`, { resolution: 'transfer' });
  assert.equal(resolved.statusCode, 200, resolved.body);
  assert.equal(resolved.json().case.status, 'transferred');
  const transferId = resolved.json().transferId as number;
  const transfer = (await claimantEditor.get(`/api/transfers/${transferId}`)).json();
  assert.equal(transfer.memberId, holder.id);
  assert.equal(transfer.toOrgId, claimantBranch.id);
  assert.equal(transfer.step, 'out_branch');
  // The record itself stays with the holder until the transfer's approvals are through.
  assert.equal((await holderEditor.get(`/api/members/${holder.id}`)).json().orgId, holderBranch.id);
  assert.deepEqual(
    (await holderEditor.get(`/api/members/${holder.id}/events`)).json().items.map((e: { kind: string }) => e.kind),
    ['duplicate_opened', 'transfer_requested', 'duplicate_resolved'],
  );
});

test('either side rejects with a reason; nothing is deleted', async () => {
  const { holder, caseId } = await openCase('陈驳');
  assert.equal(
    (await claimantEditor.post(`/api/member-duplicates/${caseId}/resolve`, { resolution: 'reject' })).statusCode,
    400,
  );
  const rejected = await claimantEditor.post(`/api/member-duplicates/${caseId}/resolve`, {
    resolution: 'reject',
    note: '录入错误，非同一人',
  });
  assert.equal(rejected.statusCode, 200, rejected.body);
  assert.equal(rejected.json().case.status, 'rejected');
  assert.equal(rejected.json().case.note, '录入错误，非同一人');
  assert.equal((await holderEditor.get(`/api/members/${holder.id}`)).json().fullName, '陈驳');
  const rows = await ctx.db.selectFrom('member_duplicates').select('id').execute();
  assert.ok(
    rows.some((r) => r.id === caseId),
    'the case is kept',
  );
  const second = await openCase('黄二');
  const byHolder = await holderEditor.post(`/api/member-duplicates/${second.caseId}/resolve`, {
    resolution: 'reject',
    note: '非同一人',
  });
  assert.equal(byHolder.json().case.status, 'rejected');
  assert.equal(
    (await bystander.post(`/api/member-duplicates/${second.caseId}/resolve`, { resolution: 'reject', note: 'x' }))
      .statusCode,
    404,
  );
});

test('a new entry of the same number after a rejection opens a fresh case', async () => {
  const idNumber = nextIdNumber({ birthDate: '2002-02-02' });
  await makeMember(ctx, { org: holderBranch, idNumber });
  const enter = () =>
    claimantEditor.post('/api/members', {
      orgId: claimantBranch.id,
      fullName: '再登记',
      idNumber,
      joinedOn: '2020-05-04',
    });
  const first = (await enter()).json().error.details.caseId as number;
  await claimantEditor.post(`/api/member-duplicates/${first}/resolve`, { resolution: 'reject', note: '撤回' });
  const second = (await enter()).json().error.details.caseId as number;
  assert.notEqual(second, first);
});
