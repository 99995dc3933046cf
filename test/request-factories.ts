import type { MembershipStatus } from '../common/domain.js';
import { nowIso } from '../server/db/tree.js';
import type { OrgRow } from '../server/features/orgs/repo.js';
import type { TestContext } from './harness.js';
import type { TestMember } from './people-factories.js';

// Requests, transfers and duplicate cases written straight to the database, as the routes leave them when they
// wait for a decision (for tables of who may decide what).

export async function makeStatusRequest(
  ctx: TestContext,
  input: { member: TestMember; requestedBy: number; toStatus?: MembershipStatus },
): Promise<number> {
  const row = await ctx.db
    .insertInto('member_requests')
    .values({
      member_id: input.member.id,
      org_id: input.member.orgId,
      kind: 'status',
      to_status: input.toStatus ?? 'lapsed',
      new_name: null,
      new_id_cipher: null,
      new_id_index: null,
      new_id_masked: null,
      reason: '连续 6 个月未参加组织生活',
      status: 'pending',
      requested_by: input.requestedBy,
      requested_at: nowIso(),
      decided_by: null,
      decided_at: null,
      decision_note: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A transfer waiting at its first step (the out branch). */
export async function makeTransfer(
  ctx: TestContext,
  input: { member: TestMember; toOrg: Pick<OrgRow, 'id'>; requestedBy: number },
): Promise<number> {
  const at = nowIso();
  const row = await ctx.db
    .insertInto('transfers')
    .values({
      member_id: input.member.id,
      from_org_id: input.member.orgId,
      to_org_id: input.toOrg.id,
      reason: 'employment',
      note: null,
      step: 'out_branch',
      batch_key: null,
      requested_by: input.requestedBy,
      requested_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await ctx.db
    .insertInto('transfer_steps')
    .values({
      transfer_id: row.id,
      step: 'requested',
      decision: 'requested',
      actor_id: input.requestedBy,
      actor_name: null,
      at,
      note: null,
    })
    .execute();
  return row.id;
}

/** A pending duplicate case: `claimantOrg` entered the ID number `member` holds. */
export async function makeDuplicateCase(
  ctx: TestContext,
  input: { member: TestMember; claimantOrg: Pick<OrgRow, 'id'>; claimantName?: string },
): Promise<number> {
  const claimantName = input.claimantName ?? `${input.member.fullName}（重复）`;
  const payload = {
    orgId: input.claimantOrg.id,
    fullName: claimantName,
    idNumber: input.member.idNumber,
    joinedOn: '2020-05-04',
    education: '高中',
  };
  const row = await ctx.db
    .insertInto('member_duplicates')
    .values({
      member_id: input.member.id,
      claimant_org_id: input.claimantOrg.id,
      claimant_name: claimantName,
      payload_cipher: ctx.app.keyring.encrypt(JSON.stringify(payload)),
      source: 'entry',
      status: 'pending',
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
