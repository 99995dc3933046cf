import type { ActivityKind, CreateActivityBody } from '../../../common/ledger.js';
import type { Db } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { recordAudit } from '../audit/service.js';
import { refreshOrgMetrics } from '../campaigns/engine.js';
import { loadWritableOrg, pageWindow, resolveLedgerScope } from '../ledger/shared.js';
import { insertActivity, listActivities } from './repo.js';

// Activities held (主题团日, 团课, 入团仪式, volunteering), recorded by hand until the activities feature with
// sign-up and check-in replaces this entry form. They count in the campaigns' activities_held.

type ActivityRow = Awaited<ReturnType<typeof listActivities>>['rows'][number];

function presentActivity(row: ActivityRow) {
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    title: row.title,
    kind: row.kind as ActivityKind,
    heldOn: row.held_on,
    createdAt: row.created_at,
  };
}

export async function listOrgActivities(
  db: Db,
  actor: Actor,
  input: { id: number; includeSubtree: boolean; from?: string; to?: string; page: number; pageSize: number },
) {
  const scope = await resolveLedgerScope(db, actor, {
    orgId: input.id,
    scope: input.includeSubtree ? 'subtree' : 'own',
  });
  const { rows, total } = await listActivities(db, { scope, from: input.from, to: input.to, ...pageWindow(input) });
  return { items: rows.map(presentActivity), total };
}

export async function recordActivity(db: Db, actor: Actor, body: CreateActivityBody) {
  return db.transaction().execute(async (trx) => {
    const org = await loadWritableOrg(trx, actor, body.orgId);
    const at = nowIso();
    const values = {
      org_id: org.id,
      title: body.title,
      kind: body.kind,
      held_on: body.heldOn,
      created_by: actor.userId,
      created_at: at,
    };
    const id = await insertActivity(trx, values);
    await recordAudit(trx, actor, {
      action: 'activity.create',
      objectType: 'activity',
      objectId: id,
      orgId: org.id,
      details: { title: body.title, kind: body.kind, heldOn: body.heldOn },
    });
    await refreshOrgMetrics(trx, [org.id], ['activities_held']);
    return presentActivity({ ...values, id, org_name: org.name });
  });
}
