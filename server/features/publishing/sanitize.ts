import sanitizeHtml from 'sanitize-html';

// The one gate rich text passes before it is stored (bulletins.content_html) and shown on the public news pages,
// in WeChat and in feeds: an allow-list of what the editor (TipTap StarterKit + Image) produces, nothing else.
// The news pages also send a Content-Security-Policy without any script (server/features/news/README.md), the
// second line should something get past this one; e2e/news-xss.test.ts proves both against test/xss-corpus.ts.
//
// Size is the caller's business: sanitising is linear, but the caller bounds the input (the bulletin schema's
// maximum length) before it gets here.

/** The address of a stored image on the news pages. */
export const newsImagePattern = /^\/news\/images\/([0-9a-f]{64})$/;

const allowedTags = [
  'p',
  'br',
  'h1',
  'h2',
  'h3',
  'h4',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'hr',
  'a',
  'img',
];

/** Elements whose content is code or markup, not text a person wrote: dropped with the element. */
const nonTextTags = [
  'script',
  'style',
  'textarea',
  'option',
  'noscript',
  'noembed',
  'noframes',
  'xmp',
  'iframe',
  'object',
  'embed',
  'template',
  'title',
  'head',
  'svg',
  'math',
  'select',
  'plaintext',
];

/** No control characters or spaces anywhere (a tab or newline inside "java\tscript:" still makes a scheme). */
const cleanUrl = /^[^\u0000-\u0020\u007f-\u009f\\]+$/;

/** A link: the web and mail, or another page of the news site. */
export function isAllowedHref(href: string): boolean {
  const url = href.trim();
  if (!cleanUrl.test(url)) return false;
  if (url.startsWith('/news/')) return true;
  return /^(https?:\/\/[^/]|mailto:[^/])/i.test(url);
}

/** An image: a stored one, or one on another site over https. */
export function isAllowedImageSrc(src: string): boolean {
  const url = src.trim();
  if (!cleanUrl.test(url)) return false;
  return newsImagePattern.test(url) || /^https:\/\/[^/]/i.test(url);
}

const dimension = /^\d{1,4}$/;

const options: sanitizeHtml.IOptions = {
  allowedTags,
  allowedAttributes: {
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  allowedStyles: {},
  allowedClasses: {},
  disallowedTagsMode: 'discard',
  nonTextTags,
  parser: { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  transformTags: {
    // Headings below the fourth level are kept as the fourth, not flattened into the text around them.
    h5: 'h4',
    h6: 'h4',
    a: (tagName, attribs) => {
      // A link to nowhere allowed is no link: its text stays (a tag off the allow-list is dropped, text kept).
      if (attribs.href === undefined || !isAllowedHref(attribs.href)) return { tagName: 'span', attribs: {} };
      const kept: sanitizeHtml.Attributes = { href: attribs.href.trim() };
      if (attribs.title !== undefined) kept.title = attribs.title;
      // Opened apart from the page, which then cannot be reached from it (window.opener) nor learn its address.
      return { tagName, attribs: { ...kept, target: '_blank', rel: 'noopener noreferrer' } };
    },
    img: (tagName, attribs) => {
      const kept: sanitizeHtml.Attributes = {};
      if (attribs.src !== undefined && isAllowedImageSrc(attribs.src)) kept.src = attribs.src.trim();
      for (const name of ['alt', 'title'] as const) if (attribs[name] !== undefined) kept[name] = attribs[name];
      for (const name of ['width', 'height'] as const) {
        if (attribs[name] !== undefined && dimension.test(attribs[name])) kept[name] = attribs[name];
      }
      return { tagName, attribs: kept };
    },
  },
  // An image without an allowed source shows nothing: it goes.
  exclusiveFilter: (frame) => frame.tag === 'img' && frame.attribs.src === undefined,
};

/**
 * The bulletin's HTML reduced to the allow-list; text is kept, everything else goes. Sanitising the result again
 * changes nothing: misnested input (a paragraph opened inside a dropped link inside a paragraph) can come out
 * nested in a way the parser reads differently the next time, so the result is sanitised until it stays the same.
 */
export function sanitizeBulletinHtml(html: string): string {
  let output = sanitizeHtml(html, options);
  for (let pass = 0; pass < 4; pass++) {
    const again = sanitizeHtml(output, options);
    if (again === output) break;
    output = again;
  }
  return output;
}

/** The distinct sha256 of every stored image (`/news/images/<sha256>`) the HTML shows, in order of appearance. */
export function bulletinImageShas(html: string): string[] {
  const shas = new Set<string>();
  sanitizeHtml(html, {
    allowedTags: ['img'],
    allowedAttributes: { img: ['src'] },
    nonTextTags,
    transformTags: {
      img: (tagName, attribs) => {
        const match = newsImagePattern.exec((attribs.src ?? '').trim());
        if (match) shas.add(match[1]);
        return { tagName, attribs };
      },
    },
  });
  return [...shas];
}

/** Where a line ends: a break, a rule, and either side of a block. */
const lineBreak = /<br \/>|<hr \/>|<\/?(?:p|h[1-4]|ul|ol|li|blockquote|pre)>/g;
const entities: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&amp;': '&' };

/**
 * Plain text for digests, robots' messages and feeds: one line per paragraph, spaces collapsed. With `maxChars`,
 * cut to at most that many characters (code points), the last one an ellipsis when something was cut.
 */
export function htmlToText(html: string, maxChars?: number): string {
  // On sanitised HTML every '<' of the text is escaped, so the tags left are the allow-list's, written one way.
  const text = sanitizeBulletinHtml(html)
    .replace(lineBreak, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(?:lt|gt|quot|amp);/g, (entity) => entities[entity]);
  const lines = text
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
  const joined = lines.join('\n');
  if (maxChars === undefined) return joined;
  const chars = Array.from(joined);
  if (chars.length <= maxChars) return joined;
  if (maxChars <= 0) return '';
  return `${chars
    .slice(0, maxChars - 1)
    .join('')
    .trimEnd()}…`;
}
