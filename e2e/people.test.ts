import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { composeIdNumber } from '../common/id-number.js';
import { apiSession } from './api.js';
import { desktop, launchBrowser, logIn, phone, screenshot, withPage } from './browser.js';
import { startServer, type E2eServer, type SeededOrg } from './server.js';

// A branch secretary's day with the member register: register a member through the form (the ID number says the
// birth date and sex as it is typed, a wrong check digit is refused on the spot), find them again by name and by
// full ID number, open the record — masked, with its history — and see a second branch's entry of the same ID
// number turned into a duplicate case instead of a second record.

const idNumber = composeIdNumber('610124', '2006-03-15', 123);
/** The same number with another check character: what a slip of the finger gives. */
const wrongCheck = `${idNumber.slice(0, 17)}${idNumber[17] === '0' ? '1' : '0'}`;
const memberPhone = '13912345678';
/** An 18-character ID number or an 11-digit mobile standing alone: what must never reach a page that masks. */
const fullIdNumber = /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/;
const fullPhone = /(?<!\d)1[3-9]\d{9}(?!\d)/;

describe('member register', { timeout: 180_000 }, () => {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  const branches: { east?: SeededOrg; west?: SeededOrg } = {};

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const county = await apiSession(server.url, server.users.zhouzhiAdmin!);
    const { zhouzhiTownship } = server.orgs;
    for (const [key, village] of [
      ['east', '东村'],
      ['west', '西村'],
    ] as const) {
      const name = `共青团${zhouzhiTownship.shortName}${village}支部委员会`;
      const org = await county.post<{ id: number }>('/api/orgs', {
        parentId: zhouzhiTownship.id,
        name,
        type: 'branch',
        level: 'village',
      });
      branches[key] = { id: org.id, name, shortName: null };
    }
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const open = <T>(name: string, use: (page: Page) => Promise<T>, viewport = desktop) =>
    withPage(browser!, name, use, { viewport, serverOutput: () => server!.output() });

  test('a member registered through the form is found by name and by ID number, and shown masked', () =>
    open('people', async (page) => {
      const branch = branches.east!;
      await logIn(page, server!.url, server!.users.zhouzhiAdmin!);
      await page.goto(`${server!.url}/people?org=${branch.id}`);
      await page.getByTestId('people-org-title').filter({ hasText: branch.name }).waitFor();
      await screenshot(page, 'people-list-empty');

      // The form: a wrong check digit is refused while typing; the right number shows the birth date and sex.
      await page.getByTestId('create-member').click();
      const modal = page.locator('.ant-modal').filter({ has: page.getByTestId('member-name') });
      await modal.waitFor();
      await modal.getByTestId('member-name').fill('李青');
      await modal.getByTestId('member-id-number').fill(wrongCheck);
      await modal.getByText('身份证号校验位不正确，请核对是否输错').waitFor();
      assert.equal(await modal.getByTestId('member-id-derived').count(), 0);
      await screenshot(page, 'people-form-wrong-check');
      await modal.getByTestId('member-id-number').fill(idNumber);
      const derived = modal.getByTestId('member-id-derived');
      await derived.waitFor();
      assert.match(await derived.innerText(), /出生日期 2006-03-15 · 男/);
      await modal.getByText('身份证号校验位不正确，请核对是否输错').waitFor({ state: 'detached' });
      await modal.getByTestId('member-joined-on').click();
      await modal.getByTestId('member-joined-on').fill('2021-05-04');
      await modal.getByTestId('member-joined-on').press('Enter');
      await modal.getByTestId('member-no').fill('202100000001');
      await modal.getByTestId('member-phone').fill(memberPhone);
      await screenshot(page, 'people-form');
      const created = page.waitForResponse(
        (r) => new URL(r.url()).pathname === '/api/members' && r.request().method() === 'POST',
      );
      await modal.getByTestId('member-submit').click();
      const response = await created;
      assert.equal(response.status(), 201, await response.text());
      await modal.waitFor({ state: 'hidden' });

      // In the list, masked; found by name and by the full ID number.
      const rows = page.getByTestId('members-table').locator('.ant-table-row');
      await rows.filter({ hasText: '李青' }).waitFor();
      assert.match(await rows.first().innerText(), /6101\*{10}\d{3}[\dX]/);
      await page.getByTestId('member-stat-total').filter({ hasText: '1' }).waitFor();
      await assertNothingInFull(page);
      await screenshot(page, 'people-list');

      const search = async (text: string) => {
        const answered = page.waitForResponse(
          (r) => new URL(r.url()).pathname === '/api/members' && new URL(r.url()).searchParams.get('q') === text,
        );
        await page.getByTestId('members-search').locator('input').fill(text);
        await page.getByTestId('members-search').locator('input').press('Enter');
        await answered;
        await page.getByTestId('members-table').locator('.ant-spin-spinning').waitFor({ state: 'detached' });
      };
      await search('李');
      assert.equal(await rows.count(), 1);
      await search(idNumber);
      assert.equal(await rows.count(), 1);
      assert.match(await rows.first().innerText(), /李青/);
      await search('王');
      await page.getByTestId('members-table').getByText('没有符合筛选条件的团员').waitFor();
      assert.equal(await rows.count(), 0);
      await search(idNumber);
      await assertNothingInFull(page);

      // The register as xlsx: the member is there, masked.
      const downloaded = page.waitForEvent('download');
      await page.getByTestId('members-export').click();
      const file = await (await downloaded).path();
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(file);
      const cells = workbook.worksheets.flatMap((sheet) =>
        sheet.getSheetValues().flatMap((row) => (Array.isArray(row) ? row.map(cellText) : [])),
      );
      assert.ok(cells.includes('李青'), 'the member is in the export');
      assert.ok(!cells.some((cell) => fullIdNumber.test(cell) || fullPhone.test(cell)), 'the export is masked');

      // The record: masked, its history begins with 登记.
      await rows.first().getByRole('link', { name: '李青' }).click();
      await page.waitForURL((url) => /^\/people\/members\/\d+$/.test(url.pathname));
      await page.getByTestId('member-title').filter({ hasText: '李青' }).waitFor();
      await page.getByTestId('member-timeline').waitFor();
      assert.match(await page.getByTestId('member-timeline').innerText(), /登记/);
      await page.getByTestId('member-event-created').waitFor();
      assert.match(await page.getByTestId('member-id').innerText(), /^6101\*{10}\d{3}[\dX]$/);
      assert.match(await page.getByTestId('member-phone').innerText(), /^139\*{4}5678$/);
      await assertNothingInFull(page);
      await screenshot(page, 'people-detail');

      // The county admin may reveal: the full number shows for this view only.
      await page.getByTestId('member-id-reveal').click();
      await page.getByTestId('member-id').filter({ hasText: idNumber }).waitFor();
      await page.reload();
      await page.getByTestId('member-title').filter({ hasText: '李青' }).waitFor();
      await assertNothingInFull(page);
    }));

  test('the same ID number entered in another branch opens a duplicate case instead of a second record', () =>
    open('people-duplicate', async (page) => {
      const branch = branches.west!;
      await logIn(page, server!.url, server!.users.zhouzhiAdmin!);
      await page.goto(`${server!.url}/people?org=${branch.id}`);
      await page.getByTestId('people-org-title').filter({ hasText: branch.name }).waitFor();
      await page.getByTestId('create-member').click();
      const modal = page.locator('.ant-modal').filter({ has: page.getByTestId('member-name') });
      await modal.getByTestId('member-name').fill('李青');
      await modal.getByTestId('member-id-number').fill(idNumber);
      await modal.getByTestId('member-id-derived').waitFor();
      await modal.getByTestId('member-joined-on').click();
      await modal.getByTestId('member-joined-on').fill('2021-05-04');
      await modal.getByTestId('member-joined-on').press('Enter');
      await modal.getByTestId('member-submit').click();
      const alert = modal.getByTestId('member-duplicate');
      await alert.waitFor();
      assert.match(await alert.innerText(), /东村/);
      assert.equal(await alert.getByRole('link').getAttribute('href'), '/approvals?tab=duplicates');
      await assertNothingInFull(page);
      await screenshot(page, 'people-duplicate');
    }));

  test('on a phone the list keeps names, ages and statuses in view', () =>
    open(
      'people-phone',
      async (page) => {
        await logIn(page, server!.url, server!.users.zhouzhiAdmin!);
        await page.goto(`${server!.url}/people?org=${branches.east!.id}`);
        const row = page.getByTestId('members-table').locator('.ant-table-row').first();
        await row.waitFor();
        assert.match(await row.innerText(), /李青[\s\S]*正常/);
        await screenshot(page, 'people-list-phone');
      },
      phone,
    ));
});

/** A cell's text: strings and numbers as they are, rich text joined, anything else empty. */
function cellText(cell: unknown): string {
  if (typeof cell === 'string' || typeof cell === 'number') return String(cell);
  if (cell && typeof cell === 'object' && 'richText' in cell && Array.isArray(cell.richText)) {
    return (cell.richText as { text: string }[]).map((part) => part.text).join('');
  }
  return '';
}

async function assertNothingInFull(page: Page): Promise<void> {
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, fullIdNumber, 'a full ID number on the page');
  assert.doesNotMatch(text, fullPhone, 'a full phone number on the page');
}
