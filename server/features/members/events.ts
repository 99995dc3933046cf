import type { Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';

/**
 * One step of a member's timeline (created, admitted, status changed, transfer steps, reviews, recommendations,
 * corrections, duplicates). Details never hold a personal value: ID numbers and phones appear masked at most.
 */
export async function recordMemberEvent(
  trx: Executor,
  actor: Pick<Actor, 'userId' | 'username'> | null,
  event: { memberId: number; kind: string; orgId: number | null; details?: Record<string, unknown> },
): Promise<void> {
  await trx
    .insertInto('member_events')
    .values({
      member_id: event.memberId,
      at: nowIso(),
      kind: event.kind,
      org_id: event.orgId,
      actor_id: actor?.userId ?? null,
      actor_name: actor?.username ?? null,
      details: JSON.stringify(event.details ?? {}),
    })
    .execute();
}
