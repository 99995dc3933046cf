import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

// Debian's Chromium, never a downloaded one.
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const shotsDir = process.env.E2E_SHOTS_DIR || '/tmp/e2e-shots';

export const desktop = { width: 1440, height: 900 };
export const phone = { width: 390, height: 844 };

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(chromiumPath))
    throw new Error(`${chromiumPath} is missing: apt-get install chromium fonts-noto-cjk`);
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    timeout: 30_000,
  });
}

/** A fresh context (its own cookies), Chinese by default as the users' browsers are. */
export async function openPage(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? desktop,
    locale: options.locale ?? 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(shotsDir, { recursive: true });
  // Let drawers, modals and toasts finish moving (spinners run forever, so they do not count), up to a bound.
  await page
    .waitForFunction(
      () =>
        document
          .getAnimations()
          .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
  await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: false });
}

/** Fills the login form and submits it, as a person does; what follows is for the caller to check. */
export async function submitLogin(
  page: Page,
  baseUrl: string,
  user: { username: string; password: string },
): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator('#username').fill(user.username);
  await page.locator('#password').fill(user.password);
  await page.locator('button[type="submit"]').click();
}

/** Logs in through the form and waits until the app has left the login page. */
export async function logIn(page: Page, baseUrl: string, user: { username: string; password: string }): Promise<void> {
  await submitLogin(page, baseUrl, user);
  await page.waitForURL((url) => url.pathname !== '/login');
}

/**
 * Runs `use` with a page in a fresh browser context (its own cookies and storage), closed afterwards. When it
 * fails, a screenshot of that moment goes next to the others and the server's output is printed, so a failure
 * in CI shows what the person would have seen.
 */
export async function withPage<T>(
  browser: Browser,
  name: string,
  use: (page: Page) => Promise<T>,
  options: { viewport?: { width: number; height: number }; serverOutput?: () => string } = {},
): Promise<T> {
  const { context, page } = await openPage(browser, options);
  const browserLog: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      browserLog.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => browserLog.push(`page error: ${error.stack ?? error.message}`));
  page.on('requestfailed', (request) =>
    browserLog.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 500)
      browserLog.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  try {
    return await use(page);
  } catch (error) {
    await screenshot(page, `FAILED-${name}`).catch(() => undefined);
    process.stderr.write(`--- ${name}: browser at ${page.url()} ---\n${browserLog.join('\n')}\n`);
    if (options.serverOutput) process.stderr.write(`--- ${name}: server output ---\n${options.serverOutput()}\n`);
    throw error;
  } finally {
    await context.close();
  }
}
