import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { desktop, launchBrowser, logIn, phone, screenshot, withPage } from './browser.js';
import { startServer, type E2eServer } from './server.js';

// The scenario: a county cadre finds a township by searching the tree, creates a branch under it and
// sees it; a cadre of another county cannot open it, nor find it.
describe('org tree', { timeout: 180_000 }, () => {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  const branchName = '测试村团支部';
  let branchId: number | undefined;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  const run = (name: string, use: (page: Page) => Promise<void>) =>
    withPage(browser!, name, use, { viewport: desktop, serverOutput: () => server!.output() });

  /** Types into the tree's search box and waits for the server's answer to that text. */
  async function searchTree(page: Page, text: string): Promise<void> {
    const box = page.getByTestId('org-search');
    const answered = page.waitForResponse(
      (response) =>
        response.url().includes('/api/orgs/search') && new URL(response.url()).searchParams.get('q') === text,
    );
    await box.click();
    await box.fill(text);
    const response = await answered;
    assert.equal(response.status(), 200);
  }

  const title = (page: Page) => page.getByTestId('org-title');
  const searchOptions = (page: Page) => page.locator('.ant-select-dropdown:visible .ant-select-item-option');

  test('a county cadre finds a township by search, creates a branch under it and sees it', () =>
    run('create-branch', async (page) => {
      const { zhouzhi, zhouzhiTownship: township } = server!.orgs;
      await logIn(page, server!.url, server!.users.zhouzhiAdmin!);
      // A county cadre starts on the county committee, the top of what they may see.
      await page.waitForURL((url) => url.pathname === `/orgs/${zhouzhi.id}`);
      await title(page).filter({ hasText: zhouzhi.name }).waitFor();
      await page.getByTestId('org-tree').getByText(zhouzhi.name, { exact: true }).waitFor();
      await screenshot(page, 'county-home-1440');

      await searchTree(page, township.shortName!);
      const hit = searchOptions(page).filter({ hasText: township.name });
      await hit.first().waitFor();
      await screenshot(page, 'township-search-1440');
      await hit.first().click();
      await page.waitForURL((url) => url.pathname === `/orgs/${township.id}`);
      await title(page).filter({ hasText: township.name }).waitFor();
      assert.equal((await title(page).innerText()).trim(), township.name);

      await page.getByTestId('create-child').click();
      const modal = page.locator('.ant-modal').filter({ hasText: '新建下级组织' });
      await modal.waitFor();
      await modal.locator('#name').fill(branchName);
      await pickOption(page, modal.locator('.ant-select').filter({ has: page.locator('#type') }), '团支部');
      await pickOption(page, modal.locator('.ant-select').filter({ has: page.locator('#level') }), '村（社区）');
      await screenshot(page, 'create-branch-modal-1440');
      const created = page.waitForResponse(
        (response) => response.url().endsWith('/api/orgs') && response.request().method() === 'POST',
      );
      await modal.getByRole('button', { name: /保\s*存/ }).click();
      const response = await created;
      assert.equal(response.status(), 201, await response.text());
      branchId = ((await response.json()) as { id: number }).id;
      await modal.waitFor({ state: 'hidden' });

      // The new branch is in the township's children table and in the tree.
      const row = page.locator('.ant-table-row').filter({ hasText: branchName });
      await row.waitFor();
      assert.match(await row.innerText(), /团支部/);
      assert.match(await row.innerText(), /村（社区）/);
      // In the tree the township now has a child: open it, as a person would, unless the app already did.
      const townshipNode = page
        .getByTestId('org-tree')
        .locator('.ant-tree-treenode')
        .filter({ hasText: township.name });
      const switcher = townshipNode.locator('.ant-tree-switcher_close, .ant-tree-switcher_open');
      await switcher.waitFor();
      if ((await switcher.getAttribute('class'))!.includes('ant-tree-switcher_close')) await switcher.click();
      await page.getByTestId('org-tree').getByText(branchName, { exact: true }).waitFor();
      await screenshot(page, 'township-with-branch-1440');

      // And it opens on its own page.
      await row.getByRole('link', { name: branchName }).click();
      await page.waitForURL((url) => url.pathname === `/orgs/${branchId}`);
      await title(page).filter({ hasText: branchName }).waitFor();
      await page.locator('.tj-page-breadcrumb').getByText(township.shortName!).waitFor();
      await screenshot(page, 'branch-page-1440');

      // The same page on a phone, once the confirmation toast has gone; the tree is behind the menu button.
      await page.setViewportSize(phone);
      await title(page).filter({ hasText: branchName }).waitFor();
      await page.locator('.ant-message-notice').waitFor({ state: 'detached' });
      await screenshot(page, 'branch-page-390');
      await page.getByRole('button', { name: '菜单' }).click();
      const drawer = page.locator('.ant-drawer-open');
      await drawer.getByTestId('org-tree').getByText(branchName, { exact: true }).waitFor();
      await screenshot(page, 'branch-menu-390');
    }));

  test('a cadre of another county can neither open nor find that branch', () =>
    run('other-county', async (page) => {
      assert.ok(branchId, 'the branch was created by the previous test');
      const { lantian, zhouzhiTownship: township } = server!.orgs;
      await logIn(page, server!.url, server!.users.lantianAdmin!);
      await title(page).filter({ hasText: lantian.name }).waitFor();

      const detail = page.waitForResponse((response) => new URL(response.url()).pathname === `/api/orgs/${branchId}`);
      await page.goto(`${server!.url}/orgs/${branchId}`);
      assert.equal((await detail).status(), 404);
      await page.locator('.ant-result-title').filter({ hasText: '组织不存在或无权访问' }).waitFor();
      await page.getByTestId('org-tree').getByText(lantian.name, { exact: true }).waitFor();
      await screenshot(page, 'other-county-no-access-1440');
      const body = await page.locator('body').innerText();
      assert.ok(!body.includes(branchName), 'the page shows the name of a branch out of scope');
      assert.ok(!body.includes(township.name), 'the page shows the name of its township');
      assert.equal(await title(page).count(), 0);
      assert.equal(await page.getByTestId('create-child').count(), 0);

      // Nor does the search box find it, or its township.
      for (const text of [branchName, township.shortName!]) {
        await searchTree(page, text);
        await page.locator('.ant-select-dropdown:visible').getByText('没有找到匹配的组织').waitFor();
        assert.equal(await searchOptions(page).count(), 0, `search for ${text} found something`);
      }
      await screenshot(page, 'other-county-search-1440');
    }));
});

/** Opens an Ant Design select and picks the option whose text is exactly `label`. */
async function pickOption(page: Page, select: ReturnType<Page['locator']>, label: string): Promise<void> {
  await select.click();
  const option = page
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: new RegExp(`^${label}$`) });
  await option.click();
  await select.locator('.ant-select-selection-item, .ant-select-content').filter({ hasText: label }).first().waitFor();
}
