import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { scopedCounty, searchRoute, treeWorkloads } from './fixtures.js';
import { ledgerWorkloads, measureImport } from './ledger-bench.js';
import { memberWorkloads } from './member-bench.js';
import {
  createTarget,
  getJson,
  load,
  loadAverage,
  login,
  loginSession,
  machine,
  percentile,
  startServer,
  summarize,
  type Dialect,
  type Stats,
  type Target,
} from './lib.js';
import { benchPassword, benchUsers, checkAfterImport, prepareTarget, serverEnvironment } from './prepare.js';
import { printResult } from './report.js';

// npm run bench: imports the Shaanxi tree (province 61, down to villages) into a fresh database, generates the
// new-media ledger and the seed's campaign on it (bench/province.ts), then measures the org-tree reads, the
// campaign dashboards and laggard pages, and a contact import, all through real HTTP on 127.0.0.1.
// See bench/README.md for what each figure means.

const defaultPgUrl = 'postgres://tuanjian:tuanjian@127.0.0.1:5432/postgres';
const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string' },
    scale: { type: 'string', default: '1' },
    'import-rows': { type: 'string' },
    'member-rows': { type: 'string' },
    seed: { type: 'string', default: '20261127' },
    requests: { type: 'string' },
    warmup: { type: 'string' },
    concurrency: { type: 'string', default: '1,8' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout
    .write(`npm run bench -- [--dialect sqlite|postgres|both] [--scale 1] [--import-rows N] [--member-rows N] [--seed 20261127]
                      [--requests N] [--warmup N] [--concurrency 1,8]
  sqlite    fresh SQLite file in a temporary directory (default when DATABASE_URL is unset)
  postgres  fresh database created next to DATABASE_URL, else BENCH_PG_URL, else ${defaultPgUrl}; dropped afterwards
  both      sqlite, then postgres
  --scale   share of the full ledger in (0, 1]: 1 ≈ 92,000 cadres, 2,000,000 contacts, 20,000 channels
  --import-rows  contact rows uploaded as xlsx (default 1,000,000 × scale)
  --member-rows  member rows uploaded as CSV (default 2,000,000 × scale; 0 skips the member import and searches)
  --requests, --warmup  per row and concurrency (default 2000 and 300; 200 and 30 at --scale 0.01)\n`);
  process.exit(0);
}
const pgUrl = process.env.DATABASE_URL || process.env.BENCH_PG_URL || defaultPgUrl;
const choice = args.dialect ?? (process.env.DATABASE_URL ? 'postgres' : 'sqlite');
if (!['sqlite', 'postgres', 'both'].includes(choice))
  throw new Error(`--dialect must be sqlite, postgres or both, not "${choice}"`);
const dialects: Dialect[] = choice === 'both' ? ['sqlite', 'postgres'] : [choice as Dialect];
const count = (text: string, flag: string, min: number) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} must be an integer ≥ ${min}, not "${text}"`);
  return n;
};
const scale = Number(args.scale);
if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be in (0, 1], not "${args.scale}"`);
const importRows = count(args['import-rows'] ?? String(Math.round(1_000_000 * scale)), 'import-rows', 1);
const memberRows = count(args['member-rows'] ?? String(Math.round(2_000_000 * scale)), 'member-rows', 0);
const seed = count(args.seed, 'seed', 0);
// A small scale is a quick run: below 0.1 the default request counts shrink with it (2000 and 300 at 0.1 and up).
const quick = Math.min(1, Math.max(0.1, scale * 10));
const requests = count(args.requests ?? String(Math.round(2000 * quick)), 'requests', 1);
const warmup = count(args.warmup ?? String(Math.round(300 * quick)), 'warmup', 0);
const concurrencies = args.concurrency.split(',').map((c) => count(c, 'concurrency', 1));
const logLevel = process.env.LOG_LEVEL || 'info';
const log = (line: string) => process.stdout.write(`${line}\n`);

type QueryFigure = { q: string; hits: number; p50: number; p95: number };
export type Row = Stats & { route: string; urls: number; avgItems: number | null };

async function benchTarget(target: Target) {
  const prepared = await prepareTarget(target, { scale, importRows, memberRows, seed, log });
  const { fixtures, ledgerFixtures, importFile, memberFile, memberFixtures } = prepared;
  // The upload limit is raised to the files' size: the benchmark measures the import, not the limit.
  const largest = Math.max(importFile.bytes, memberFile?.bytes ?? 0);
  const limitMiB = String(Math.max(100, Math.ceil(largest / 2 ** 20) + 10));
  const env = serverEnvironment(target, { LOG_LEVEL: logLevel, TUANJIAN_MAX_SPREADSHEET_MB: limitMiB });
  const server = await startServer(env);
  let stats: Row[];
  let queries: Record<string, QueryFigure[]>;
  let contactImport: Awaited<ReturnType<typeof measureImport>>;
  let memberImport: Awaited<ReturnType<typeof measureImport>> | null = null;
  try {
    const as = (user: string) => login(server.base, user, benchPassword);
    const cookies = {
      province: await as(benchUsers.province),
      searchCounty: await as(benchUsers.searchCounty),
      city: await as(benchUsers.city),
      county: await as(benchUsers.county),
    };
    const workloads = [
      ...treeWorkloads(fixtures, { province: cookies.province, county: cookies.searchCounty }),
      ...ledgerWorkloads(ledgerFixtures, cookies),
    ];
    ({ stats, queries } = await runWorkloads(server.base, workloads));
    log(`uploading ${importFile.rows.toLocaleString('en-US')} contact rows (${importFile.bytes} bytes) …`);
    contactImport = await measureImport({
      base: server.base,
      pid: server.pid,
      session: await loginSession(server.base, benchUsers.province, benchPassword),
      orgId: ledgerFixtures.province.id,
      file: importFile.path,
      rows: importFile.rows,
      writeFileMs: importFile.ms,
      log,
    });
    if (memberFile && memberFixtures) {
      log(`uploading ${memberFile.rows.toLocaleString('en-US')} member rows (${memberFile.bytes} bytes of CSV) …`);
      memberImport = await measureImport({
        base: server.base,
        pid: server.pid,
        session: await loginSession(server.base, benchUsers.province, benchPassword),
        orgId: ledgerFixtures.province.id,
        file: memberFile.path,
        rows: memberFile.rows,
        writeFileMs: memberFile.ms,
        log,
        kind: 'members',
        uploadName: 'members.csv',
        health: true,
      });
      log(`  ${memberImport.status}: ${memberImport.rowsPerSecond} rows/s, peak RSS ${memberImport.peakRssMiB} MiB`);
      if (memberImport.status === 'done') {
        const searched = await runWorkloads(
          server.base,
          memberWorkloads(memberFixtures, { province: cookies.province, county: cookies.county }),
        );
        stats.push(...searched.stats);
      }
    }
  } finally {
    await server.stop();
  }
  const afterImport = await checkAfterImport(target, ledgerFixtures.campaignId);
  return {
    database: prepared.database,
    import: prepared.treeImport,
    ledger: { scale, seed, counts: prepared.ledger.counts, ms: prepared.ledger.ms },
    dashboardOrgs: { city: ledgerFixtures.city.name, county: ledgerFixtures.county.name },
    workloads: stats,
    searchQueries: queries,
    contactImport: { ...contactImport, afterImport },
    memberImport,
  };
}

async function runWorkloads(base: string, workloads: ReturnType<typeof treeWorkloads>) {
  // One request per distinct URL first: every one must answer 200, and the result sizes describe the workload.
  const hits = new Map<string, number>();
  for (const w of workloads) {
    for (const url of w.urls) {
      const body = (await getJson(base, url, w.cookie)) as { items?: unknown[]; children?: unknown[] };
      const items = body.items ?? body.children;
      if (items) hits.set(`${w.name} ${url}`, items.length);
    }
  }
  const stats: Row[] = [];
  const queries: Record<string, QueryFigure[]> = {};
  for (const w of workloads) {
    const sizes = w.urls.map((url) => hits.get(`${w.name} ${url}`)).filter((n) => n !== undefined);
    const avgItems = sizes.length ? Math.round((sizes.reduce((a, b) => a + b, 0) / sizes.length) * 10) / 10 : null;
    for (const concurrency of concurrencies) {
      const input = { base, cookie: w.cookie, urls: w.urls, concurrency };
      await load({ ...input, count: warmup });
      const run = await load({ ...input, count: requests });
      const row = { ...summarize(w.name, concurrency, run), route: w.route, urls: w.urls.length, avgItems };
      stats.push(row);
      log(`  ${row.workload}, ${row.route}  c=${concurrency}  p50 ${row.p50} ms  p95 ${row.p95} ms  ${row.rps} req/s`);
      if (w.route === searchRoute && concurrency === 1) {
        queries[w.name] = [...run.byUrl].map(([url, samples]) => {
          const sorted = samples.sort((a, b) => a - b);
          return {
            q: decodeURIComponent(url.slice(url.indexOf('q=') + 2)),
            hits: hits.get(`${w.name} ${url}`) ?? 0,
            p50: Number(percentile(sorted, 50).toFixed(2)),
            p95: Number(percentile(sorted, 95).toFixed(2)),
          };
        });
      }
    }
  }
  return { stats, queries };
}

const host = machine();
log(`Tuanjian benchmark — ${host.cores} cores (${host.cpu}), ${host.memoryGiB} GiB, ${host.os}, node ${host.node}`);
log(
  `scale ${scale} (seed ${seed}), ${importRows.toLocaleString('en-US')} contact and ${memberRows.toLocaleString('en-US')} member rows to import; ${requests} measured requests per row after ${warmup} warm-up; concurrency ${concurrencies.join(' and ')}; server log level ${logLevel}; county searched: ${scopedCounty.name}\n`,
);
for (const dialect of dialects) {
  log(`== ${dialect} ==`);
  const loadBefore = loadAverage();
  const target = await createTarget(dialect, pgUrl);
  let result: Awaited<ReturnType<typeof benchTarget>>;
  try {
    result = await benchTarget(target);
  } finally {
    await target.cleanup();
  }
  const load1m = { before: loadBefore, after: loadAverage() };
  printResult(dialect, result, load1m, log);
  const file = path.join(import.meta.dirname, 'results', `latest-${dialect}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const settings = {
    scale,
    seed,
    importRows,
    memberRows,
    requests,
    warmup,
    concurrency: concurrencies,
    logLevel,
    load1m,
  };
  fs.writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), dialect, machine: host, settings, ...result }, null, 2)}\n`,
  );
  log(`\nwritten ${path.relative(process.cwd(), file)}\n`);
}
