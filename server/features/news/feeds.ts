import { Feed } from 'feed';
import { escapeHtml } from './html.js';
import { bulletinPath, descriptionOf, issueLabel, newsImageUrl, orgNewsPath } from './pages.js';
import type { IssueArticle, PublicOrg, PublishedBulletin } from './repo.js';

// RSS 2.0 and Atom 1.0 of an org's latest published bulletins. A feed is read elsewhere (a reader, another site),
// so every link in it is absolute: the configured public URL, never the address the request came to.

/** How many bulletins a feed carries. */
export const feedSize = 50;

/** Links and images of stored HTML made absolute (the sanitiser writes every attribute value in double quotes). */
export function absoluteLinks(storedHtml: string, publicUrl: string): string {
  return storedHtml.replace(/ (href|src)="\/news\//g, (_, name: string) => ` ${name}="${escapeHtml(publicUrl)}/news/`);
}

const coverHtml = (sha256: string | null) => (sha256 ? `<p><img src="${newsImageUrl(sha256)}" alt="" /></p>` : '');

/**
 * The bulletin's text as a feed reader shows it: the cover first, and an issue's articles after its own text, each
 * under its title.
 */
function feedContent(bulletin: PublishedBulletin, articles: IssueArticle[], publicUrl: string): string {
  const parts = [coverHtml(bulletin.cover_sha256), bulletin.content_html];
  for (const article of articles) {
    parts.push(`<h2>${escapeHtml(article.title)}</h2>${coverHtml(article.cover_sha256)}${article.content_html}`);
  }
  return absoluteLinks(parts.join(''), publicUrl);
}

export type FeedFormat = 'atom1' | 'rss2';

/** The feed's text in that format. */
export function renderFeed(input: {
  format: FeedFormat;
  org: PublicOrg;
  bulletins: PublishedBulletin[];
  articles: Map<number, IssueArticle[]>;
  publicUrl: string;
}): string {
  const { format, org, bulletins, articles, publicUrl } = input;
  const home = `${publicUrl}${orgNewsPath(org.id)}`;
  const newest = bulletins[0]?.published_at ?? org.created_at;
  const feed = new Feed({
    id: home,
    link: home,
    title: `${org.name}新闻动态`,
    description: `${org.name}发布的新闻、公告和手机报。`,
    language: 'zh-CN',
    updated: new Date(newest),
    generator: '团建',
    copyright: org.name,
    feedLinks: { atom: `${home}/feed.atom`, rss: `${home}/rss.xml` },
    author: { name: org.name, link: home },
  });
  for (const bulletin of bulletins) {
    const url = `${publicUrl}${bulletinPath(bulletin)}`;
    const label = issueLabel(bulletin);
    const issueArticles = articles.get(bulletin.id) ?? [];
    feed.addItem({
      title: label ? `${bulletin.title}（${label}）` : bulletin.title,
      id: url,
      link: url,
      date: new Date(bulletin.published_at),
      published: new Date(bulletin.published_at),
      description: descriptionOf(bulletin, issueArticles),
      content: feedContent(bulletin, issueArticles, publicUrl),
      author: [{ name: bulletin.author ?? org.name }],
      // RSS's enclosure says the cover's type; the library's Atom writer would guess a type from the URL's file
      // extension, which ours do not have, so Atom carries the cover in the content only.
      ...(format === 'rss2' && bulletin.cover_sha256 && bulletin.cover_mime
        ? {
            image: {
              url: `${publicUrl}${newsImageUrl(bulletin.cover_sha256)}`,
              type: bulletin.cover_mime,
              length: bulletin.cover_size ?? 0,
            },
          }
        : {}),
    });
  }
  return format === 'atom1' ? feed.atom1() : feed.rss2();
}
