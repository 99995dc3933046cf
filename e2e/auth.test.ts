import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Cookie, Page } from 'playwright-core';
import { totpCode } from '../test/totp.js';
import { desktop, launchBrowser, logIn, openPage, phone, screenshot, submitLogin, withPage } from './browser.js';
import { firstAdminPassword, startServer, type E2eServer } from './server.js';

// A first start: no account but the system administrator the server creates from TUANJIAN_ADMIN_PASSWORD. The second
// factor is required, as on a production server: the administrator enrols one at first login and logs in with a
// code from then on (computed here as the phone's authenticator app computes it). A code works once, so the tests
// after the code login carry its session on instead of logging in again within the same 30 seconds.
describe('logging in', { timeout: 150_000 }, () => {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  /** The administrator's session after the code login, for the tests that follow it. */
  let adminCookies: Cookie[] = [];
  const newPassword = 'Xin-Mima-Qingnian-88';
  /** The administrator's TOTP secret, read off the enrolment page, and the code that confirmed it. */
  let secret = '';
  let usedCode = '';

  before(async () => {
    server = await startServer({ users: false, env: { TUANJIAN_REQUIRE_TOTP: '1' } });
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

  test('the system administrator changes the first password, then enrols a second factor, before anything else', () =>
    run('first-login', async (page) => {
      await logIn(page, server!.url, { username: 'admin', password: firstAdminPassword });
      await page.waitForURL((url) => url.pathname === '/change-password');
      await page.getByText('首次登录、密码已被重置或已到期，请先设置新密码后再继续使用。').waitFor();
      await screenshot(page, 'first-login-change-password');

      // No way around it: any other page leads back to the password form.
      await page.goto(`${server!.url}/users`);
      await page.waitForURL((url) => url.pathname === '/change-password');

      await page.locator('#currentPassword').fill(firstAdminPassword);
      await page.locator('#newPassword').fill(newPassword);
      await page.locator('#confirmPassword').fill(newPassword);
      await page.locator('button[type="submit"]').click();

      // An administrator needs a second factor: the enrolment page, and nothing else until it is done.
      await page.waitForURL((url) => url.pathname === '/two-factor');
      await page.getByText('密码已修改').first().waitFor();
      await page.getByTestId('totp-qr').locator('canvas, svg').first().waitFor();
      secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
      assert.match(secret, /^[A-Z2-7]{32}$/);
      await screenshot(page, 'two-factor-enrol');
      // The same page on a phone, in another tab of the session: the same key (one QR code that works), no sideways
      // scrolling.
      const small = await openPage(browser!, { viewport: phone });
      try {
        await small.context.addCookies(await page.context().cookies());
        await small.page.goto(`${server!.url}/two-factor`);
        const shown = (await small.page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
        assert.equal(shown, secret);
        const overflow = await small.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the enrolment page is ${overflow}px wider than a 390px phone`);
        await screenshot(small.page, 'two-factor-enrol-phone-390');
      } finally {
        await small.context.close();
      }
      await page.goto(`${server!.url}/users`);
      await page.waitForURL((url) => url.pathname === '/two-factor');

      // A code that is not the app's is refused on the page; the app's current code turns the factor on.
      await page.locator('#totpCode').fill(totpCode(secret, 5));
      await page.getByRole('button', { name: '确认启用' }).click();
      await page.getByTestId('totp-error').filter({ hasText: '验证码不正确' }).waitFor();
      await screenshot(page, 'two-factor-wrong-code');
      usedCode = totpCode(secret);
      await page.locator('#totpCode').fill(usedCode);
      await page.getByRole('button', { name: '确认启用' }).click();
      await page.waitForURL((url) => url.pathname !== '/two-factor');
      await page.getByTestId('user-menu').waitFor();
      await page.getByText('两步验证已启用，今后登录须输入动态验证码').first().waitFor();

      // The new password is the one that works now, and only with a code; the first one no longer does.
      const login = (password: string) =>
        page.request.post(`${server!.url}/api/auth/login`, {
          headers: { 'x-csrf-token': 'login' },
          data: { username: 'admin', password },
        });
      assert.equal((await login(firstAdminPassword)).status(), 401);
      const fresh = await login(newPassword);
      assert.equal(fresh.status(), 200);
      assert.equal((await fresh.json()).status, 'totp_required');
    }));

  test('logging in asks for the code of the authenticator app; a used code is refused', () =>
    run('totp-login', async (page) => {
      assert.ok(secret, 'the enrolment test ran first');
      await submitLogin(page, server!.url, { username: 'admin', password: newPassword });
      const code = page.locator('#totpCode');
      await code.waitFor();
      assert.equal(new URL(page.url()).pathname, '/login');
      await page.getByText('请打开手机上的验证器应用').waitFor();
      await screenshot(page, 'login-totp-step');

      // The code that confirmed the enrolment was used: a replay is refused.
      await code.fill(usedCode);
      await page.locator('button[type="submit"]').click();
      const error = page.getByTestId('login-error');
      await error.filter({ hasText: '验证码不正确或已使用过' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/login');
      await screenshot(page, 'login-totp-replayed');

      await code.fill(totpCode(secret, 1));
      await page.locator('button[type="submit"]').click();
      await page.waitForURL((url) => url.pathname !== '/login');
      await page.getByTestId('user-menu').waitFor();

      adminCookies = await page.context().cookies();

      // An editor the administrator creates is logged in elsewhere; the administrator ends that session.
      const me = await page.request.get(`${server!.url}/api/auth/me`);
      const created = await page.request.post(`${server!.url}/api/users`, {
        headers: { 'x-csrf-token': ((await me.json()) as { csrfToken: string }).csrfToken },
        data: { username: 'bianji', displayName: '周至县团委编辑', role: 'org_editor', orgId: server!.orgs.zhouzhi.id },
      });
      assert.equal(created.status(), 201, await created.text());
      const { initialPassword } = (await created.json()) as { initialPassword: string };
      const other = await openPage(browser!);
      try {
        await logIn(other.page, server!.url, { username: 'bianji', password: initialPassword });
        await other.page.waitForURL((url) => url.pathname === '/change-password');
        await page.goto(`${server!.url}/users`);
        const end = page.getByTestId('end-sessions-bianji');
        await end.waitFor();
        await page.locator('tr', { hasText: 'admin' }).getByText('两步验证').waitFor();
        await screenshot(page, 'users-end-sessions');
        await end.click();
        // A click while the dialog still zooms in can land beside its button: wait until it stands still.
        await page.waitForFunction(() => {
          const dialog = document.querySelector('.ant-modal-confirm');
          return (
            dialog !== null &&
            !/-(appear|enter)/.test(dialog.className) &&
            getComputedStyle(dialog).transform === 'none' &&
            dialog.getAnimations({ subtree: true }).length === 0
          );
        });
        await page.locator('.ant-modal-confirm').getByRole('button', { name: '结束会话' }).click();
        await page.getByText('已结束 1 个会话').first().waitFor();
        await other.page.reload();
        await other.page.waitForURL((url) => url.pathname === '/login');
      } finally {
        await other.context.close();
      }
    }));

  test('the language switch turns the interface into English and back', () =>
    run('language', async (page) => {
      assert.ok(adminCookies.length > 0, 'the code login test ran first');
      await page.context().addCookies(adminCookies);
      await page.goto(`${server!.url}/`);
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
