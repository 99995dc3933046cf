import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { desktop, launchBrowser, logIn, phone, screenshot, submitLogin, withPage } from './browser.js';
import { firstAdminPassword, startServer, type E2eServer } from './server.js';

// A first start: no account but the system administrator the server creates from TUANJIAN_ADMIN_PASSWORD.
describe('logging in', { timeout: 120_000 }, () => {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  const newPassword = 'Xin-Mima-Qingnian-88';

  before(async () => {
    server = await startServer({ users: false });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  const run = (name: string, use: (page: Page) => Promise<void>, viewport = desktop) =>
    withPage(browser!, name, use, { viewport, serverOutput: () => server!.output() });

  test('a wrong password is refused with a message in Chinese', () =>
    run('wrong-password', async (page) => {
      await page.goto(`${server!.url}/`);
      // Anyone not logged in lands on the login form.
      await page.waitForURL((url) => url.pathname === '/login');
      await submitLogin(page, server!.url, { username: 'admin', password: 'not-the-password' });
      const error = page.getByTestId('login-error');
      await error.waitFor();
      const text = await error.innerText();
      assert.match(text, /用户名或密码错误/);
      assert.equal(new URL(page.url()).pathname, '/login');
      await screenshot(page, 'login-wrong-password');
    }));

  test('the system administrator must change the first password before anything else', () =>
    run('first-login', async (page) => {
      await logIn(page, server!.url, { username: 'admin', password: firstAdminPassword });
      await page.waitForURL((url) => url.pathname === '/change-password');
      await page.getByText('首次登录或密码已被重置，请先设置新密码后再继续使用。').waitFor();
      await screenshot(page, 'first-login-change-password');

      // No way around it: any other page leads back to the password form.
      await page.goto(`${server!.url}/users`);
      await page.waitForURL((url) => url.pathname === '/change-password');

      await page.locator('#currentPassword').fill(firstAdminPassword);
      await page.locator('#newPassword').fill(newPassword);
      await page.locator('#confirmPassword').fill(newPassword);
      await page.locator('button[type="submit"]').click();
      await page.waitForURL((url) => url.pathname !== '/change-password');
      await page.getByTestId('user-menu').waitFor();
      await page.getByText('密码已修改').first().waitFor();

      // The new password is the one that works now; the first one no longer does.
      const login = (password: string) =>
        page.request.post(`${server!.url}/api/auth/login`, {
          headers: { 'x-csrf-token': 'login' },
          data: { username: 'admin', password },
        });
      assert.equal((await login(firstAdminPassword)).status(), 401);
      const fresh = await login(newPassword);
      assert.equal(fresh.status(), 200);
      assert.equal((await fresh.json()).user.mustChangePassword, false);
    }));

  test('the language switch turns the interface into English and back', () =>
    run('language', async (page) => {
      await logIn(page, server!.url, { username: 'admin', password: newPassword });
      const menu = page.locator('.tj-side-menu');
      await menu.getByText('组织管理').waitFor();
      await page.getByRole('button', { name: 'English' }).click();
      await menu.getByText('Organisations').waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await menu.getByText('组织管理').count(), 0);
      await screenshot(page, 'language-english');

      // The choice is remembered across a reload.
      await page.reload();
      await menu.getByText('Organisations').waitFor();

      await page.getByRole('button', { name: '中文' }).click();
      await menu.getByText('组织管理').waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    }));

  test('the login page fits a phone', () =>
    run(
      'login-phone',
      async (page) => {
        await page.goto(`${server!.url}/login`);
        await page.locator('#username').waitFor();
        // Nothing wider than the screen: no sideways scrolling on a phone.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the login page is ${overflow}px wider than a 390px phone`);
        await screenshot(page, 'login-phone-390');
      },
      phone,
    ));
});
