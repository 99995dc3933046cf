import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import type { Browser, Locator, Page } from 'playwright-core';
import type { z } from 'zod';
import type { CampaignDetail } from '../common/campaigns.js';
import { addDays, chinaToday } from '../common/dates.js';
import type { ChannelItem } from '../common/ledger.js';
import type { BulletinDetail, deliveryDetail } from '../common/publishing.js';
import { startFakeWechat, type FakeWechat } from '../test/fake-wechat.js';
import { apiSession, type ApiSession } from './api.js';
import { desktop, logIn, launchBrowser, phone, screenshot, withPage } from './browser.js';
import { startServer, type E2eServer, type SeededUser } from './server.js';

// The "done when": a county editor writes a bulletin with a picture, the county's admin approves it, it goes
// out at its scheduled time to an official account (a draft, then one mass send) and a WeCom group robot, the
// delivery log shows both, the shared news page reads well on a phone, and the campaign's content indicator counts
// the post. WeChat is a local fake that behaves as documented; the channels and the campaign are set up through the
// API, as the ledger's pages would have done it.

type DeliveryDetail = z.infer<typeof deliveryDetail>;

const account = {
  appId: 'wx0123456789abcdef',
  secret: 'CountySecret0123456789',
  type: 'subscription' as const,
  originalId: 'gh_0123456789ab',
};
const robotKey = 'zhouzhi-robot-0001';
const accountName = '青农周至';
const robotName = '青农周至团青工作群机器人';
const title = '周至县团委开展“青春助农”直播带货活动';
const bodyText = '5月20日，周至县团委组织青年主播走进猕猴桃园，为果农直播带货，当天销售鲜果三千余斤。';
const afterImage = '青年志愿者们表示，将持续为乡村振兴贡献青春力量。';

describe('a bulletin written, approved and sent out on time', { timeout: 300_000 }, () => {
  let fake: FakeWechat | undefined;
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  let editor: SeededUser | undefined;
  let admin: ApiSession | undefined;
  let campaign: CampaignDetail | undefined;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuanjian-e2e-publishing-'));
  const photo = path.join(workDir, '直播现场.png');
  const coverFile = path.join(workDir, '封面.png');

  before(async () => {
    fs.writeFileSync(photo, stripesPng(480, 270, [200, 30, 40], [250, 220, 200]));
    fs.writeFileSync(coverFile, stripesPng(470, 200, [20, 90, 180], [230, 240, 250]));
    fake = await startFakeWechat({ accounts: [account], robots: [robotKey] });
    server = await startServer({
      env: { TUANJIAN_WECHAT_API_BASE: fake.url, TUANJIAN_WECOM_API_BASE: fake.url },
      seed: async ({ orgs, addUser }) => {
        editor = await addUser('zhouzhi-editor', '周至县团委宣传干事', 'org_editor', orgs.zhouzhi.id);
      },
    });
    browser = await launchBrowser();

    // The county registers its official account and its group robot in the ledger and gives their credentials.
    const { zhouzhi } = server.orgs;
    admin = await apiSession(server.url, server.users.zhouzhiAdmin!);
    const oa = await admin.post<ChannelItem>('/api/channels', {
      orgId: zhouzhi.id,
      kind: 'official_account',
      name: accountName,
      accountType: 'subscription',
      appId: account.appId,
      originalId: account.originalId,
    });
    await admin.put(`/api/channels/${oa.id}/wechat`, { appId: account.appId, appSecret: account.secret });
    const robot = await admin.post<ChannelItem>('/api/channels', {
      orgId: zhouzhi.id,
      kind: 'wecom_robot',
      name: robotName,
    });
    await admin.put(`/api/channels/${robot.id}/wechat`, {
      webhookKey: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${robotKey}`,
    });

    // A content campaign: posts per official account from today, at the county, one is enough.
    const today = chinaToday();
    campaign = await admin.post<CampaignDetail>('/api/campaigns', {
      rootOrgId: zhouzhi.id,
      name: '新媒体发布频次',
      startsOn: today,
      endsOn: addDays(today, 180),
      template: 'empty',
      indicators: [
        {
          name: '公众号每号发布条数',
          metric: 'posts_per_channel',
          channelKind: 'official_account',
          windowStart: today,
          levels: ['county'],
          types: ['committee'],
          threshold: 1,
        },
      ],
    });
    assert.equal(campaign.indicators.length, 1);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  const open = <T>(name: string, use: (page: Page) => Promise<T>, viewport = desktop) =>
    withPage(browser!, name, use, { viewport, serverOutput: () => server!.output() });

  test('the editor writes it, the admin approves it, WeChat gets it at the send time, and it counts', async () => {
    const { url, orgs } = server!;
    const indicator = campaign!.indicators[0].id;
    const dashboardUrl = `${url}/campaigns/${campaign!.id}/dashboard/${orgs.zhouzhi.id}?indicator=${indicator}`;

    // The editor writes the article with a picture in its text and a cover, for the account (群发), the robot and
    // the news pages, to go out a minute or two from now.
    const { bulletinId, sendAt } = await open('publishing-editor', async (page) => {
      await logIn(page, url, editor!);
      await openMenu(page, '稿件');
      await page.getByTestId('new-bulletin').click();
      await page.getByTestId('bulletin-edit-title').waitFor();
      await page.getByLabel('标题').fill(title);
      await page.getByLabel('作者').fill('周至县团委');
      await page.getByLabel('摘要').fill('青年主播走进果园，助农增收');
      const body = page.getByRole('textbox', { name: '正文' });
      await body.click();
      await body.pressSequentially(bodyText);
      await body.press('Enter');
      await page.getByLabel('选择要插入的图片').setInputFiles(photo);
      const inserted = body.locator('img[src^="/news/images/"]');
      await inserted.waitFor();
      // The caret waits below the picture, in a paragraph of its own.
      await body.pressSequentially(afterImage);
      await page.getByLabel('选择封面图片').setInputFiles(coverFile);
      await page.getByTestId('cover-preview').waitFor();

      const targets = page.getByTestId('targets-field');
      assert.ok(await targets.getByRole('checkbox', { name: '新闻网页' }).isChecked(), 'the news pages by default');
      await targets.getByRole('checkbox', { name: accountName, exact: true }).check();
      await targets.getByRole('radio', { name: '群发', exact: true }).check();
      await targets.getByRole('checkbox', { name: robotName, exact: true }).check();

      const when = sendTime();
      const picker = page.getByTestId('send-at');
      await picker.click();
      await picker.fill(when.text);
      await picker.press('Enter');
      assert.equal(await picker.inputValue(), when.text);
      await screenshot(page, 'e2e-publishing-editor');

      await page.getByRole('button', { name: '保存草稿' }).click();
      await page.waitForURL(/\/publishing\/bulletins\/\d+\/edit$/);
      const id = Number(/\/bulletins\/(\d+)\/edit/.exec(page.url())![1]);
      await page.getByRole('button', { name: '提交审核' }).click();
      await page.waitForURL((u) => u.pathname === `/publishing/bulletins/${id}`);
      await expectText(page.getByTestId('bulletin-status'), '待审核');
      await page.locator('.tj-pub-preview .tj-article img').first().waitFor();
      await screenshot(page, 'e2e-publishing-submitted');
      return { bulletinId: id, sendAt: when.at };
    });

    // The admin finds it waiting, reads it and approves it, before its send time.
    await open('publishing-approve', async (page) => {
      await logIn(page, url, server!.users.zhouzhiAdmin!);
      await openMenu(page, '稿件');
      await page.getByRole('link', { name: title }).waitFor();
      await screenshot(page, 'e2e-publishing-list');
      await page.getByRole('link', { name: title }).click();
      await page.waitForURL((u) => u.pathname === `/publishing/bulletins/${bulletinId}`);
      await expectText(page.getByTestId('bulletin-status'), '待审核');
      const image = page.locator('.tj-pub-preview .tj-article img').first();
      await image.waitFor();
      assert.ok(await loaded(image), 'the picture shows in the preview');
      await page.getByRole('button', { name: '通过' }).click();
      const dialog = page.locator('.ant-modal').filter({ has: page.getByTestId('approve-confirm') });
      await dialog.getByLabel('审核意见（选填）').fill('内容属实，同意发布。');
      await screenshot(page, 'e2e-publishing-approve-dialog');
      await dialog.getByTestId('approve-confirm').click();
      await dialog.waitFor({ state: 'hidden' });
      await expectText(page.getByTestId('bulletin-status'), '已通过');
      await screenshot(page, 'e2e-publishing-approved');
    });
    const approved = await admin!.get<BulletinDetail>(`/api/publishing/bulletins/${bulletinId}`);
    // Approved ahead of its time (the margin of sendTime()), so that what follows shows the wait, not an approval.
    assert.ok(
      approved.decidedAt! < sendAt.toISOString(),
      `approved at ${approved.decidedAt}, after ${sendAt.toISOString()}`,
    );
    const html = approved.contentHtml;
    const [text, picture, more] = [bodyText, '<img', afterImage].map((part) => html.indexOf(part));
    assert.ok(text >= 0 && text < picture && picture < more, `the text, the picture, the text: ${html}`);
    assert.doesNotMatch(html, /<p><\/p>/, 'no empty paragraph');
    assert.equal(approved.sendAt, sendAt.toISOString());

    // While it waits: nothing has reached WeChat, and the dashboard counts no post yet.
    assert.equal(fake!.drafts(account.appId).length, 0);
    assert.equal(fake!.robotMessages(robotKey).length, 0);
    await open('publishing-dashboard-before', async (page) => {
      await logIn(page, url, server!.users.zhouzhiAdmin!);
      await loadDashboard(page, dashboardUrl, orgs.zhouzhi.name);
      const card = page.getByTestId(`indicator-card-${indicator}`);
      assert.match(await card.innerText(), /本级\s*0 条/);
      assert.notEqual((await page.getByTestId(`own-status-${indicator}`).innerText()).trim(), '已达标');
    });

    // The worker sends it at its time.
    const sent = await waitForDeliveries(admin!, bulletinId, 180_000);
    const byKind = new Map(sent.deliveries.map((d) => [d.kind, d]));
    const oaDelivery = byKind.get('official_account')!;
    const robotDelivery = byKind.get('wecom_robot')!;
    assert.equal(oaDelivery.status, 'sent', JSON.stringify(oaDelivery));
    assert.equal(robotDelivery.status, 'sent', JSON.stringify(robotDelivery));
    assert.equal(sent.status, 'sent');
    assert.ok(sent.shareUrl, 'the bulletin has a public page');
    assert.equal(new URL(sent.shareUrl).pathname, `/news/${orgs.zhouzhi.id}/${bulletinId}`);

    const drafts = fake!.drafts(account.appId);
    assert.equal(drafts.length, 1, 'one draft');
    const [article] = drafts[0].articles;
    assert.equal(article.title, title);
    assert.match(article.content, new RegExp(bodyText.slice(0, 10)));
    assert.doesNotMatch(article.content, /\/news\/images\//, 'the picture points at WeChat, not at us');
    const uploaded = fake!.uploads(account.appId).map((u) => u.url);
    const inDraft = /<img[^>]+src="([^"]+)"/.exec(article.content)?.[1];
    assert.ok(inDraft && uploaded.includes(inDraft), `the draft's picture is an uploaded one: ${inDraft}`);
    const sends = fake!.massSends(account.appId);
    assert.equal(sends.length, 1, 'one mass send');
    const messages = fake!.robotMessages(robotKey);
    assert.equal(messages.length, 1, 'one robot message');
    assert.equal(messages[0].msgtype, 'news');
    assert.equal(messages[0].news.articles[0].url, sent.shareUrl);
    // Nothing left before its time: the account's first attempt (uploads, draft), its mass send and the robot's card.
    const oaLog = await admin!.get<DeliveryDetail>(`/api/publishing/deliveries/${oaDelivery.id}`);
    const firstAttempt = oaLog.log.find((entry) => entry.event === 'sending');
    assert.ok(firstAttempt, JSON.stringify(oaLog.log));
    const times: Array<[string, number]> = [
      ["the account's first attempt", Date.parse(firstAttempt.at)],
      ['the mass send', sends[0].at],
      ['the robot message', messages[0].at],
    ];
    for (const [what, at] of times) {
      assert.ok(at >= sendAt.getTime(), `${what} came ${sendAt.getTime() - at} ms before the send time`);
    }

    // The delivery log: both sent, the account's events from queued to sent.
    await open('publishing-deliveries', async (page) => {
      await logIn(page, url, server!.users.zhouzhiAdmin!);
      await openMenu(page, '投递记录');
      const table = page.getByTestId('deliveries-table');
      const row = (name: string) => table.locator('.ant-table-row').filter({ hasText: name });
      await expectText(row(accountName).getByTestId('delivery-status'), '已发送');
      await expectText(row(robotName).getByTestId('delivery-status'), '已发送');
      await screenshot(page, 'e2e-publishing-deliveries');
      await row(accountName)
        .getByRole('button', { name: `${accountName} 的投递日志` })
        .click();
      const drawer = page.getByTestId('delivery-drawer');
      const log = drawer.getByTestId('delivery-log');
      await log.locator('.ant-timeline-item').first().waitFor();
      const events = await log.locator('.tj-pub-log-entry strong').allInnerTexts();
      assert.equal(events[0], '加入发送队列');
      assert.equal(events.at(-1), '发送成功');
      assert.ok(events.includes('开始发送'), events.join(', '));
      await expectText(drawer.getByTestId('delivery-status'), '已发送');
      await screenshot(page, 'e2e-publishing-delivery-log');

      // From the log to the bulletin: sent, with its link to share and its three deliveries.
      await drawer.getByRole('link', { name: title }).click();
      await page.waitForURL((u) => u.pathname === `/publishing/bulletins/${bulletinId}`);
      await expectText(page.getByTestId('bulletin-status'), '已发送');
      await expectText(page.getByTestId('share-url'), sent.shareUrl!);
      const deliveries = page.getByTestId('deliveries-table').locator('.ant-table-row');
      await deliveries.nth(2).waitFor();
      assert.equal(await deliveries.count(), 3);
      assert.deepEqual(await deliveries.getByTestId('delivery-status').allInnerTexts(), ['已发送', '已发送', '已发送']);
      await screenshot(page, 'e2e-publishing-detail-sent');
      await page.getByTestId('deliveries-table').scrollIntoViewIfNeeded();
      await screenshot(page, 'e2e-publishing-detail-deliveries');
    });

    // The shared link on a phone: the article, its picture loaded, nothing wider than the screen.
    await open(
      'publishing-h5',
      async (page) => {
        await page.goto(sent.shareUrl!);
        await expectText(page.locator('article h1'), title);
        const content = page.locator('article .content');
        assert.match(await content.innerText(), new RegExp(bodyText));
        assert.match(await content.innerText(), new RegExp(afterImage));
        const image = content.locator('img').first();
        await image.scrollIntoViewIfNeeded();
        await page.waitForFunction((img) => (img as HTMLImageElement).complete, await image.elementHandle());
        assert.ok(await loaded(image), 'the picture loads on the phone');
        const box = (await image.boundingBox())!;
        assert.ok(
          box.x >= 0 && box.x + box.width <= phone.width,
          `the picture fits the screen: ${JSON.stringify(box)}`,
        );
        const scrollWidth = await page.evaluate(() => document.scrollingElement!.scrollWidth);
        assert.ok(scrollWidth <= phone.width, `the page scrolls sideways: ${scrollWidth} px wide`);
        await page.evaluate(() => window.scrollTo(0, 0));
        await screenshot(page, 'e2e-publishing-h5');
      },
      phone,
    );

    // The county's dashboard counts the post: one post for its one official account meets the indicator.
    await open('publishing-dashboard-after', async (page) => {
      await logIn(page, url, server!.users.zhouzhiAdmin!);
      await loadDashboard(page, dashboardUrl, orgs.zhouzhi.name);
      const card = page.getByTestId(`indicator-card-${indicator}`);
      assert.match(await card.innerText(), /本级\s*1 条/);
      await expectText(page.getByTestId(`own-status-${indicator}`), '已达标');
      await expectText(page.getByTestId(`indicator-tally-${indicator}`), '达标 1 / 适用 1');
      await screenshot(page, 'e2e-publishing-dashboard');
    });
  });
});

/** The sub-menu of 发布管理, as a person clicks it. */
async function openMenu(page: Page, item: '稿件' | '手机报' | '投递记录'): Promise<void> {
  const menu = page.locator('.tj-side');
  const link = menu.getByRole('link', { name: item, exact: true });
  if (!(await link.isVisible())) await menu.getByText('发布管理', { exact: true }).click();
  await link.click();
  await page.getByTestId('publishing-title').waitFor();
}

/** The next whole minute plus one, or a minute later when that leaves too little time to approve it. */
function sendTime(): { at: Date; text: string } {
  const margin = 75_000;
  const at = new Date(Math.ceil((Date.now() + margin) / 60_000) * 60_000);
  const local = new Date(at.getTime() + 8 * 3600_000).toISOString();
  return { at, text: `${local.slice(0, 10)} ${local.slice(11, 16)}` };
}

async function expectText(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
  assert.equal((await locator.first().innerText()).trim(), text);
}

const loaded = (image: Locator) => image.evaluate((el) => (el as HTMLImageElement).naturalWidth > 0);

/** Polls the bulletin until neither of its WeChat deliveries is queued or on its way. */
async function waitForDeliveries(api: ApiSession, id: number, timeoutMs: number): Promise<BulletinDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const detail = await api.get<BulletinDetail>(`/api/publishing/bulletins/${id}`);
    const wechat = detail.deliveries.filter((d) => d.kind !== 'web');
    if (wechat.length >= 2 && wechat.every((d) => d.status !== 'queued' && d.status !== 'sending')) return detail;
    if (Date.now() > deadline) {
      throw new Error(`the deliveries are still waiting at ${new Date().toISOString()}: ${JSON.stringify(detail)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Loads a campaign dashboard and waits for its indicator cards. */
async function loadDashboard(page: Page, url: string, orgName: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('dashboard-org').filter({ hasText: orgName }).waitFor();
  await page.locator('[data-testid^="indicator-card-"]').first().waitFor();
}

/** A real PNG of diagonal stripes in two colours, so that a picture that did not load is plain to see. */
function stripesPng(width: number, height: number, a: number[], b: number[]): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      const [r, g, bl] = Math.floor((x + y) / 24) % 2 === 0 ? a : b;
      raw.set([r, g, bl], row + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
