import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { addDays, chinaToday } from '../../common/dates.js';
import { idCheckCharacter } from '../../common/id-number.js';
import { loginAsFrom } from '../../test/clients.js';
import { makeTree, type Client } from '../../test/factories.js';
import { createTestContext } from '../../test/harness.js';
import { makeChannel, nextPhone, uploadEvidence } from '../../test/ledger-factories.js';
import { makeBranch, nextIdNumber } from '../../test/people-factories.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { verifyAuditChain } from '../features/audit/service.js';
import { storedFilePath, storeFile } from '../files/store.js';
import { createKeyring, keyFilePath, loadMasterKey } from '../personal-data/keyring.js';
import type { BackupManifest } from './manifest.js';
import { restoreBackup } from './restore.js';

// The restore drill of security.md: the app keeps writing through its API (activities, members with encrypted ID
// numbers and phones, uploaded screenshots) while `npm run tuanjian -- backup` runs in another process; the backup
// is restored with `restore` into an empty data directory / database; the restored copy passes integrity_check,
// its audit chain verifies, every table holds the rows the manifest counted, every file is there, and with the
// original key put back a revealed ID number is the one entered. Then what restore must refuse.

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const branch = await makeBranch(ctx, { parent: tree.townA1, name: '备份演练团支部' });
const channel = await makeChannel(ctx, { org: tree.townA1 });
const admin = await loginAsFrom(ctx, 'org_admin', tree.countyA);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tuanjian-backup-test-'));
const cleanUp: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const step of cleanUp.reverse()) await step();
  fs.rmSync(root, { recursive: true, force: true });
});

/** The database the app under test uses, as the CLI needs it (DATABASE_URL); null on SQLite. */
async function sourceDatabaseUrl(): Promise<string | null> {
  if (ctx.dialect !== 'postgres') return null;
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(ctx.db);
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${rows[0].name}`;
  return url.toString();
}

/** An empty target: a fresh data directory, and on PostgreSQL a fresh database (dropped after the tests). */
async function emptyTarget(name: string): Promise<{ dataDir: string; databaseUrl: string | null }> {
  const dataDir = path.join(root, name);
  if (ctx.dialect !== 'postgres') return { dataDir, databaseUrl: null };
  const database = `tj_restore_${process.pid}_${randomBytes(4).toString('hex')}`;
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`create database ${database}`);
  await client.end();
  cleanUp.push(async () => {
    const dropper = new pg.Client({ connectionString: adminUrl });
    await dropper.connect();
    await dropper.query(`drop database if exists ${database} with (force)`);
    await dropper.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return { dataDir, databaseUrl: url.toString() };
}

/** The same restore in this process (the command line is exercised by the drill above). */
function restore(target: { dataDir: string; databaseUrl: string | null }, from: string, force: boolean) {
  return restoreBackup({ config: { ...target, dataKey: null }, from, force });
}

type Run = { code: number; stdout: string; stderr: string };

/** The command line as an operator runs it, in its own process, configured by the environment only. */
function tuanjian(args: string[], target: { dataDir: string; databaseUrl: string | null }): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, TUANJIAN_DATA_DIR: target.dataDir };
  delete env.DATABASE_URL;
  delete env.TUANJIAN_DATA_KEY;
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/tuanjian.ts', ...args], {
    cwd: path.resolve(import.meta.dirname, '..', '..'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

/** Every plain value entered; none may appear in a backup. */
const secrets: string[] = [];
const today = chinaToday();

/** Writers through the API until stopped; counts what the server acknowledged. */
function startWriters(client: Client, count: number) {
  const acked = { activities: 0, members: 0, files: 0 };
  let stopped = false;
  const failures: string[] = [];
  const loop = async (writer: number) => {
    for (let i = 0; !stopped; i++) {
      let response;
      if (i % 7 === 3) {
        response = await uploadEvidence(client, channel.id);
        if (response.statusCode === 201) acked.files++;
      } else if (i % 5 === 1) {
        const idNumber = nextIdNumber();
        const phone = nextPhone();
        secrets.push(idNumber, phone);
        response = await client.post('/api/members', {
          orgId: branch.id,
          fullName: `演练团员${writer}-${i}`,
          idNumber,
          phone,
          joinedOn: '2021-05-04',
        });
        if (response.statusCode === 201) acked.members++;
      } else {
        response = await client.post('/api/activities', {
          orgId: branch.id,
          title: `演练活动${writer}-${i}`,
          kind: 'theme_day',
          heldOn: addDays(today, -1),
        });
        if (response.statusCode === 201) acked.activities++;
      }
      if (response.statusCode >= 300) failures.push(`${response.statusCode} ${response.body}`);
    }
  };
  const loops = Array.from({ length: count }, (_, writer) => loop(writer));
  return {
    acked,
    failures,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** A real ID number (check character, plausible birth date) or an entered secret, found in raw bytes. */
function plainValuesIn(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  const found = new Set<string>();
  for (const [candidate] of text.matchAll(/\d{17}[\dX]/g)) {
    const birth = candidate.slice(6, 14);
    if (
      /^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(birth) &&
      idCheckCharacter(candidate) === candidate[17]
    )
      found.add(candidate);
  }
  for (const secret of secrets) if (text.includes(secret)) found.add(secret);
  return [...found];
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function tableCounts(db: DatabaseHandle['db'], tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
    counts[table] = Number(rows[0].n);
  }
  return counts;
}

const source = { dataDir: ctx.dataDir, databaseUrl: await sourceDatabaseUrl() };
const backupDir = path.join(root, 'backup');
let manifest: BackupManifest;
let restored: { dataDir: string; databaseUrl: string | null };
const firstIdNumber = nextIdNumber();
let firstMemberId = 0;
let uploadInProgress = '';

test('a backup taken while the app writes through its API holds one consistent snapshot', async () => {
  secrets.push(firstIdNumber);
  const first = await admin.post('/api/members', {
    orgId: branch.id,
    fullName: '演练首位团员',
    idNumber: firstIdNumber,
    joinedOn: '2020-05-04',
  });
  assert.equal(first.statusCode, 201, first.body);
  firstMemberId = first.json<{ id: number }>().id;
  assert.equal((await uploadEvidence(admin, channel.id)).statusCode, 201);
  // An import's upload still waiting for its job: a spreadsheet with the ID number in clear.
  const plainUpload = await ctx.db
    .transaction()
    .execute((trx) =>
      storeFile(
        trx,
        ctx.dataDir,
        Buffer.from(`姓名,身份证号\r\n演练首位团员,${firstIdNumber}\r\n`),
        'application/octet-stream',
      ),
    );
  uploadInProgress = plainUpload.sha256;

  const writers = startWriters(admin, 4);
  while (writers.acked.activities < 20) await new Promise((resolve) => setTimeout(resolve, 10));
  const before = { ...writers.acked };
  const started = Date.now();
  const run = await tuanjian(['backup', '--out', backupDir], source);
  const seconds = (Date.now() - started) / 1000;
  const during = {
    activities: writers.acked.activities - before.activities,
    members: writers.acked.members - before.members,
    files: writers.acked.files - before.files,
  };
  await writers.stop();
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(writers.failures, []);
  assert.match(run.stdout, /备份完成/);
  assert.ok(during.activities + during.members + during.files > 0, 'writes were acknowledged while the backup ran');

  manifest = JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8')) as BackupManifest;
  assert.equal(manifest.database.kind, ctx.dialect);
  assert.equal(manifest.key.included, false);
  assert.ok(manifest.key.fingerprint, 'the key is identified by its fingerprint');
  assert.match(run.stdout, new RegExp(`不含个人信息主密钥（指纹 ${manifest.key.fingerprint}）`));
  // The snapshot lies between what was acknowledged before the command started and everything acknowledged.
  assert.ok(manifest.tables.activities >= before.activities && manifest.tables.activities <= writers.acked.activities);
  assert.ok(manifest.tables.members >= before.members + 1 && manifest.tables.members <= writers.acked.members + 1);
  // Every stored file is in the backup but the upload in clear.
  assert.deepEqual(manifest.filesNotCopied, [{ sha256: uploadInProgress, reason: 'import-upload' }]);
  assert.match(run.stdout, /1 个正在进行的导入的上传文件（含明文身份证号、手机号）不进备份/);
  assert.equal(manifest.files.length, manifest.tables.files - 1);
  assert.ok(manifest.files.length >= before.files + 1);
  assert.ok(!fs.readdirSync(backupDir).some((name) => name.includes('key')), 'no key file in the backup');
  const bytes = filesUnder(backupDir).reduce((sum, file) => sum + fs.statSync(file).size, 0);
  console.log(
    `backup drill (${ctx.dialect}): ${seconds.toFixed(1)} s for the command, ${(bytes / 1024).toFixed(0)} KiB, ` +
      `acknowledged while it ran: ${during.activities} activities, ${during.members} members, ${during.files} uploads`,
  );
});

test('the backup holds no plain ID number or phone', async () => {
  const images: [string, Buffer][] = filesUnder(backupDir).map((file) => [
    path.relative(backupDir, file),
    fs.readFileSync(file),
  ]);
  if (ctx.dialect === 'postgres') {
    // The custom format is compressed: its SQL text is what must be clean.
    const text = await new Promise<Buffer>((resolve, reject) => {
      const child = spawn('pg_restore', ['--file=-', path.join(backupDir, 'database.dump')], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`pg_restore ${code}`)),
      );
    });
    images.push(['pg_restore SQL', text]);
  }
  const all = Buffer.concat(images.map(([, bytes]) => bytes)).toString('latin1');
  assert.ok(
    all.includes(`${firstIdNumber.slice(0, 4)}**********${firstIdNumber.slice(-4)}`),
    'the scan sees the masks',
  );
  for (const [what, bytes] of images) assert.deepEqual(plainValuesIn(bytes), [], what);
});

test('restore into an empty target: integrity, counts, audit chain and files as the manifest says', async () => {
  restored = await emptyTarget('restored');
  const started = Date.now();
  const run = await tuanjian(['restore', backupDir], restored);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /恢复完成/);
  // The key is not in the backup: restore says which one is needed and where it goes.
  assert.match(run.stdout, new RegExp(`还需要主密钥[^]*指纹 ${manifest.key.fingerprint}`));
  assert.ok(run.stdout.includes(keyFilePath(restored.dataDir)));
  console.log(`restore (${ctx.dialect}): ${((Date.now() - started) / 1000).toFixed(1)} s for the command`);

  const handle = openDatabase(restored);
  try {
    if (ctx.dialect === 'sqlite') {
      const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(handle.db);
      assert.deepEqual(rows, [{ integrity_check: 'ok' }]);
    }
    assert.deepEqual(await tableCounts(handle.db, Object.keys(manifest.tables)), manifest.tables);
    assert.deepEqual(await verifyAuditChain(handle.db), {
      ok: true,
      checked: manifest.tables.audit_log,
      firstBrokenId: null,
    });
    const fileRows = await handle.db
      .selectFrom('files')
      .select('sha256')
      .where('sha256', '!=', uploadInProgress)
      .execute();
    assert.equal(fileRows.length, manifest.files.length);
    assert.equal(fs.existsSync(storedFilePath(restored.dataDir, uploadInProgress)), false);
    for (const { sha256: expected } of fileRows)
      assert.equal(sha256(storedFilePath(restored.dataDir, expected)), expected);
  } finally {
    await handle.close();
  }
});

test('with the original key back in place, the restored ID number decrypts to the one entered', async () => {
  fs.mkdirSync(path.dirname(keyFilePath(restored.dataDir)), { recursive: true });
  fs.copyFileSync(keyFilePath(ctx.dataDir), keyFilePath(restored.dataDir));
  const keyring = createKeyring(loadMasterKey({ dataKey: null, dataDir: restored.dataDir }));
  const handle = openDatabase(restored);
  try {
    const member = await handle.db
      .selectFrom('members')
      .select('id_cipher')
      .where('id', '=', firstMemberId)
      .executeTakeFirstOrThrow();
    assert.equal(keyring.decrypt(member.id_cipher), firstIdNumber);

    // While a server has the database open, even --force refuses to replace it.
    await assert.rejects(
      restore(restored, backupDir, true),
      ctx.dialect === 'sqlite' ? /正被使用：覆盖之前请先停止团建服务/ : /其他连接：覆盖之前请先停止/,
    );
  } finally {
    await handle.close();
  }
});

test('restore refuses a target with data unless --force, and then replaces it', async () => {
  await assert.rejects(restore(restored, backupDir, false), /恢复的目标已有数据.*--force/);

  const handle = openDatabase(restored);
  await handle.db.deleteFrom('activities').execute();
  await handle.close();
  const forced = await restore(restored, backupDir, true);
  assert.equal(forced.replaced, true);
  assert.equal(forced.key.status, 'match');
  const again = openDatabase(restored);
  try {
    assert.deepEqual(await tableCounts(again.db, ['activities']), { activities: manifest.tables.activities });
  } finally {
    await again.close();
  }
});

test('restore refuses a damaged backup and a different key, and leaves the target untouched', async () => {
  const damaged = path.join(root, 'damaged-backup');
  fs.cpSync(backupDir, damaged, { recursive: true });
  const file = path.join(damaged, 'files', manifest.files[0].path);
  const bytes = fs.readFileSync(file);
  bytes[bytes.length - 1] ^= 1;
  fs.writeFileSync(file, bytes);
  const target = await emptyTarget('untouched');
  await assert.rejects(restore(target, damaged, false), /备份已损坏：files\/.* 的校验值与清单不符，未做任何恢复/);
  assert.deepEqual(fs.existsSync(target.dataDir) ? filesUnder(target.dataDir) : [], []);

  fs.mkdirSync(path.dirname(keyFilePath(target.dataDir)), { recursive: true });
  fs.writeFileSync(keyFilePath(target.dataDir), randomBytes(32).toString('base64'));
  await assert.rejects(
    restore(target, backupDir, false),
    new RegExp(`不是这份备份所用的主密钥（指纹 ${manifest.key.fingerprint}）`),
  );
  assert.deepEqual(filesUnder(target.dataDir), [keyFilePath(target.dataDir)]);
});
