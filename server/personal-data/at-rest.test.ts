import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { chinaToday } from '../../common/dates.js';
import { addYears, idCheckCharacter } from '../../common/id-number.js';
import { loginAsFrom } from '../../test/clients.js';
import { makeTree } from '../../test/factories.js';
import { createTestContext } from '../../test/harness.js';
import { importFile } from '../../test/imports.js';
import { makeBranch, nextIdNumber } from '../../test/people-factories.js';
import { sqliteFilePath } from '../db/database.js';

// security.md: "ID numbers and phones encrypted at rest … Test: the raw SQLite file and a backup contain no plain
// 18-digit ID or phone number." People are entered the ways people enter them — the member form, an application,
// a cadre's record, a youth contact, a duplicate entry, a CSV import, a reveal — and then the bytes the database
// keeps are searched: the SQLite file, its write-ahead log and a VACUUM INTO backup; on PostgreSQL a pg_dump (when
// the tool is installed) and every row of every table. The data directory (uploads, error reports) is searched
// too: an import's upload is deleted when its job ends.

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const branch = await makeBranch(ctx, { parent: tree.townA1, name: '静态加密团支部' });
const otherBranch = await makeBranch(ctx, { parent: tree.townA1, name: '静态加密二团支部' });
const admin = await loginAsFrom(ctx, 'org_admin', tree.countyA);

/** Every plain value entered below; none may appear in what the database stores. */
const secrets: string[] = [];
let phoneSerial = 0;
const nextSecretPhone = () => {
  const phone = `1397531${String(++phoneSerial).padStart(4, '0')}`;
  secrets.push(phone);
  return phone;
};
const nextSecretId = (birthDate?: string) => {
  const id = nextIdNumber(birthDate ? { birthDate } : {});
  secrets.push(id);
  return id;
};

async function expectStatus<R extends { statusCode: number; body: string }>(promise: Promise<R>, status: number) {
  const response = await promise;
  assert.equal(response.statusCode, status, response.body);
  return response;
}

/** A run of 18 characters that is a real ID number (check character and birth date), or a phone entered here. */
function findPlainValues(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  const found = new Set<string>();
  for (const match of text.matchAll(/\d{17}[\dX]/g)) {
    const candidate = match[0];
    const birth = `${candidate.slice(6, 10)}-${candidate.slice(10, 12)}-${candidate.slice(12, 14)}`;
    const plausible = /^(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(birth);
    if (plausible && idCheckCharacter(candidate) === candidate[17]) found.add(candidate);
  }
  for (const secret of secrets) if (text.includes(secret)) found.add(secret);
  return [...found];
}

test('people are entered through the API, by form and by import', async () => {
  const memberIds: number[] = [];
  for (let i = 0; i < 5; i++) {
    const created = await expectStatus(
      admin.post('/api/members', {
        orgId: branch.id,
        fullName: `静态团员${i}`,
        idNumber: nextSecretId(),
        phone: nextSecretPhone(),
        joinedOn: '2021-05-04',
      }),
      201,
    );
    memberIds.push(created.json<{ id: number }>().id);
  }
  // The same person entered by a second branch: a duplicate case keeps what was entered (encrypted).
  const held = secrets[0];
  await expectStatus(
    admin.post('/api/members', {
      orgId: otherBranch.id,
      fullName: '静态团员0',
      idNumber: held,
      joinedOn: '2021-05-04',
    }),
    409,
  );
  // Revealing writes an audit row; the value goes to the caller only.
  const revealed = await expectStatus(admin.post(`/api/members/${memberIds[1]}/reveal-id`), 200);
  assert.equal(revealed.json<{ idNumber: string }>().idNumber, secrets[2]);

  // A cadre who is a member (linked by ID number), an applicant, a youth contact.
  const cadreMember = await expectStatus(
    admin.post('/api/members', {
      orgId: branch.id,
      fullName: '静态干部',
      idNumber: nextSecretId(),
      joinedOn: '2020-05-04',
    }),
    201,
  );
  assert.ok(cadreMember.json<{ id: number }>().id);
  await expectStatus(
    admin.post('/api/cadres', {
      orgId: branch.id,
      fullName: '静态干部',
      post: '书记',
      kind: 'part_time',
      phone: nextSecretPhone(),
      idNumber: secrets.at(-2),
    }),
    201,
  );
  await expectStatus(
    admin.post('/api/applicants', {
      orgId: branch.id,
      fullName: '静态申请人',
      idNumber: nextSecretId(addYears(chinaToday(), -16)),
      phone: nextSecretPhone(),
      appliedOn: chinaToday(),
    }),
    201,
  );
  await expectStatus(
    admin.post('/api/contacts', {
      orgId: tree.townA1.id,
      fullName: '静态青年',
      phone: nextSecretPhone(),
      category: 'returnee',
    }),
    201,
  );

  // A CSV import: the plain values travel in the upload, which is deleted when the job ends.
  const rows = Array.from(
    { length: 20 },
    (_, i) => `静态加密团支部,导入团员${i},${nextSecretId()},2019-05-04,${nextSecretPhone()}`,
  );
  const job = await importFile(
    admin,
    { kind: 'members', orgId: String(tree.countyA.id) },
    {
      name: '团员.csv',
      content: Buffer.from(`所在团支部,姓名,身份证号,入团日期,手机号码\r\n${rows.join('\r\n')}\r\n`),
    },
  );
  assert.equal(job.status, 'done', JSON.stringify(job));
  // And a refused one, whose error report stays with the job.
  const refused = await importFile(
    admin,
    { kind: 'members', orgId: String(tree.countyA.id) },
    {
      name: '团员.csv',
      content: Buffer.from(`所在团支部,姓名,身份证号,入团日期\r\n静态加密团支部,错号,${nextSecretId()},2030-01-01\r\n`),
    },
  );
  assert.equal(refused.status, 'failed');
  assert.ok(secrets.length > 50);
});

test('the SQLite file, its write-ahead log and a VACUUM INTO backup hold no plain ID number or phone', async (t) => {
  if (ctx.dialect !== 'sqlite') return t.skip('SQLite only');
  const file = sqliteFilePath(ctx.dataDir);
  const backup = path.join(ctx.dataDir, 'at-rest-backup.sqlite');
  await sql.raw(`vacuum into '${backup.replaceAll("'", "''")}'`).execute(ctx.db);
  const images: [string, Buffer][] = [
    ['database file', fs.readFileSync(file)],
    ['write-ahead log', fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`) : Buffer.alloc(0)],
    ['VACUUM INTO backup', fs.readFileSync(backup)],
  ];
  fs.rmSync(backup);
  // The scan finds what it looks for: the masks and blind indexes are there.
  assert.ok(images[2][1].toString('latin1').includes(`${secrets[0].slice(0, 4)}**********${secrets[0].slice(-4)}`));
  for (const [what, bytes] of images) assert.deepEqual(findPlainValues(bytes), [], what);
});

test('on PostgreSQL a pg_dump and every row of every table hold no plain ID number or phone', async (t) => {
  if (ctx.dialect !== 'postgres') return t.skip('PostgreSQL only');
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(
    ctx.db,
  );
  const everything: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(table_name)} t`.execute(
      ctx.db,
    );
    everything.push(...rows.rows.map((r) => r.row));
  }
  const all = everything.join('\n');
  assert.ok(all.includes(`${secrets[0].slice(0, 4)}**********${secrets[0].slice(-4)}`), 'the scan sees the masks');
  assert.deepEqual(findPlainValues(Buffer.from(all, 'latin1')), [], 'table rows');

  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(ctx.db);
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${rows[0].name}`;
  try {
    const { stdout } = await promisify(execFile)('pg_dump', ['--no-owner', '--dbname', url.toString()], {
      maxBuffer: 256 * 1024 * 1024,
      encoding: 'buffer',
    });
    assert.ok(stdout.length > 0);
    assert.deepEqual(findPlainValues(stdout), [], 'pg_dump');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      t.diagnostic('pg_dump is not installed: the dump was not checked (the table rows were)');
      return;
    }
    throw error;
  }
});

test('the data directory keeps no upload or report with a plain ID number or phone', () => {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!full.startsWith(sqliteFilePath(ctx.dataDir))) {
        const plain = findPlainValues(fs.readFileSync(full));
        if (plain.length > 0) found.push(`${path.relative(ctx.dataDir, full)}: ${plain.length}`);
      }
    }
  };
  walk(ctx.dataDir);
  assert.deepEqual(found, []);
});
