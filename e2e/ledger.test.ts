import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { Browser, Locator, Page } from 'playwright-core';
import type { CampaignDetail } from '../common/campaigns.js';
import { addDays, chinaToday } from '../common/dates.js';
import { ruralWechatIndicators } from '../server/features/campaigns/template.js';
import { apiSession } from './api.js';
import { desktop, launchBrowser, logIn, screenshot, withPage } from './browser.js';
import { startServer, type E2eServer, type SeededOrg, type SeededUser } from './server.js';

// The "done when": a township cadre who registers 10 tuanqing groups turns the township green on the
// ten-groups indicator, and the county and city dashboards show it on the next page load. The city sets up the
// campaign (the built-in programme, its deadlines after today so that a township below the threshold is 未到期);
// the township's cadre registers the groups in the browser; the county and the city watch their dashboards.

const cadrePhones = { other: '13812345678', own: '13987654321' };
/** An 11-digit mobile number standing alone: what must never reach a page that shows masks. */
const fullPhone = /(?<!\d)1[3-9]\d{9}(?!\d)/;

describe('new-media ledger and campaign dashboards', { timeout: 240_000 }, () => {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  let city: SeededOrg | undefined;
  /** Another township of the county, whose secretary has a phone: it stays in the laggards table. */
  let otherTownship: SeededOrg | undefined;
  const users: { cityAdmin?: SeededUser; townshipEditor?: SeededUser } = {};
  let campaign: CampaignDetail | undefined;
  let tenGroups: number | undefined;

  before(async () => {
    server = await startServer({
      seed: async ({ db, orgs, addUser }) => {
        const county = await db
          .selectFrom('orgs')
          .select(['parent_id'])
          .where('id', '=', orgs.zhouzhi.id)
          .executeTakeFirstOrThrow();
        const cityRow = await db
          .selectFrom('orgs')
          .select(['id', 'name', 'short_name'])
          .where('id', '=', county.parent_id!)
          .executeTakeFirstOrThrow();
        city = { id: cityRow.id, name: cityRow.name, shortName: cityRow.short_name };
        const other = await db
          .selectFrom('orgs')
          .select(['id', 'name', 'short_name'])
          .where('parent_id', '=', orgs.zhouzhi.id)
          .where('level', '=', 'township')
          .where('id', '!=', orgs.zhouzhiTownship.id)
          .orderBy('path')
          .executeTakeFirstOrThrow();
        otherTownship = { id: other.id, name: other.name, shortName: other.short_name };
        users.cityAdmin = await addUser('xian', '西安市团委管理员', 'org_admin', city.id);
        users.townshipEditor = await addUser('township', '乡镇团委编辑', 'org_editor', orgs.zhouzhiTownship.id);
      },
    });
    browser = await launchBrowser();

    // The city launches the programme; the county registers the townships' secretaries and two villages.
    const today = chinaToday();
    const cityApi = await apiSession(server.url, users.cityAdmin!);
    campaign = await cityApi.post<CampaignDetail>('/api/campaigns', {
      rootOrgId: city!.id,
      name: '农村共青团微信体系建设',
      startsOn: addDays(today, -30),
      endsOn: addDays(today, 120),
      indicators: ruralWechatIndicators(Number(today.slice(0, 4))).map((indicator, index) => ({
        ...indicator,
        deadline: addDays(today, 60 + index * 10),
      })),
    });
    tenGroups = campaign.indicators.find((i) => i.metric === 'channel_count' && i.channelKind === 'tuanqing_group')!.id;

    const countyApi = await apiSession(server.url, server.users.zhouzhiAdmin!);
    const { zhouzhiTownship } = server.orgs;
    const cadre = (orgId: number, fullName: string, phone: string) =>
      countyApi.post('/api/cadres', { orgId, fullName, post: '书记', kind: 'full_time', phone });
    await cadre(otherTownship!.id, '王建国', cadrePhones.other);
    await cadre(zhouzhiTownship.id, '李青', cadrePhones.own);
    for (const village of ['东村', '西村']) {
      await countyApi.post('/api/orgs', {
        parentId: zhouzhiTownship.id,
        name: `共青团${zhouzhiTownship.shortName}${village}支部委员会`,
        type: 'branch',
        level: 'village',
      });
    }
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const open = <T>(name: string, use: (page: Page) => Promise<T>) =>
    withPage(browser!, name, use, { viewport: desktop, serverOutput: () => server!.output() });

  test('ten tuanqing groups registered by the township turn it green on the county and city dashboards', () =>
    open('county', (county) =>
      open('city', (cityPage) =>
        open('township', async (township) => {
          const { zhouzhi, zhouzhiTownship } = server!.orgs;
          const indicator = tenGroups!;
          const dashboardUrl = (orgId: number) =>
            `${server!.url}/campaigns/${campaign!.id}/dashboard/${orgId}?indicator=${indicator}`;
          const townshipCell = county.getByTestId(`child-status-${zhouzhiTownship.id}-${indicator}`);
          const laggardRow = (orgId: number) =>
            county.getByTestId('laggards-table').locator(`tr[data-row-key="${orgId}"]`);

          // Before: the county sees the township not yet due, with its secretary's masked phone among the laggards.
          await logIn(county, server!.url, server!.users.zhouzhiAdmin!);
          await loadDashboard(county, dashboardUrl(zhouzhi.id), zhouzhi.name);
          assert.equal(await statusText(townshipCell), '未到期');
          assert.equal(await cellDetail(townshipCell), '0 个');
          await laggardRow(zhouzhiTownship.id).waitFor();
          const laggardsBefore = await laggardsTotal(county);
          const otherRow = laggardRow(otherTownship!.id);
          assert.match(await otherRow.innerText(), /王建国/);
          assert.match(await otherRow.innerText(), /138\*{4}5678/);
          assert.match(await laggardRow(zhouzhiTownship.id).innerText(), /139\*{4}4321/);
          await assertNoFullPhone(county);
          await shotAt(county, townshipCell, 'ledger-county-before-children');
          await shotAt(county, otherRow, 'ledger-county-before-laggards');

          // And the city sees the county's figure on that indicator.
          await logIn(cityPage, server!.url, users.cityAdmin!);
          await loadDashboard(cityPage, dashboardUrl(city!.id), city!.name);
          const cityTally = cityPage.getByTestId(`indicator-tally-${indicator}`);
          const countyCell = cityPage.getByTestId(`child-status-${zhouzhi.id}-${indicator}`);
          const tallyBefore = parseTally(await cityTally.innerText());
          const countyBefore = parseTally(await cellDetail(countyCell));
          assert.equal(countyBefore.met, 0);
          assert.ok(countyBefore.applicable > 1, 'the county has several townships the indicator applies to');
          assert.equal(await statusText(countyCell), '未到期');
          await shotAt(cityPage, countyCell, 'ledger-city-before');

          // The township's cadre opens the ledger from the org page and registers nine groups…
          await logIn(township, server!.url, users.townshipEditor!);
          await township.waitForURL((url) => url.pathname === `/orgs/${zhouzhiTownship.id}`);
          await township.getByTestId('open-ledger').click();
          await township.waitForURL((url) => url.pathname === `/ledger/${zhouzhiTownship.id}`);
          await township.getByTestId('ledger-title').filter({ hasText: zhouzhiTownship.name }).waitFor();
          for (let n = 1; n <= 9; n++) await registerGroup(township, `${zhouzhiTownship.shortName}团青${n}群`, n === 1);
          await screenshot(township, 'ledger-township-nine-groups');

          // …which is not yet ten: the county's next page load still reads 未到期, now with 9 groups.
          await loadDashboard(county, dashboardUrl(zhouzhi.id), zhouzhi.name);
          assert.equal(await statusText(townshipCell), '未到期');
          assert.equal(await cellDetail(townshipCell), '9 个');
          await laggardRow(zhouzhiTownship.id).waitFor();

          // The tenth group crosses the threshold.
          await registerGroup(township, `${zhouzhiTownship.shortName}团青10群`, false);
          await tableWrapper(township, 'channels-table')
            .locator('.ant-pagination-total-text', { hasText: '共 10 条' })
            .waitFor();
          await screenshot(township, 'ledger-township-ten-groups');

          // The county's next page load: the township is green, and no longer among the laggards.
          await loadDashboard(county, dashboardUrl(zhouzhi.id), zhouzhi.name);
          assert.equal(await statusText(townshipCell), '已达标');
          assert.match((await townshipCell.getAttribute('class')) ?? '', /ant-tag-success/);
          assert.equal(
            await townshipCell.evaluate((el) => getComputedStyle(el).color),
            'rgb(82, 196, 26)',
            'the 已达标 tag is green',
          );
          assert.equal(await cellDetail(townshipCell), '10 个');
          await otherRow.waitFor();
          assert.equal(await laggardsTotal(county), laggardsBefore - 1);
          assert.equal(await laggardRow(zhouzhiTownship.id).count(), 0, 'the township is still listed as lagging');
          assert.match(await otherRow.innerText(), /138\*{4}5678/);
          await assertNoFullPhone(county);
          await screenshot(county, 'ledger-county-after');
          await shotAt(county, townshipCell, 'ledger-county-after-children');
          await shotAt(county, otherRow, 'ledger-county-after-laggards');

          // The county's summary table: the same figures, as xlsx.
          const downloaded = county.waitForEvent('download');
          await county.getByTestId('export-rollup').click();
          const download = await downloaded;
          assert.match(download.suggestedFilename(), /\.xlsx$/);
          const file = await download.path();
          assert.equal(fs.readFileSync(file).subarray(0, 2).toString(), 'PK', 'an xlsx is a zip');
          const workbook = new ExcelJS.Workbook();
          await workbook.xlsx.readFile(file);
          const rows = workbook.worksheets[0].getSheetValues();
          const townshipRow = rows.find((row) => Array.isArray(row) && row[1] === zhouzhiTownship.name) as unknown[];
          assert.ok(townshipRow, 'the township has a row in the summary table');
          const column = 6 + campaign!.indicators.findIndex((i) => i.id === indicator) * 4;
          assert.equal(townshipRow[column], '已达标');

          // The city's next page load: one more township meets it, in the county's row and in the city's total.
          await loadDashboard(cityPage, dashboardUrl(city!.id), city!.name);
          assert.deepEqual(parseTally(await cellDetail(countyCell)), { ...countyBefore, met: countyBefore.met + 1 });
          assert.deepEqual(parseTally(await cityTally.innerText()), { ...tallyBefore, met: tallyBefore.met + 1 });
          await shotAt(cityPage, countyCell, 'ledger-city-after');
        }),
      ),
    ));
});

/** Loads a dashboard as a person does (a fresh page load) and waits until its tables have their data. */
async function loadDashboard(page: Page, url: string, orgName: string): Promise<void> {
  const laggards = page.waitForResponse((r) => r.url().includes('/laggards?') && r.status() === 200);
  await page.goto(url);
  await page.getByTestId('dashboard-org').filter({ hasText: orgName }).waitFor();
  await page.getByTestId('children-table').locator('.ant-table-row').first().waitFor();
  await laggards;
  await page.getByTestId('laggards-table').locator('.ant-spin-spinning').waitFor({ state: 'detached' });
}

/** 登记 one tuanqing group through the form, as the township's cadre does, and waits for it in the list. */
async function registerGroup(page: Page, name: string, shoot: boolean): Promise<void> {
  await page.getByTestId('create-channel').click();
  const modal = page.locator('.ant-modal').filter({ has: page.getByTestId('channel-name') });
  await modal.waitFor();
  await pickOption(page, modal.getByTestId('channel-kind'), '团青微信群');
  await modal.getByTestId('channel-name').fill(name);
  if (shoot) await screenshot(page, 'ledger-register-group');
  const created = page.waitForResponse(
    (r) => new URL(r.url()).pathname === '/api/channels' && r.request().method() === 'POST',
  );
  await modal.getByTestId('channel-submit').click();
  const response = await created;
  assert.equal(response.status(), 201, await response.text());
  await modal.waitFor({ state: 'hidden' });
  await page.getByTestId('channels-table').locator('.ant-table-row').filter({ hasText: name }).waitFor();
}

/** Opens an Ant Design select and picks the option whose text is exactly `label`. */
async function pickOption(page: Page, select: Locator, label: string): Promise<void> {
  await select.click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: new RegExp(`^${label}$`) })
    .click();
  await select.getByText(label, { exact: true }).first().waitFor();
}

/** A screenshot with `target` in the middle of the window, where a person would have scrolled to read it. */
async function shotAt(page: Page, target: Locator, name: string): Promise<void> {
  await target.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await screenshot(page, name);
}

const statusText = async (cell: Locator) => (await cell.innerText()).trim();

/** The grey text beside a status tag: a township's own value, or "达标 m / 适用 n" of a subtree. */
const cellDetail = async (cell: Locator) => (await cell.locator('xpath=following-sibling::*[1]').innerText()).trim();

function parseTally(text: string): { met: number; applicable: number } {
  const match = /达标\s*(\d+)\s*\/\s*适用\s*(\d+)/.exec(text);
  assert.ok(match, `not a tally: ${text}`);
  return { met: Number(match[1]), applicable: Number(match[2]) };
}

/** antd puts a table's test id on the table itself; its pagination is a sibling inside the wrapper. */
const tableWrapper = (page: Page, testId: string) =>
  page.locator('.ant-table-wrapper').filter({ has: page.getByTestId(testId) });

async function laggardsTotal(page: Page): Promise<number> {
  const text = await tableWrapper(page, 'laggards-table').locator('.ant-pagination-total-text').innerText();
  const match = /共\s*([\d,]+)\s*条/.exec(text);
  assert.ok(match, `no total under the laggards table: ${text}`);
  return Number(match[1].replace(/,/g, ''));
}

async function assertNoFullPhone(page: Page): Promise<void> {
  const html = await page.content();
  assert.doesNotMatch(html, fullPhone, 'a full phone number is on the page');
  for (const phone of Object.values(cadrePhones)) assert.ok(!html.includes(phone));
}
