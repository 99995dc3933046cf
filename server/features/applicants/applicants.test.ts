import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InjectOptions } from 'fastify';
import type { ApplicantDetail } from '../../../common/applicants.js';
import { addDays, chinaToday } from '../../../common/dates.js';
import { addMonths, addYears } from '../../../common/id-number.js';
import { loginAs, makeOrg, makeTree, type Client } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { multipartBody } from '../../../test/imports.js';
import { makeApplicant, makeBranch, makeMember, nextIdNumber } from '../../../test/people-factories.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const branch = tree.villageA1;
const today = chinaToday();
const fullIdPattern = /\d{17}[\dXx]/;

/** Every response any client of this file receives that shows a full ID number. */
const leaks: string[] = [];
function watched(client: Client): Client {
  const request = async (options: InjectOptions) => {
    const response = await client.request(options);
    if (fullIdPattern.test(response.body)) leaks.push(`${options.method ?? 'GET'} ${JSON.stringify(options.url)}`);
    return response;
  };
  return {
    ...client,
    request,
    get: (url) => request({ method: 'GET', url }),
    post: (url, payload) => request({ method: 'POST', url, ...(payload ? { payload } : {}) }),
    patch: (url, payload) => request({ method: 'PATCH', url, payload }),
  };
}

const branchEditor = watched(await loginAs(ctx, 'org_editor', branch));
const branchAdmin = watched(await loginAs(ctx, 'org_admin', branch));
const townAdmin = watched(await loginAs(ctx, 'org_admin', tree.townA1));
const countyAdmin = watched(await loginAs(ctx, 'org_admin', tree.countyA));
const editorB = watched(await loginAs(ctx, 'org_editor', tree.villageB1));

function applicationBody(overrides: Record<string, unknown> = {}) {
  return {
    orgId: branch.id,
    fullName: '张入团',
    idNumber: nextIdNumber({ birthDate: addYears(today, -17) }),
    appliedOn: addMonths(today, -8),
    ...overrides,
  };
}

async function stage(id: number): Promise<string> {
  const row = await ctx.db.selectFrom('applicants').select('stage').where('id', '=', id).executeTakeFirstOrThrow();
  return row.stage;
}

function refused(response: { statusCode: number; body: string }, status: number, message: RegExp) {
  assert.equal(response.statusCode, status, response.body);
  assert.match(JSON.parse(response.body).error.message as string, message);
}

test('an applicant goes through every stage; the township approves a batch of two and they are members at once', async () => {
  const introducer1 = await makeMember(ctx, { org: branch, fullName: '介绍人甲' });
  const introducer2 = await makeMember(ctx, { org: branch, fullName: '介绍人乙' });
  const other = await makeApplicant(ctx, { org: branch, stage: 'voted', fullName: '李批量' });
  const statsBefore = (await countyAdmin.get(`/api/orgs/${tree.countyA.id}/member-stats`)).json();
  const appliedOn = addMonths(today, -8);
  const created = await branchEditor.post('/api/applicants', applicationBody({ phone: '13912345678', appliedOn }));
  assert.equal(created.statusCode, 201, created.body);
  const applicant = created.json();
  assert.equal(applicant.stage, 'applied');
  assert.equal(applicant.phoneMasked, '139****5678');
  assert.equal(applicant.abilities.talk, true);
  assert.equal(applicant.abilities.activist, false, 'the activist needs the talk first');
  const id = applicant.id as number;
  const step = async (path: string, body: object) => {
    const response = await branchEditor.post(`/api/applicants/${id}/${path}`, body);
    assert.equal(response.statusCode, 200, `${path}: ${response.body}`);
    return response.json<ApplicantDetail>();
  };
  await step('talk', { talkedOn: addDays(appliedOn, 10) });
  const activistOn = addDays(appliedOn, 20);
  const activist = await step('activist', { activistOn });
  assert.equal(activist.stage, 'activist');
  assert.equal(activist.candidateFrom, addMonths(activistOn, 3));
  await step('lectures', { heldOn: addDays(activistOn, 10), title: '团的基本知识', hours: 4 });
  const lectured = await step('lectures', { heldOn: addDays(activistOn, 40), title: '团章学习', hours: 4 });
  assert.equal(lectured.lectureHours, 8);
  assert.deepEqual(
    lectured.lectures.map((l: { title: string }) => l.title),
    ['团的基本知识', '团章学习'],
  );
  const candidateOn = addMonths(activistOn, 3);
  assert.equal((await step('candidate', { candidateOn })).stage, 'candidate');
  const voteOn = addDays(candidateOn, 10);
  const voted = await step('vote', {
    introducer1Id: introducer1.id,
    introducer2Id: introducer2.id,
    voteOn,
    votersDue: 9,
    votersPresent: 7,
    votesFor: 5,
  });
  assert.equal(voted.stage, 'voted');
  assert.deepEqual(
    voted.introducers.map((i: { fullName: string }) => i.fullName),
    ['介绍人甲', '介绍人乙'],
  );
  assert.deepEqual(voted.vote, { due: 9, present: 7, for: 5 });
  assert.equal(voted.abilities.approve, false, 'the branch does not approve itself');

  const inbox = (await townAdmin.get('/api/applicants?awaiting=approval&q=张入')).json();
  assert.deepEqual(
    inbox.items.map((i: { id: number }) => i.id),
    [id],
  );
  assert.equal((await townAdmin.get(`/api/applicants/${id}`)).json().abilities.approve, true);
  const approved = await townAdmin.post('/api/applicants/approve', { ids: [id, other.id], approvedOn: today });
  assert.equal(approved.statusCode, 200, approved.body);
  const [first, second] = approved.json().approved as { memberId: number; memberNo: string }[];
  assert.match(first.memberNo, new RegExp(`^${today.slice(0, 4)}\\d{8}$`));
  assert.equal(Number(second.memberNo), Number(first.memberNo) + 1);

  const members = (await branchEditor.get(`/api/members?orgId=${branch.id}&scope=own&q=张入团`)).json();
  assert.equal(members.total, 1);
  assert.equal(members.items[0].joinedOn, today);
  assert.equal(members.items[0].memberNo, first.memberNo);
  assert.equal(members.items[0].phoneMasked, '139****5678');
  assert.equal(members.items[0].membershipStatus, 'normal');
  const statsAfter = (await countyAdmin.get(`/api/orgs/${tree.countyA.id}/member-stats`)).json();
  assert.equal(statsAfter.byStatus.normal, statsBefore.byStatus.normal + 2);

  const admitted = (await branchEditor.get(`/api/applicants/${id}`)).json();
  assert.equal(admitted.stage, 'admitted');
  assert.equal(admitted.memberNo, first.memberNo);
  assert.equal(admitted.abilities.ceremony, true);
  assert.equal(admitted.abilities.withdraw, false);
  const ceremony = await step('ceremony', { ceremonyOn: today });
  assert.equal(ceremony.ceremonyOn, today);
  assert.equal(ceremony.abilities.ceremony, false);
  const timeline = (await branchEditor.get(`/api/members/${first.memberId}/events`)).json();
  assert.deepEqual(
    timeline.items.map((e: { kind: string }) => e.kind),
    ['admitted', 'ceremony'],
  );
  assert.equal(timeline.items[0].details.activistOn, activistOn);
  assert.equal(timeline.items[0].details.voteOn, voteOn);
  const audit = await ctx.db
    .selectFrom('audit_log')
    .select('action')
    .where('object_type', '=', 'applicant')
    .where('object_id', '=', String(id))
    .orderBy('id')
    .execute();
  assert.deepEqual(
    audit.map((a) => a.action),
    [
      'applicant.create',
      'applicant.talk',
      'applicant.activist',
      'applicant.lecture',
      'applicant.lecture',
      'applicant.candidate',
      'applicant.vote',
      'applicant.approve',
      'applicant.ceremony',
    ],
  );
});

test('the application is refused outside 14 to 28, for a member and for an open application elsewhere', async () => {
  const appliedOn = addMonths(today, -1);
  refused(
    await branchEditor.post(
      '/api/applicants',
      applicationBody({ appliedOn, idNumber: nextIdNumber({ birthDate: addDays(addYears(appliedOn, -14), 1) }) }),
    ),
    409,
    /未满 14 周岁/,
  );
  refused(
    await branchEditor.post(
      '/api/applicants',
      applicationBody({ appliedOn, idNumber: nextIdNumber({ birthDate: addYears(appliedOn, -28) }) }),
    ),
    409,
    /已满 28 周岁/,
  );
  refused(
    await branchEditor.post('/api/applicants', applicationBody({ appliedOn: addDays(today, 1) })),
    400,
    /晚于今天/,
  );
  const member = await makeMember(ctx, { org: branch });
  refused(
    await branchEditor.post('/api/applicants', applicationBody({ idNumber: member.idNumber })),
    409,
    /已是团员（登记在“甲一村团支部”）/,
  );
  const open = await makeApplicant(ctx, { org: branch, stage: 'activist' });
  refused(
    await editorB.post('/api/applicants', applicationBody({ orgId: tree.villageB1.id, idNumber: open.idNumber })),
    409,
    /已有未结束的入团申请（“甲一村团支部”，入团积极分子）/,
  );
  refused(await townAdmin.post('/api/applicants', applicationBody({ orgId: tree.townA1.id })), 409, /不是支部/);
  assert.equal((await editorB.post('/api/applicants', applicationBody())).statusCode, 404, 'another county’s branch');
  // Two branches registering the same person at the same moment: one application, the other told where it is.
  const twin = applicationBody({ idNumber: nextIdNumber({ birthDate: addYears(today, -16) }) });
  const otherBranch = await makeBranch(ctx, { parent: tree.townA1 });
  const both = await Promise.all([
    branchEditor.post('/api/applicants', twin),
    townAdmin.post('/api/applicants', { ...twin, orgId: otherBranch.id }),
  ]);
  assert.deepEqual(both.map((r) => r.statusCode).sort(), [201, 409]);
  assert.match(both.find((r) => r.statusCode === 409)!.json().error.message, /已有未结束的入团申请/);
  await assert.rejects(
    makeApplicant(ctx, { org: otherBranch, idNumber: twin.idNumber }),
    'the database holds one open application per person',
  );
  // Once withdrawn, the same person may apply again.
  const withdrawn = await makeApplicant(ctx, { org: branch, stage: 'withdrawn' });
  const again = await branchEditor.post('/api/applicants', applicationBody({ idNumber: withdrawn.idNumber }));
  assert.equal(again.statusCode, 201, again.body);
});

test('each step refuses what the rules do not allow, and a refused step changes nothing', async () => {
  const applied = await makeApplicant(ctx, { org: branch });
  refused(
    await branchEditor.post(`/api/applicants/${applied.id}/activist`, { activistOn: today }),
    409,
    /尚未登记谈话/,
  );
  refused(
    await branchEditor.post(`/api/applicants/${applied.id}/candidate`, { candidateOn: today }),
    409,
    /当前为“申请入团”，不能确定为发展对象/,
  );

  const recent = await makeApplicant(ctx, {
    org: branch,
    stage: 'activist',
    lectureHours: 10,
    dates: { activistOn: addMonths(today, -2) },
  });
  refused(
    await branchEditor.post(`/api/applicants/${recent.id}/candidate`, { candidateOn: today }),
    409,
    new RegExp(`培养考察不足 3 个月.*最早 ${addMonths(addMonths(today, -2), 3)}`),
  );
  const shortHours = await makeApplicant(ctx, {
    org: branch,
    stage: 'activist',
    lectureHours: 6,
    dates: { activistOn: addMonths(today, -4) },
  });
  refused(
    await branchEditor.post(`/api/applicants/${shortHours.id}/candidate`, { candidateOn: today }),
    409,
    /团课学时不足：已登记 6 学时，确定为发展对象至少需要 8 学时/,
  );
  assert.equal(await stage(shortHours.id), 'activist');

  const candidate = await makeApplicant(ctx, { org: branch, stage: 'candidate' });
  const normal = await makeMember(ctx, { org: branch });
  const lapsed = await makeMember(ctx, { org: branch, status: 'lapsed', fullName: '脱团者' });
  const elsewhere = await makeMember(ctx, { org: tree.villageB1 });
  const vote = (overrides: Record<string, unknown>) =>
    branchEditor.post(`/api/applicants/${candidate.id}/vote`, {
      introducer1Id: normal.id,
      introducer2Id: (overrides.introducer2Id as number | undefined) ?? normal.id,
      voteOn: today,
      votersDue: 10,
      votersPresent: 8,
      votesFor: 7,
      ...overrides,
    });
  refused(await vote({}), 409, /两名入团介绍人不能是同一人/);
  refused(await vote({ introducer2Id: lapsed.id }), 409, /“脱团者”的团籍状态不是“正常”/);
  refused(await vote({ introducer2Id: elsewhere.id }), 409, /不存在或不在本组织范围内/);
  const second = await makeMember(ctx, { org: branch });
  refused(
    await vote({ introducer2Id: second.id, votersPresent: 5, votesFor: 5 }),
    409,
    /实到 5 人，未超过应到 10 人的半数/,
  );
  refused(
    await vote({ introducer2Id: second.id, votesFor: 5 }),
    409,
    /赞成 5 票，未超过应到会有表决权团员 10 人的半数/,
  );
  refused(await vote({ introducer2Id: second.id, votesFor: 9 }), 400, /赞成票不能多于实到人数/);
  assert.equal(await stage(candidate.id), 'candidate');
  const passed = await vote({ introducer2Id: second.id, votesFor: 6 });
  assert.equal(passed.statusCode, 200, passed.body);
  assert.equal(passed.json().stage, 'voted');
});

test('the branch cannot approve itself; a batch with one wrong id approves nobody and says who', async () => {
  const voted = await makeApplicant(ctx, { org: branch, stage: 'voted', fullName: '王待批' });
  refused(
    await branchAdmin.post('/api/applicants/approve', { ids: [voted.id], approvedOn: today }),
    403,
    /应由“甲一村团支部”的上级团组织审批/,
  );
  assert.equal(
    (await branchEditor.post('/api/applicants/approve', { ids: [voted.id], approvedOn: today })).statusCode,
    403,
    'an editor holds no people.approve',
  );
  refused(await branchAdmin.post(`/api/applicants/${voted.id}/reject`, { reason: '不同意' }), 403, /上级团组织/);
  assert.equal((await branchAdmin.get('/api/applicants?awaiting=approval')).json().total, 0);

  const notYet = await makeApplicant(ctx, { org: branch, stage: 'candidate', fullName: '赵未表决' });
  const membersBefore = await ctx.db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const batch = await countyAdmin.post('/api/applicants/approve', { ids: [voted.id, notYet.id], approvedOn: today });
  refused(batch, 409, /本批次未作任何处理：赵未表决：当前为“发展对象”，不是待上级审批/);
  assert.deepEqual(
    batch.json().error.details.refused.map((r: { id: number }) => r.id),
    [notYet.id],
  );
  assert.equal(await stage(voted.id), 'voted');
  const membersAfter = await ctx.db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  assert.equal(Number(membersAfter.n), Number(membersBefore.n));

  const outside = await makeApplicant(ctx, { org: tree.villageB1, stage: 'voted' });
  refused(
    await countyAdmin.post('/api/applicants/approve', { ids: [outside.id], approvedOn: today }),
    404,
    /不存在或无权访问/,
  );
  refused(
    await countyAdmin.post('/api/applicants/approve', { ids: [voted.id], approvedOn: addDays(today, -400) }),
    409,
    /批准日期早于支部大会表决日期/,
  );

  const rejected = await townAdmin.post(`/api/applicants/${voted.id}/reject`, { reason: '材料不全' });
  assert.equal(rejected.statusCode, 200, rejected.body);
  assert.equal(rejected.json().stage, 'rejected');
  assert.equal(rejected.json().closedReason, '材料不全');
  assert.equal(rejected.json().abilities.upload, false);
});

test('overdue applicants are flagged, filtered and counted on the board', async () => {
  const board = await makeBranch(ctx, { parent: tree.townA2 });
  const lateTalk = await makeApplicant(ctx, { org: board, dates: { appliedOn: addMonths(today, -2) } });
  await makeApplicant(ctx, { org: board, dates: { appliedOn: addDays(today, -5) } });
  const longObserved = await makeApplicant(ctx, {
    org: board,
    stage: 'activist',
    dates: { activistOn: addMonths(today, -7) },
  });
  const waiting = await makeApplicant(ctx, { org: board, stage: 'voted', dates: { voteOn: addDays(today, -40) } });
  const approvedLongAgo = await makeApplicant(ctx, {
    org: board,
    stage: 'voted',
    dates: { voteOn: addDays(today, -60) },
  });
  const approval = await countyAdmin.post('/api/applicants/approve', {
    ids: [approvedLongAgo.id],
    approvedOn: addDays(today, -45),
  });
  assert.equal(approval.statusCode, 200, approval.body);

  const detail = (await countyAdmin.get(`/api/applicants/${lateTalk.id}`)).json();
  assert.match(detail.overdue[0].message, new RegExp(`应在 ${addMonths(addMonths(today, -2), 1)} 前完成谈话`));
  const overdue = (await countyAdmin.get(`/api/applicants?orgId=${board.id}&overdue=true`)).json();
  const byId = new Map(overdue.items.map((i: { id: number; overdue: { reason: string }[] }) => [i.id, i.overdue]));
  assert.deepEqual(
    [...byId.keys()].sort((a, b) => Number(a) - Number(b)),
    [lateTalk.id, longObserved.id, waiting.id, approvedLongAgo.id],
  );
  assert.equal((byId.get(lateTalk.id) as { reason: string }[])[0].reason, 'talk_due');
  assert.equal((byId.get(longObserved.id) as { reason: string }[])[0].reason, 'observation_long');
  assert.equal((byId.get(waiting.id) as { reason: string }[])[0].reason, 'approval_waiting');
  assert.equal((byId.get(approvedLongAgo.id) as { reason: string }[])[0].reason, 'ceremony_due');

  const pipeline = (await countyAdmin.get(`/api/orgs/${board.id}/pipeline`)).json();
  assert.deepEqual(pipeline.counts, {
    applied: 2,
    activist: 1,
    candidate: 0,
    voted: 1,
    admitted: 1,
    withdrawn: 0,
    rejected: 0,
  });
  assert.equal(pipeline.overdue, 4);
  const applied = pipeline.columns.find((c: { stage: string }) => c.stage === 'applied');
  assert.equal(applied.total, 2);
  assert.equal(applied.items[0].id, lateTalk.id, 'oldest application first');
  assert.equal(applied.items[0].overdue[0].reason, 'talk_due');
  // The county's board sums the subtree; another county's branch reads as missing.
  const county = (await countyAdmin.get(`/api/orgs/${tree.countyA.id}/pipeline`)).json();
  assert.ok(county.counts.applied >= 2);
  assert.equal((await editorB.get(`/api/orgs/${board.id}/pipeline`)).statusCode, 404);
  assert.equal((await editorB.get(`/api/applicants/${lateTalk.id}`)).statusCode, 404);
});

test('documents: a PDF or an image by its bytes, filed under a stage reached, downloaded as an attachment in scope', async () => {
  const applicant = await makeApplicant(ctx, { org: branch, stage: 'activist' });
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');
  const upload = (client: Client, stageName: string, content: Buffer, name = '入团申请书.pdf') =>
    client.request({
      method: 'POST',
      url: `/api/applicants/${applicant.id}/documents`,
      ...multipartBody({ stage: stageName }, { name, content }),
    });
  const accepted = await upload(branchEditor, 'applied', pdf);
  assert.equal(accepted.statusCode, 201, accepted.body);
  assert.equal(accepted.json().mime, 'application/pdf');
  assert.equal(accepted.json().fileName, '入团申请书.pdf');
  refused(await upload(branchEditor, 'applied', Buffer.from('not a pdf at all\n')), 415, /PDF/);
  refused(await upload(branchEditor, 'voted', pdf), 409, /尚未到“待上级审批”阶段/);
  refused(await upload(branchEditor, 'someday', pdf), 400, /阶段/);
  assert.equal((await upload(editorB, 'applied', pdf)).statusCode, 404);

  const detail = (await branchEditor.get(`/api/applicants/${applicant.id}`)).json();
  assert.deepEqual(
    detail.documents.map((d: { stage: string; fileName: string }) => [d.stage, d.fileName]),
    [['applied', '入团申请书.pdf']],
  );
  const download = await countyAdmin.get(`/api/applicant-documents/${accepted.json().id}`);
  assert.equal(download.statusCode, 200);
  assert.equal(download.headers['content-type'], 'application/pdf');
  assert.match(String(download.headers['content-disposition']), /^attachment;/);
  assert.deepEqual(download.rawPayload, pdf);
  assert.equal((await editorB.get(`/api/applicant-documents/${accepted.json().id}`)).statusCode, 404);
});

test('the branch withdraws an open application; a dissolved branch takes no new step', async () => {
  const applicant = await makeApplicant(ctx, { org: branch, stage: 'candidate' });
  const withdrawn = await branchEditor.post(`/api/applicants/${applicant.id}/withdraw`, { reason: '本人申请撤回' });
  assert.equal(withdrawn.statusCode, 200, withdrawn.body);
  assert.equal(withdrawn.json().stage, 'withdrawn');
  refused(
    await branchEditor.post(`/api/applicants/${applicant.id}/withdraw`, { reason: '再次撤回' }),
    409,
    /当前为“已撤回”/,
  );
  const closedBranch = await makeOrg(ctx, { parent: tree.townA1, name: '已撤销村团支部' });
  const stranded = await makeApplicant(ctx, { org: closedBranch });
  await ctx.db.updateTable('orgs').set({ status: 'dissolved' }).where('id', '=', closedBranch.id).execute();
  assert.equal(
    (await branchEditor.post(`/api/applicants/${stranded.id}/talk`, { talkedOn: today })).statusCode,
    404,
    'another branch of the township is outside a branch editor’s scope',
  );
  refused(await townAdmin.post(`/api/applicants/${stranded.id}/talk`, { talkedOn: today }), 409, /已撤销/);
});

test('no response of the pipeline shows a full ID number', () => {
  assert.deepEqual(leaks, []);
});
