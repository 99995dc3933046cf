import type { Db } from '../../db/schema.js';
import { subtreeRange } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { loadVisibleOrg } from '../orgs/service.js';

/** The official accounts and WeCom robots a bulletin of the org may go to: active, the org's own or below it. */
export async function listTargetChannels(db: Db, actor: Actor, orgId: number) {
  const org = await loadVisibleOrg(db, actor, orgId);
  const [lower, upper] = subtreeRange(org.path);
  const rows = await db
    .selectFrom('channels as c')
    .innerJoin('orgs as o', 'o.id', 'c.org_id')
    .leftJoin('wechat_accounts as a', 'a.channel_id', 'c.id')
    .select([
      'c.id',
      'c.org_id',
      'o.name as org_name',
      'c.kind',
      'c.name',
      'c.account_type',
      'a.app_secret',
      'a.webhook_key',
    ])
    .where('o.path', '>=', lower)
    .where('o.path', '<', upper)
    .where('c.kind', 'in', ['official_account', 'wecom_robot'])
    .where('c.status', '=', 'active')
    .orderBy('o.depth')
    .orderBy('c.id')
    .limit(500)
    .execute();
  return {
    items: rows.map((row) => ({
      id: row.id,
      orgId: row.org_id,
      orgName: row.org_name,
      kind: row.kind as 'official_account' | 'wecom_robot',
      name: row.name,
      accountType: row.account_type,
      configured: row.kind === 'official_account' ? row.app_secret !== null : row.webhook_key !== null,
    })),
  };
}
