import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree, type Client } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeBranch, makeMember } from '../../../test/people-factories.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const branchA = await makeBranch(ctx, { parent: tree.townA1, name: '甲一镇转出团支部' });
const branchB = await makeBranch(ctx, { parent: tree.townB1, name: '乙一镇转入团支部' });
const branchAAdmin = await loginAsFrom(ctx, 'org_admin', branchA);
const townA1Admin = await loginAsFrom(ctx, 'org_admin', tree.townA1);
const branchBAdmin = await loginAsFrom(ctx, 'org_admin', branchB);
const townB1Admin = await loginAsFrom(ctx, 'org_admin', tree.townB1);
const townA2Admin = await loginAsFrom(ctx, 'org_admin', tree.townA2);
const editorA = await loginAsFrom(ctx, 'org_editor', branchA);
const inspectorB = await loginAsFrom(ctx, 'inspector', tree.townB1);
const fullIdPattern = /\d{17}[\dXx]/;

type Transfer = { id: number; step: string; abilities: Record<string, boolean> };

async function normalMembers(client: Client, orgId: number): Promise<number> {
  const response = await client.get(`/api/orgs/${orgId}/member-stats`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ byStatus: { normal: number } }>().byStatus.normal;
}

async function requestTransfer(client: Client, memberIds: number[], toOrgId = branchB.id) {
  const response = await client.post('/api/transfers', { memberIds, toOrgId, reason: 'employment' });
  assert.equal(response.statusCode, 201, response.body);
  return response.json<{ ids: number[]; batchKey: string }>();
}

async function awaitingIds(client: Client): Promise<number[]> {
  const response = await client.get('/api/transfers?awaiting=true&pageSize=100');
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ items: Transfer[] }>().items.map((t) => t.id);
}

async function approve(client: Client, id: number, note?: string) {
  return client.post(`/api/transfers/${id}/approve`, note ? { note } : {});
}

test('a transfer across two counties passes its four approvals, then the member moves and both counties count it', async () => {
  const member = await makeMember(ctx, { org: branchA, fullName: '周转' });
  const countyInspectorA = await loginAsFrom(ctx, 'inspector', tree.countyA);
  const countyInspectorB = await loginAsFrom(ctx, 'inspector', tree.countyB);
  const countyABefore = await normalMembers(countyInspectorA, tree.countyA.id);
  const countyBBefore = await normalMembers(countyInspectorB, tree.countyB.id);

  const { ids } = await requestTransfer(editorA, [member.id]);
  const id = ids[0];
  // The in side sees the transfer with the member's name and masked ID number, but not the member record.
  const incoming = (await inspectorB.get('/api/transfers?direction=in')).json<{ items: Record<string, unknown>[] }>();
  const seen = incoming.items.find((t) => t.id === id)!;
  assert.equal(seen.memberName, '周转');
  assert.equal(seen.idMasked, `${member.idNumber.slice(0, 4)}**********${member.idNumber.slice(-4)}`);
  assert.equal((seen.abilities as Record<string, boolean>).viewMember, false);
  assert.doesNotMatch(JSON.stringify(incoming), fullIdPattern);
  assert.equal((await inspectorB.get(`/api/members/${member.id}`)).statusCode, 404);
  assert.equal((await townA2Admin.get(`/api/transfers/${id}`)).statusCode, 404);

  const steps: [string, Client, [Client, number][]][] = [
    [
      'out_branch',
      branchAAdmin,
      [
        [editorA, 403],
        [branchBAdmin, 403],
        [townB1Admin, 403],
        [townA2Admin, 404],
      ],
    ],
    [
      'out_parent',
      townA1Admin,
      [
        [branchAAdmin, 403],
        [branchBAdmin, 403],
        [townA2Admin, 404],
      ],
    ],
    [
      'in_branch',
      branchBAdmin,
      [
        [townA1Admin, 403],
        [branchAAdmin, 403],
        [townA2Admin, 404],
      ],
    ],
    [
      'in_parent',
      townB1Admin,
      [
        [branchBAdmin, 403],
        [townA1Admin, 403],
        [inspectorB, 403],
      ],
    ],
  ];
  for (const [step, approver, wrong] of steps) {
    const current = (await approver.get(`/api/transfers/${id}`)).json<Transfer>();
    assert.equal(current.step, step);
    assert.equal(current.abilities.approve, true, `${step}: the approver is offered the button`);
    assert.ok((await awaitingIds(approver)).includes(id), `${step}: in the approver's inbox`);
    for (const [client, status] of wrong) {
      const response = await approve(client, id);
      assert.equal(response.statusCode, status, `${step}: ${response.body}`);
      if (status !== 404) assert.ok(!(await awaitingIds(client)).includes(id), `${step}: not in a wrong inbox`);
    }
    // An approver at another step is told whose decision it is.
    const elsewhere = wrong.find(([client, status]) => status === 403 && client !== editorA)![0];
    assert.match((await approve(elsewhere, id)).json().error.message, /应由/);
    const response = await approve(approver, id, `${step} 同意`);
    assert.equal(response.statusCode, 200, `${step}: ${response.body}`);
  }

  const done = (await townB1Admin.get(`/api/transfers/${id}`)).json<{
    step: string;
    steps: { step: string; decision: string; actorName: string; note: string | null }[];
  }>();
  assert.equal(done.step, 'done');
  assert.deepEqual(
    done.steps.map((s) => `${s.step}:${s.decision}`),
    ['requested:requested', 'out_branch:approved', 'out_parent:approved', 'in_branch:approved', 'in_parent:approved'],
  );
  assert.equal(done.steps[2].actorName, townA1Admin.user.username);
  assert.equal(done.steps[4].note, 'in_parent 同意');
  // The member now belongs to branch B: its side sees the record, the old side no longer does.
  const moved = await branchBAdmin.get(`/api/members/${member.id}`);
  assert.equal(moved.statusCode, 200);
  assert.equal(moved.json().orgId, branchB.id);
  assert.equal((await branchAAdmin.get(`/api/members/${member.id}`)).statusCode, 404);
  assert.equal(await normalMembers(countyInspectorA, tree.countyA.id), countyABefore - 1);
  assert.equal(await normalMembers(countyInspectorB, tree.countyB.id), countyBBefore + 1);
  // The timeline shows the request, each step and the move.
  const events = (await branchBAdmin.get(`/api/members/${member.id}/events`)).json<{
    items: { kind: string; details: Record<string, unknown>; orgName: string | null }[];
  }>().items;
  assert.deepEqual(
    events.map((e) => (e.kind === 'transfer_step' ? `${e.kind}:${String(e.details.step)}` : e.kind)),
    [
      'transfer_requested',
      'transfer_step:out_branch',
      'transfer_step:out_parent',
      'transfer_step:in_branch',
      'transfer_step:in_parent',
      'transferred',
    ],
  );
  assert.equal(events.at(-1)!.orgName, branchB.name);
  assert.equal((await approve(townB1Admin, id)).statusCode, 409, 'a finished transfer takes no more decisions');
});

test('a batch transfer is one request per member with a shared batch key, approved together all or nothing', async () => {
  const members = [
    await makeMember(ctx, { org: branchA, fullName: '批一' }),
    await makeMember(ctx, { org: branchA, fullName: '批二' }),
    await makeMember(ctx, { org: branchA, fullName: '批三' }),
  ];
  const { ids, batchKey } = await requestTransfer(
    townA1Admin,
    members.map((m) => m.id),
  );
  assert.equal(ids.length, 3);
  const listed = (await branchAAdmin.get('/api/transfers?direction=out&q=批&pageSize=50')).json<{
    items: { id: number; batchKey: string }[];
  }>();
  assert.deepEqual(
    listed.items.map((t) => t.batchKey),
    [batchKey, batchKey, batchKey],
  );
  // One of them moves ahead alone; a batch mixing steps the actor does not decide is refused as a whole.
  assert.equal((await approve(branchAAdmin, ids[0])).statusCode, 200);
  const mixed = await branchAAdmin.post('/api/transfers/approve', { ids });
  assert.equal(mixed.statusCode, 403, mixed.body);
  assert.match(mixed.json().error.message, /批一应由/);
  const afterMixed = await Promise.all(
    ids.map(async (id) => (await branchAAdmin.get(`/api/transfers/${id}`)).json<Transfer>().step),
  );
  assert.deepEqual(afterMixed, ['out_parent', 'out_branch', 'out_branch'], 'nothing of the refused batch was applied');
  const rest = await branchAAdmin.post('/api/transfers/approve', { ids: ids.slice(1), note: '同意' });
  assert.equal(rest.statusCode, 200, rest.body);
  const together = await townA1Admin.post('/api/transfers/approve', { ids });
  assert.equal(together.statusCode, 200, together.body);
  assert.deepEqual(
    together.json<{ items: Transfer[] }>().items.map((t) => t.step),
    ['in_branch', 'in_branch', 'in_branch'],
  );
  // A batch with one member already in a transfer is refused whole, naming that member.
  const another = await makeMember(ctx, { org: branchA, fullName: '批四' });
  const before = await ctx.db.selectFrom('transfers').select('id').execute();
  const refused = await townA1Admin.post('/api/transfers', {
    memberIds: [another.id, members[0].id],
    toOrgId: branchB.id,
    reason: 'study',
  });
  assert.equal(refused.statusCode, 409, refused.body);
  assert.equal(refused.json().error.code, 'rule_violation');
  assert.deepEqual(refused.json().error.details.refused, [
    { memberId: members[0].id, fullName: '批一', reason: '已有正在办理的转接' },
  ]);
  assert.equal((await ctx.db.selectFrom('transfers').select('id').execute()).length, before.length);
});

test('the in side starts a transfer by ID number; member ids it cannot see answer 404', async () => {
  const member = await makeMember(ctx, { org: branchA, fullName: '转入申请' });
  assert.equal(
    (await branchBAdmin.post('/api/transfers', { memberIds: [member.id], toOrgId: branchB.id, reason: 'study' }))
      .statusCode,
    404,
  );
  const response = await branchBAdmin.post('/api/transfers', {
    idNumbers: [member.idNumber],
    toOrgId: branchB.id,
    reason: 'study',
  });
  assert.equal(response.statusCode, 201, response.body);
  const [id] = response.json<{ ids: number[] }>().ids;
  const outgoing = (await branchAAdmin.get(`/api/transfers/${id}`)).json();
  assert.equal(outgoing.step, 'out_branch');
  assert.equal(outgoing.abilities.approve, true);
  assert.equal(outgoing.abilities.viewMember, true);
  const event = await ctx.db
    .selectFrom('member_events')
    .select('details')
    .where('member_id', '=', member.id)
    .where('kind', '=', 'transfer_requested')
    .executeTakeFirstOrThrow();
  assert.equal(JSON.parse(event.details).side, 'in');
  // The in side may not pull a member into a branch it does not see.
  const other = await makeMember(ctx, { org: branchA });
  const elsewhere = await branchBAdmin.post('/api/transfers', {
    idNumbers: [other.idNumber],
    toOrgId: tree.villageA1.id,
    reason: 'study',
  });
  assert.equal(elsewhere.statusCode, 404);
});

test('the requester or the out side withdraws a transfer before it is done; the in side cannot', async () => {
  const member = await makeMember(ctx, { org: branchA, fullName: '撤回' });
  const [id] = (await requestTransfer(editorA, [member.id])).ids;
  assert.equal((await approve(branchAAdmin, id)).statusCode, 200);
  assert.equal((await approve(townA1Admin, id)).statusCode, 200);
  const byInSide = await branchBAdmin.post(`/api/transfers/${id}/withdraw`);
  assert.equal(byInSide.statusCode, 403);
  const withdrawn = await editorA.post(`/api/transfers/${id}/withdraw`);
  assert.equal(withdrawn.statusCode, 200, withdrawn.body);
  assert.equal(withdrawn.json().step, 'withdrawn');
  assert.equal(withdrawn.json().steps.at(-1).decision, 'withdrawn');
  assert.equal((await approve(branchBAdmin, id)).statusCode, 409);
  assert.equal((await editorA.post(`/api/transfers/${id}/withdraw`)).statusCode, 409);
  const kinds = (await editorA.get(`/api/members/${member.id}/events`))
    .json()
    .items.map((e: { kind: string }) => e.kind);
  assert.deepEqual(kinds, ['transfer_requested', 'transfer_step', 'transfer_step', 'transfer_withdrawn']);
  // The member is free again for a new transfer.
  await requestTransfer(editorA, [member.id]);
});

test('a rejection stops the transfer and the member stays', async () => {
  const member = await makeMember(ctx, { org: branchA, fullName: '驳回' });
  const [id] = (await requestTransfer(editorA, [member.id])).ids;
  await approve(branchAAdmin, id);
  await approve(townA1Admin, id);
  const noReason = await branchBAdmin.post(`/api/transfers/${id}/reject`, {});
  assert.equal(noReason.statusCode, 400);
  const rejected = await branchBAdmin.post(`/api/transfers/${id}/reject`, { note: '本支部无法接收' });
  assert.equal(rejected.statusCode, 200, rejected.body);
  assert.equal(rejected.json().step, 'rejected');
  assert.deepEqual(rejected.json().steps.at(-1), {
    ...rejected.json().steps.at(-1),
    step: 'in_branch',
    decision: 'rejected',
    note: '本支部无法接收',
  });
  assert.equal((await approve(townB1Admin, id)).statusCode, 409);
  const stays = await branchAAdmin.get(`/api/members/${member.id}`);
  assert.equal(stays.json().orgId, branchA.id);
  assert.equal(stays.json().pending.transfers, 0);
});

test('a transfer goes to an open branch other than the member’s own, of a member in the normal status', async () => {
  const member = await makeMember(ctx, { org: branchA });
  const cases: [Record<string, unknown>, number, RegExp][] = [
    [{ toOrgId: tree.townB1.id }, 409, /不是支部/],
    [{ toOrgId: branchA.id }, 409, /无需转接/],
    [{ toOrgId: 999999 }, 404, /不存在/],
  ];
  for (const [overrides, status, message] of cases) {
    const response = await editorA.post('/api/transfers', {
      memberIds: [member.id],
      toOrgId: branchB.id,
      reason: 'other',
      ...overrides,
    });
    assert.equal(response.statusCode, status, response.body);
    assert.match(response.json().error.message, message);
  }
  const lapsed = await makeMember(ctx, { org: branchA, status: 'lapsed', fullName: '脱团者' });
  const refused = await editorA.post('/api/transfers', {
    memberIds: [lapsed.id],
    toOrgId: branchB.id,
    reason: 'other',
  });
  assert.equal(refused.statusCode, 409);
  assert.match(refused.json().error.message, /自行脱团/);
  const pending = await makeMember(ctx, { org: branchA, fullName: '待审' });
  assert.equal(
    (await editorA.post(`/api/members/${pending.id}/status-requests`, { toStatus: 'withdrawn', reason: '本人申请' }))
      .statusCode,
    201,
  );
  const busy = await editorA.post('/api/transfers', { memberIds: [pending.id], toOrgId: branchB.id, reason: 'other' });
  assert.equal(busy.statusCode, 409);
  assert.match(busy.json().error.message, /团籍变更/);
  assert.equal(
    (await editorA.post('/api/transfers', { memberIds: [member.id], toOrgId: branchB.id, reason: 'other' })).statusCode,
    201,
  );
  // And a member in a transfer cannot change status meanwhile.
  const blocked = await editorA.post(`/api/members/${member.id}/status-requests`, {
    toStatus: 'lapsed',
    reason: '失联',
  });
  assert.equal(blocked.statusCode, 409);
  assert.match(blocked.json().error.message, /转接/);
});

test('two requests for the same member at the same moment: one transfer opens, the other is refused', async () => {
  const member = await makeMember(ctx, { org: branchA, fullName: '同时' });
  const body = { memberIds: [member.id], toOrgId: branchB.id, reason: 'other' };
  const answers = await Promise.all([editorA.post('/api/transfers', body), branchAAdmin.post('/api/transfers', body)]);
  assert.deepEqual(answers.map((r) => r.statusCode).sort(), [201, 409]);
  const open = await ctx.db.selectFrom('transfers').select('id').where('member_id', '=', member.id).execute();
  assert.equal(open.length, 1);
});
