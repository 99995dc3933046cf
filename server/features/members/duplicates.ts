import type { Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { recordAudit } from '../audit/service.js';
import type { OrgRow } from '../orgs/repo.js';
import { recordMemberEvent } from './events.js';
import type { MemberWithOrg } from './repo.js';

/**
 * A second org entered (or imported) an ID number that another org already holds. Nothing is overwritten: what
 * they entered is kept encrypted in a case that both sides see, until one of them resolves it (transfer the
 * holder's record, merge the entry into it, or reject the entry). Returns the case id; an open case for the same
 * member and claimant org is reused, so a second attempt does not open a second case.
 */
export async function openDuplicateCase(
  trx: Executor,
  keyring: Keyring,
  actor: Actor,
  input: {
    holder: MemberWithOrg;
    claimantOrg: Pick<OrgRow, 'id' | 'name'>;
    claimantName: string;
    source: 'entry' | 'import';
    payload: Record<string, unknown>;
  },
): Promise<number> {
  const open = await trx
    .selectFrom('member_duplicates')
    .select('id')
    .where('member_id', '=', input.holder.id)
    .where('claimant_org_id', '=', input.claimantOrg.id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  const payloadCipher = keyring.encrypt(JSON.stringify(input.payload));
  if (open) {
    await trx
      .updateTable('member_duplicates')
      .set({ payload_cipher: payloadCipher, claimant_name: input.claimantName })
      .where('id', '=', open.id)
      .execute();
    return open.id;
  }
  const { id } = await trx
    .insertInto('member_duplicates')
    .values({
      member_id: input.holder.id,
      claimant_org_id: input.claimantOrg.id,
      claimant_name: input.claimantName,
      payload_cipher: payloadCipher,
      source: input.source,
      status: 'pending',
      note: null,
      created_by: actor.userId,
      created_at: nowIso(),
      resolved_by: null,
      resolved_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordMemberEvent(trx, actor, {
    memberId: input.holder.id,
    kind: 'duplicate_opened',
    orgId: input.claimantOrg.id,
    details: { caseId: id, claimantOrg: input.claimantOrg.name, source: input.source },
  });
  await recordAudit(trx, actor, {
    action: 'member.duplicate_opened',
    objectType: 'member_duplicate',
    objectId: id,
    orgId: input.claimantOrg.id,
    details: { memberId: input.holder.id, holderOrgId: input.holder.org_id, source: input.source },
  });
  return id;
}
