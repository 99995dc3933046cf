import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../server/db/schema.js';
import type { Random } from '../bench/random.js';
import type { Client } from './factories.js';

// Random ledger changes through the real routes, for a generated province: channels opened and closed, youth
// linked to and unlinked from cadres (preferring cadres near the 20-contact line, where statuses flip), plans
// refiled, townships moved to another county by the two-step move, empty villages dissolved.

export type ChangeCounts = Record<
  'channelCreated' | 'channelClosed' | 'linked' | 'unlinked' | 'planFiled' | 'moved' | 'dissolved',
  number
>;

const ok = (response: LightMyRequestResponse, status: number, what: string) =>
  assert.equal(response.statusCode, status, `${what}: ${response.body}`);

async function ids(db: Db, query: ReturnType<typeof sql<{ id: number }>>): Promise<number[]> {
  return (await query.execute(db)).rows.map((r) => Number(r.id));
}

export async function applyRandomChanges(input: {
  db: Db;
  random: Random;
  campaignId: number;
  /** An org_admin of the province: requests moves, files plans, writes the ledger. */
  admin: Client;
  /** A second province org_admin, who approves moves for the old and the new parent. */
  approver: Client;
  changes: number;
}): Promise<ChangeCounts> {
  const { db, random, admin } = input;
  const counts: ChangeCounts = {
    channelCreated: 0,
    channelClosed: 0,
    linked: 0,
    unlinked: 0,
    planFiled: 0,
    moved: 0,
    dissolved: 0,
  };
  const townships = await ids(db, sql`select id from orgs where level = 'township' and status = 'active'`);
  // Townships with cadres, so that the changes land where the figures are not all zero.
  const busy = await ids(
    db,
    sql`select distinct o.id from orgs o join cadres c on c.org_id = o.id where o.level = 'township' order by o.id`,
  );
  const counties = await ids(db, sql`select id from orgs where level = 'county' and status = 'active'`);
  const emptyVillages = await ids(
    db,
    sql`select o.id from orgs o where o.level = 'village' and o.status = 'active'
        and not exists (select 1 from cadres c where c.org_id = o.id) order by o.id limit 2000`,
  );
  const nearLine = await db
    .selectFrom('cadres')
    .select(['id', 'org_id'])
    .where('status', '=', 'active')
    .where('contact_count', '>=', 17)
    .where('contact_count', '<=', 22)
    .orderBy('id')
    .execute();
  let serial = 0;

  const operations: [number, () => Promise<void>][] = [
    [
      30,
      async () => {
        const orgId = random.chance(0.7) ? random.pick(busy) : random.pick(townships);
        const kind = random.chance(0.85) ? 'tuanqing_group' : 'qingnong_group';
        const response = await admin.post('/api/channels', { orgId, kind, name: `新建${kind}${++serial}群` });
        ok(response, 201, 'create channel');
        counts.channelCreated += 1;
      },
    ],
    [
      20,
      async () => {
        const orgId = random.pick(busy);
        const [id] = await ids(
          db,
          sql`select id from channels where org_id = ${orgId} and status = 'active' order by id limit 1`,
        );
        if (id === undefined) return;
        ok(await admin.patch(`/api/channels/${id}`, { status: 'closed' }), 200, 'close channel');
        counts.channelClosed += 1;
      },
    ],
    [
      30,
      async () => {
        const cadre = random.pick(nearLine);
        const [contactId] = await ids(
          db,
          sql`select id from youth_contacts y where org_id = ${cadre.org_id} and not exists
              (select 1 from cadre_contacts l where l.contact_id = y.id and l.cadre_id = ${cadre.id}) limit 1`,
        );
        if (contactId === undefined) return;
        ok(await admin.post(`/api/contacts/${contactId}/cadres`, { cadreId: cadre.id }), 201, 'link');
        counts.linked += 1;
      },
    ],
    [
      20,
      async () => {
        const cadre = random.pick(nearLine);
        const [contactId] = await ids(
          db,
          sql`select contact_id as id from cadre_contacts where cadre_id = ${cadre.id} order by contact_id limit 1`,
        );
        if (contactId === undefined) return;
        ok(
          await admin.request({ method: 'DELETE', url: `/api/contacts/${contactId}/cadres/${cadre.id}` }),
          200,
          'unlink',
        );
        counts.unlinked += 1;
      },
    ],
    [
      8,
      async () => {
        const rows = [random.pick(busy), random.pick(townships)].map((orgId) => ({
          orgId,
          planned: random.int(0, 16),
        }));
        const unique = [...new Map(rows.map((r) => [r.orgId, r])).values()];
        const response = await admin.request({
          method: 'PUT',
          url: `/api/campaigns/${input.campaignId}/plans`,
          payload: { rows: unique },
        });
        ok(response, 200, 'file plans');
        counts.planFiled += 1;
      },
    ],
    [
      1.5,
      async () => {
        const township = random.pick(busy);
        const [parent] = await ids(db, sql`select parent_id as id from orgs where id = ${township}`);
        const target = random.pick(counties.filter((c) => c !== parent));
        const move = await admin.post(`/api/orgs/${township}/moves`, { toParentId: target, reason: '区划调整' });
        ok(move, 201, 'request move');
        for (let step = 0; step < 2; step++) {
          ok(await input.approver.post(`/api/org-moves/${move.json<{ id: number }>().id}/approve`), 200, 'approve');
        }
        counts.moved += 1;
      },
    ],
    [
      3,
      async () => {
        const village = emptyVillages.splice(random.int(0, emptyVillages.length - 1), 1)[0];
        ok(await admin.post(`/api/orgs/${village}/dissolve`, { reason: '村级建制调整' }), 200, 'dissolve');
        counts.dissolved += 1;
      },
    ],
  ];
  const weighted = operations.map(([weight, run]) => [run, weight] as const);
  for (let i = 0; i < input.changes; i++) await random.weighted(weighted)();
  return counts;
}
