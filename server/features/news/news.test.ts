import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { BulletinKind, BulletinStatus } from '../../../common/domain.js';
import { loginAsFrom } from '../../../test/clients.js';
import { makeOrg } from '../../../test/factories.js';
import { multipartFile, pngBytes } from '../../../test/ledger-factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeBulletin } from '../../../test/publishing-factories.js';
import { png } from '../../../test/hostile-fixtures.js';
import { storeFile, storedFilePath } from '../../files/store.js';
import { sanitizeBulletinHtml } from '../publishing/sanitize.js';

// The public news pages through app.inject on a real database: what an anonymous reader and a signed-in cadre get.
// Bulletins are written straight into the tables, as the publishing feature leaves them.

const publicUrl = 'https://news.example.cn';
const ctx = await createTestContext({ TUANJIAN_PUBLIC_URL: publicUrl });
const province = await makeOrg(ctx, { name: '共青团陕西省委员会' });
const orgA = await makeOrg(ctx, { parent: province, name: '共青团周至县委员会' });
const townA = await makeOrg(ctx, { parent: orgA, name: '共青团九峰镇委员会' });
const orgB = await makeOrg(ctx, { name: '共青团蓝田县委员会' });
const dissolved = await makeOrg(ctx, { name: '共青团已撤销委员会' });
await ctx.db.updateTable('orgs').set({ status: 'dissolved' }).where('id', '=', dissolved.id).execute();
const cadre = await loginAsFrom(ctx, 'org_admin', orgB);
const editorA = await loginAsFrom(ctx, 'org_editor', orgA);
const otherEditorA = await loginAsFrom(ctx, 'org_editor', orgA);
const editorTown = await loginAsFrom(ctx, 'org_editor', townA);
const inspectorA = await loginAsFrom(ctx, 'inspector', province);

// No script-src: scripts fall back to default-src 'none', so none runs, inline or from anywhere.
const csp =
  "default-src 'none';img-src 'self' https: data:;style-src 'unsafe-inline';object-src 'none';base-uri 'none';" +
  "form-action 'none';frame-ancestors 'none'";

let minute = 0;
/** Published a minute after the one before, unless told when. */
async function addBulletin(input: {
  orgId: number;
  title: string;
  kind?: BulletinKind;
  status?: BulletinStatus;
  published?: boolean;
  publishedAt?: string;
  content?: string;
  digest?: string | null;
  author?: string | null;
  cover?: string | null;
  issueNumber?: number | null;
  files?: string[];
}): Promise<number> {
  minute++;
  const at = input.publishedAt ?? new Date(Date.UTC(2026, 10, 1, 2, minute)).toISOString();
  const published = input.published ?? true;
  const id = await makeBulletin(
    ctx,
    { id: input.orgId },
    {
      kind: input.kind,
      issueNumber: input.issueNumber,
      title: input.title,
      author: input.author,
      digest: input.digest,
      contentHtml: sanitizeBulletinHtml(input.content ?? `<p>${input.title}的正文。</p>`),
      cover: input.cover,
      status: input.status ?? (published ? 'sent' : 'draft'),
      publishedAt: published ? at : null,
      createdAt: at,
      webTarget: false,
    },
  );
  const files = [...new Set([...(input.files ?? []), ...(input.cover ? [input.cover] : [])])];
  for (const sha of files) {
    await ctx.db.insertInto('bulletin_files').values({ bulletin_id: id, file_sha256: sha }).execute();
  }
  return id;
}

let imageCount = 0;
async function addImage(mime = 'image/png'): Promise<{ sha: string; bytes: Buffer }> {
  const bytes = png(`image ${++imageCount}`);
  const { sha256 } = await storeFile(ctx.db, ctx.dataDir, bytes, mime);
  return { sha: sha256, bytes };
}

const anonymous = (url: string) => ctx.app.inject({ method: 'GET', url });

function assertNewsHeaders(response: LightMyRequestResponse, what: string): void {
  assert.equal(response.headers['content-security-policy'], csp, `${what}: CSP`);
  assert.equal(response.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  assert.ok(response.headers['referrer-policy'], `${what}: Referrer-Policy`);
  assert.ok(response.headers['x-frame-options'], `${what}: X-Frame-Options`);
}

function assertHtmlPage(response: LightMyRequestResponse, status: number, what: string): void {
  assert.equal(response.statusCode, status, `${what}: ${response.body.slice(0, 300)}`);
  assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8/, what);
  assert.ok(response.body.startsWith('<!doctype html><html lang="zh-CN">'), what);
  assert.ok(!/<script/i.test(response.body), `${what}: no script`);
  assertNewsHeaders(response, what);
}

/** The text of the first element matching a class, tags stripped. */
const titlesOf = (body: string) =>
  [...body.matchAll(/<h2>(?:<span class="tag">[^<]*<\/span>)?([^<]*)<\/h2>/g)].map((m) => m[1]);

const cover = await addImage();
const inline = await addImage();
const listA = {
  oldest: await addBulletin({
    orgId: orgA.id,
    title: '团员发展工作部署会召开',
    digest: '会议部署了今年的团员发展工作。',
  }),
  draft: await addBulletin({ orgId: orgA.id, title: '尚未发布的草稿', published: false }),
  approvedNotYetSent: await addBulletin({
    orgId: orgA.id,
    title: '待发送的新闻',
    status: 'approved',
    published: false,
  }),
  // Each once on the news pages (published_at set), then taken back or never through review: not shown.
  takenBack: {
    draft: await addBulletin({ orgId: orgA.id, title: '撤回改稿的新闻', status: 'draft' }),
    in_review: await addBulletin({ orgId: orgA.id, title: '重新送审的新闻', status: 'in_review' }),
    rejected: await addBulletin({ orgId: orgA.id, title: '被退回的新闻', status: 'rejected' }),
    withdrawn: await addBulletin({ orgId: orgA.id, title: '已撤回的新闻', status: 'withdrawn' }),
  } satisfies Partial<Record<BulletinStatus, number>>,
  hostile: await addBulletin({ orgId: orgA.id, title: '标题含<script>alert(1)</script>' }),
  newest: await addBulletin({
    orgId: orgA.id,
    title: '“青年大学习”第十二期学习情况通报',
    author: '宣传部',
    cover: cover.sha,
    files: [inline.sha],
    content: `<h2>总体情况</h2><p>全县<strong>1,204</strong>名团员参与学习。</p><img src="/news/images/${inline.sha}" alt="学习现场"><p><a href="/news/${orgA.id}">更多新闻</a></p>`,
    publishedAt: '2026-11-28T02:00:00.000Z',
  }),
};
const otherOrgs = await addBulletin({ orgId: orgB.id, title: '蓝田县的新闻' });
const childOrgs = await addBulletin({ orgId: townA.id, title: '九峰镇的新闻' });
/** Titles that are never on orgA's pages. */
const notShownOnA = [
  '尚未发布的草稿',
  '待发送的新闻',
  '撤回改稿的新闻',
  '重新送审的新闻',
  '被退回的新闻',
  '已撤回的新闻',
];

describe('the list of an org', () => {
  test('shows its published bulletins, newest first, with date, digest and cover; nothing else', async () => {
    const response = await anonymous(`/news/${orgA.id}`);
    assertHtmlPage(response, 200, 'list');
    assert.deepEqual(titlesOf(response.body), [
      '“青年大学习”第十二期学习情况通报',
      '标题含&lt;script&gt;alert(1)&lt;/script&gt;',
      '团员发展工作部署会召开',
    ]);
    assert.match(response.body, /<a href="\/news\/\d+">共青团周至县委员会<\/a><span>新闻动态<\/span>/);
    assert.match(response.body, /会议部署了今年的团员发展工作。/, 'the digest written');
    assert.match(
      response.body,
      /总体情况 全县1,204名团员参与学习。/,
      'the start of the text when no digest was written',
    );
    assert.match(response.body, /<time datetime="2026-11-28T02:00:00.000Z">2026年11月28日<\/time>/);
    assert.ok(response.body.includes(`<img src="/news/images/${cover.sha}" alt="" loading="lazy" />`));
    assert.ok(response.body.includes(`href="/news/${orgA.id}/${listA.newest}"`));
    assert.ok(
      response.body.includes(
        `<link rel="alternate" type="application/atom+xml" title="Atom" href="/news/${orgA.id}/feed.atom" />`,
      ),
    );
    for (const title of notShownOnA) assert.ok(!response.body.includes(title), title);
    assert.ok(!response.body.includes('蓝田县的新闻'), "another county's");
    assert.ok(!response.body.includes('九峰镇的新闻'), "a township's under it: each org's page is its own");
    assert.equal(response.headers['cache-control'], 'public, max-age=60');
  });

  test('pages of twenty; past the last page, or a page that is no number, is not found', async () => {
    const org = await makeOrg(ctx, { name: '共青团多新闻委员会' });
    for (let i = 1; i <= 25; i++) await addBulletin({ orgId: org.id, title: `第${i}条新闻` });
    const first = await anonymous(`/news/${org.id}`);
    assertHtmlPage(first, 200, 'page 1');
    assert.equal(titlesOf(first.body).length, 20);
    assert.equal(titlesOf(first.body)[0], '第25条新闻');
    assert.match(first.body, /第 1 \/ 2 页<\/span><a href="\/news\/\d+\?page=2">下一页 ›<\/a>/);
    const second = await anonymous(`/news/${org.id}?page=2`);
    assertHtmlPage(second, 200, 'page 2');
    assert.deepEqual(titlesOf(second.body), ['第5条新闻', '第4条新闻', '第3条新闻', '第2条新闻', '第1条新闻']);
    assert.match(second.body, /<a href="\/news\/\d+">‹ 上一页<\/a>/);
    for (const page of ['3', '0', 'abc', '-1', '1e3', '99999999']) {
      assertHtmlPage(await anonymous(`/news/${org.id}?page=${page}`), 404, `page ${page}`);
    }
  });

  test('an org without news says so; a missing or dissolved org is not found, in Chinese', async () => {
    const quiet = await makeOrg(ctx, { name: '共青团安静委员会' });
    const empty = await anonymous(`/news/${quiet.id}`);
    assertHtmlPage(empty, 200, 'empty');
    assert.match(empty.body, /还没有发布的新闻。/);
    for (const url of [`/news/${dissolved.id}`, '/news/999999', '/news/abc', '/news/0', '/news/99999999999']) {
      const response = await anonymous(url);
      assertHtmlPage(response, 404, url);
      assert.match(response.body, /<h1>页面不存在<\/h1><p>您要找的新闻不存在或已撤下。<\/p>/, url);
    }
  });
});

describe('a bulletin', () => {
  test('shows title, org, author, date, cover and the stored text, with a preview for a shared link', async () => {
    const response = await anonymous(`/news/${orgA.id}/${listA.newest}`);
    assertHtmlPage(response, 200, 'article');
    const body = response.body;
    assert.match(body, /<h1>“青年大学习”第十二期学习情况通报<\/h1>/);
    assert.match(
      body,
      /<p class="byline"><a href="\/news\/\d+">共青团周至县委员会<\/a><span>作者：宣传部<\/span><time[^>]*>2026年11月28日<\/time><\/p>/,
    );
    assert.ok(body.includes(`<img class="cover" src="/news/images/${cover.sha}" alt="" />`));
    assert.ok(
      body.includes(
        `<div class="content"><h2>总体情况</h2><p>全县<strong>1,204</strong>名团员参与学习。</p><img src="/news/images/${inline.sha}" alt="学习现场" />`,
      ),
    );
    const url = `${publicUrl}/news/${orgA.id}/${listA.newest}`;
    assert.ok(body.includes(`<meta property="og:title" content="“青年大学习”第十二期学习情况通报" />`));
    assert.ok(body.includes(`<meta property="og:url" content="${url}" />`));
    assert.ok(body.includes(`<link rel="canonical" href="${url}" />`));
    assert.ok(body.includes(`<meta property="og:image" content="${publicUrl}/news/images/${cover.sha}" />`));
    assert.ok(
      body.includes(`<meta property="og:description" content="总体情况 全县1,204名团员参与学习。 更多新闻" />`),
    );
    assert.ok(body.includes(`<meta property="og:site_name" content="共青团周至县委员会" />`));
  });

  test('text that looks like markup stays text in the title and the preview', async () => {
    const response = await anonymous(`/news/${orgA.id}/${listA.hostile}`);
    assertHtmlPage(response, 200, 'hostile title');
    assert.ok(response.body.includes('<title>标题含&lt;script&gt;alert(1)&lt;/script&gt;</title>'));
    assert.ok(response.body.includes('content="标题含&lt;script&gt;alert(1)&lt;/script&gt;"'));
  });

  test('an issue of the mobile bulletin shows its number and its articles in order', async () => {
    // Articles go into an issue once approved; one was put back to a draft since.
    const first = await addBulletin({
      orgId: orgA.id,
      title: '本周要闻一',
      author: '甲',
      status: 'approved',
      published: false,
      content: '<p>要闻一的内容。</p>',
    });
    const second = await addBulletin({
      orgId: orgA.id,
      title: '本周要闻二',
      status: 'approved',
      published: false,
      content: '<p>要闻二的内容。</p>',
    });
    const gone = await addBulletin({ orgId: orgA.id, title: '撤回的要闻', status: 'draft', published: false });
    const issue = await addBulletin({
      orgId: orgA.id,
      kind: 'issue',
      issueNumber: 12,
      title: '周至青年手机报',
      content: '<p>编者按：本期共两篇。</p>',
    });
    await ctx.db
      .insertInto('bulletin_issue_items')
      .values([
        { issue_id: issue, article_id: second, position: 2 },
        { issue_id: issue, article_id: gone, position: 3 },
        { issue_id: issue, article_id: first, position: 1 },
      ])
      .execute();
    const response = await anonymous(`/news/${orgA.id}/${issue}`);
    assertHtmlPage(response, 200, 'issue');
    const body = response.body;
    assert.match(body, /<h1><span class="tag">第 12 期<\/span>周至青年手机报<\/h1>/);
    assert.match(body, /<title>周至青年手机报（第 12 期）<\/title>/);
    assert.ok(
      body.includes(
        `<li><a href="#article-${first}">本周要闻一</a></li><li><a href="#article-${second}">本周要闻二</a></li></ol>`,
      ),
    );
    const order = [
      '编者按：本期共两篇。',
      '<h2>本周要闻一</h2>',
      '作者：甲',
      '要闻一的内容。',
      '<h2>本周要闻二</h2>',
      '要闻二的内容。',
    ];
    const positions = order.map((text) => body.indexOf(text));
    assert.ok(
      positions.every((p, i) => p > 0 && (i === 0 || p > positions[i - 1])),
      `in order: ${positions.join(',')}`,
    );
    assert.ok(!body.includes('撤回的要闻'));
    // Not published on their own (the issue's dispatch would have set published_at): reached through the issue.
    assertHtmlPage(await anonymous(`/news/${orgA.id}/${first}`), 404, 'unpublished article of an issue');
    const list = await anonymous(`/news/${orgA.id}`);
    assert.match(list.body, /<h2><span class="tag">第 12 期<\/span>周至青年手机报<\/h2>/);
  });

  test("an unpublished or taken-back one, another org's, or no number at all is not found", async () => {
    const cases = [
      `/news/${orgA.id}/${listA.draft}`,
      `/news/${orgA.id}/${listA.approvedNotYetSent}`,
      ...Object.values(listA.takenBack).map((id) => `/news/${orgA.id}/${id}`),
      `/news/${orgA.id}/${otherOrgs}`,
      `/news/${orgA.id}/${childOrgs}`,
      `/news/${townA.id}/${listA.newest}`,
      `/news/${orgB.id}/${listA.newest}`,
      `/news/${dissolved.id}/${listA.newest}`,
      `/news/${orgA.id}/999999`,
      `/news/${orgA.id}/abc`,
      `/news/${orgA.id}/1.5`,
      `/news/${orgA.id}/${'9'.repeat(40)}`,
    ];
    for (const url of cases) {
      const response = await anonymous(url);
      assertHtmlPage(response, 404, url);
      assert.match(response.body, /<h1>页面不存在<\/h1><p>您要找的新闻不存在或已撤下。<\/p>/, url);
      assert.equal(response.headers['cache-control'], 'no-store', url);
    }
    // The township's own page has it.
    assertHtmlPage(await anonymous(`/news/${townA.id}/${childOrgs}`), 200, "the township's own page");
    // A signed-in cadre sees the public pages as anyone does: no drafts here.
    assert.equal((await cadre.get(`/news/${orgA.id}/${listA.draft}`)).statusCode, 404);
  });
});

describe('feeds', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
  const asList = <T>(value: T | T[] | undefined): T[] =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];
  /** Text, or an element's text when it has attributes (Atom's type="html"). */
  type XmlText = string | { '#text': string };
  const textOf = (value: XmlText) => (typeof value === 'object' ? value['#text'] : value);
  type AtomFeed = { title: XmlText; id: string; entry?: AtomEntry | AtomEntry[] };
  type AtomEntry = { id: string; title: XmlText; link: { href: string }; content: XmlText };
  type RssChannel = { link: string; item?: RssItem | RssItem[] };
  type RssItem = { title: string; link: string; enclosure?: { url: string; type: string; length: string } };
  const atom = (body: string) => (parser.parse(body) as { feed: AtomFeed }).feed;
  const rss = (body: string) => (parser.parse(body) as { rss: { channel: RssChannel } }).rss.channel;

  test('Atom: the latest published, newest first, every link absolute', async () => {
    const response = await anonymous(`/news/${orgA.id}/feed.atom`);
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/atom\+xml/);
    assert.equal(response.headers['cache-control'], 'public, max-age=300');
    assertNewsHeaders(response, 'atom');
    assert.equal(XMLValidator.validate(response.body), true, 'well-formed XML');
    const feed = atom(response.body);
    assert.equal(textOf(feed.title), '共青团周至县委员会新闻动态');
    assert.equal(feed.id, `${publicUrl}/news/${orgA.id}`);
    const entries = asList(feed.entry);
    const titles = entries.map((e) => textOf(e.title));
    assert.deepEqual(titles, [
      '“青年大学习”第十二期学习情况通报',
      '周至青年手机报（第 12 期）',
      '标题含<script>alert(1)</script>',
      '团员发展工作部署会召开',
    ]);
    for (const entry of entries) {
      assert.ok(String(entry.link.href).startsWith(`${publicUrl}/news/${orgA.id}/`), entry.link.href);
      assert.ok(String(entry.id).startsWith(`${publicUrl}/news/`), entry.id);
    }
    const newest = entries.find((e) => e.id === `${publicUrl}/news/${orgA.id}/${listA.newest}`)!;
    const content = textOf(newest.content);
    assert.ok(content.includes(`<img src="${publicUrl}/news/images/${inline.sha}" alt="学习现场" />`), content);
    assert.ok(content.includes(`<a href="${publicUrl}/news/${orgA.id}" target="_blank"`), content);
  });

  test('RSS: the same items with absolute links; at most fifty', async () => {
    const org = await makeOrg(ctx, { name: '共青团高产委员会' });
    for (let i = 1; i <= 53; i++) await addBulletin({ orgId: org.id, title: `第${i}条` });
    const response = await anonymous(`/news/${org.id}/rss.xml`);
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/rss\+xml/);
    assert.equal(response.headers['cache-control'], 'public, max-age=300');
    assert.equal(XMLValidator.validate(response.body), true, 'well-formed XML');
    const channel = rss(response.body);
    assert.equal(channel.link, `${publicUrl}/news/${org.id}`);
    const items = asList(channel.item);
    assert.equal(items.length, 50);
    assert.equal(items[0].title, '第53条');
    assert.equal(items[49].title, '第4条');
    for (const item of items) assert.match(String(item.link), new RegExp(`^${publicUrl}/news/${org.id}/\\d+$`));

    const withCover = rss((await anonymous(`/news/${orgA.id}/rss.xml`)).body);
    const newest = asList(withCover.item).find((i) => i.title === '“青年大学习”第十二期学习情况通报')!;
    assert.deepEqual(newest.enclosure, {
      url: `${publicUrl}/news/images/${cover.sha}`,
      type: 'image/png',
      length: String(cover.bytes.length),
    });
  });

  test('a missing or dissolved org has no feed', async () => {
    for (const url of [`/news/${dissolved.id}/feed.atom`, '/news/999999/rss.xml', '/news/x/rss.xml']) {
      assert.equal((await anonymous(url)).statusCode, 404, url);
    }
  });
});

describe('images', () => {
  test('until a bulletin showing it is published, an image is for the people preparing it; then for anyone', async () => {
    // The editor puts a picture into the editor: theirs alone until a draft shows it.
    const upload = await editorA.request({
      method: 'POST',
      url: `/api/publishing/images?orgId=${orgA.id}`,
      ...multipartFile(pngBytes('待发布'), '现场.png'),
    });
    assert.equal(upload.statusCode, 201, upload.body);
    const { sha256, url } = upload.json<{ sha256: string; url: string }>();
    const bytes = (await editorA.get(url)).rawPayload;
    const status = async () => ({
      anonymous: (await anonymous(url)).statusCode,
      uploader: (await editorA.get(url)).statusCode,
      colleague: (await otherEditorA.get(url)).statusCode,
      inspectorAbove: (await inspectorA.get(url)).statusCode,
      townshipBelow: (await editorTown.get(url)).statusCode,
      anotherCounty: (await cadre.get(url)).statusCode,
    });
    assert.deepEqual(await status(), {
      anonymous: 404,
      uploader: 200,
      colleague: 404,
      inspectorAbove: 404,
      townshipBelow: 404,
      anotherCounty: 404,
    });
    const signedIn = await editorA.get(url);
    assert.equal(signedIn.headers['content-type'], 'image/png');
    assert.equal(signedIn.headers['cache-control'], 'private, max-age=3600');
    assert.deepEqual(signedIn.rawPayload, pngBytes('待发布'));

    // A draft shows it: whoever may read the county's bulletins sees it, above or beside; not below, not elsewhere.
    const id = await addBulletin({ orgId: orgA.id, title: '待发布的图文', published: false, files: [sha256] });
    assert.deepEqual(await status(), {
      anonymous: 404,
      uploader: 200,
      colleague: 200,
      inspectorAbove: 200,
      townshipBelow: 404,
      anotherCounty: 404,
    });

    await ctx.db
      .updateTable('bulletins')
      .set({ status: 'sent', published_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
    const after = await anonymous(url);
    assert.equal(after.statusCode, 200);
    assert.equal(after.headers['content-type'], 'image/png');
    assert.equal(after.headers['cache-control'], 'public, max-age=86400, immutable');
    assert.equal(after.headers['x-content-type-options'], 'nosniff');
    assert.equal(after.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.equal(Number(after.headers['content-length']), bytes.length);
    assert.deepEqual(after.rawPayload, bytes);
    assert.equal((await cadre.get(url)).statusCode, 200, 'public: to anyone signed in too');

    // Withdrawn again: no longer public.
    await ctx.db.updateTable('bulletins').set({ status: 'withdrawn' }).where('id', '=', id).execute();
    assert.equal((await anonymous(url)).statusCode, 404);
    assert.equal((await otherEditorA.get(url)).statusCode, 200, 'still for the people preparing it');
  });

  test('an image of an article shown in a published issue is public; covers too', async () => {
    const image = await addImage();
    const articleCover = await addImage();
    const article = await addBulletin({
      orgId: orgB.id,
      title: '手机报里的文章',
      status: 'approved',
      published: false,
      files: [image.sha],
      cover: articleCover.sha,
    });
    const issue = await addBulletin({
      orgId: orgB.id,
      kind: 'issue',
      issueNumber: 1,
      title: '蓝田手机报',
      published: false,
    });
    await ctx.db
      .insertInto('bulletin_issue_items')
      .values({ issue_id: issue, article_id: article, position: 1 })
      .execute();
    assert.equal((await anonymous(`/news/images/${image.sha}`)).statusCode, 404);
    await ctx.db
      .updateTable('bulletins')
      .set({ status: 'sent', published_at: new Date().toISOString() })
      .where('id', '=', issue)
      .execute();
    assert.equal((await anonymous(`/news/images/${image.sha}`)).statusCode, 200);
    assert.equal((await anonymous(`/news/images/${articleCover.sha}`)).statusCode, 200);
    assert.equal((await anonymous(`/news/images/${cover.sha}`)).statusCode, 200, 'the cover of a published article');
  });

  test("only bulletins' images: other files, another feature's image, missing bytes, bad addresses", async () => {
    const pdf = await storeFile(ctx.db, ctx.dataDir, Buffer.from('%PDF-1.4 一份文件'), 'application/pdf');
    const lost = await addImage();
    // Stored by another feature (a channel's evidence, an applicant's document): no bulletin shows it.
    const elsewhere = await addImage();
    await addBulletin({ orgId: orgA.id, title: '附件', files: [pdf.sha256, lost.sha] });
    const { rmSync } = await import('node:fs');
    rmSync(storedFilePath(ctx.dataDir, lost.sha));
    for (const url of [
      `/news/images/${pdf.sha256}`,
      `/news/images/${lost.sha}`,
      `/news/images/${elsewhere.sha}`,
      `/news/images/${'0'.repeat(64)}`,
      `/news/images/${cover.sha.toUpperCase()}`,
      `/news/images/${cover.sha}.png`,
      '/news/images/..%2F..%2Fetc%2Fpasswd',
    ]) {
      assert.equal((await editorA.get(url)).statusCode, 404, url);
      assert.equal((await inspectorA.get(url)).statusCode, 404, url);
      assert.equal((await anonymous(url)).statusCode, 404, url);
    }
  });
});
