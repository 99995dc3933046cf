import { htmlToText } from '../publishing/sanitize.js';
import { html, sanitized, type SafeHtml } from './html.js';
import type { IssueArticle, PublicOrg, PublishedBulletin } from './repo.js';

// The public news pages of an org, rendered on the server without any script (the CSP forbids it), for phones
// first (WeChat's browser at 375 px) and desktops. Text is Simplified Chinese; dates are China's.

export const newsImageUrl = (sha256: string) => `/news/images/${sha256}`;
export const orgNewsPath = (orgId: number) => `/news/${orgId}`;
export const bulletinPath = (b: { org_id: number; id: number }) => `/news/${b.org_id}/${b.id}`;

const dateFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});

export function chineseDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}

/** The digest written for the bulletin, or the start of its text. */
export function digestOf(b: Pick<PublishedBulletin, 'digest' | 'content_html'>, maxChars = 120): string {
  const written = b.digest?.trim();
  return written || htmlToText(b.content_html, maxChars).replace(/\n/g, ' ');
}

export const issueLabel = (b: Pick<PublishedBulletin, 'kind' | 'issue_number'>) =>
  b.kind === 'issue' && b.issue_number !== null ? `第 ${b.issue_number} 期` : null;

const styleSheet = html`<style>
  :root {
    --red: #c8161e;
    --ink: #1f2329;
    --muted: #8a9099;
    --line: #ebedf0;
    --bg: #f4f5f7;
    --link: #1f5fa8;
  }
  * {
    box-sizing: border-box;
  }
  html {
    -webkit-text-size-adjust: 100%;
  }
  body {
    margin: 0;
    background: var(--bg);
    color: var(--ink);
    font:
      16px/1.7 -apple-system,
      BlinkMacSystemFont,
      'PingFang SC',
      'Hiragino Sans GB',
      'Microsoft YaHei',
      'Noto Sans CJK SC',
      'Source Han Sans SC',
      'WenQuanYi Micro Hei',
      sans-serif;
  }
  a {
    color: var(--link);
  }
  .masthead {
    background: var(--red);
    color: #fff;
  }
  .masthead div {
    max-width: 760px;
    margin: 0 auto;
    padding: 11px 16px;
    display: flex;
    align-items: baseline;
    gap: 10px;
  }
  .masthead a {
    color: #fff;
    text-decoration: none;
    font-weight: 600;
    font-size: 17px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .masthead span {
    flex: none;
    opacity: 0.85;
    font-size: 14px;
  }
  main {
    max-width: 760px;
    margin: 0 auto;
    background: #fff;
    min-height: 50vh;
  }
  .list {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .item {
    border-bottom: 1px solid var(--line);
  }
  .item a {
    display: flex;
    gap: 12px;
    padding: 16px;
    color: inherit;
    text-decoration: none;
  }
  .item .text {
    flex: 1;
    min-width: 0;
  }
  .item h2 {
    margin: 0 0 6px;
    font-size: 17px;
    line-height: 1.45;
    font-weight: 600;
  }
  .item p {
    margin: 0;
    color: #5c6370;
    font-size: 14px;
    line-height: 1.6;
    display: -webkit-box;
    -webkit-line-clamp: 2;
    -webkit-box-orient: vertical;
    overflow: hidden;
  }
  .item time {
    display: block;
    margin-top: 6px;
    color: var(--muted);
    font-size: 13px;
  }
  .item img {
    width: 96px;
    height: 72px;
    object-fit: cover;
    border-radius: 4px;
    flex: none;
    background: var(--line);
  }
  .tag {
    display: inline-block;
    margin-right: 6px;
    padding: 0 6px;
    border-radius: 3px;
    background: #fdecec;
    color: var(--red);
    font-size: 12px;
    font-weight: 500;
    line-height: 20px;
    vertical-align: 2px;
  }
  article {
    padding: 22px 16px 32px;
  }
  article h1 {
    margin: 0 0 10px;
    font-size: 22px;
    line-height: 1.4;
    letter-spacing: 0.5px;
  }
  .byline {
    color: var(--muted);
    font-size: 14px;
    margin: 0 0 20px;
    display: flex;
    flex-wrap: wrap;
    gap: 2px 12px;
  }
  .byline a {
    text-decoration: none;
  }
  .cover {
    display: block;
    width: 100%;
    height: auto;
    border-radius: 6px;
    margin: 0 0 20px;
  }
  .content {
    font-size: 17px;
    line-height: 1.8;
    overflow-wrap: anywhere;
  }
  .content img {
    max-width: 100%;
    height: auto;
    display: block;
    margin: 14px auto;
    border-radius: 4px;
  }
  .content h1,
  .content h2,
  .content h3,
  .content h4 {
    line-height: 1.45;
    margin: 1.4em 0 0.6em;
  }
  .content h1 {
    font-size: 21px;
  }
  .content h2 {
    font-size: 20px;
  }
  .content h3 {
    font-size: 18px;
  }
  .content h4 {
    font-size: 17px;
  }
  .content p {
    margin: 0 0 1em;
  }
  .content blockquote {
    margin: 1em 0;
    padding: 8px 14px;
    border-left: 4px solid #dfe2e6;
    background: #f7f8fa;
    color: #4e5561;
  }
  .content blockquote > :last-child,
  .content li > :last-child {
    margin-bottom: 0;
  }
  .content pre {
    overflow-x: auto;
    background: #f4f5f7;
    padding: 12px;
    border-radius: 4px;
    font-size: 14px;
    line-height: 1.5;
  }
  .content code {
    font-family: ui-monospace, Menlo, Consolas, monospace;
    font-size: 0.9em;
  }
  .content ul,
  .content ol {
    padding-left: 1.4em;
  }
  .content hr {
    border: 0;
    border-top: 1px solid var(--line);
    margin: 1.6em 0;
  }
  .toc {
    margin: 0 0 8px;
    padding: 12px 16px;
    background: #f7f8fa;
    border-radius: 6px;
  }
  .toc h2 {
    font-size: 14px;
    margin: 0 0 4px;
    color: var(--muted);
    font-weight: 500;
  }
  .toc ol {
    margin: 0;
    padding-left: 1.3em;
  }
  .toc a {
    text-decoration: none;
  }
  .issue-article {
    border-top: 1px solid var(--line);
    padding-top: 20px;
    margin-top: 28px;
  }
  .issue-article h2 {
    font-size: 20px;
    line-height: 1.45;
    margin: 0 0 6px;
  }
  .issue-article .byline {
    margin-bottom: 14px;
  }
  .back {
    margin: 28px 0 0;
    font-size: 15px;
  }
  .pager {
    display: flex;
    justify-content: space-between;
    padding: 16px;
    font-size: 15px;
  }
  .empty {
    padding: 56px 16px;
    text-align: center;
    color: var(--muted);
  }
  .empty h1 {
    font-size: 20px;
    color: var(--ink);
    margin: 0 0 8px;
  }
  footer {
    max-width: 760px;
    margin: 0 auto;
    padding: 20px 16px 40px;
    color: var(--muted);
    font-size: 13px;
    text-align: center;
  }
  footer a {
    color: var(--muted);
  }
  @media (min-width: 768px) {
    main {
      margin-top: 24px;
      border-radius: 8px;
      box-shadow: 0 1px 3px rgba(0, 0, 0, 0.06);
    }
    article {
      padding: 40px 56px 48px;
    }
    article h1 {
      font-size: 28px;
    }
    .item a {
      padding: 20px 24px;
    }
    .item img {
      width: 160px;
      height: 100px;
    }
    .item h2 {
      font-size: 19px;
    }
  }
</style>`;

type Head = {
  title: string;
  description?: string;
  /** Absolute URLs: a shared link's preview (WeChat, other apps) is built from these. */
  canonical?: string;
  image?: string | null;
  siteName?: string;
  feedsOf?: number;
};

function layout(head: Head, org: PublicOrg | null, body: SafeHtml): string {
  const feeds = head.feedsOf;
  return html`<!doctype html>
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${head.title}</title>
        <link rel="icon" href="data:," />
        ${head.description ? html`<meta name="description" content="${head.description}" />` : null}
        ${
          head.canonical
            ? html`<link rel="canonical" href="${head.canonical}" />
                <meta property="og:type" content="article" />
                <meta property="og:locale" content="zh_CN" />
                <meta property="og:title" content="${head.title}" />
                <meta property="og:url" content="${head.canonical}" />
                ${head.siteName ? html`<meta property="og:site_name" content="${head.siteName}" />` : null}
                ${head.description ? html`<meta property="og:description" content="${head.description}" />` : null}
                ${head.image ? html`<meta property="og:image" content="${head.image}" />` : null}`
            : null
        }
        ${
          feeds !== undefined
            ? html`<link
                  rel="alternate"
                  type="application/atom+xml"
                  title="Atom"
                  href="${orgNewsPath(feeds)}/feed.atom"
                />
                <link rel="alternate" type="application/rss+xml" title="RSS" href="${orgNewsPath(feeds)}/rss.xml" />`
            : null
        }
        ${styleSheet}
      </head>
      <body>
        <header class="masthead">
          <div>
            ${
              org
                ? html`<a href="${orgNewsPath(org.id)}">${org.name}</a><span>新闻动态</span>`
                : html`<span>新闻动态</span>`
            }
          </div>
        </header>
        <main>${body}</main>
        <footer>
          ${
            org
              ? html`订阅本站：<a href="${orgNewsPath(org.id)}/rss.xml">RSS</a> ·
                  <a href="${orgNewsPath(org.id)}/feed.atom">Atom</a><br />`
              : null
          }由团建平台发布
        </footer>
      </body>
    </html> `.value;
}

export function notFoundPage(org: PublicOrg | null = null): string {
  const back = org ? html`<p><a href="${orgNewsPath(org.id)}">返回${org.name}新闻列表</a></p>` : null;
  return layout(
    { title: '页面不存在' },
    org,
    html`<div class="empty">
      <h1>页面不存在</h1>
      <p>您要找的新闻不存在或已撤下。</p>
      ${back}
    </div>`,
  );
}

export type ListPage = { org: PublicOrg; items: PublishedBulletin[]; page: number; pages: number; publicUrl: string };

export function listPage({ org, items, page, pages, publicUrl }: ListPage): string {
  const list = items.map(
    (b) =>
      html`<li class="item">
        <a href="${bulletinPath(b)}">
          <div class="text">
            <h2>${issueLabel(b) ? html`<span class="tag">${issueLabel(b)}</span>` : null}${b.title}</h2>
            <p>${digestOf(b, 90)}</p>
            <time datetime="${b.published_at}">${chineseDate(b.published_at)}</time>
          </div>
          ${b.cover_sha256 ? html`<img src="${newsImageUrl(b.cover_sha256)}" alt="" loading="lazy" />` : null}
        </a>
      </li>`,
  );
  const pageLink = (n: number) => (n === 1 ? orgNewsPath(org.id) : `${orgNewsPath(org.id)}?page=${n}`);
  const previous = page > 1 ? html`<a href="${pageLink(page - 1)}">‹ 上一页</a>` : html`<span></span>`;
  const next = page < pages ? html`<a href="${pageLink(page + 1)}">下一页 ›</a>` : html`<span></span>`;
  const pager =
    pages > 1 ? html`<nav class="pager">${previous}<span>第 ${page} / ${pages} 页</span>${next}</nav>` : null;
  const body =
    items.length > 0
      ? html`<ul class="list">
            ${list}
          </ul>
          ${pager}`
      : html`<div class="empty"><p>还没有发布的新闻。</p></div>`;
  return layout(
    {
      title: page > 1 ? `${org.name}新闻动态（第 ${page} 页）` : `${org.name}新闻动态`,
      description: `${org.name}发布的新闻、公告和手机报。`,
      canonical: `${publicUrl}${pageLink(page)}`,
      siteName: org.name,
      feedsOf: org.id,
    },
    org,
    body,
  );
}

export type BulletinPage = {
  org: PublicOrg;
  bulletin: PublishedBulletin;
  articles: IssueArticle[];
  publicUrl: string;
};

/** The image a shared link shows: the cover, else the first article's, else the first image of the text. */
function previewImage({ bulletin, articles }: Pick<BulletinPage, 'bulletin' | 'articles'>): string | null {
  const cover = bulletin.cover_sha256 ?? articles.find((a) => a.cover_sha256)?.cover_sha256;
  if (cover) return newsImageUrl(cover);
  for (const { content_html } of [bulletin, ...articles]) {
    const src = /<img src="([^"]+)"/.exec(content_html)?.[1];
    if (src) return src.replace(/&amp;/g, '&');
  }
  return null;
}

/** What a shared link says under its title; an issue without a digest of its own names its articles. */
export function descriptionOf(bulletin: PublishedBulletin, articles: Pick<IssueArticle, 'title'>[]): string {
  const own = digestOf(bulletin);
  if (own || articles.length === 0) return own;
  const text = Array.from(`本期：${articles.map((a) => a.title).join('；')}`);
  return text.length <= 120 ? text.join('') : `${text.slice(0, 119).join('')}…`;
}

export function bulletinPage({ org, bulletin, articles, publicUrl }: BulletinPage): string {
  const label = issueLabel(bulletin);
  const image = previewImage({ bulletin, articles });
  const toc =
    articles.length > 0
      ? html`<nav class="toc">
          <h2>本期目录</h2>
          <ol>
            ${articles.map((a) => html`<li><a href="#article-${a.id}">${a.title}</a></li>`)}
          </ol>
        </nav>`
      : null;
  const issueArticles = articles.map(
    (a) =>
      html`<section class="issue-article" id="article-${a.id}">
        <h2>${a.title}</h2>
        ${a.author ? html`<p class="byline"><span>作者：${a.author}</span></p>` : null}
        ${a.cover_sha256 ? html`<img class="cover" src="${newsImageUrl(a.cover_sha256)}" alt="" />` : null}
        <div class="content">${sanitized(a.content_html)}</div>
      </section>`,
  );
  const body = html`<article>
    <h1>${label ? html`<span class="tag">${label}</span>` : null}${bulletin.title}</h1>
    <p class="byline">
      <a href="${orgNewsPath(org.id)}">${org.name}</a>${
        bulletin.author ? html`<span>作者：${bulletin.author}</span>` : null
      }<time datetime="${bulletin.published_at}">${chineseDate(bulletin.published_at)}</time>
    </p>
    ${bulletin.cover_sha256 ? html`<img class="cover" src="${newsImageUrl(bulletin.cover_sha256)}" alt="" />` : null}
    ${toc}
    <div class="content">${sanitized(bulletin.content_html)}</div>
    ${issueArticles}
    <p class="back"><a href="${orgNewsPath(org.id)}">‹ 返回${org.name}新闻列表</a></p>
  </article>`;
  return layout(
    {
      title: label ? `${bulletin.title}（${label}）` : bulletin.title,
      description: descriptionOf(bulletin, articles),
      canonical: `${publicUrl}${bulletinPath(bulletin)}`,
      image: image && (image.startsWith('/') ? `${publicUrl}${image}` : image),
      siteName: org.name,
      feedsOf: org.id,
    },
    org,
    body,
  );
}
