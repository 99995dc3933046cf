import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, test } from 'node:test';
import { startFakeWechat } from '../../test/fake-wechat.js';
import { WechatApiError } from './oa-client.js';
import { createWecomRobotClient, ROBOT_MESSAGES_PER_MINUTE } from './wecom-client.js';

// The WeCom group robot client against the fake WeChat: the four kinds as WeCom receives them, the limits checked
// before any request, WeCom's own refusals (bad key, 20 a minute) surfacing as WechatApiError.

let clock = Date.parse('2025-03-10T12:00:00+08:00');
const fake = await startFakeWechat({ accounts: [], robots: ['kinds', 'limits', 'busy'], now: () => clock });
after(() => fake.close());

/** A robot whose requests are counted, to tell a local refusal from WeCom's. */
function robot(key: string) {
  const sent = { requests: 0 };
  const client = createWecomRobotClient({
    baseUrl: fake.url,
    key,
    fetch: (input, init) => {
      sent.requests++;
      return fetch(input, init);
    },
  });
  return Object.assign(client, { sent });
}

async function rejectsWith(promise: Promise<unknown>, errcode: number) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof WechatApiError, String(error));
    assert.equal(error.errcode, errcode, error.message);
    return true;
  });
}

test('text with mentions, markdown, a news card and an image arrive as WeCom documents them', async () => {
  const bot = robot('kinds');
  await bot.sendText('请各支部今晚前报送名单', { userIds: ['@all'], mobiles: ['13800000000'] });
  await bot.sendMarkdown('**团员大会**\n> 周五 15:00');
  const articles = [
    { title: '团员大会通知', description: '本周五召开', url: 'https://tj.example/news/1', picurl: 'https://x/1.png' },
    { title: '志愿服务', url: 'https://tj.example/news/2' },
  ];
  await bot.sendNews(articles);
  const image = Buffer.from('89504e470d0a1a0a', 'hex');
  await bot.sendImage(image);

  assert.deepEqual(
    fake.robotMessages('kinds').map((m) => m.body),
    [
      {
        msgtype: 'text',
        text: {
          content: '请各支部今晚前报送名单',
          mentioned_list: ['@all'],
          mentioned_mobile_list: ['13800000000'],
        },
      },
      { msgtype: 'markdown', markdown: { content: '**团员大会**\n> 周五 15:00' } },
      { msgtype: 'news', news: { articles } },
      {
        msgtype: 'image',
        image: { base64: image.toString('base64'), md5: createHash('md5').update(image).digest('hex') },
      },
    ],
  );
});

test('lengths are counted in UTF-8 bytes and refused (40058) before any request', async () => {
  const bot = robot('limits');
  await bot.sendText('a'.repeat(2048));
  await bot.sendMarkdown('团'.repeat(1365)); // 4095 bytes
  assert.equal(bot.sent.requests, 2);

  await rejectsWith(bot.sendText('a'.repeat(2049)), 40058);
  await rejectsWith(bot.sendText('团'.repeat(683)), 40058); // 683 characters, 2049 bytes
  await rejectsWith(bot.sendMarkdown('团'.repeat(1366)), 40058);
  await rejectsWith(bot.sendNews([]), 40058);
  const nine = Array.from({ length: 9 }, (_, i) => ({ title: `第${i + 1}条`, url: `https://tj.example/${i}` }));
  await rejectsWith(bot.sendNews(nine), 40058);
  await rejectsWith(bot.sendImage(Buffer.alloc(2 * 1024 * 1024 + 1)), 40058);
  assert.equal(bot.sent.requests, 2, 'nothing refused locally went out');
  await bot.sendNews(nine.slice(0, 8));
  assert.equal(fake.robotMessages('limits').length, 3);
});

test(`the ${ROBOT_MESSAGES_PER_MINUTE + 1}st message in a minute is refused with 45009 and not delivered`, async () => {
  assert.equal(ROBOT_MESSAGES_PER_MINUTE, 20);
  const bot = robot('busy');
  for (let i = 1; i <= 20; i++) {
    await bot.sendText(`通知 ${i}`);
    clock += 1000;
  }
  await rejectsWith(bot.sendText('通知 21'), 45009);
  assert.equal(fake.robotMessages('busy').length, 20);

  // A minute after the first one, one more fits.
  clock += 40_000;
  await bot.sendText('通知 21');
  await rejectsWith(bot.sendText('通知 22'), 45009);
  assert.equal(fake.robotMessages('busy').at(-1)?.text.content, '通知 21');
});

test('an unknown webhook key is refused with 93000', async () => {
  await rejectsWith(robot('no-such-key').sendText('你好'), 93000);
});
