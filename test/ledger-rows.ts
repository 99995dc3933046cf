import type { ChannelKind } from '../common/domain.js';
import { nowIso } from '../server/db/tree.js';
import { refreshOrgMetrics } from '../server/features/campaigns/engine.js';
import type { OrgRow } from '../server/features/orgs/repo.js';
import type { TestContext } from './harness.js';

// Ledger rows written straight to the database, the way an import or another feature would, followed by the
// same engine refresh every ledger write makes. For tests of the campaign engine that must not depend on the
// channel and contact routes.

export async function insertChannels(ctx: TestContext, org: Pick<OrgRow, 'id'>, kind: ChannelKind, count: number) {
  const at = nowIso();
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('channels').select('id').where('org_id', '=', org.id).execute();
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const row = await trx
        .insertInto('channels')
        .values({
          org_id: org.id,
          kind,
          name: `${kind}-${org.id}-${existing.length + i + 1}`,
          account_type: null,
          app_id: null,
          original_id: null,
          responsible_cadre_id: null,
          created_on: at.slice(0, 10),
          status: 'active',
          naming_issue: null,
          latest_count: null,
          latest_count_on: null,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(row.id);
    }
    await refreshOrgMetrics(trx, [org.id], ['channel_count', 'plan_completion', 'posts_per_channel']);
    return ids;
  });
}

export async function closeChannel(ctx: TestContext, channelId: number) {
  await ctx.db.transaction().execute(async (trx) => {
    const channel = await trx
      .updateTable('channels')
      .set({ status: 'closed' })
      .where('id', '=', channelId)
      .returning('org_id')
      .executeTakeFirstOrThrow();
    await refreshOrgMetrics(trx, [channel.org_id], ['channel_count', 'plan_completion', 'posts_per_channel']);
  });
}

/** A cadre with a given number of linked contacts (the maintained count only; the links are the contacts' tests). */
export async function insertCadre(
  ctx: TestContext,
  org: Pick<OrgRow, 'id'>,
  input: { contacts: number; post?: string; name?: string; phoneMasked?: string },
) {
  const at = nowIso();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('cadres')
      .values({
        org_id: org.id,
        full_name: input.name ?? '王团干',
        post: input.post ?? '书记',
        kind: 'part_time',
        phone_cipher: null,
        phone_index: null,
        phone_masked: input.phoneMasked ?? null,
        status: 'active',
        contact_count: input.contacts,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await refreshOrgMetrics(trx, [org.id], ['cadre_contact_share']);
    return row.id;
  });
}

export async function setCadreContacts(ctx: TestContext, cadreId: number, contacts: number) {
  await ctx.db.transaction().execute(async (trx) => {
    const cadre = await trx
      .updateTable('cadres')
      .set({ contact_count: contacts })
      .where('id', '=', cadreId)
      .returning('org_id')
      .executeTakeFirstOrThrow();
    await refreshOrgMetrics(trx, [cadre.org_id], ['cadre_contact_share']);
  });
}
