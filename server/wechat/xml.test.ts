import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WechatCryptoError } from './crypto.js';
import { cdata, encryptedReplyXml, newsReplyXml, parseWechatXml, textReplyXml, xmlItems, xmlText } from './xml.js';

function xmlCode(fn: () => unknown): number {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof WechatCryptoError, `expected a WechatCryptoError, got ${String(error)}`);
    return error.code;
  }
  assert.fail('expected a WechatCryptoError');
}

test('a text message keeps its 64-bit MsgId and its Content exactly, spaces and newlines included', () => {
  const parsed = parseWechatXml(
    '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnu]]></FromUserName>\n' +
      '<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n' +
      '<Content><![CDATA[  报名 \n 第二行 ]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>',
  );
  assert.deepEqual(parsed, {
    ToUserName: 'gh_10f6c3c3ac5a',
    FromUserName: 'oyORnu',
    CreateTime: '1409735668',
    MsgType: 'text',
    Content: '  报名 \n 第二行 ',
    MsgId: '6054768590064713728',
  });
});

test('entities outside CDATA are decoded, text inside CDATA is kept literally, empty elements are empty strings', () => {
  const parsed = parseWechatXml('<xml><A>a &lt; b &amp; c</A><B><![CDATA[x &amp; <y>]]></B><C></C><D/></xml>');
  assert.deepEqual(parsed, { A: 'a < b & c', B: 'x &amp; <y>', C: '', D: '' });
});

test('a PUBLISHJOBFINISH event keeps its nested info, with repeated elements reachable in order', () => {
  const parsed = parseWechatXml(
    '<xml><ToUserName><![CDATA[gh_4d00ed8d6399]]></ToUserName><FromUserName><![CDATA[oV5C]]></FromUserName>' +
      '<CreateTime>1481013459</CreateTime><MsgType><![CDATA[event]]></MsgType>' +
      '<Event><![CDATA[PUBLISHJOBFINISH]]></Event>\n<PublishEventInfo>\n<publish_id>2247503051</publish_id>\n' +
      '<publish_status>0</publish_status>\n<article_id><![CDATA[b5O2OUs25HBx]]></article_id>\n' +
      '<article_detail><count>2</count><item><idx>1</idx><article_url><![CDATA[https://mp/1]]></article_url></item>' +
      '<item><idx>2</idx><article_url><![CDATA[https://mp/2]]></article_url></item></article_detail>\n' +
      '</PublishEventInfo></xml>',
  );
  assert.equal(parsed.Event, 'PUBLISHJOBFINISH');
  const info = parsed.PublishEventInfo;
  assert.ok(typeof info === 'object');
  assert.equal(info.publish_id, '2247503051');
  assert.equal(xmlText(info, 'publish_status'), '0');
  assert.equal(xmlText(info, 'article_id'), 'b5O2OUs25HBx');
  const detail = info.article_detail;
  assert.ok(typeof detail === 'object');
  assert.deepEqual(xmlItems(detail, 'item'), [
    { idx: '1', article_url: 'https://mp/1' },
    { idx: '2', article_url: 'https://mp/2' },
  ]);
  assert.deepEqual(xmlItems(detail, 'missing'), []);
  assert.equal(xmlText(parsed, 'PublishEventInfo'), '');
});

test('malformed XML, a second root, a non-<xml> root and a DTD are refused with −40002', () => {
  for (const bad of [
    '',
    'success',
    '<xml><a>1</b></xml>',
    '<xml><a>1</a></xml>junk',
    '<xml><a>1</a></xml><xml/>',
    '<root><a>1</a></root>',
    '<!DOCTYPE xml [<!ENTITY a "aaaaaaaa">]><xml><a>&a;</a></xml>',
    '{"errcode":0}',
    '<xml>',
  ]) {
    assert.equal(
      xmlCode(() => parseWechatXml(bad)),
      -40002,
      bad,
    );
  }
});

test('a text reply matches WeChat\'s documented shape and survives "]]>" and control characters in content', () => {
  assert.equal(
    textReplyXml({ to: 'user', from: 'account', createTime: 12345678, content: '你好' }),
    '<xml><ToUserName><![CDATA[user]]></ToUserName><FromUserName><![CDATA[account]]></FromUserName>' +
      '<CreateTime>12345678</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content></xml>',
  );
  const tricky = 'a]]>b]]]]>c<![CDATA[ <xml> & \n end\u0001';
  const parsed = parseWechatXml(textReplyXml({ to: 'u', from: 'a', createTime: 1, content: tricky }));
  assert.equal(parsed.Content, 'a]]>b]]]]>c<![CDATA[ <xml> & \n end');
  assert.equal(cdata(']]>'), '<![CDATA[]]]]><![CDATA[>]]>');
  assert.throws(() => textReplyXml({ to: 'u', from: 'a', createTime: 1.5, content: '' }), RangeError);
});

test('a news reply lists its articles as items with a count', () => {
  const xml = newsReplyXml({
    to: 'user',
    from: 'gh_account',
    createTime: 1700000000,
    articles: [
      { title: '团课通知', description: '周五]]>晚', picUrl: 'https://x/p.png', url: 'https://x/1?a=1&b=2' },
      { title: 'B', description: '', picUrl: '', url: 'https://x/2' },
    ],
  });
  const parsed = parseWechatXml(xml);
  assert.equal(parsed.MsgType, 'news');
  assert.equal(parsed.ArticleCount, '2');
  const articles = parsed.Articles;
  assert.ok(typeof articles === 'object');
  assert.deepEqual(xmlItems(articles, 'item'), [
    { Title: '团课通知', Description: '周五]]>晚', PicUrl: 'https://x/p.png', Url: 'https://x/1?a=1&b=2' },
    { Title: 'B', Description: '', PicUrl: '', Url: 'https://x/2' },
  ]);
});

test('an encrypted reply carries Encrypt, MsgSignature, TimeStamp and Nonce', () => {
  const xml = encryptedReplyXml({ encrypt: 'abc+/=', signature: 'f00', timestamp: '1409304348', nonce: 'xxxxxx' });
  assert.equal(
    xml,
    '<xml><Encrypt><![CDATA[abc+/=]]></Encrypt><MsgSignature><![CDATA[f00]]></MsgSignature>' +
      '<TimeStamp>1409304348</TimeStamp><Nonce><![CDATA[xxxxxx]]></Nonce></xml>',
  );
  assert.deepEqual(parseWechatXml(xml), {
    Encrypt: 'abc+/=',
    MsgSignature: 'f00',
    TimeStamp: '1409304348',
    Nonce: 'xxxxxx',
  });
  assert.throws(() => encryptedReplyXml({ encrypt: 'a', signature: 'b', timestamp: '1<x/>', nonce: 'c' }), RangeError);
});
