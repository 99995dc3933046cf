import type { ApprovalsSummary } from '../../../common/approvals.js';
import type { Db } from '../../db/schema.js';
import { actorCan, type Actor } from '../../http/actor.js';
import { countPendingDuplicates } from '../duplicates/repo.js';
import { countAwaitingRequests } from '../member-requests/repo.js';
import { decidableBy } from '../member-requests/scope.js';
import { countAwaitingTransfers } from '../transfers/repo.js';

// The approval inbox: what awaits the actor, by kind, counted with the same conditions the lists filter on.

async function countAwaitingAdmissions(db: Db, actor: Actor): Promise<number> {
  const { n } = await db
    .selectFrom('applicants as a')
    .innerJoin('orgs as o', 'o.id', 'a.org_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('a.stage', '=', 'voted')
    .where(decidableBy(actor, 'o'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

export async function approvalsSummary(db: Db, actor: Actor): Promise<ApprovalsSummary> {
  const admissions = await countAwaitingAdmissions(db, actor);
  const statusRequests = await countAwaitingRequests(db, actor, 'status');
  const corrections = await countAwaitingRequests(db, actor, 'correction');
  const transferSteps = await countAwaitingTransfers(db, actor);
  const duplicates = actorCan(actor, 'people.write') ? await countPendingDuplicates(db, actor) : 0;
  return {
    admissions,
    statusRequests,
    corrections,
    transferSteps,
    duplicates,
    total: admissions + statusRequests + corrections + transferSteps + duplicates,
  };
}
