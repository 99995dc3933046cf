import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addDays, chinaToday } from '../common/dates.js';
import { composeIdNumber } from '../common/id-number.js';
import type { MemberStats } from '../common/members.js';
import { insertOrgs } from '../server/features/orgs/repo.js';
import { apiSession } from './api.js';
import { desktop, launchBrowser, logIn, screenshot, withPage } from './browser.js';
import { startServer, type E2eServer, type SeededUser } from './server.js';

// The "done when" for the admission pipeline: a branch secretary takes an applicant through every stage
// in the browser up to the branch vote; the county committee approves in its approval inbox; the new member is
// in the branch's register and the county's member count rises by one. No page ever shows a full ID number.
// The observation rule needs three months between activist and candidate, so the steps carry past dates.

const fullIdNumber = /\d{17}[\dXx]/;
const today = chinaToday();
const ago = (days: number) => addDays(today, -days);
const dates = {
  applied: ago(150),
  talked: ago(140),
  activist: ago(130),
  lecture: ago(100),
  candidate: ago(20),
  vote: ago(10),
};
const applicant = { name: '赵小青', birthDate: '2009-06-15', idNumber: composeIdNumber('610124', '2009-06-15', 123) };
const introducers = [
  { name: '王建军', birthDate: '1999-03-04' },
  { name: '李红梅', birthDate: '2000-07-21' },
  { name: '张卫东', birthDate: '2001-11-02' },
];

describe('admission pipeline', { timeout: 300_000 }, () => {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  let branchId = 0;
  let secretary: SeededUser | undefined;

  before(async () => {
    server = await startServer({
      seed: async ({ db, orgs, addUser }) => {
        const at = new Date().toISOString();
        [branchId] = await insertOrgs(db, [
          {
            parent_id: orgs.zhouzhiTownship.id,
            name: `共青团${orgs.zhouzhiTownship.shortName}东风村支部委员会`,
            short_name: null,
            type: 'branch',
            level: 'village',
            is_direct: 0,
            region_code: null,
            stat_code: null,
            import_key: null,
            status: 'active',
            phone: null,
            email: null,
            industry: null,
            created_at: at,
            updated_at: at,
            dissolved_at: null,
          },
        ]);
        secretary = await addUser('dongfeng', '东风村团支部书记', 'org_admin', branchId);
      },
    });
    browser = await launchBrowser();
    // The branch's members, among whom the vote's two introducers are chosen.
    const county = await apiSession(server.url, server.users.zhouzhiAdmin!);
    for (const [index, member] of introducers.entries()) {
      await county.post('/api/members', {
        orgId: branchId,
        fullName: member.name,
        idNumber: composeIdNumber('610124', member.birthDate, 200 + index * 2),
        joinedOn: '2016-05-04',
      });
    }
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const open = <T>(name: string, use: (page: Page) => Promise<T>) =>
    withPage(browser!, name, use, { viewport: desktop, serverOutput: () => server!.output() });

  test('a branch takes an applicant to the vote, the county approves, the member is registered', () =>
    open('branch-secretary', (branch) =>
      open('county', async (county) => {
        const url = server!.url;
        const countyApi = await apiSession(url, server!.users.zhouzhiAdmin!);
        const countyId = server!.orgs.zhouzhi.id;
        const membersBefore = (await countyApi.get<MemberStats>(`/api/orgs/${countyId}/member-stats`)).total;

        // The secretary opens an empty board for the branch.
        await logIn(branch, url, secretary!);
        await branch.goto(`${url}/admission`);
        await branch.getByTestId('admission-board').waitFor();
        assert.equal(
          await branch.getByTestId('admission-title').innerText(),
          `共青团${server!.orgs.zhouzhiTownship.shortName}东风村支部委员会`,
        );
        assert.equal(await columnCount(branch, 'applied'), '0');

        // 新增入团申请: the ID number shows the birth date it gives; the application was handed in months ago.
        await branch.getByTestId('admission-create').click();
        await branch.getByTestId('applicant-name').fill(applicant.name);
        await branch.getByTestId('applicant-id-number').fill(applicant.idNumber);
        assert.match(await branch.getByTestId('applicant-id-derived').innerText(), /2009-06-15/);
        await branch.getByTestId('applicant-phone').fill('13712345678');
        await fillDate(branch, 'appliedOn', dates.applied);
        await branch.getByTestId('applicant-submit').click();

        // The new applicant's drawer opens: a talk is overdue a month after the application.
        const drawer = branch.getByTestId('applicant-drawer');
        await drawer.getByTestId('applicant-step-applied').filter({ hasText: dates.applied }).waitFor();
        assert.match(await drawer.getByTestId('applicant-overdue').innerText(), /未按时谈话/);
        await assertNoFullId(branch);

        await step(branch, 'talk', async () => fillDate(branch, 'talkedOn', dates.talked));
        await drawer.getByTestId('applicant-step-talked').filter({ hasText: dates.talked }).waitFor();
        assert.equal(await drawer.getByTestId('applicant-overdue').count(), 0);

        await step(branch, 'activist', async () => fillDate(branch, 'activistOn', dates.activist));
        await drawer.getByTestId('applicant-step-activist').filter({ hasText: dates.activist }).waitFor();

        await step(branch, 'lecture', async () => {
          await branch.getByTestId('applicant-lecture-title').fill('学习团章和入团誓词');
          await fillDate(branch, 'heldOn', dates.lecture);
          await branch.locator('#hours').fill('8');
        });
        await drawer.getByTestId('applicant-hours').filter({ hasText: '团课 8 / 8 学时' }).waitFor();

        await step(branch, 'candidate', async () => fillDate(branch, 'candidateOn', dates.candidate));
        await drawer.getByTestId('applicant-step-candidate').filter({ hasText: dates.candidate }).waitFor();

        // 支部大会表决: two introducers searched among the branch's members, and the count of the vote.
        await step(branch, 'vote', async () => {
          await pickOption(branch, 'introducer1Id', introducers[0].name);
          await pickOption(branch, 'introducer2Id', introducers[1].name);
          await fillDate(branch, 'voteOn', dates.vote);
          await branch.locator('#votersDue').fill('5');
          await branch.locator('#votersPresent').fill('4');
          await branch.locator('#votesFor').fill('4');
        });
        const voted = drawer.getByTestId('applicant-step-voted');
        await voted.filter({ hasText: dates.vote }).waitFor();
        assert.match(await voted.innerText(), new RegExp(`${introducers[0].name}、${introducers[1].name}`));
        assert.match(await voted.innerText(), /应到 5 人，实到 4 人，赞成 4 票/);
        await screenshot(branch, 'admission-drawer-voted');
        await assertNoFullId(branch);

        // Back on the board, the applicant waits in 待上级审批.
        await branch.keyboard.press('Escape');
        await drawer.waitFor({ state: 'hidden' });
        await waitForCount(branch, 'voted', '1');
        assert.equal(await columnCount(branch, 'applied'), '0');
        await screenshot(branch, 'admission-board-voted');

        // The county committee sees it waiting in its approval inbox and approves it.
        await logIn(county, url, server!.users.zhouzhiAdmin!);
        await county.goto(`${url}/approvals`);
        const row = county.getByTestId('admissions-table').locator('tr', { hasText: applicant.name });
        await row.waitFor();
        assert.match(await county.getByTestId('approvals-badge').innerText(), /1/);
        assert.match(await row.innerText(), /共青团.*东风村支部委员会/);
        await assertNoFullId(county);
        await row.locator('input[type="checkbox"]').check();
        await county.getByTestId('admissions-batch-approve').click();
        await fillDate(county, 'approvedOn', today);
        await county.getByTestId('approve-submit').click();
        await row.waitFor({ state: 'detached' });
        await county.getByText('没有等待您审批的入团申请').waitFor();
        await screenshot(county, 'admission-approved-inbox');

        const membersAfter = (await countyApi.get<MemberStats>(`/api/orgs/${countyId}/member-stats`)).total;
        assert.equal(membersAfter, membersBefore + 1);

        // The branch sees the new member admitted, holds the ceremony, and finds the member in its register.
        await branch.reload();
        await waitForCount(branch, 'admitted', '1');
        assert.equal(await columnCount(branch, 'voted'), '0');
        await branch.getByTestId('board-column-admitted').getByText(applicant.name).click();
        await step(branch, 'ceremony', async () => fillDate(branch, 'ceremonyOn', today));
        await drawer.getByTestId('applicant-step-ceremony').filter({ hasText: today }).waitFor();
        await assertNoFullId(branch);
        await drawer.getByTestId('applicant-member-link').click();
        await branch.waitForURL(/\/people\/members\/\d+/);
        await branch.getByText(applicant.name).first().waitFor();
        await assertNoFullId(branch);

        await branch.goto(`${url}/people?org=${branchId}`);
        await branch.getByText(applicant.name).first().waitFor();
        await assertNoFullId(branch);
        const register = await countyApi.get<{ items: { fullName: string; idMasked: string }[] }>(
          `/api/members?orgId=${branchId}&scope=own&q=${encodeURIComponent(applicant.name)}`,
        );
        assert.deepEqual(
          register.items.map((m) => m.fullName),
          [applicant.name],
        );
        assert.equal(
          register.items[0].idMasked,
          `${applicant.idNumber.slice(0, 4)}**********${applicant.idNumber.slice(-4)}`,
        );
      }),
    ));
});

async function columnCount(page: Page, stage: string): Promise<string> {
  return (await page.getByTestId(`board-count-${stage}`).innerText()).trim();
}

async function waitForCount(page: Page, stage: string, count: string): Promise<void> {
  await page
    .getByTestId(`board-count-${stage}`)
    .filter({ hasText: new RegExp(`^${count}$`) })
    .waitFor();
}

/**
 * Types a date into an antd DatePicker (its input carries the form field's name as id); leaving the field keeps
 * it (Enter would also submit the form).
 */
async function fillDate(page: Page, field: string, date: string): Promise<void> {
  const input = page.locator(`input#${field}`);
  await input.click();
  await input.fill(date);
  await input.press('Tab');
  assert.equal(await input.inputValue(), date);
}

/** Searches a member in a Select by name and picks it. */
async function pickOption(page: Page, field: string, name: string): Promise<void> {
  const input = page.locator(`input#${field}`);
  await input.click();
  await input.fill(name);
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: name }).click();
}

/** Opens a step's form from the drawer's actions, fills it, and saves it; the modal closes on success. */
async function step(page: Page, action: string, fill: () => Promise<void>): Promise<void> {
  await page.getByTestId(`applicant-action-${action}`).click();
  await fill();
  await page.getByTestId('applicant-step-submit').click();
  await page.getByTestId('applicant-step-submit').waitFor({ state: 'hidden' });
}

async function assertNoFullId(page: Page): Promise<void> {
  assert.doesNotMatch(await page.locator('body').innerText(), fullIdNumber);
}
