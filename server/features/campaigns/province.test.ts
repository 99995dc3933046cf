import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { addUnlinkedContacts, generateProvince, loadProvinceTree } from '../../../bench/province.js';
import { createRandom } from '../../../bench/random.js';
import type { DashboardResponse } from '../../../common/campaigns.js';
import { loginAs, type Client } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { applyRandomChanges } from '../../../test/province-changes.js';
import { rollupDifferences } from '../../../test/rollup-check.js';
import { subtreeRange } from '../../db/tree.js';
import { importDivisions } from '../orgs/import-divisions.js';

// The Shaanxi tree (21,809 orgs) with a generated ledger of about 200,000 youth contacts and 5,000 channels: the
// maintained figures equal an independent count before and after a few hundred changes through the routes, the
// dashboards say what plain SQL says, and contacts that no indicator counts never change a dashboard.

const ctx = await createTestContext();
await importDivisions({ db: ctx.db, provinceCode: '61', depth: 'village' });
const generated = await generateProvince(ctx.db, ctx.app.keyring, { contactScale: 0.125, channelScale: 0.22 });
const { campaignId } = generated;
const tree = await loadProvinceTree(ctx.db);
const org = (id: number) => ctx.db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const indicators = await ctx.db
  .selectFrom('indicators')
  .select(['id', 'metric', 'channel_kind'])
  .where('campaign_id', '=', campaignId)
  .orderBy('sort_order')
  .execute();
const [cadreIndicator, tuanqingIndicator, qingnongIndicator, planIndicator] = indicators;

/** The county with the most cadres, and its city: where the figures are least trivial. */
const { rows: busiest } = await sql<{ county: number; city: number }>`
  select o.id as county, o.parent_id as city from orgs o
  where o.level = 'county'
  order by (select count(*) from cadres c join orgs x on x.id = c.org_id
            where x.path like o.path || '%') desc, o.id
  limit 1`.execute(ctx.db);
const [{ county: countyId, city: cityId }] = busiest;
const admins = {
  province: await loginAs(ctx, 'org_admin', await org(generated.provinceId)),
  city: await loginAs(ctx, 'org_admin', await org(cityId)),
  county: await loginAs(ctx, 'org_admin', await org(countyId)),
};

async function dashboard(client: Client, orgId: number): Promise<DashboardResponse> {
  const response = await client.get(`/api/campaigns/${campaignId}/dashboard?orgId=${orgId}`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json<DashboardResponse>();
}
const figure = (d: DashboardResponse, indicatorId: number) => d.indicators.find((i) => i.id === indicatorId)!;

test('the generated province is the size asked for, and its contact counts are its links', async (t) => {
  const { counts } = generated;
  t.diagnostic(
    `${counts.cadres} cadres, ${counts.contacts} contacts, ${counts.links} links, ${counts.channels.total} channels; ms ${JSON.stringify(generated.ms)}`,
  );
  assert.equal(counts.orgs, 21_809);
  assert.ok(counts.contacts > 180_000 && counts.contacts < 240_000, `${counts.contacts} contacts`);
  assert.ok(counts.channels.total > 4_000 && counts.channels.total < 6_000, `${counts.channels.total} channels`);
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from cadres c
    where c.contact_count <> (select count(*) from cadre_contacts l where l.cadre_id = c.id)`.execute(ctx.db);
  assert.equal(Number(rows[0].n), 0, 'every cadre’s contact_count is the number of its links');
});

test('every status and roll-up equals an independent count over the generated ledger', async () => {
  assert.deepEqual((await rollupDifferences(ctx.db, campaignId)).slice(0, 10), []);
});

/** Plain counts per indicator under an org, written here without the engine or the checker. */
async function sqlCounts(orgId: number) {
  const [from, to] = subtreeRange((await org(orgId)).path);
  const under = sql`o.path >= ${from} and o.path < ${to} and o.status = 'active'`;
  const groups = (kind: string) =>
    sql`(select count(*) from channels ch where ch.org_id = o.id and ch.kind = ${kind} and ch.status = 'active')`;
  const leadership = sql`o.type in ('committee', 'working_committee')`;
  const { rows } = await sql<Record<string, number>>`
    select
      (select count(*) from orgs o where ${under} and o.level = 'township' and ${leadership}) as townships,
      (select count(*) from orgs o where ${under} and o.level = 'township' and ${leadership}
         and ${groups('tuanqing_group')} >= 10) as tuanqing_met,
      (select count(*) from orgs o where ${under} and o.level = 'county' and ${leadership}
         and ${groups('qingnong_group')} >= 1) as counties_with_qingnong,
      (select count(*) from orgs o where ${under} and o.level in ('township', 'village')) as grassroots,
      (select count(*) from orgs o where ${under} and o.level in ('township', 'village')
         and exists (select 1 from cadres c where c.org_id = o.id and c.status = 'active')
         and not exists (select 1 from cadres c where c.org_id = o.id and c.status = 'active'
                         and c.contact_count < 20)) as cadres_met,
      (select count(*) from orgs o join campaign_plans p on p.org_id = o.id and p.campaign_id = ${campaignId}
         where ${under} and o.level = 'township' and ${leadership}
         and (p.planned = 0 or ${groups('tuanqing_group')} >= 0.9 * p.planned)) as plans_met`.execute(ctx.db);
  return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
}

async function checkDashboards() {
  const [province, city, county] = await Promise.all([
    dashboard(admins.province, generated.provinceId),
    dashboard(admins.city, cityId),
    dashboard(admins.county, countyId),
  ]);
  for (const [d, orgId] of [
    [province, generated.provinceId],
    [city, cityId],
    [county, countyId],
  ] as const) {
    const expected = await sqlCounts(orgId);
    const tuanqing = figure(d, tuanqingIndicator.id).total;
    assert.deepEqual([tuanqing.applicable, tuanqing.met], [expected.townships, expected.tuanqing_met], `${orgId}`);
    const cadres = figure(d, cadreIndicator.id).total;
    assert.deepEqual([cadres.applicable, cadres.met], [expected.grassroots, expected.cadres_met], `${orgId}`);
    assert.equal(figure(d, planIndicator.id).total.met, expected.plans_met, `${orgId}`);
    const qingnongCounties = figure(d, qingnongIndicator.id).byLevel.find((l) => l.level === 'county');
    assert.equal(qingnongCounties?.met ?? 0, expected.counties_with_qingnong, `${orgId}`);
  }
  // Each county of the city, as the city's dashboard lists it.
  for (const child of city.children) {
    const expected = await sqlCounts(child.id);
    const row = child.indicators.find((i) => i.indicatorId === tuanqingIndicator.id)!;
    assert.deepEqual([row.applicable, row.met], [expected.townships, expected.tuanqing_met], child.name);
  }
  assert.ok(figure(city, tuanqingIndicator.id).total.met > 0, 'the busiest city has townships at target');
  assert.ok(figure(city, cadreIndicator.id).total.met > 0, 'and orgs whose cadres all reach 20 youth');
}

test('dashboards of the province, a city and a county say what plain SQL counts', async () => {
  await checkDashboards();
});

test('a few hundred changes through the routes keep every figure equal to the independent count', async () => {
  const approver = await loginAs(ctx, 'org_admin', await org(generated.provinceId));
  const counts = await applyRandomChanges({
    db: ctx.db,
    random: createRandom(7),
    campaignId,
    admin: admins.province,
    approver,
    changes: 300,
  });
  for (const [kind, n] of Object.entries(counts)) assert.ok(n > 0, `${kind}: ${n}`);
  assert.deepEqual((await rollupDifferences(ctx.db, campaignId)).slice(0, 10), []);
  await checkDashboards();
});

test('100,000 more contacts linked to nobody change no dashboard figure', async () => {
  const pages = () =>
    Promise.all([
      dashboard(admins.province, generated.provinceId),
      dashboard(admins.city, cityId),
      dashboard(admins.county, countyId),
    ]);
  const before = await pages();
  const villages = tree.townships.flatMap((t) => t.villages.map((v) => v.id));
  await addUnlinkedContacts(ctx.db, ctx.app.keyring, { orgIds: villages, count: 100_000, phoneStart: 50_000_000 });
  const { rows } = await sql<{ n: number }>`select count(*) as n from youth_contacts`.execute(ctx.db);
  assert.ok(Number(rows[0].n) >= generated.counts.contacts + 100_000);
  assert.deepEqual(await pages(), before);
});
