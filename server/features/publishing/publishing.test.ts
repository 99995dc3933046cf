import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BulletinDetail } from '../../../common/publishing.js';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeChannel, multipartFile, pngBytes } from '../../../test/ledger-factories.js';

// Bulletins through the API: drafts, review, approval, the web pages as a target, schedules and series.

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const editor = await loginAsFrom(ctx, 'org_editor', tree.countyA);
const admin = await loginAsFrom(ctx, 'org_admin', tree.countyA);
const inspector = await loginAsFrom(ctx, 'inspector', tree.countyA);
const otherAdmin = await loginAsFrom(ctx, 'org_admin', tree.countyB);

const put = (client: typeof editor, url: string, payload: object) => client.request({ method: 'PUT', url, payload });

function article(overrides: Record<string, unknown> = {}) {
  return {
    orgId: tree.countyA.id,
    kind: 'article',
    title: '甲县团委开展青年志愿服务活动',
    author: '县团委宣传部',
    digest: '周末，甲县 120 名青年志愿者走进社区。',
    contentHtml: '<h2>活动现场</h2><p>志愿者们<strong>热情高涨</strong>。</p>',
    targets: [{ kind: 'web' }],
    ...overrides,
  };
}

async function created(body: object): Promise<BulletinDetail> {
  const response = await editor.post('/api/publishing/bulletins', body);
  assert.equal(response.statusCode, 201, response.body);
  return response.json<BulletinDetail>();
}

test('an editor writes a draft; hostile HTML is stripped on the server before it is stored', async () => {
  const draft = await created(
    article({
      contentHtml:
        '<p onclick="alert(1)">正文<script>alert(2)</script><img src="x" onerror="alert(3)"><a href="javascript:alert(4)">链接</a></p>',
    }),
  );
  assert.equal(draft.status, 'draft');
  assert.doesNotMatch(draft.contentHtml, /script|onclick|onerror|javascript:/i);
  assert.match(draft.contentHtml, /正文/);
  const stored = await ctx.db
    .selectFrom('bulletins')
    .select('content_html')
    .where('id', '=', draft.id)
    .executeTakeFirstOrThrow();
  assert.equal(stored.content_html, draft.contentHtml);
  assert.deepEqual(draft.abilities, { update: true, submit: true, approve: false, withdraw: false });
});

test('review: submitted drafts are frozen, an editor cannot approve, a rejection goes back with its reason', async () => {
  const draft = await created(article());
  const submitted = await editor.post(`/api/publishing/bulletins/${draft.id}/submit`);
  assert.equal(submitted.statusCode, 200, submitted.body);
  assert.equal(submitted.json().status, 'in_review');

  const edit = await put(editor, `/api/publishing/bulletins/${draft.id}`, {
    ...article(),
    orgId: undefined,
    kind: undefined,
  });
  assert.equal(edit.statusCode, 409, edit.body);
  assert.equal((await editor.post(`/api/publishing/bulletins/${draft.id}/approve`, {})).statusCode, 403);
  assert.equal(
    (await inspector.post(`/api/publishing/bulletins/${draft.id}/reject`, { note: '不行' })).statusCode,
    403,
  );
  assert.equal((await otherAdmin.post(`/api/publishing/bulletins/${draft.id}/approve`, {})).statusCode, 404);

  const noReason = await admin.post(`/api/publishing/bulletins/${draft.id}/reject`, {});
  assert.equal(noReason.statusCode, 400);
  const rejected = await admin.post(`/api/publishing/bulletins/${draft.id}/reject`, { note: '标题请更具体' });
  assert.equal(rejected.json().status, 'rejected');
  assert.equal(rejected.json().reviewNote, '标题请更具体');

  const fields: Record<string, unknown> = article({ title: '甲县 120 名青年志愿者走进社区' });
  delete fields.orgId;
  delete fields.kind;
  const edited = await put(editor, `/api/publishing/bulletins/${draft.id}`, fields);
  assert.equal(edited.statusCode, 200, edited.body);
  assert.equal(edited.json().title, '甲县 120 名青年志愿者走进社区');
  assert.equal((await editor.post(`/api/publishing/bulletins/${draft.id}/submit`)).json().status, 'in_review');
});

test('approved without a send time, a bulletin for the web is published at once with a share link and a delivery row', async () => {
  const draft = await created(article());
  await editor.post(`/api/publishing/bulletins/${draft.id}/submit`);
  const approved = await admin.post(`/api/publishing/bulletins/${draft.id}/approve`, { note: '同意' });
  assert.equal(approved.statusCode, 200, approved.body);
  const detail = approved.json();
  assert.equal(detail.status, 'sent');
  assert.ok(detail.publishedAt);
  assert.match(detail.shareUrl, new RegExp(`/news/${tree.countyA.id}/${draft.id}$`));
  assert.equal(detail.deliveries.length, 1);
  assert.equal(detail.deliveries[0].kind, 'web');
  assert.equal(detail.deliveries[0].status, 'sent');
  const again = await admin.post(`/api/publishing/bulletins/${draft.id}/approve`, {});
  assert.equal(again.statusCode, 409, 'approved once');
});

test('a scheduled bulletin waits for its time, then the worker sends it', async () => {
  const sendAt = new Date(Date.now() + 3600_000).toISOString();
  const draft = await created(article({ sendAt }));
  await editor.post(`/api/publishing/bulletins/${draft.id}/submit`);
  const approved = (await admin.post(`/api/publishing/bulletins/${draft.id}/approve`, {})).json();
  assert.equal(approved.status, 'approved');
  assert.equal(approved.sendAt, sendAt);
  await ctx.app.deliveries.idle();
  assert.equal(
    (await editor.get(`/api/publishing/bulletins/${draft.id}`)).json().status,
    'approved',
    'not before its time',
  );

  // Its time comes.
  await ctx.db
    .updateTable('bulletins')
    .set({ send_at: new Date(Date.now() - 1000).toISOString() })
    .where('id', '=', draft.id)
    .execute();
  await ctx.app.deliveries.idle();
  const sent = (await editor.get(`/api/publishing/bulletins/${draft.id}`)).json();
  assert.equal(sent.status, 'sent');
  assert.ok(sent.publishedAt);

  const past = await editor.post('/api/publishing/bulletins', article({ sendAt: '2020-01-01T08:00:00+08:00' }));
  assert.equal(past.statusCode, 400);
  assert.match(past.json().error.message, /发送时间不能早于现在/);
});

test('targets: only official accounts and robots of the org or below, of the kind named, active', async () => {
  const account = await makeChannel(ctx, { org: tree.townA1, kind: 'official_account', name: '甲一镇青年' });
  const theirs = await makeChannel(ctx, { org: tree.townB1, kind: 'official_account', name: '乙一镇青年' });
  const group = await makeChannel(ctx, { org: tree.townA1, kind: 'tuanqing_group', name: '甲一镇团青一群' });
  const ok = await editor.post(
    '/api/publishing/bulletins',
    article({ targets: [{ kind: 'official_account', channelId: account.id, oaMode: 'mass_send' }] }),
  );
  assert.equal(ok.statusCode, 201, ok.body);
  assert.equal(ok.json().targets[0].channelName, '甲一镇青年');

  const outside = await editor.post(
    '/api/publishing/bulletins',
    article({ targets: [{ kind: 'official_account', channelId: theirs.id, oaMode: 'mass_send' }] }),
  );
  assert.equal(outside.statusCode, 404);
  const wrongKind = await editor.post(
    '/api/publishing/bulletins',
    article({ targets: [{ kind: 'wecom_robot', channelId: group.id }] }),
  );
  assert.equal(wrongKind.statusCode, 400);
  const fromBelow = await editor.post(
    '/api/publishing/bulletins',
    article({
      orgId: tree.townA2.id,
      targets: [{ kind: 'official_account', channelId: account.id, oaMode: 'mass_send' }],
    }),
  );
  assert.equal(fromBelow.statusCode, 400, 'a township does not send through a sibling township account');

  const listed = (await editor.get(`/api/publishing/target-channels?orgId=${tree.countyA.id}`)).json();
  assert.deepEqual(
    listed.items.map((c: { name: string }) => c.name),
    ['甲一镇青年'],
  );
  assert.equal(listed.items[0].configured, false);
});

test('images: uploaded once, shown in the text and as the cover; a missing image is refused', async () => {
  const upload = await editor.request({
    method: 'POST',
    url: `/api/publishing/images?orgId=${tree.countyA.id}`,
    ...multipartFile(pngBytes('cover'), '现场.png'),
  });
  assert.equal(upload.statusCode, 201, upload.body);
  const { sha256, url } = upload.json();
  assert.equal(url, `/news/images/${sha256}`);
  const withImage = await created(
    article({ coverSha256: sha256, contentHtml: `<p>图</p><p><img src="${url}" alt="现场"></p>` }),
  );
  assert.equal(withImage.coverUrl, url);
  assert.match(withImage.contentHtml, new RegExp(`<img src="${url}"`));
  const files = await ctx.db
    .selectFrom('bulletin_files')
    .select('file_sha256')
    .where('bulletin_id', '=', withImage.id)
    .execute();
  assert.deepEqual(files, [{ file_sha256: sha256 }]);

  const missing = await editor.post(
    '/api/publishing/bulletins',
    article({ contentHtml: `<p><img src="/news/images/${'0'.repeat(64)}"></p>` }),
  );
  assert.equal(missing.statusCode, 400);
});

test('a series: issues numbered in order, each due at the next run no issue holds; the calendar shows them', async () => {
  const series = await editor.post('/api/publishing/series', {
    orgId: tree.countyA.id,
    name: '甲县青年手机报',
    cron: '0 9 * * 1',
    targets: [{ kind: 'web' }],
  });
  assert.equal(series.statusCode, 201, series.body);
  const { id, nextRuns } = series.json();
  assert.equal(nextRuns.length, 5);
  for (const run of nextRuns) {
    const local = new Date(Date.parse(run) + 8 * 3600_000);
    assert.equal(local.getUTCDay(), 1, 'a Monday in China');
    assert.equal(local.getUTCHours(), 9);
  }
  const bad = await editor.post('/api/publishing/series', {
    orgId: tree.countyA.id,
    name: '坏',
    cron: '61 * * *',
    targets: [],
  });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /发送周期格式不正确/);

  // Two approved articles to assemble.
  const articles = [];
  for (const title of ['第一篇', '第二篇']) {
    const draft = await created(article({ title, targets: [] }));
    await ctx.db.updateTable('bulletins').set({ status: 'approved' }).where('id', '=', draft.id).execute();
    articles.push(draft.id);
  }
  const notApproved = await created(article({ title: '草稿' }));
  const refused = await editor.post(`/api/publishing/series/${id}/issues`, { articleIds: [notApproved.id] });
  assert.equal(refused.statusCode, 400);

  const first = await editor.post(`/api/publishing/series/${id}/issues`, { articleIds: articles });
  assert.equal(first.statusCode, 201, first.body);
  assert.equal(first.json().issueNumber, 1);
  assert.equal(first.json().title, '甲县青年手机报 第 1 期');
  assert.equal(first.json().sendAt, nextRuns[0]);
  assert.deepEqual(
    first.json().articles.map((a: { id: number }) => a.id),
    articles,
  );
  const second = (await editor.post(`/api/publishing/series/${id}/issues`, { articleIds: [articles[0]] })).json();
  assert.equal(second.issueNumber, 2);
  assert.equal(second.sendAt, nextRuns[1]);

  const from = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const to = new Date(Date.parse(nextRuns[2]) + 8 * 3600_000).toISOString().slice(0, 10);
  const events = (await editor.get(`/api/publishing/calendar?orgId=${tree.countyA.id}&from=${from}&to=${to}`)).json()
    .items;
  const scheduled = events
    .filter((e: { kind: string }) => e.kind === 'scheduled')
    .map((e: { title: string }) => e.title);
  assert.ok(
    scheduled.includes('甲县青年手机报 第 1 期') && scheduled.includes('甲县青年手机报 第 2 期'),
    JSON.stringify(events),
  );
  assert.equal(events.filter((e: { kind: string }) => e.kind === 'series_run').length, 3);
});

test("for an official account, WeChat's draft limits are checked at submission, in Chinese, not at send time", async () => {
  const account = await makeChannel(ctx, { org: tree.countyA, kind: 'official_account', name: '甲县青年公众号' });
  const upload = async (bytes: Buffer, name: string, mime: string) =>
    (
      await editor.request({
        method: 'POST',
        url: `/api/publishing/images?orgId=${tree.countyA.id}`,
        ...multipartFile(bytes, name, mime),
      })
    ).json<{ sha256: string; url: string }>();
  const cover = await upload(pngBytes('oa-cover'), '封面.png', 'image/png');
  const gif = await upload(
    Buffer.from('47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b', 'hex'),
    '动图.gif',
    'image/gif',
  );
  const toAccount = { targets: [{ kind: 'official_account', channelId: account.id, oaMode: 'mass_send' }] };
  const submit = async (overrides: Record<string, unknown>) => {
    const draft = await created(article({ ...toAccount, coverSha256: cover.sha256, ...overrides }));
    return editor.post(`/api/publishing/bulletins/${draft.id}/submit`);
  };

  const longTitle = await submit({ title: '甲县团委开展“青春助农”直播带货活动暨全县青年电商人才培训班开班仪式' });
  assert.equal(longTitle.statusCode, 400);
  assert.match(longTitle.json().error.message, /标题不能超过 32 个字/);
  const longAuthor = await submit({ author: '共青团甲县委员会宣传部新媒体工作室编辑组' });
  assert.match(longAuthor.json().error.message, /作者不能超过 16 个字/);
  const noCover = await submit({ coverSha256: null });
  assert.match(noCover.json().error.message, /须有封面图片/);
  const withGif = await submit({ contentHtml: `<p>动图</p><p><img src="${gif.url}"></p>` });
  assert.match(withGif.json().error.message, /JPG 或 PNG/);

  const fine = await submit({ contentHtml: `<p>现场</p><p><img src="${cover.url}"></p>` });
  assert.equal(fine.statusCode, 200, fine.body);
  assert.equal(fine.json().status, 'in_review');
  // The same long title is fine for the news pages alone.
  const webOnly = await created(
    article({ title: '甲县团委开展“青春助农”直播带货活动暨全县青年电商人才培训班开班仪式' }),
  );
  assert.equal((await editor.post(`/api/publishing/bulletins/${webOnly.id}/submit`)).statusCode, 200);
});
