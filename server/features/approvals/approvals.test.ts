import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree, type Client } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeBranch, makeMember, nextIdNumber } from '../../../test/people-factories.js';
import { nowIso } from '../../db/tree.js';
import { checkIdNumber, idColumns } from '../members/identity.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const branchA = await makeBranch(ctx, { parent: tree.townA1, name: '甲一镇待办团支部' });
const branchB = await makeBranch(ctx, { parent: tree.townB1, name: '乙一镇待办团支部' });
const editorA = await loginAsFrom(ctx, 'org_editor', branchA);
const editorB = await loginAsFrom(ctx, 'org_editor', branchB);
const branchAAdmin = await loginAsFrom(ctx, 'org_admin', branchA);
const townA1Admin = await loginAsFrom(ctx, 'org_admin', tree.townA1);
const townB1Admin = await loginAsFrom(ctx, 'org_admin', tree.townB1);
const countyAInspector = await loginAsFrom(ctx, 'inspector', tree.countyA);

/** An applicant voted in by the branch, awaiting the upper committee (the applicants feature writes these). */
async function votedApplicant(orgId: number): Promise<void> {
  const at = nowIso();
  await ctx.db
    .insertInto('applicants')
    .values({
      org_id: orgId,
      full_name: '入团申请人',
      ...idColumns(ctx.app.keyring, checkIdNumber(nextIdNumber())),
      birth_date: '2008-01-01',
      sex: 'male',
      phone_cipher: null,
      phone_index: null,
      phone_masked: null,
      stage: 'voted',
      applied_on: '2025-01-01',
      created_at: at,
      updated_at: at,
    })
    .execute();
}

async function summary(client: Client) {
  const response = await client.get('/api/approvals/summary');
  assert.equal(response.statusCode, 200, response.body);
  return response.json<Record<string, number>>();
}

test('the inbox counts what awaits each actor, and the lists behind it agree', async () => {
  await votedApplicant(branchA.id);
  const statusMember = await makeMember(ctx, { org: branchA });
  const correctionMember = await makeMember(ctx, { org: branchA });
  const movingMember = await makeMember(ctx, { org: branchA });
  assert.equal(
    (await editorA.post(`/api/members/${statusMember.id}/status-requests`, { toStatus: 'lapsed', reason: '失联' }))
      .statusCode,
    201,
  );
  assert.equal(
    (await editorA.post(`/api/members/${correctionMember.id}/corrections`, { fullName: '改名', reason: '录错' }))
      .statusCode,
    201,
  );
  const transfer = await editorA.post('/api/transfers', {
    memberIds: [movingMember.id],
    toOrgId: branchB.id,
    reason: 'employment',
  });
  const [transferId] = transfer.json<{ ids: number[] }>().ids;
  const holder = await makeMember(ctx, { org: branchA, birthDate: '2001-04-04' });
  const duplicate = await editorB.post('/api/members', {
    orgId: branchB.id,
    fullName: '重复',
    idNumber: holder.idNumber,
    joinedOn: '2020-05-04',
  });
  assert.equal(duplicate.json().error.code, 'duplicate_person');

  // The branch admin decides the transfer's first step and may resolve the duplicate, nothing above the branch.
  assert.deepEqual(await summary(branchAAdmin), {
    admissions: 0,
    statusRequests: 0,
    corrections: 0,
    transferSteps: 1,
    duplicates: 1,
    total: 2,
  });
  // The township above decides the admission, the requests, and (seeing the branch) the out-branch step too.
  assert.deepEqual(await summary(townA1Admin), {
    admissions: 1,
    statusRequests: 1,
    corrections: 1,
    transferSteps: 1,
    duplicates: 1,
    total: 5,
  });
  assert.equal((await townA1Admin.get('/api/member-requests?awaiting=true')).json().total, 2);
  assert.equal((await townA1Admin.get('/api/transfers?awaiting=true')).json().total, 1);
  // The other county decides nothing yet, but its branch is the claimant side of the duplicate.
  assert.deepEqual(await summary(townB1Admin), {
    admissions: 0,
    statusRequests: 0,
    corrections: 0,
    transferSteps: 0,
    duplicates: 1,
    total: 1,
  });
  // An inspector approves and resolves nothing.
  assert.equal((await summary(countyAInspector)).total, 0);

  await branchAAdmin.post(`/api/transfers/${transferId}/approve`, {});
  assert.equal((await summary(branchAAdmin)).transferSteps, 0);
  assert.equal((await summary(townA1Admin)).transferSteps, 1);
  await townA1Admin.post(`/api/transfers/${transferId}/approve`, {});
  assert.equal((await summary(townA1Admin)).transferSteps, 0);
  assert.equal((await summary(townB1Admin)).transferSteps, 1, 'the in branch step: the township above sees it');
  assert.equal((await townB1Admin.get('/api/transfers?awaiting=true')).json().items[0].id, transferId);
});
