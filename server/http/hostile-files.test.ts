import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test, type TestContext as NodeTestContext } from 'node:test';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { errorCodes } from '../../common/errors.js';
import type { JobItem } from '../../common/imports.js';
import { loginAsFrom } from '../../test/clients.js';
import { makeTree } from '../../test/factories.js';
import { createTestContext } from '../../test/harness.js';
import {
  deepJson,
  emptyRowsCsv,
  formulaWorkbook,
  gif,
  hostileNames,
  invalidUtf8Csv,
  jpeg,
  lyingWorkbooks,
  measure,
  pdf,
  png,
  polyglots,
  rowCounts,
  streamRequest,
  zipBombs,
} from '../../test/hostile-fixtures.js';
import { multipartBody, waitForJob } from '../../test/imports.js';
import { makeChannel, multipartFile } from '../../test/ledger-factories.js';
import { makeApplicant, makeMember } from '../../test/people-factories.js';

// The hostile files of security.md through the real upload routes: each is refused (or, where the name is the only
// thing wrong, neutralised) with a stable code and a Chinese message, quickly, and with bounded memory. Each test
// prints what it measured (`# …` lines): status, code, wall time, growth of the process's RSS and JS heap.

const ctx = await createTestContext();
await ctx.app.ready();
const tree = await makeTree(ctx);
const admin = await loginAsFrom(ctx, 'org_admin', tree.countyA);
const channel = await makeChannel(ctx, { org: tree.townA1 });
const applicant = await makeApplicant(ctx, { org: tree.villageA1 });
await ctx.app.listen({ port: 0, host: '127.0.0.1' });
const { port } = ctx.app.server.address() as { port: number };

/** A generous bound: the 100 MB and 1 GB inputs must not be held, inflated or parsed whole. */
const memoryBoundMb = 200;

function refused(response: { statusCode: number; body: string }, status: number, code: string, what: string) {
  assert.equal(response.statusCode, status, `${what}: ${response.body.slice(0, 300)}`);
  const body = JSON.parse(response.body) as { error: { code: string; message: string } };
  assert.equal(body.error.code, code, what);
  assert.ok((errorCodes as readonly string[]).includes(body.error.code), `${what}: a code of the closed union`);
  assert.match(body.error.message, /[\u4e00-\u9fa5]/, `${what}: a Chinese message`);
  assert.doesNotMatch(response.body, /Error:|\bat .+:\d+:\d+|node_modules|stack/i, `${what}: no stack trace`);
  return body.error.message;
}

function report(
  t: NodeTestContext,
  what: string,
  outcome: string,
  m: { ms: number; rssGrowthMb: number; heapGrowthMb: number },
) {
  t.diagnostic(`${what} → ${outcome}; ${m.ms} ms, RSS +${m.rssGrowthMb} MB, heap +${m.heapGrowthMb} MB`);
  assert.ok(m.rssGrowthMb < memoryBoundMb, `${what}: RSS grew ${m.rssGrowthMb} MB`);
}

const importBody = (kind: string, name: string, content: Buffer) =>
  multipartBody({ kind, orgId: String(tree.townA1.id) }, { name, content });
const upload = (kind: string, name: string, content: Buffer) =>
  admin.request({ method: 'POST', url: '/api/imports', ...importBody(kind, name, content) });

/** The app still answers after the input: nothing it did took the process down. */
async function stillUp() {
  assert.equal((await admin.get('/api/auth/me')).statusCode, 200);
}

test('zip bombs are refused at upload from the central directory alone, before anything is queued', async (t) => {
  for (const bomb of await zipBombs()) {
    const content = fs.readFileSync(bomb.file);
    for (const kind of ['contacts', 'members']) {
      const before = await rowCounts(ctx);
      const m = await measure(() => upload(kind, 'bomb.xlsx', content));
      const message = refused(m.value, 400, 'unsupported_file', `${bomb.what} (${kind})`);
      assert.match(message, /过大|压缩比/);
      assert.deepEqual(await rowCounts(ctx), before, `${bomb.what}: nothing stored or queued`);
      report(t, `${bomb.what}, ${(content.length / 1024).toFixed(0)} KB, ${kind}`, `400 unsupported_file`, m);
    }
  }
  await stillUp();
});

/** Uploads a file that passes the door and waits for its job; the job must fail with the reason given. */
async function failingJob(kind: string, name: string, content: Buffer): Promise<JobItem> {
  const response = await upload(kind, name, content);
  assert.equal(response.statusCode, 202, response.body);
  return waitForJob(admin, response.json<{ jobId: number }>().jobId);
}

const ledgerRows = async () => {
  const counts = await rowCounts(ctx);
  return { contacts: counts.youth_contacts, cadres: counts.cadres, members: counts.members };
};

test('workbooks with an honest-looking directory fail their import quickly, with a Chinese reason, in bounds', async (t) => {
  for (const workbook of await lyingWorkbooks()) {
    const content = fs.readFileSync(workbook.file);
    // The member import reads files from 1 MB in a worker thread: the large workbook goes down that path too.
    for (const kind of content.length >= 1024 * 1024 ? ['contacts', 'members'] : ['contacts']) {
      const before = await ledgerRows();
      const m = await measure(() => failingJob(kind, 'lying.xlsx', content));
      assert.equal(m.value.status, 'failed', `${workbook.what} (${kind})`);
      assert.match(m.value.error ?? '', workbook.message, `${workbook.what} (${kind}): ${m.value.error}`);
      assert.deepEqual(await ledgerRows(), before, `${workbook.what}: nothing imported`);
      report(t, `${workbook.what}, ${kind}`, `202, job failed: ${m.value.error}`, m);
    }
  }
  await stillUp();
});

test('a CSV of a million empty rows fails its import quickly in bounded memory, header first or last', async (t) => {
  for (const [where, message] of [
    ['after', /没有数据行/],
    ['before', /未找到导入表/],
  ] as const) {
    const content = emptyRowsCsv(1_000_000, where);
    // The member import reads a file of this size in a worker thread: once is enough to cover that path.
    for (const kind of where === 'after' ? ['contacts', 'members'] : ['contacts']) {
      const m = await measure(() => failingJob(kind, '空行.csv', content));
      assert.equal(m.value.status, 'failed');
      // The member template has other headers: a contacts header is "no table" for it.
      assert.match(m.value.error ?? '', kind === 'members' ? /未找到导入表/ : message, m.value.error ?? '');
      report(
        t,
        `10^6 empty rows ${where} the header (${(content.length / 1e6).toFixed(1)} MB), ${kind}`,
        `job failed: ${m.value.error}`,
        m,
      );
    }
  }
});

test('invalid UTF-8 is refused: at upload when it starts the file, by the job when it comes later, and in JSON', async (t) => {
  const before = await ledgerRows();
  const early = await measure(() => upload('contacts', '乱码.csv', invalidUtf8Csv('start')));
  refused(early.value, 400, 'unsupported_file', 'a CSV starting with invalid bytes');
  report(t, 'a CSV whose first line has bytes neither UTF-8 nor GB18030', '400 unsupported_file', early);
  const late = await measure(() => failingJob('contacts', '乱码.csv', invalidUtf8Csv('late')));
  assert.equal(late.value.status, 'failed');
  assert.match(late.value.error ?? '', /无法识别的字符/);
  report(t, 'a CSV with invalid bytes after 100 KB of good rows', `job failed: ${late.value.error}`, late);
  assert.deepEqual(await ledgerRows(), before, 'not a row of either file imported');

  const json = Buffer.concat([
    Buffer.from(`{"orgId":${tree.townA1.id},"fullName":"`),
    Buffer.from([0xe5, 0xbc, 0xa0, 0xff, 0xfe]),
    Buffer.from('","phone":"13812345678","category":"returnee"}'),
  ]);
  const counts = await rowCounts(ctx);
  const m = await measure(() =>
    admin.request({
      method: 'POST',
      url: '/api/contacts',
      payload: json,
      headers: { 'content-type': 'application/json' },
    }),
  );
  assert.match(refused(m.value, 400, 'validation_failed', 'a JSON body with invalid UTF-8'), /UTF-8/);
  assert.deepEqual(await rowCounts(ctx), counts);
  report(t, 'a JSON body with invalid UTF-8 in a name', '400 validation_failed', m);
});

test('deeply nested JSON is refused quickly in bounded memory, with and without a __proto__ key', async (t) => {
  for (const [what, payload] of [
    ['300,000 nested arrays', deepJson('arrays', 300_000)],
    ['150,000 nested objects after a __proto__ key', deepJson('objects', 150_000)],
  ] as const) {
    const before = await rowCounts(ctx);
    const m = await measure(() =>
      admin.request({ method: 'POST', url: '/api/contacts', payload, headers: { 'content-type': 'application/json' } }),
    );
    refused(m.value, 400, 'validation_failed', what);
    assert.deepEqual(await rowCounts(ctx), before);
    report(t, `${what} (${(payload.length / 1024).toFixed(0)} KB)`, '400 validation_failed', m);
  }
});

const evidence = (bytes: Buffer, name: string) =>
  admin.request({ method: 'POST', url: `/api/channels/${channel.id}/evidence`, ...multipartFile(bytes, name) });
const documentUpload = (bytes: Buffer, name: string) =>
  admin.request({
    method: 'POST',
    url: `/api/applicants/${applicant.id}/documents`,
    ...multipartBody({ stage: 'applied' }, { name, content: bytes }),
  });

test('polyglots are refused on both upload routes; plain images and a plain PDF are accepted', async (t) => {
  const before = await rowCounts(ctx);
  for (const p of polyglots()) {
    const routes = p.name.endsWith('.pdf') ? [documentUpload] : [evidence, documentUpload];
    for (const send of routes) {
      const m = await measure(() => send(p.bytes, p.name));
      assert.match(refused(m.value, 415, 'unsupported_file', p.what), /夹带/);
      report(t, `${p.what} (${send === evidence ? 'evidence' : 'document'})`, '415 unsupported_file', m);
    }
  }
  assert.deepEqual(await rowCounts(ctx), before, 'no file, row or audit entry from any polyglot');
  for (const [name, bytes] of [
    ['plain.png', png()],
    ['plain.gif', gif()],
    ['plain.jpg', jpeg()],
  ] as const) {
    assert.equal((await evidence(bytes, name)).statusCode, 201, name);
  }
  assert.equal((await documentUpload(pdf(), '申请书.pdf')).statusCode, 201);
});

test('file names with ../, a NUL or a bidi override never reach the file system and are shown cleaned', async (t) => {
  const files = path.join(ctx.dataDir, 'files');
  for (const name of hostileNames) {
    const response = await evidence(png(`name ${name.length}`), name);
    assert.ok(response.statusCode < 500, `${JSON.stringify(name)}: ${response.body}`);
    if (response.statusCode !== 201) {
      refused(response, response.statusCode, 'validation_failed', JSON.stringify(name));
      t.diagnostic(`evidence named ${JSON.stringify(name.slice(0, 40))} → ${response.statusCode} refused`);
      continue;
    }
    const stored = response.json<{ id: number; fileName: string }>();
    assert.doesNotMatch(stored.fileName, /[/\\\u0000\u202e]|^\.\./, JSON.stringify(stored.fileName));
    assert.ok(stored.fileName.length <= 160);
    const download = await admin.get(`/api/channel-evidence/${stored.id}`);
    assert.match(
      String(download.headers['content-disposition']),
      /^attachment; filename="[^"/\\]*"; filename\*=UTF-8''/,
    );
    t.diagnostic(
      `evidence named ${JSON.stringify(name.slice(0, 40))} → 201, stored as ${JSON.stringify(stored.fileName.slice(0, 40))}`,
    );

    const queued = await upload('contacts', name, Buffer.from('姓名,手机号码\n'));
    assert.equal(queued.statusCode, 202, queued.body);
    const job = await ctx.db
      .selectFrom('jobs')
      .select('input')
      .where('id', '=', queued.json<{ jobId: number }>().jobId)
      .executeTakeFirstOrThrow();
    const shown = (JSON.parse(job.input) as { file: { name: string } }).file.name;
    assert.doesNotMatch(shown, /[/\\\u0000\u202e]/, JSON.stringify(shown));
    await waitForJob(admin, queued.json<{ jobId: number }>().jobId);
  }
  // Only content-addressed names under files/: <two hex>/<sha256>, and the temporary directory.
  for (const shard of fs.readdirSync(files)) {
    assert.match(shard, /^(?:[0-9a-f]{2}|tmp)$/);
    for (const name of fs.readdirSync(path.join(files, shard))) {
      assert.match(name, shard === 'tmp' ? /^[0-9a-f.]+[a-z.]*$/ : /^[0-9a-f]{64}$/, `${shard}/${name}`);
    }
  }
  const outside = fs.readdirSync(path.dirname(ctx.dataDir)).filter((n) => /passwd|win\.ini|gnp/.test(n));
  assert.deepEqual(outside, [], 'nothing written beside the data directory');
});

test('100 MB bodies are refused while they stream in, with 413 and bounded memory', async (t) => {
  const session = { cookie: `tj_sid=${admin.cookie}`, 'x-csrf-token': admin.csrfToken };
  const multipart = (fields: Record<string, string>, name: string) => {
    const body = multipartBody(fields, { name, content: Buffer.alloc(0) });
    const boundary = /boundary=(.*)$/.exec(body.headers['content-type'])![1];
    const closing = Buffer.from(`\r\n--${boundary}--\r\n`);
    const head = body.payload.subarray(0, body.payload.length - closing.length);
    return { headers: { ...session, ...body.headers }, head, tail: closing };
  };
  const mb = 1024 * 1024;
  const csvPart = multipart({ kind: 'contacts', orgId: String(tree.townA1.id) }, '大.csv');
  const imagePart = multipart({}, '大.png');
  const jsonHead = Buffer.from('{"note":"');
  const jsonTail = Buffer.from('"}');
  const cases = [
    {
      what: 'a 101 MB CSV to the imports (limit 100 MB)',
      path: '/api/imports',
      size: 101 * mb,
      block: Buffer.from('张三,13812345678\n'.repeat(Math.floor(mb / 20))),
      ...csvPart,
      code: 'file_too_large',
    },
    {
      what: 'a 100 MB image to the evidence (limit 5 MB)',
      path: `/api/channels/${channel.id}/evidence`,
      size: 100 * mb,
      block: undefined,
      ...imagePart,
      head: Buffer.concat([imagePart.head, png()]),
      code: 'file_too_large',
    },
    {
      what: 'a 100 MB JSON body (limit 1 MB), its length declared',
      path: '/api/contacts',
      size: 100 * mb,
      block: undefined,
      headers: {
        ...session,
        'content-type': 'application/json',
        'content-length': String(jsonHead.length + 100 * mb + jsonTail.length),
      },
      head: jsonHead,
      tail: jsonTail,
      code: 'validation_failed',
    },
    {
      what: 'a 100 MB JSON body (limit 1 MB), chunked',
      path: '/api/contacts',
      size: 100 * mb,
      block: undefined,
      headers: { ...session, 'content-type': 'application/json' },
      head: jsonHead,
      tail: jsonTail,
      code: 'validation_failed',
    },
  ];
  for (const c of cases) {
    const before = await rowCounts(ctx);
    const m = await measure(() =>
      streamRequest({
        port,
        method: 'POST',
        path: c.path,
        headers: c.headers,
        head: c.head,
        size: c.size,
        tail: c.tail,
        block: c.block,
      }),
    );
    refused({ statusCode: m.value.status, body: m.value.body }, 413, c.code, c.what);
    assert.deepEqual(await rowCounts(ctx), before, `${c.what}: nothing stored`);
    report(t, c.what, `413 ${c.code} after ${(m.value.sentBytes / mb).toFixed(0)} MB sent`, m);
  }
  const leftovers = fs.readdirSync(path.join(ctx.dataDir, 'files', 'tmp')).filter((n) => n.endsWith('.upload'));
  assert.deepEqual(leftovers, [], 'the partial upload was removed');
});

async function sheetRows(response: LightMyRequestResponse, name: string): Promise<unknown[][]> {
  assert.equal(response.statusCode, 200, response.body.slice(0, 200));
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  workbook.getWorksheet(name)!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

test('formula cells are imported as the text or cached value they hold, never run; exports neutralise = + - @', async () => {
  const formulas = ['=1+1', '+1+1', '-1+1', '@SUM(1,1)', '=HYPERLINK("http://evil.example","点我")'];
  const csv = [
    '姓名,手机号码,所属组织,村（社区）,类别,联系团干部,团干部手机号,最近联系日期,备注',
    ...formulas.map((f, i) => `公式${i},1390013900${i},,"${f.replaceAll('"', '""')}",,,,,"${f.replaceAll('"', '""')}"`),
  ].join('\n');
  const job = await waitForJob(
    admin,
    (await upload('contacts', '公式.csv', Buffer.from(csv))).json<{ jobId: number }>().jobId,
  );
  assert.equal(job.status, 'done', JSON.stringify(job));
  const stored = await ctx.db
    .selectFrom('youth_contacts')
    .select(['full_name', 'village', 'note'])
    .where('full_name', 'like', '公式%')
    .orderBy('full_name')
    .execute();
  assert.deepEqual(
    stored.map((r) => [r.village, r.note]),
    formulas.map((f) => [f, f]),
    'stored exactly as typed',
  );

  // An xlsx formula: its cached result is what the sheet showed; we never compute it.
  const book = formulaWorkbook([{ name: '缓存值', phone: '', formula: '"1380013800"&amp;"9"', cached: '13800138009' }]);
  const cached = await waitForJob(
    admin,
    (await upload('contacts', '公式.xlsx', fs.readFileSync(book))).json<{ jobId: number }>().jobId,
  );
  assert.equal(cached.status, 'done', JSON.stringify(cached));
  const row = await ctx.db
    .selectFrom('youth_contacts')
    .select('phone_masked')
    .where('full_name', '=', '缓存值')
    .executeTakeFirstOrThrow();
  assert.equal(row.phone_masked, '138****8009');

  const contacts = await sheetRows(await admin.get(`/api/exports/contacts.xlsx?orgId=${tree.townA1.id}`), '联系青年');
  const exported = contacts.filter((r) => String(r[0]).startsWith('公式'));
  assert.deepEqual(
    exported.map((r) => [r[3], r[8]]),
    formulas.map((f) => [`'${f}`, `'${f}`]),
    'each cell starting with = + - @ starts with an apostrophe',
  );

  for (const [i, f] of formulas.entries()) await makeMember(ctx, { org: tree.villageA1, fullName: `${f}${i}` });
  const members = await sheetRows(await admin.get(`/api/exports/members.xlsx?orgId=${tree.townA1.id}`), '团员');
  const names = members
    .flat()
    .map(String)
    .filter((cell) => /^'?[=+\-@]/.test(cell));
  assert.deepEqual(names.sort(), formulas.map((f, i) => `'${f}${i}`).sort());
});
