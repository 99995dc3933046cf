import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { BulletinDetail } from '../common/publishing.js';
import { nowIso } from '../server/db/tree.js';
import { makeBulletin } from '../test/publishing-factories.js';
import { attackerHost, xssCorpus } from '../test/xss-corpus.js';
import { apiSession, type ApiSession } from './api.js';
import { desktop, launchBrowser, logIn, openPage, phone, screenshot } from './browser.js';
import { startServer, type E2eServer, type SeededUser } from './server.js';

// The "done when": hostile HTML in a bulletin executes nothing in the browser. Every snippet of
// test/xss-corpus.ts goes the real way (written by an editor through the API, approved by the admin, published on
// the news pages) and is opened in Chromium: its article page, the org's list, and the web app's preview of it.
// Nothing may run (no dialog, no `window.__xss`, no "xss" on the console), nothing may be fetched from another host,
// and the page's DOM keeps nothing that could run (no script, no handler attribute, no javascript: address).
// The same snippets are also stored raw, past the sanitiser, for another county: there the news pages' CSP alone
// must hold. A first test shows the watchers catch a payload that does run.

type Alarm = { url: string; what: string };

/** Chromium's report of what the CSP refused, which names the refused address (attacker.example/xss.js). */
const cspReport = /Content Security Policy/;

/**
 * Run before anything of every document: `window.__xss` set, and the CSP's violations, reported to the test. A
 * string, not a function: the TypeScript loader would name the functions in it with a helper the page lacks.
 */
const watchScript = `
  Object.defineProperty(window, '__xss', {
    configurable: false,
    get: function () { return undefined; },
    set: function (value) { window.__xssMark('window.__xss = ' + String(value)); },
  });
  document.addEventListener('securitypolicyviolation', function (event) {
    window.__cspViolation(event.effectiveDirective + ' refused ' + (event.blockedURI || 'inline'));
  });
`;

/**
 * Watches a browser context for a payload that ran or reached out: dialogs, the `window.__xss` mark, console messages
 * saying "xss", requests to another origin than the server's (aborted), and the CSP's violations (kept apart: they
 * mean the sanitiser let something through for the CSP to refuse).
 */
async function watch(context: BrowserContext, serverOrigin: string) {
  const alarms: Alarm[] = [];
  const violations: Alarm[] = [];
  const raise = (url: string, what: string) => alarms.push({ url, what });
  context.on('dialog', (dialog) => {
    raise(dialog.page()?.url() ?? '?', `${dialog.type()}(${dialog.message()})`);
    void dialog.dismiss().catch(() => undefined);
  });
  context.on('console', (message) => {
    if (/xss/i.test(message.text()) && !cspReport.test(message.text())) {
      raise(message.page()?.url() ?? '?', `console.${message.type()}: ${message.text()}`);
    }
  });
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin === serverOrigin || url.protocol === 'data:') return route.continue();
    raise(route.request().frame().url(), `request to ${url.href}`);
    return route.abort();
  });
  await context.exposeBinding('__xssMark', (source, what: string) => raise(source.frame.url(), what));
  await context.exposeBinding('__cspViolation', (source, what: string) =>
    violations.push({ url: source.frame.url(), what }),
  );
  await context.addInitScript(watchScript);
  return { alarms, violations };
}

/** A page of a fresh context, watched from its first document on. */
async function openWatched(browser: Browser, serverUrl: string, viewport: { width: number; height: number }) {
  const { context, page: unwatched } = await openPage(browser, { viewport });
  await unwatched.close();
  const watched = await watch(context, new URL(serverUrl).origin);
  return { context, page: await context.newPage(), ...watched };
}

/** After the load event: a task and two frames, for handlers that fire once the page is shown (autofocus, toggle). */
async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) =>
        requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve(), 0))),
      ),
  );
}

/**
 * Moves the mouse over every element of the text and clicks what would run a script if its address were one:
 * javascript:-like links, buttons and form fields. Links elsewhere are left alone (following one is no attack).
 */
async function poke(page: Page, root: string): Promise<void> {
  for (const element of await page.locator(`${root} *`).filter({ visible: true }).all()) {
    await element.hover({ force: true, timeout: 1_000 }).catch(() => undefined);
  }
  for (const link of await page.locator(`${root} a`).filter({ visible: true }).all()) {
    const protocol = await link.evaluate((a) => (a as HTMLAnchorElement).protocol);
    if (['http:', 'https:', 'mailto:'].includes(protocol)) continue;
    await link.click({ force: true, timeout: 1_000, noWaitAfter: true }).catch(() => undefined);
  }
  for (const control of await page.locator(`${root} button, ${root} input`).filter({ visible: true }).all()) {
    await control.click({ force: true, timeout: 1_000, noWaitAfter: true }).catch(() => undefined);
  }
}

/**
 * What in the page could run or reach out, within the bulletin's text and in the whole document. Runs in the page:
 * no named functions inside (the TypeScript loader would name them with a helper the page lacks).
 */
function domProblems(root: string): string[] {
  const problems: string[] = [];
  const roots = [...document.querySelectorAll(root)];
  if (roots.length === 0) problems.push(`no ${root} on the page`);
  const forbidden = new Set([
    'script',
    'iframe',
    'frame',
    'frameset',
    'object',
    'embed',
    'applet',
    'form',
    'input',
    'button',
    'textarea',
    'select',
    'base',
    'meta',
    'link',
    'style',
    'svg',
    'math',
    'template',
    'noscript',
    'xmp',
    'noembed',
    'plaintext',
    'title',
    'details',
    'video',
    'audio',
    'source',
    'marquee',
    'table',
  ]);
  const urlAttributes = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'background', 'poster', 'data']);
  /** Addresses to read: in the text every one, in the whole document every link's. */
  const addresses: { what: string; value: string }[] = [];
  for (const element of roots.flatMap((r) => [...r.querySelectorAll('*')])) {
    const tag = element.tagName.toLowerCase();
    if (forbidden.has(tag) || tag.includes('-')) problems.push(`<${tag}> in the text`);
    for (const { name, value } of element.attributes) {
      if (name.startsWith('on')) problems.push(`<${tag} ${name}> in the text`);
      if (name === 'style' || name === 'srcset' || name === 'lowsrc' || name === 'dynsrc') {
        problems.push(`<${tag} ${name}> in the text`);
      }
      if (urlAttributes.has(name)) addresses.push({ what: `<${tag} ${name}="${value}">`, value });
    }
  }
  for (const link of document.querySelectorAll('a[href]')) {
    const href = link.getAttribute('href') ?? '';
    addresses.push({ what: `a link to ${href}`, value: href });
  }
  for (const { what, value } of addresses) {
    // An address the browser cannot read is followed nowhere.
    let scheme: string | null = null;
    try {
      scheme = new URL(value, document.baseURI).protocol;
    } catch {
      scheme = null;
    }
    if (scheme !== null && !['http:', 'https:', 'mailto:'].includes(scheme)) problems.push(what);
  }
  return problems;
}

const controlCharacters = /[\u0000-\u001f\u007f]/g;

describe('hostile HTML in bulletins executes nothing in the browser', { timeout: 900_000 }, () => {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  let editor: SeededUser | undefined;
  let admin: ApiSession | undefined;
  /** The corpus as published by the editor and the admin, in the corpus's order. */
  const published: { name: string; id: number; title: string; lead: string }[] = [];
  /** The corpus stored raw for Lantian, past the sanitiser. */
  const raw: { name: string; id: number }[] = [];
  let showcase = 0;

  before(async () => {
    server = await startServer({
      seed: async ({ db, orgs, addUser }) => {
        editor = await addUser('zhouzhi-editor', '周至县团委宣传干事', 'org_editor', orgs.zhouzhi.id);
        // What no route would store: the snippets as they came, to see the CSP alone stop them.
        for (const [index, { name, html }] of xssCorpus.entries()) {
          const at = nowIso();
          const id = await makeBulletin({ db }, orgs.lantian, {
            title: `未经清理的样本 ${index + 1}`,
            contentHtml: `<p>未经清理的样本 ${index + 1}：${name}</p>${html}`,
            status: 'sent',
            publishedAt: at,
            createdAt: at,
            webTarget: false,
          });
          raw.push({ name, id });
        }
      },
    });
    browser = await launchBrowser();
    const { zhouzhi } = server.orgs;
    const writer = await apiSession(server.url, editor!);
    admin = await apiSession(server.url, server.users.zhouzhiAdmin!);

    // Each snippet after a line of text (a bulletin needs some), in the text, the title, the digest and the author.
    // A stored image a snippet names must have been uploaded (the server refuses text showing a missing one).
    const stored = await uploadImage(server, editor!, zhouzhi.id, gradientPng(64, 64, [90, 90, 90], [200, 200, 200]));
    for (const [index, corpusCase] of xssCorpus.entries()) {
      const name = corpusCase.name;
      const html = corpusCase.html.replace(/\/news\/images\/[0-9a-f]{64}/g, `/news/images/${stored}`);
      const plain = html.replace(controlCharacters, '');
      const title = `样本${index + 1} ${plain}`.slice(0, 120).trim();
      const lead = `样本 ${index + 1}：${name}`;
      const bulletin = (contentHtml: string) => ({
        orgId: zhouzhi.id,
        kind: 'article',
        title,
        author: '<i onclick=alert(1)>宣传部</i>',
        digest: plain.length <= 120 ? plain : null,
        contentHtml: `<p>${lead}</p>${contentHtml}`,
        targets: [{ kind: 'web' }],
        sendAt: null,
      });
      if (html.includes('\u0000')) {
        // A NUL is refused in any request; without it the snippet is still one to try.
        await assert.rejects(writer.post('/api/publishing/bulletins', bulletin(html)), /HTTP 400/, name);
      }
      const draft = await writer.post<BulletinDetail>(
        '/api/publishing/bulletins',
        bulletin(html.replaceAll('\u0000', '')),
      );
      await writer.post(`/api/publishing/bulletins/${draft.id}/submit`, undefined);
      const approved: BulletinDetail = await admin.post(`/api/publishing/bulletins/${draft.id}/approve`, {});
      assert.equal(approved.status, 'sent', name);
      // The web app's share link is the news page this test opens.
      assert.equal(approved.shareUrl, `${server.url}/news/${zhouzhi.id}/${draft.id}`, name);
      published.push({ name, id: draft.id, title, lead });
    }

    // One ordinary article with pictures, the last and so the first of the list, for the screenshots.
    const cover = await uploadImage(server, editor!, zhouzhi.id, gradientPng(900, 500, [200, 22, 30], [250, 170, 60]));
    const photo = await uploadImage(
      server,
      editor!,
      zhouzhi.id,
      gradientPng(1200, 800, [30, 90, 170], [120, 200, 160]),
    );
    const article = await writer.post<BulletinDetail>('/api/publishing/bulletins', {
      orgId: zhouzhi.id,
      kind: 'article',
      title: '周至县团委召开2026年团员发展工作推进会，部署“青春助农”系列活动',
      author: '周至县团委宣传部',
      digest: '会议总结了上半年团员发展工作，部署了下半年“青春助农”直播带货等系列活动。',
      coverSha256: cover,
      contentHtml: [
        '<p>11月20日上午，周至县团委在县青少年活动中心召开2026年团员发展工作推进会。各镇团委书记、县直机关团组织负责人共60余人参加会议。</p>',
        '<h2>一、上半年工作回顾</h2>',
        '<p>今年以来，全县新发展团员<strong>312</strong>名，其中农村青年占比达到<em>46%</em>。各镇团委严格落实“推优入团”程序，坚持成熟一个、发展一个。</p>',
        `<img src="/news/images/${photo}" alt="会议现场">`,
        '<h2>二、下半年重点任务</h2>',
        '<ol><li>持续开展“青春助农”直播带货活动，帮助果农拓宽猕猴桃销路；</li><li>推进团青群全覆盖，每个镇不少于10个团青群；</li><li>做好“三会两制一课”的记录与归档。</li></ol>',
        '<blockquote><p>青年志愿者们表示，将持续为乡村振兴贡献青春力量。</p></blockquote>',
        '<p>会议要求，各级团组织要对照任务清单抓好落实，确保9月30日前完成各项指标。详见<a href="https://www.gqt.org.cn/">共青团中央网站</a>。</p>',
      ].join(''),
      targets: [{ kind: 'web' }],
      sendAt: null,
    });
    await writer.post(`/api/publishing/bulletins/${article.id}/submit`, undefined);
    await admin.post(`/api/publishing/bulletins/${article.id}/approve`, {});
    showcase = article.id;
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the watchers catch a payload that runs: a dialog, the mark, the console, a request elsewhere', async () => {
    const { context, page, alarms } = await openWatched(browser!, server!.url, desktop);
    try {
      // Set straight into a blank page, without any CSP or the sanitiser.
      await page.setContent(
        `<img src="/nothing" onerror="window.__xss=1"><svg onload="alert(1)"></svg>` +
          `<img src="x" onerror="console.log('xss')"><img src="http://${attackerHost}/pixel.gif">` +
          `<a href="javascript:void 0" onclick="confirm(2)">x</a>`,
      );
      await settle(page);
      await poke(page, 'body');
      await settle(page);
      const seen = alarms.map((a) => a.what).sort();
      assert.ok(seen.includes('window.__xss = 1'), seen.join('\n'));
      assert.ok(seen.includes('alert(1)'), seen.join('\n'));
      assert.ok(seen.includes('confirm(2)'), seen.join('\n'));
      assert.ok(seen.includes('console.log: xss'), seen.join('\n'));
      assert.ok(seen.includes(`request to http://${attackerHost}/pixel.gif`), seen.join('\n'));
      const problems = await page.evaluate(domProblems, 'body');
      assert.ok(problems.includes('<img onerror> in the text'), problems.join('\n'));
      assert.ok(problems.includes('a link to javascript:void 0'), problems.join('\n'));
    } finally {
      await context.close();
    }
  });

  test('every snippet, written by the editor and approved: its page, the list and the preview run nothing', async () => {
    const { url, orgs } = server!;
    const { context, page, alarms, violations } = await openWatched(browser!, url, phone);
    try {
      // The trap is set on a news page too, under its CSP.
      await page.goto(`${url}/news/${orgs.zhouzhi.id}/${published[0].id}`);
      await page.evaluate(() => Object.assign(window, { __xss: 'probe' }));
      await settle(page);
      const probe = alarms.findIndex((a) => a.what === 'window.__xss = probe');
      assert.ok(probe >= 0, 'the mark is watched on a news page');
      alarms.splice(probe, 1);

      const problems: string[] = [];
      for (const { name, id, title, lead } of published) {
        const response = await page.goto(`${url}/news/${orgs.zhouzhi.id}/${id}`);
        assert.equal(response?.status(), 200, name);
        // The snippet in the title is shown as the text it is; the text keeps what a person wrote around it.
        assert.equal(await page.locator('h1').textContent(), title, name);
        assert.equal(await page.locator('.content p').first().textContent(), lead, name);
        await settle(page);
        await poke(page, '.content');
        await settle(page);
        for (const problem of await page.evaluate(domProblems, '.content')) problems.push(`${name}: ${problem}`);
        if (page.url() !== `${url}/news/${orgs.zhouzhi.id}/${id}`) problems.push(`${name}: left for ${page.url()}`);
      }
      const pages = Math.ceil((published.length + 1) / 20);
      for (let n = 1; n <= pages; n++) {
        const response = await page.goto(`${url}/news/${orgs.zhouzhi.id}?page=${n}`);
        assert.equal(response?.status(), 200, `list page ${n}`);
        await settle(page);
        await poke(page, '.list');
        for (const problem of await page.evaluate(domProblems, '.list')) problems.push(`list ${n}: ${problem}`);
      }
      assert.deepEqual(problems, [], 'nothing that could run is left in the pages');
      assert.deepEqual(alarms, [], 'nothing ran, nothing was fetched from elsewhere');
      // Not even the CSP had anything to refuse: the sanitiser alone stopped every snippet.
      assert.deepEqual(violations, []);
    } finally {
      await context.close();
    }
  });

  test("the web app's preview of each shows the same text and runs nothing", async () => {
    const { url } = server!;
    const { context, page, alarms, violations } = await openWatched(browser!, url, desktop);
    try {
      await logIn(page, url, editor!);
      const problems: string[] = [];
      for (const { name, id, title, lead } of published) {
        await page.goto(`${url}/publishing/bulletins/${id}`);
        const preview = page.getByTestId('bulletin-preview');
        await preview.locator('.tj-article').waitFor();
        assert.equal(await preview.locator('h1').textContent(), title, name);
        assert.equal(await preview.locator('.tj-article p').first().textContent(), lead, name);
        await settle(page);
        await poke(page, '.tj-article');
        await settle(page);
        for (const problem of await page.evaluate(domProblems, '.tj-article')) problems.push(`${name}: ${problem}`);
      }
      assert.deepEqual(problems, []);
      assert.deepEqual(alarms, []);
      // The web app's own code tries an eval on every page, the login page too, which its CSP refuses; nothing else.
      assert.deepEqual(
        violations.filter((v) => v.what !== 'script-src refused eval'),
        [],
      );
    } finally {
      await context.close();
    }
  });

  test('stored raw, past the sanitiser, the snippets still run nothing: the CSP allows no script', async () => {
    const { url, orgs } = server!;
    const { context, page, alarms, violations } = await openWatched(browser!, url, phone);
    try {
      for (const { name, id } of raw) {
        const response = await page.goto(`${url}/news/${orgs.lantian.id}/${id}`);
        assert.equal(response?.status(), 200, name);
        await settle(page);
        await poke(page, '.content');
        await settle(page);
      }
      assert.deepEqual(alarms, []);
      // The CSP was what stopped them here.
      assert.ok(violations.length > 0);
    } finally {
      await context.close();
    }
  });

  test('an article and the list read well on a phone', async () => {
    const { url, orgs } = server!;
    const { context, page } = await openPage(browser!, { viewport: phone });
    try {
      await page.goto(`${url}/news/${orgs.zhouzhi.id}/${showcase}`);
      await page.locator('.content img').first().waitFor();
      // Every picture fits the column; none is cut or makes the page scroll sideways.
      const widths = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        view: window.innerWidth,
        images: [...document.querySelectorAll('main img')].map((img) => img.getBoundingClientRect().right),
      }));
      assert.ok(widths.page <= widths.view, `page ${widths.page} px wide in ${widths.view}`);
      for (const right of widths.images) assert.ok(right <= widths.view, `an image ends at ${right} px`);
      await screenshot(page, 'news-article-phone');
      await page.evaluate(() => window.scrollTo(0, 700));
      await screenshot(page, 'news-article-phone-2');
      await page.goto(`${url}/news/${orgs.zhouzhi.id}`);
      await screenshot(page, 'news-list-phone');
      await page.setViewportSize(desktop);
      await page.goto(`${url}/news/${orgs.zhouzhi.id}/${showcase}`);
      await screenshot(page, 'news-article-desktop');
    } finally {
      await context.close();
    }
  });
});

/** Uploads a PNG as the editor does from the editor's toolbar; its sha256. */
async function uploadImage(server: E2eServer, user: SeededUser, orgId: number, bytes: Buffer): Promise<string> {
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': 'login' },
    body: JSON.stringify(user),
  });
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = login.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), '图片.png');
  const response = await fetch(`${server.url}/api/publishing/images?orgId=${orgId}`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrfToken },
    body: form,
  });
  const text = await response.text();
  assert.equal(response.status, 201, text);
  return (JSON.parse(text) as { sha256: string }).sha256;
}

/** A diagonal gradient from one colour to another, with soft bands, as a PNG. */
function gradientPng(width: number, height: number, from: number[], to: number[]): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      const band = 0.92 + 0.08 * Math.sin((x + 2 * y) / 40);
      raw.set(
        from.map((c, i) => Math.round((c + (to[i] - c) * t) * band)),
        row + 1 + x * 3,
      );
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
