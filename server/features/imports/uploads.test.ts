import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImportResult } from '../../../common/imports.js';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { upload, waitForJob } from '../../../test/imports.js';
import {
  inlineSheetXml,
  makeXlsx,
  minimalXlsxParts,
  writeFixture,
  writeZip,
} from '../../../test/spreadsheet-fixtures.js';
import { createJobRunner } from '../../jobs/runner.js';
import { importJobHandler } from './service.js';

// What happens to an upload before and around its job: files refused at the door, form mistakes, and a worker
// that dies mid-import.

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const county = await loginAsFrom(ctx, 'org_admin', tree.countyA);
const editor = await loginAsFrom(ctx, 'org_editor', tree.countyA);
const header = [
  '姓名',
  '手机号码',
  '所属组织',
  '村（社区）',
  '类别',
  '联系团干部',
  '团干部手机号',
  '最近联系日期',
  '备注',
];
const contacts = { kind: 'contacts', orgId: String(tree.countyA.id) };
const result = (job: { result: unknown }) => job.result as ImportResult;

test('a zip bomb and a file that is not a spreadsheet are refused at upload, quickly', async () => {
  const zeros = Buffer.alloc(80 * 1024 * 1024);
  const bombFile = writeZip('bomb.xlsx', [
    ...minimalXlsxParts(inlineSheetXml([header])),
    { name: 'xl/media/image1.png', data: zeros },
  ]);
  for (const [file, pattern] of [
    [bombFile, /压缩比|过大/],
    [
      writeFixture('photo.xlsx', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000)])),
      /无法识别/,
    ],
    [writeFixture('empty.xlsx', Buffer.alloc(0)), /空的/],
  ] as const) {
    const started = Date.now();
    const response = await upload(county, contacts, file);
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(response.json<{ error: { code: string } }>().error.code, 'unsupported_file');
    assert.match(response.json<{ error: { message: string } }>().error.message, pattern);
    assert.ok(Date.now() - started < 3000);
  }
  const jobs = await ctx.db.selectFrom('jobs').select('id').where('status', '=', 'queued').execute();
  assert.deepEqual(jobs, [], 'nothing was queued');
});

test('upload mistakes: not multipart, no file, a bad kind, an org outside the subtree, plans without permission', async () => {
  const file = await makeXlsx((wb) => wb.addWorksheet('S').addRow(header));
  const json = await county.post('/api/imports', { kind: 'contacts' });
  assert.equal(json.statusCode, 415);
  assert.equal((await upload(county, { kind: 'people' }, file)).statusCode, 400);
  assert.equal((await upload(county, { kind: 'contacts', orgId: String(tree.countyB.id) }, file)).statusCode, 404);
  assert.equal((await upload(county, { kind: 'plans' }, file)).statusCode, 400, 'plans need a campaign');
  assert.equal((await upload(editor, { kind: 'plans', campaignId: '1' }, file)).statusCode, 403);
  const inspector = await loginAsFrom(ctx, 'inspector', tree.countyA);
  assert.equal((await upload(inspector, contacts, file)).statusCode, 403);
  const response = await upload(county, contacts, file);
  const job = await waitForJob(county, response.json<{ jobId: number }>().jobId);
  assert.equal(job.status, 'failed');
  assert.match(job.error!, /没有数据行/);
});

// Last in the file: it stops the app's own runner to play a worker that died mid-import.
test('an import whose worker died is re-queued at the next start and completes once', async () => {
  await ctx.app.jobs.stop();
  const file = await makeXlsx((wb) => {
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(header);
    ws.addRow(['复活一', '13300000001']);
    ws.addRow(['复活二', '13300000002']);
  });
  const response = await upload(county, contacts, file);
  assert.equal(response.statusCode, 202);
  const { jobId } = response.json<{ jobId: number }>();
  const old = new Date(Date.now() - 10 * 60_000).toISOString();
  await ctx.db
    .updateTable('jobs')
    .set({ status: 'running', claimed_by: 'dead-host:1:dead', heartbeat_at: old, started_at: old, attempts: 1 })
    .where('id', '=', jobId)
    .execute();
  assert.equal((await county.get(`/api/jobs/${jobId}`)).json<{ status: string }>().status, 'running');

  const next = createJobRunner({ db: ctx.db, log: { info: () => {}, error: () => {} }, pollMs: 20 });
  next.register('import', importJobHandler({ db: ctx.db, keyring: ctx.app.keyring, dataDir: ctx.dataDir }));
  await next.start();
  const job = await waitForJob(county, jobId);
  await next.stop();
  assert.equal(job.status, 'done', JSON.stringify(job));
  assert.deepEqual(result(job).counts, { rows: 2, create: 2, update: 0, unchanged: 0, errors: 0 });
  const row = await ctx.db
    .selectFrom('jobs')
    .select(['attempts', 'claimed_by'])
    .where('id', '=', jobId)
    .executeTakeFirstOrThrow();
  assert.equal(row.attempts, 2);
  assert.equal(row.claimed_by, next.instance);
});
