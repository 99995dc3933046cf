import assert from 'node:assert/strict';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import type { DashboardResponse, LaggardResponse } from '../../../common/campaigns.js';
import { addDays, chinaToday } from '../../../common/dates.js';
import { createTestContext } from '../../../test/harness.js';
import { loginAs, makeOrg, makeTree } from '../../../test/factories.js';
import { closeChannel, insertCadre, insertChannels, setCadreContacts } from '../../../test/ledger-rows.js';
import { rollupDifferences } from '../../../test/rollup-check.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const provinceAdmin = await loginAs(ctx, 'org_admin', tree.province);
const today = chinaToday();

/** The seed's indicators, with deadlines around today so that every status can occur. */
function indicators(deadline: string) {
  return [
    {
      name: '团干部联系青年',
      metric: 'cadre_contact_share',
      minContacts: 20,
      levels: ['township', 'village'],
      types: ['committee', 'working_committee', 'branch'],
      threshold: 1,
      deadline,
    },
    {
      name: '乡镇团青群',
      metric: 'channel_count',
      channelKind: 'tuanqing_group',
      levels: ['township'],
      types: ['committee', 'working_committee'],
      threshold: 10,
      deadline,
    },
    {
      name: '领导机构青农群',
      metric: 'channel_count',
      channelKind: 'qingnong_group',
      levels: ['township', 'county', 'city', 'province'],
      types: ['committee', 'working_committee'],
      threshold: 1,
      deadline,
    },
    {
      name: '团青群计划完成',
      metric: 'plan_completion',
      channelKind: 'tuanqing_group',
      levels: ['township'],
      types: ['committee', 'working_committee'],
      threshold: 0.9,
      deadline,
    },
  ];
}

async function createCampaign(body: Record<string, unknown>) {
  const response = await provinceAdmin.post('/api/campaigns', body);
  assert.equal(response.statusCode, 201, response.body);
  return response.json<{
    id: number;
    indicators: { id: number; name: string; threshold: number; deadline: string }[];
  }>();
}

const campaign = await createCampaign({
  rootOrgId: tree.province.id,
  name: '农村共青团微信体系建设',
  startsOn: addDays(today, -30),
  endsOn: addDays(today, 60),
  indicators: indicators(addDays(today, 5)),
});
const [contactsIndicator, tuanqingIndicator, qingnongIndicator, planIndicator] = campaign.indicators;

async function dashboard(orgId: number, client = provinceAdmin): Promise<DashboardResponse> {
  const response = await client.get(`/api/campaigns/${campaign.id}/dashboard?orgId=${orgId}`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json<DashboardResponse>();
}
const figure = (d: DashboardResponse, indicatorId: number) => d.indicators.find((i) => i.id === indicatorId)!;
const childFigure = (d: DashboardResponse, childId: number, indicatorId: number) =>
  d.children.find((c) => c.id === childId)!.indicators.find((i) => i.indicatorId === indicatorId)!;

test('the built-in template is the seed programme, exactly', async () => {
  const created = await createCampaign({
    rootOrgId: tree.countyB.id,
    name: '2026 年农村共青团微信体系建设',
    startsOn: '2026-07-01',
    endsOn: '2026-11-30',
    template: 'rural_wechat',
  });
  const summary = created.indicators.map((i) => [i.name, i.threshold, i.deadline]);
  assert.deepEqual(summary, [
    ['每名基层团干部联系农村青年不少于 20 人', 1, '2026-09-30'],
    ['每个乡镇建立团青微信群不少于 10 个', 10, '2026-09-30'],
    ['乡镇及以上团的领导机构各建立青农微信群', 1, '2026-09-30'],
    ['团青微信群建成数达到计划数的 90%', 0.9, '2026-10-31'],
  ]);
});

test('the template started after 30 September is next year’s programme; a period too short for it is refused in Chinese', async () => {
  const late = await provinceAdmin.post('/api/campaigns', {
    rootOrgId: tree.countyB.id,
    name: '下一年度微信体系建设',
    startsOn: '2026-12-01',
    endsOn: '2027-11-30',
    template: 'rural_wechat',
  });
  assert.equal(late.statusCode, 201, late.body);
  assert.deepEqual(
    late.json<{ indicators: { deadline: string }[] }>().indicators.map((i) => i.deadline),
    ['2027-09-30', '2027-09-30', '2027-09-30', '2027-10-31'],
  );
  const short = await provinceAdmin.post('/api/campaigns', {
    rootOrgId: tree.countyB.id,
    name: '期限太短的任务',
    startsOn: '2026-12-01',
    endsOn: '2026-12-31',
    template: 'rural_wechat',
  });
  assert.equal(short.statusCode, 400);
  assert.match(
    short.json<{ error: { message: string } }>().error.message,
    /截止日期 2027-09-30 应在工作任务的起止日期/,
  );
});

test('ten tuanqing groups turn a township green, and the county, city and province see it at once', async () => {
  await insertChannels(ctx, tree.townA1, 'tuanqing_group', 9);
  let county = await dashboard(tree.countyA.id);
  assert.equal(childFigure(county, tree.townA1.id, tuanqingIndicator.id).own?.status, 'not_yet_due');
  assert.equal(figure(county, tuanqingIndicator.id).total.met, 0);
  assert.equal(figure(county, tuanqingIndicator.id).total.applicable, 2, 'two townships in county A');

  const [tenth] = await insertChannels(ctx, tree.townA1, 'tuanqing_group', 1);
  county = await dashboard(tree.countyA.id);
  assert.equal(childFigure(county, tree.townA1.id, tuanqingIndicator.id).own?.status, 'met');
  assert.deepEqual(
    { met: figure(county, tuanqingIndicator.id).total.met, share: figure(county, tuanqingIndicator.id).total.share },
    { met: 1, share: 0.5 },
  );
  const city = await dashboard(tree.cityA.id);
  assert.equal(childFigure(city, tree.countyA.id, tuanqingIndicator.id).met, 1);
  const province = await dashboard(tree.province.id);
  assert.deepEqual(
    figure(province, tuanqingIndicator.id).byLevel.map((l) => [l.level, l.applicable, l.met]),
    [['township', 3, 1]],
  );
  assert.equal(figure(province, tuanqingIndicator.id).total.valueSum, 10, 'groups built in the province');

  await closeChannel(ctx, tenth);
  county = await dashboard(tree.countyA.id);
  assert.equal(
    childFigure(county, tree.townA1.id, tuanqingIndicator.id).own?.status,
    'not_yet_due',
    'closing one undoes it',
  );
  assert.deepEqual(await rollupDifferences(ctx.db, campaign.id), []);
});

test('the cadre-contact indicator is the share of cadres reaching 20 youth, per org', async () => {
  const secretary = await insertCadre(ctx, tree.villageA1, {
    contacts: 20,
    name: '李书记',
    phoneMasked: '138****0001',
  });
  const member = await insertCadre(ctx, tree.villageA1, { contacts: 5, post: '组织委员', name: '赵委员' });
  let township = await dashboard(tree.townA1.id);
  const village = childFigure(township, tree.villageA1.id, contactsIndicator.id);
  assert.equal(village.own?.value, 0.5);
  assert.equal(village.own?.status, 'not_yet_due');
  await setCadreContacts(ctx, member, 25);
  township = await dashboard(tree.townA1.id);
  assert.equal(childFigure(township, tree.villageA1.id, contactsIndicator.id).own?.status, 'met');
  await setCadreContacts(ctx, secretary, 19);
  assert.deepEqual(await rollupDifferences(ctx.db, campaign.id), []);
});

test('plan completion divides the groups built by the plan the county files for each township', async () => {
  const countyAdmin = await loginAs(ctx, 'org_admin', tree.countyA);
  const plans = await countyAdmin.get(`/api/campaigns/${campaign.id}/plans?orgId=${tree.countyA.id}`);
  assert.equal(plans.statusCode, 200, plans.body);
  assert.deepEqual(
    plans
      .json<{ items: { orgId: number; planned: number | null; actual: number }[] }>()
      .items.map((i) => [i.orgId, i.planned, i.actual])
      .sort((a, b) => Number(a[0]) - Number(b[0])),
    [
      [tree.townA1.id, null, 9],
      [tree.townA2.id, null, 0],
    ],
  );
  const saved = await countyAdmin.request({
    method: 'PUT',
    url: `/api/campaigns/${campaign.id}/plans`,
    payload: {
      rows: [
        { orgId: tree.townA1.id, planned: 10 },
        { orgId: tree.townA2.id, planned: 4 },
      ],
    },
  });
  assert.equal(saved.statusCode, 200, saved.body);
  const county = await dashboard(tree.countyA.id);
  assert.equal(childFigure(county, tree.townA1.id, planIndicator.id).own?.status, 'met', '9 of 10 is 90%');
  assert.equal(childFigure(county, tree.townA2.id, planIndicator.id).own?.value, 0);

  const townshipAdmin = await loginAs(ctx, 'org_admin', tree.townA1);
  const own = await townshipAdmin.request({
    method: 'PUT',
    url: `/api/campaigns/${campaign.id}/plans`,
    payload: { rows: [{ orgId: tree.townA1.id, planned: 1 }] },
  });
  assert.equal(own.statusCode, 404, 'a township does not file its own plan');
  assert.deepEqual(await rollupDifferences(ctx.db, campaign.id), []);
});

test('moving and dissolving orgs carries their figures to the right ancestors', async () => {
  const system = await loginAs(ctx, 'system_admin');
  const other = await loginAs(ctx, 'system_admin');
  const newTown = await makeOrg(ctx, { parent: tree.countyA, name: '共青团甲三镇委员会' });
  const created = await system.post('/api/orgs', {
    parentId: tree.countyA.id,
    name: '共青团甲四镇委员会',
    type: 'committee',
    level: 'township',
  });
  assert.equal(created.statusCode, 201, created.body);
  await insertChannels(ctx, { id: created.json<{ id: number }>().id }, 'tuanqing_group', 10);
  // Town A1 has nine groups since one was closed above: the new township is county A's only one at ten.
  assert.equal(figure(await dashboard(tree.countyA.id), tuanqingIndicator.id).total.met, 1);

  const move = await system.post(`/api/orgs/${created.json<{ id: number }>().id}/moves`, {
    toParentId: tree.countyB.id,
    reason: '区划调整',
  });
  assert.equal(move.statusCode, 201, move.body);
  for (let step = 0; step < 2; step++) {
    const approved = await other.post(`/api/org-moves/${move.json<{ id: number }>().id}/approve`);
    assert.equal(approved.statusCode, 200, approved.body);
  }
  assert.equal(figure(await dashboard(tree.countyA.id), tuanqingIndicator.id).total.met, 0);
  assert.equal(figure(await dashboard(tree.countyB.id), tuanqingIndicator.id).total.met, 1);
  assert.equal(figure(await dashboard(tree.cityB.id), tuanqingIndicator.id).total.met, 1);

  const dissolved = await system.post(`/api/orgs/${newTown.id}/dissolve`, { reason: '撤并' });
  assert.equal(dissolved.statusCode, 200, dissolved.body);
  assert.deepEqual(await rollupDifferences(ctx.db, campaign.id), []);
});

test('laggards list the orgs below the threshold with their responsible cadre, phone masked', async () => {
  const response = await provinceAdmin.get(
    `/api/campaigns/${campaign.id}/laggards?orgId=${tree.countyA.id}&indicatorId=${contactsIndicator.id}&level=village`,
  );
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json<LaggardResponse>();
  assert.equal(body.total, 1);
  assert.deepEqual(body.items[0].cadre, { name: '李书记', post: '书记', phoneMasked: '138****0001' });
  assert.equal(body.items[0].status, 'not_yet_due');
});

test('statuses follow the calendar: not yet due, overdue after the deadline, not met after the campaign', async () => {
  const past = await createCampaign({
    rootOrgId: tree.cityB.id,
    name: '已过截止日期的任务',
    startsOn: addDays(today, -60),
    endsOn: addDays(today, 10),
    indicators: indicators(addDays(today, -1)).slice(1, 2),
  });
  const d = await provinceAdmin.get(`/api/campaigns/${past.id}/dashboard?orgId=${tree.countyB.id}`);
  const township = d.json<DashboardResponse>().children.find((c) => c.id === tree.townB1.id)!;
  assert.equal(township.indicators[0].own?.status, 'overdue');
  const closed = await provinceAdmin.patch(`/api/campaigns/${past.id}`, { endsOn: addDays(today, -1) });
  assert.equal(closed.statusCode, 200, closed.body);
  const after = await provinceAdmin.get(`/api/campaigns/${past.id}/dashboard?orgId=${tree.countyB.id}`);
  assert.equal(
    after.json<DashboardResponse>().children.find((c) => c.id === tree.townB1.id)!.indicators[0].own?.status,
    'not_met',
  );
});

test('editing a threshold recomputes every status at once', async () => {
  const edited = await provinceAdmin.patch(`/api/indicators/${qingnongIndicator.id}`, { threshold: 0 });
  assert.equal(edited.statusCode, 200, edited.body);
  const province = await dashboard(tree.province.id);
  const qingnong = figure(province, qingnongIndicator.id);
  assert.equal(qingnong.total.met, qingnong.total.applicable, 'everyone meets a threshold of zero');
  await provinceAdmin.patch(`/api/indicators/${qingnongIndicator.id}`, { threshold: 1 });
  assert.equal(figure(await dashboard(tree.province.id), qingnongIndicator.id).total.met, 0);
  assert.deepEqual(await rollupDifferences(ctx.db, campaign.id), []);
});

test('the roll-up export holds the same figures as the page, and is audited', async () => {
  const response = await provinceAdmin.get(`/api/campaigns/${campaign.id}/rollup.xlsx?orgId=${tree.countyA.id}`);
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-disposition']), /^attachment/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.rawPayload as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  const sheet = workbook.getWorksheet('汇总表')!;
  const page = await dashboard(tree.countyA.id);
  const townRow = sheet.getRows(1, sheet.rowCount)!.find((r) => r.getCell(1).value === tree.townA1.name)!;
  const index = page.indicators.findIndex((i) => i.id === tuanqingIndicator.id);
  const fromPage = childFigure(page, tree.townA1.id, tuanqingIndicator.id);
  assert.deepEqual(
    [townRow.getCell(3 + index * 4).value, townRow.getCell(4 + index * 4).value],
    [fromPage.applicable, fromPage.met],
  );
  const audit = await ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'campaign.export').execute();
  assert.equal(audit.length, 1);
});

test('the breadcrumb runs from the campaign root to the org, without ancestors the actor does not see', async () => {
  const names = (d: DashboardResponse) => d.org.ancestors.map((a) => a.id);
  assert.deepEqual(names(await dashboard(tree.townA1.id)), [tree.province.id, tree.cityA.id, tree.countyA.id]);
  const countyAdmin = await loginAs(ctx, 'org_admin', tree.countyA);
  assert.deepEqual(names(await dashboard(tree.townA1.id, countyAdmin)), [tree.countyA.id]);
});

test('a campaign outside the actor’s reach answers 404, and an inspector cannot create one', async () => {
  const countyB = await loginAs(ctx, 'org_admin', tree.countyB);
  const foreign = await countyB.get(`/api/campaigns/${campaign.id}/dashboard?orgId=${tree.countyA.id}`);
  assert.equal(foreign.statusCode, 404);
  const own = await countyB.get(`/api/campaigns/${campaign.id}/dashboard?orgId=${tree.countyB.id}`);
  assert.equal(own.statusCode, 200, 'the province campaign covers county B too');
  const inspector = await loginAs(ctx, 'inspector', tree.province);
  const refused = await inspector.post('/api/campaigns', {
    rootOrgId: tree.province.id,
    name: '检查员发起',
    startsOn: today,
    endsOn: today,
  });
  assert.equal(refused.statusCode, 403);
});
