import type { Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { namingIssue } from './naming.js';

/**
 * Re-checks the naming rule for the channels of one org after the org itself changed (its name, short name, level
 * or direct flag): 青农 + place follows the org. Called by the orgs service in the transaction of the change; it
 * imports nothing of the ledger features, so that the orgs feature does not depend on them.
 */
export async function recheckChannelNaming(trx: Executor, orgId: number): Promise<number> {
  const org = await trx
    .selectFrom('orgs')
    .select(['name', 'short_name', 'level', 'is_direct'])
    .where('id', '=', orgId)
    .executeTakeFirst();
  if (!org) return 0;
  const channels = await trx
    .selectFrom('channels')
    .select(['id', 'kind', 'name', 'naming_issue'])
    .where('org_id', '=', orgId)
    .execute();
  let changed = 0;
  for (const channel of channels) {
    const issue = namingIssue(channel.kind, channel.name, org);
    if (issue === channel.naming_issue) continue;
    await trx
      .updateTable('channels')
      .set({ naming_issue: issue, updated_at: nowIso() })
      .where('id', '=', channel.id)
      .execute();
    changed += 1;
  }
  return changed;
}
