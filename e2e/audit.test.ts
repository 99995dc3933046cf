import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { desktop, launchBrowser, logIn, screenshot, submitLogin, withPage } from './browser.js';
import { addYears, composeIdNumber } from '../common/id-number.js';
import { chinaToday } from '../common/dates.js';
import { apiSession } from './api.js';
import { startServer, type E2eServer } from './server.js';

describe('audit log', { timeout: 120_000 }, () => {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the audit admin sees the logins, failed ones too, and the chain verifies intact', async () => {
    const { zhouzhiAdmin, auditor } = server!.users;
    const options = { viewport: desktop, serverOutput: () => server!.output() };
    // Something to audit: a cadre logs in once with a wrong password, then with the right one.
    await withPage(
      browser!,
      'audit-cadre-login',
      async (page) => {
        await submitLogin(page, server!.url, { username: zhouzhiAdmin!.username, password: 'Wrong-Password-1' });
        await page.getByTestId('login-error').waitFor();
        await logIn(page, server!.url, zhouzhiAdmin!);
      },
      options,
    );

    await withPage(
      browser!,
      'audit-page',
      async (page) => {
        await logIn(page, server!.url, auditor!);
        // The audit admin sees no org tree: their home is the audit log.
        await page.waitForURL((url) => url.pathname === '/audit');
        const rows = page.locator('.ant-table-row');
        const cadreLogins = rows.filter({ hasText: 'auth.login' }).filter({ hasText: zhouzhiAdmin!.username });
        await cadreLogins.first().waitFor();
        const texts = await cadreLogins.allInnerTexts();
        assert.ok(
          texts.some((text) => text.includes('成功')),
          'a successful login row',
        );
        assert.ok(
          texts.some((text) => text.includes('失败')),
          'a failed login row',
        );
        assert.ok(
          texts.every((text) => text.includes('登录')),
          'the action is named in Chinese',
        );
        // The auditor's own login is there too, newest first.
        assert.match(await rows.first().innerText(), new RegExp(auditor!.username));
        assert.equal(await page.getByTestId('org-tree').count(), 0);

        await page.getByTestId('audit-verify').click();
        const result = page.getByTestId('audit-verify-result');
        await result.waitFor();
        assert.match(await result.innerText(), /审计日志完整，共校验 \d+ 条/);
        await screenshot(page, 'audit-verified-1440');
      },
      options,
    );
  });

  test("the audit admin reads the year's report of who accessed minors' records", async () => {
    const { zhouzhiAdmin, auditor } = server!.users;
    // A county admin enters a 16-year-old member and reveals her ID number once.
    const county = await apiSession(server!.url, zhouzhiAdmin!);
    const branch = await county.post<{ id: number }>('/api/orgs', {
      parentId: server!.orgs.zhouzhiTownship.id,
      name: '共青团楼观镇田峪村支部委员会',
      type: 'branch',
      level: 'village',
    });
    const today = chinaToday();
    const member = await county.post<{ id: number }>('/api/members', {
      orgId: branch.id,
      fullName: '赵小满',
      idNumber: composeIdNumber('610124', addYears(today, -16), 202),
      joinedOn: addYears(today, -1),
    });
    await county.post(`/api/members/${member.id}/reveal-id`, {});

    await withPage(
      browser!,
      'minors-report',
      async (page) => {
        await logIn(page, server!.url, auditor!);
        await page.waitForURL((url) => url.pathname === '/audit');
        await page.getByTestId('audit-minors-report').click();
        await page.waitForURL((url) => url.pathname === '/audit/minors-report');
        const rows = page.getByTestId('minors-rows').locator('.ant-table-row');
        await rows.first().waitFor();
        const texts = await rows.allInnerTexts();
        assert.ok(
          texts.some((text) => text.includes('查看完整号码') && text.includes('赵**') && text.includes('16')),
          texts.join('\n'),
        );
        assert.ok(
          texts.every((text) => !text.includes('赵小满')),
          'names are masked',
        );
        assert.match(await page.getByTestId('minors-minors.minors').innerText(), /1\s*人/);
        await page.getByTestId('minors-months').locator('canvas').first().waitFor();
        await screenshot(page, 'minors-report-1440');
      },
      { viewport: desktop, serverOutput: () => server!.output() },
    );
  });
});
