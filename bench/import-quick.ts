import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import type { ImportResult, JobItem } from '../common/imports.js';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { migrateToLatest, openDatabase } from '../server/db/database.js';
import { nowIso } from '../server/db/tree.js';
import { hashPassword } from '../server/features/auth/passwords.js';
import { insertOrgs, type NewOrg } from '../server/features/orgs/repo.js';
import { accountRow, insertUser } from '../server/features/users/repo.js';
import { contactColumns } from '../server/features/imports/columns.js';
import { chinaToday } from '../common/dates.js';
import { createTarget, type Dialect } from './lib.js';
import { writeMemberSheet, type MemberBranch } from './member-file.js';

// A quick measure of one import through the real job path: a county of 20 townships × 10 village branches.
//   contacts: N youth in runs of 50 per village with 3 new cadres per village (registered by the import), xlsx
//             written with exceljs's streaming writer (inline strings);
//   members:  the benchmark's member sheet (bench/member-file.ts) over the 200 branches, CSV or xlsx (shared
//             strings as Excel writes them, or inline with --inline-strings).
// The sheet is written by a child process. The app listens on a port in this process and the file goes up over
// HTTP as a browser sends it; the peak is this process's VmHWM, reset before each upload. While the job runs,
// GET /healthz is sampled one request at a time, 100 ms apart (node:http, no timeout), and the event loop's delay
// is monitored.
//   node --expose-gc --import tsx bench/import-quick.ts [--kind contacts|members] [--format csv|xlsx]
//     [--rows 200000] [--runs 2] [--inline-strings] [--dialect sqlite|postgres] [--pg postgres://…/postgres]

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
if (process.argv.includes('--help')) {
  console.log(
    'node --expose-gc --import tsx bench/import-quick.ts [--kind contacts|members] [--format csv|xlsx] ' +
      '[--rows 200000] [--runs N] [--inline-strings] [--dialect sqlite|postgres] [--pg postgres://…/postgres]\n' +
      'contacts are xlsx; members default to csv. The second run of the same file measures a re-import.',
  );
  process.exit(0);
}
const rows = Number(arg('rows', '200000'));
const kind = arg('kind', 'contacts') as 'contacts' | 'members';
const format = (kind === 'contacts' ? 'xlsx' : arg('format', 'csv')) as 'csv' | 'xlsx';
const runs = Number(arg('runs', kind === 'members' ? '1' : '2'));

/** 20 townships × 10 villages of one county, by statistical code. */
function villageCodes(): string[] {
  return Array.from({ length: 200 }, (_, i) => {
    const town = String(Math.floor(i / 10) + 1).padStart(3, '0');
    return `610101${town}${String((i % 10) + 1).padStart(3, '0')}`;
  });
}

/** The contact sheet: runs of 50 youth per village, 3 cadres per village, inline strings (exceljs streaming). */
async function writeSheet(file: string): Promise<void> {
  const villages = villageCodes();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
  const sheet = workbook.addWorksheet('联系青年');
  sheet.addRow(contactColumns.map((c) => c.header)).commit();
  const categories = ['返乡青年', '致富带头人', '在校生', '外出务工', '其他'];
  for (let i = 0; i < rows; i++) {
    const village = Math.floor(i / 50) % villages.length;
    const cadre = village * 3 + (i % 3);
    const day = `2026-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`;
    sheet
      .addRow([
        `青年${i}`,
        `138${String(i).padStart(8, '0')}`,
        villages[village],
        `第${village}村`,
        categories[i % 5],
        `干部${cadre}`,
        `139${String(cadre).padStart(8, '0')}`,
        day,
        i % 10 ? null : '备注',
      ])
      .commit();
  }
  sheet.commit();
  await workbook.commit();
}

/** The 200 branches as the member sheet names them: statistical code, the county's region code and name. */
const memberBranches = (): MemberBranch[] =>
  villageCodes().map((code) => ({ statCode: code, name: `测试${code}村团支部`, region: '610101', county: '测试县' }));

if (process.argv.includes('--write-sheet')) {
  const file = arg('write-sheet', '');
  if (kind === 'members') {
    await writeMemberSheet({
      file,
      probesFile: `${file}.probes.json`,
      rows,
      branches: memberBranches(),
      seed: 20261127,
      asOf: chinaToday(),
      format,
      inlineStrings: process.argv.includes('--inline-strings'),
    });
  } else {
    await writeSheet(file);
  }
  process.exit(0);
}
const dialect = arg('dialect', 'sqlite') as Dialect;
const target = await createTarget(dialect, arg('pg', 'postgres://tuanjian:tuanjian@127.0.0.1:5432/postgres'));
const memory = () => {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const mib = (field: string) => Math.round(Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]) / 1024);
  return { rss: mib('VmRSS'), peak: mib('VmHWM'), heap: Math.round(process.memoryUsage().heapUsed / 2 ** 20) };
};

/** GET over node:http, without fetch's 300-second header timeout: a long wait is the figure. */
function getWithoutTimeout(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 200 ? resolve() : reject(new Error(`${url}: ${response.statusCode}`)),
        );
      })
      .on('error', reject);
  });
}

/**
 * multipart/form-data streamed from the file over node:http: fetch with a file Blob buffers the whole body in
 * this process, whose peak RSS is the figure (a 329 MiB sheet of 2,000,000 rows would count twice).
 */
function uploadStreaming(
  url: string,
  headers: Record<string, string>,
  kind: string,
  file: string,
): Promise<{ jobId: number }> {
  const boundary = `----quick${Date.now().toString(16)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n${kind}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${path.basename(file)}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          ...headers,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': head.length + fs.statSync(file).size + tail.length,
        },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          response.statusCode === 202
            ? resolve(JSON.parse(body) as { jobId: number })
            : reject(new Error(`upload: ${response.statusCode} ${body}`)),
        );
      },
    );
    request.on('error', reject);
    request.write(head);
    const source = fs.createReadStream(file);
    source.on('error', reject);
    source.on('end', () => request.end(tail));
    source.pipe(request, { end: false });
  });
}

/** /healthz one request at a time, 100 ms apart, until done(): p50 / p95 / max in ms and the samples. */
async function sampleHealth(base: string, done: () => boolean): Promise<string> {
  const samples: number[] = [];
  while (!done()) {
    const started = performance.now();
    await getWithoutTimeout(`${base}/healthz`).catch(() => undefined);
    samples.push(performance.now() - started);
    await sleep(100);
  }
  const sorted = samples.sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0);
  return `p50 ${at(0.5)} / p95 ${at(0.95)} / max ${at(1)} ms (${sorted.length} samples)`;
}

try {
  const handle = openDatabase({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
  await migrateToLatest(handle.db);
  const at = nowIso();
  const org = (parent: number | null, name: string, level: NewOrg['level'], stat: string): NewOrg => ({
    parent_id: parent,
    name,
    short_name: null,
    type: level === 'village' ? 'branch' : 'committee',
    level,
    is_direct: 0,
    region_code: stat.slice(0, 6),
    stat_code: stat,
    import_key: null,
    status: 'active',
    phone: null,
    email: null,
    industry: null,
    created_at: at,
    updated_at: at,
    dissolved_at: null,
  });
  const [province] = await insertOrgs(handle.db, [org(null, '共青团测试省委员会', 'province', '610000000000')]);
  const [city] = await insertOrgs(handle.db, [org(province, '共青团测试市委员会', 'city', '610100000000')]);
  const [county] = await insertOrgs(handle.db, [org(city, '共青团测试县委员会', 'county', '610101000000')]);
  const villages: string[] = [];
  for (let t = 1; t <= 20; t++) {
    const code = `610101${String(t).padStart(3, '0')}`;
    const [town] = await insertOrgs(handle.db, [org(county, `共青团测试${t}镇委员会`, 'township', `${code}000`)]);
    const stats = Array.from({ length: 10 }, (_, v) => `${code}${String(v + 1).padStart(3, '0')}`);
    await insertOrgs(
      handle.db,
      stats.map((s) => org(town, `测试${s}村团支部`, 'village', s)),
    );
    villages.push(...stats);
  }
  const password = 'Bench-Import-2026';
  await insertUser(
    handle.db,
    accountRow({
      username: 'importer',
      displayName: '导入测试',
      role: 'org_admin',
      orgId: county,
      passwordHash: await hashPassword(password),
      mustChangePassword: false,
    }),
  );

  const file = path.join(target.dataDir, `${kind}.${format}`);
  // Written by a child process, so that the import's peak memory is not the writer's.
  let started = performance.now();
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      import.meta.filename,
      '--write-sheet',
      file,
      '--rows',
      String(rows),
      '--kind',
      kind,
      '--format',
      format,
      ...(process.argv.includes('--inline-strings') ? ['--inline-strings'] : []),
    ],
    { stdio: 'inherit' },
  );
  const fileMiB = Math.round(fs.statSync(file).size / 2 ** 20);
  console.log(`${dialect}: wrote ${rows} rows (${fileMiB} MiB) in ${Math.round(performance.now() - started)} ms`);

  const config = loadConfig({
    TUANJIAN_DATA_DIR: target.dataDir,
    ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
    LOG_LEVEL: 'warn',
    TUANJIAN_WEB_DIR: path.join(target.dataDir, 'no-web'),
    TUANJIAN_MAX_SPREADSHEET_MB: String(Math.max(100, Math.ceil(fs.statSync(file).size / 2 ** 20) + 1)),
  });
  const app = await buildApp({ db: handle.db, config, sqliteWriter: handle.sqliteWriter });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const loginResponse = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': 'login' },
    body: JSON.stringify({ username: 'importer', password }),
  });
  const cookie = loginResponse.headers.get('set-cookie')!.split(';')[0];
  const { csrfToken } = (await loginResponse.json()) as { csrfToken: string };

  const importOnce = async (label: string) => {
    global.gc?.();
    try {
      fs.writeFileSync('/proc/self/clear_refs', '5'); // the peak (VmHWM) starts again from here
    } catch {
      // not Linux, or not allowed: the peak then includes what came before
    }
    const before = memory();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const cpu = process.cpuUsage();
    started = performance.now();
    const { jobId } = await uploadStreaming(`${base}/api/imports`, { cookie, 'x-csrf-token': csrfToken }, kind, file);
    const uploadMs = performance.now() - started;
    let finished = false;
    const health = sampleHealth(base, () => finished);
    let job: JobItem;
    for (;;) {
      job = (await (await fetch(`${base}/api/jobs/${jobId}`, { headers: { cookie } })).json()) as JobItem;
      if (job.status === 'done' || job.status === 'failed') break;
      await sleep(200);
    }
    const ms = performance.now() - started;
    finished = true;
    const healthMs = await health;
    const used = process.cpuUsage(cpu);
    loopDelay.disable();
    const cpuSeconds = (used.user + used.system) / 1e6;
    const result = job.result as ImportResult;
    console.log(
      `${dialect} ${kind} ${format} ${label}: ${job.status} ${JSON.stringify(result?.counts)}` +
        (kind === 'contacts' ? ` cadres+${result?.cadresCreated ?? 0}` : '') +
        ` in ${(ms / 1000).toFixed(1)} s (upload ${(uploadMs / 1000).toFixed(1)} s) = ${Math.round(rows / (ms / 1000))} rows/s` +
        ` (CPU ${cpuSeconds.toFixed(1)} s = ${Math.round(rows / cpuSeconds)} rows per CPU-second);` +
        ` RSS before ${before.rss} MiB (JS heap ${before.heap} MiB), peak ${memory().peak} MiB;` +
        ` event loop delay p99 ${Math.round(loopDelay.percentile(99) / 1e6)} ms, max ${Math.round(loopDelay.max / 1e6)} ms;` +
        ` /healthz ${healthMs}` +
        `${job.error ? `; ${job.error}` : ''}`,
    );
  };
  for (let run = 1; run <= runs; run++) await importOnce(run === 1 ? 'first run' : `run ${run}`);
  await app.close();
  await handle.close();
} finally {
  await target.cleanup();
}
