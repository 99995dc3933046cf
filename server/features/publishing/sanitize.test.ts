import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import sanitizeHtml from 'sanitize-html';
import { xssCorpus } from '../../../test/xss-corpus.js';
import { bulletinImageShas, htmlToText, sanitizeBulletinHtml } from './sanitize.js';

// security.md: "Rich text sanitised on the server (allow-list)". Every hostile snippet comes out without anything
// that runs; what an editor writes comes out as it went in. e2e/news-xss.test.ts renders the corpus in Chromium.

const sha = '0123456789abcdef'.repeat(4);
const allowedTags = new Set(['p', 'br', 'h1', 'h2', 'h3', 'h4', 'strong', 'b', 'em', 'i', 'u', 's', 'code', 'pre']);
for (const tag of ['blockquote', 'ul', 'ol', 'li', 'hr', 'a', 'img']) allowedTags.add(tag);
const allowedAttributes: Record<string, string[]> = {
  a: ['href', 'title', 'target', 'rel'],
  img: ['src', 'alt', 'title', 'width', 'height'],
};

type Element = { tag: string; attribs: Record<string, string> };

/** Every element of the HTML as a parser reads it (sanitize-html's own, htmlparser2, told to keep everything). */
function elementsOf(html: string): Element[] {
  const found: Element[] = [];
  sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    transformTags: {
      '*': (tagName, attribs) => {
        found.push({ tag: tagName, attribs: { ...attribs } });
        return { tagName, attribs };
      },
    },
  });
  return found;
}

/** What is wrong with sanitised output, judged twice: by a parser, and by a regex over the raw text. */
function problemsOf(output: string): string[] {
  const problems: string[] = [];
  for (const { tag, attribs } of elementsOf(output)) {
    if (!allowedTags.has(tag)) problems.push(`element <${tag}>`);
    for (const [name, value] of Object.entries(attribs)) {
      if (!(allowedAttributes[tag] ?? []).includes(name)) problems.push(`attribute ${name} on <${tag}>`);
      if (name === 'href' && !/^(https?:\/\/|mailto:|\/news\/)/i.test(value)) problems.push(`href ${value}`);
      if (name === 'src' && !/^(\/news\/images\/[0-9a-f]{64}$|https:\/\/)/.test(value)) problems.push(`src ${value}`);
    }
  }
  // Independent of any parser: every '<' that opens a tag opens an allowed one with allowed attributes (the output
  // always quotes values with '"', which the values themselves cannot hold, escaped as &quot;).
  for (const match of output.matchAll(/<\/?([^\s/>]*)([^>]*)>?/g)) {
    const [tag, rest] = [match[1], match[2]];
    if (!allowedTags.has(tag)) problems.push(`raw tag ${match[0]}`);
    const attributes = rest.replace(/\s*\/$/, '');
    if (!/^(\s[a-z]+="[^"<>]*")*$/.test(attributes)) problems.push(`raw attributes ${match[0]}`);
    for (const [, name, value] of attributes.matchAll(/\s([a-z]+)="([^"]*)"/g)) {
      if (!(allowedAttributes[tag] ?? []).includes(name)) problems.push(`raw attribute ${name} in ${match[0]}`);
      if (name === 'href' && !/^(https?:\/\/|mailto:|\/news\/)/i.test(value)) problems.push(`raw href ${value}`);
      if (name === 'src' && !/^(\/news\/images\/[0-9a-f]{64}$|https:\/\/)/.test(value))
        problems.push(`raw src ${value}`);
    }
  }
  return problems;
}

describe('the XSS corpus', () => {
  test('has at least 60 entries, each named once', () => {
    assert.ok(xssCorpus.length >= 60, `${xssCorpus.length} entries`);
    assert.equal(new Set(xssCorpus.map((c) => c.name)).size, xssCorpus.length);
  });

  test('every entry sanitised keeps no element, attribute or address outside the allow-list, and stays so', () => {
    const problems: string[] = [];
    for (const { name, html } of xssCorpus) {
      const once = sanitizeBulletinHtml(html);
      for (const problem of problemsOf(once)) problems.push(`${name}: ${problem} in ${once}`);
      if (sanitizeBulletinHtml(once) !== once) problems.push(`${name}: not idempotent: ${once}`);
    }
    assert.deepEqual(problems, []);
  });

  test('the checks above catch what they look for', () => {
    // A test that cannot fail is a defect: the raw corpus trips them (all but an href that merely holds spaces).
    const missed = xssCorpus.filter(({ html }) => problemsOf(html).length === 0).map((c) => c.name);
    assert.deepEqual(missed, ['unclosed attribute quote']);
    assert.deepEqual(problemsOf('<p onclick="x">a</p>'), [
      'attribute onclick on <p>',
      'raw attribute onclick in <p onclick="x">',
    ]);
  });
});

describe('sanitizeBulletinHtml', () => {
  test('what the editor writes keeps its structure, Chinese text and allowed attributes', () => {
    const html =
      '<h2>团员发展工作通知</h2><p>各基层团组织：<strong>请于12月1日前</strong>报送<em>材料</em>，<u>逾期</u><s>不候</s>。</p>' +
      '<ul><li><p>第一条</p></li></ul><ol><li>甲</li></ol><blockquote><p>引用</p></blockquote>' +
      '<pre><code class="language-js">const a = 1 &lt; 2;</code></pre><hr>' +
      '<p><a href="https://www.gqt.org.cn/" target="_blank" rel="noopener noreferrer nofollow">共青团中央</a></p>' +
      `<img src="/news/images/${sha}" alt="合影" title="活动合影" width="640" height="480">`;
    assert.equal(
      sanitizeBulletinHtml(html),
      '<h2>团员发展工作通知</h2><p>各基层团组织：<strong>请于12月1日前</strong>报送<em>材料</em>，<u>逾期</u><s>不候</s>。</p>' +
        '<ul><li><p>第一条</p></li></ul><ol><li>甲</li></ol><blockquote><p>引用</p></blockquote>' +
        '<pre><code>const a = 1 &lt; 2;</code></pre><hr />' +
        '<p><a href="https://www.gqt.org.cn/" target="_blank" rel="noopener noreferrer">共青团中央</a></p>' +
        `<img src="/news/images/${sha}" alt="合影" title="活动合影" width="640" height="480" />`,
    );
  });

  test('styles, classes, ids and unknown elements go; their text stays', () => {
    assert.equal(
      sanitizeBulletinHtml(
        '<p style="color:red" class="x" id="y" data-x="1"><span style="font-size:20px">青年</span>大学习</p><div>第二段</div><h5>小标题</h5>',
      ),
      '<p>青年大学习</p>第二段<h4>小标题</h4>',
    );
  });

  test('links: the web, mail and the news pages, opened apart; any other link becomes its text', () => {
    assert.equal(
      sanitizeBulletinHtml(
        '<p><a href="mailto:tw@example.cn" title="邮件">来信</a> <a href="/news/12/34">上期</a> ' +
          '<a href="http://example.cn/a?b=1&amp;c=2">外链</a> <a href="javascript:alert(1)">坏链</a> <a href="/api/members">内部</a></p>',
      ),
      '<p><a href="mailto:tw@example.cn" title="邮件" target="_blank" rel="noopener noreferrer">来信</a> ' +
        '<a href="/news/12/34" target="_blank" rel="noopener noreferrer">上期</a> ' +
        '<a href="http://example.cn/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">外链</a> 坏链 内部</p>',
    );
  });

  test('images: stored ones and https only, with numeric sizes; others go', () => {
    assert.equal(
      sanitizeBulletinHtml(
        `<p><img src="https://mmbiz.qpic.cn/a.jpg" width="100%" height="50"><img src="/news/images/${sha.toUpperCase()}">` +
          `<img src="/files/x.png"><img src="http://example.cn/a.png"><img src="/news/images/${sha}/../x"></p>`,
      ),
      '<p><img src="https://mmbiz.qpic.cn/a.jpg" height="50" /></p>',
    );
  });

  test('text that looks like markup stays text', () => {
    assert.equal(
      sanitizeBulletinHtml('<p>5 &lt; 6 &amp; “引号” &lt;script&gt;alert(1)&lt;/script&gt;</p>'),
      '<p>5 &lt; 6 &amp; “引号” &lt;script&gt;alert(1)&lt;/script&gt;</p>',
    );
  });

  test('any string: the output holds nothing outside the allow-list and sanitising it again changes nothing', () => {
    const fragment = fc.constantFrom(
      '<p>',
      '</p>',
      '<a href="',
      '<img src=',
      '<script>',
      '</script>',
      '<svg ',
      '<math><mtext>',
      '<style>',
      '<noscript>',
      '<!--',
      '-->',
      '"',
      "'",
      '>',
      '<',
      ' onerror=alert(1)',
      ' onload="x"',
      'javascript:',
      'java&#x09;script:',
      'data:text/html,',
      `/news/images/${sha}`,
      'https://a.example/',
      '&lt;',
      '&amp;',
      '团委',
      ' ',
      '\u0000',
      '</',
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 30 }), (parts) => {
        const once = sanitizeBulletinHtml(parts.join(''));
        assert.deepEqual(problemsOf(once), [], once);
        assert.equal(sanitizeBulletinHtml(once), once);
      }),
      { numRuns: 400 },
    );
  });
});

describe('bulletinImageShas', () => {
  test('the distinct stored images in order of appearance, nothing else', () => {
    const other = 'f'.repeat(64);
    const html =
      `<p><img src="/news/images/${other}"><img src="https://a.example/x.png"></p>` +
      `<img src=" /news/images/${sha} "><img src="/news/images/${other}"><img src="/news/images/${sha.toUpperCase()}">` +
      `<a href="/news/images/${'e'.repeat(64)}">不是图片</a><script>"/news/images/${'d'.repeat(64)}"</script>`;
    assert.deepEqual(bulletinImageShas(html), [other, sha]);
    assert.deepEqual(bulletinImageShas('<p>无图</p>'), []);
  });
});

describe('htmlToText', () => {
  test('one line per block, spaces collapsed, entities decoded, no code', () => {
    assert.equal(
      htmlToText(
        '<h2>标题</h2><p>第一段<br>第二行</p><ul><li>甲</li><li>乙</li></ul><p>a &lt; b &amp;&nbsp;&nbsp;c</p><script>alert(1)</script>',
      ),
      '标题\n第一段\n第二行\n甲\n乙\na < b & c',
    );
  });

  test('cut to a number of characters, an ellipsis last when something was cut', () => {
    assert.equal(htmlToText('<p>一二三四五六</p>', 4), '一二三…');
    assert.equal(htmlToText('<p>一二三四</p>', 4), '一二三四');
    assert.equal(htmlToText('<p>😀😀😀</p>', 2), '😀…');
  });
});
