import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { importDivisions } from '../server/features/orgs/import-divisions.js';
import { openMigratedDatabase } from '../server/runtime.js';
import {
  createTarget,
  formatTable,
  getJson,
  load,
  loadAverage,
  login,
  machine,
  percentile,
  startServer,
  summarize,
  type Dialect,
  type Stats,
  type Target,
} from './lib.js';
import { createAdmin, loadFixtures, scopedCounty, type Fixtures } from './fixtures.js';

// npm run bench: imports the Shaanxi tree (province 61, down to villages) into a fresh database, then measures
// the org-tree read endpoints through real HTTP on 127.0.0.1. See bench/README.md for what each figure means.

const defaultPgUrl = 'postgres://tuanjian:tuanjian@127.0.0.1:5432/postgres';
const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string' },
    requests: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '1,8' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout
    .write(`npm run bench -- [--dialect sqlite|postgres|both] [--requests 2000] [--warmup 300] [--concurrency 1,8]
  sqlite    fresh SQLite file in a temporary directory (default when DATABASE_URL is unset)
  postgres  fresh database created next to DATABASE_URL, else BENCH_PG_URL, else ${defaultPgUrl}; dropped afterwards
  both      sqlite, then postgres\n`);
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
const requests = count(args.requests, 'requests', 1);
const warmup = count(args.warmup, 'warmup', 0);
const concurrencies = args.concurrency.split(',').map((c) => count(c, 'concurrency', 1));
const logLevel = process.env.LOG_LEVEL || 'info';
const password = 'Bench-Password-2026';
const log = (line: string) => process.stdout.write(`${line}\n`);
const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;

type Workload = { name: string; route: string; cookie: string; urls: string[] };
const searchRoute = 'GET /api/orgs/search?q=';
type QueryFigure = { q: string; hits: number; p50: number; p95: number };

async function benchTarget(target: Target) {
  const handle = await openMigratedDatabase(target);
  const db = handle.db;
  let fixtures: Fixtures;
  let imported: { orgs: number; firstMs: number; secondMs: number; secondCreated: number };
  let database: string;
  try {
    log(`importing Shaanxi (61) at village depth …`);
    let started = performance.now();
    const first = await importDivisions({
      db,
      provinceCode: '61',
      depth: 'village',
      onProgress: (p) => p.done === p.total && log(`  ${p.level}: ${p.total}`),
    });
    const firstMs = performance.now() - started;
    started = performance.now();
    const second = await importDivisions({ db, provinceCode: '61', depth: 'village' });
    const secondMs = performance.now() - started;
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const { n } = await db
      .selectFrom('orgs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    imported = {
      orgs: Number(n),
      firstMs: Math.round(firstMs),
      secondMs: Math.round(secondMs),
      secondCreated: sum(second.created),
    };
    if (sum(first.created) !== imported.orgs || imported.secondCreated !== 0)
      throw new Error(`unexpected import result ${JSON.stringify({ first, second })}`);
    // PostgreSQL's autovacuum would analyze the fresh table within a minute; do it now so plans are the steady-state ones.
    if (target.dialect === 'postgres') await sql`analyze`.execute(db);
    const version =
      target.dialect === 'postgres'
        ? sql<{ v: string }>`select version() as v`
        : sql<{ v: string }>`select 'SQLite ' || sqlite_version() as v`;
    database = (await version.execute(db)).rows[0].v;
    fixtures = await loadFixtures(db);
    await createAdmin(db, 'bench_province', password, '610000000000');
    await createAdmin(db, 'bench_county', password, scopedCounty.statCode);
  } finally {
    await handle.close();
  }

  const env: NodeJS.ProcessEnv = { ...process.env, TUANJIAN_DATA_DIR: target.dataDir, LOG_LEVEL: logLevel };
  delete env.DATABASE_URL;
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  const server = await startServer(env);
  try {
    const province = await login(server.base, 'bench_province', password);
    const county = await login(server.base, 'bench_county', password);
    const search = (queries: string[]) => queries.map((q) => `/api/orgs/search?q=${encodeURIComponent(q)}`);
    const cityUrls = (suffix: string) => fixtures.cities.map((id) => `/api/orgs/${id}${suffix}`);
    const workloads: Workload[] = [
      { name: 'province root', route: 'GET /api/orgs/roots', cookie: province, urls: ['/api/orgs/roots'] },
      { name: 'city detail', route: 'GET /api/orgs/:city', cookie: province, urls: cityUrls('') },
      { name: 'city children', route: 'GET /api/orgs/:city/children', cookie: province, urls: cityUrls('/children') },
      {
        name: 'county children',
        route: 'GET /api/orgs/:county/children',
        cookie: province,
        urls: fixtures.counties.map((id) => `/api/orgs/${id}/children`),
      },
      { name: 'search, province admin', route: searchRoute, cookie: province, urls: search(fixtures.provinceQueries) },
      {
        name: `search, ${scopedCounty.name} admin`,
        route: searchRoute,
        cookie: county,
        urls: search(fixtures.countyQueries),
      },
    ];

    // One request per distinct URL first: every one must answer 200, and the result sizes describe the workload.
    const hits = new Map<string, number>();
    for (const w of workloads) {
      for (const url of w.urls) {
        const body = (await getJson(server.base, url, w.cookie)) as { items?: unknown[] };
        if (body.items) hits.set(`${w.name} ${url}`, body.items.length);
      }
    }

    const stats: (Stats & { route: string; urls: number; avgItems: number | null })[] = [];
    const queries: Record<string, QueryFigure[]> = {};
    for (const w of workloads) {
      const sizes = w.urls.map((url) => hits.get(`${w.name} ${url}`)).filter((n) => n !== undefined);
      const avgItems = sizes.length ? Math.round((sizes.reduce((a, b) => a + b, 0) / sizes.length) * 10) / 10 : null;
      for (const concurrency of concurrencies) {
        const input = { base: server.base, cookie: w.cookie, urls: w.urls, concurrency };
        await load({ ...input, count: warmup });
        const run = await load({ ...input, count: requests });
        const row = { ...summarize(w.name, concurrency, run), route: w.route, urls: w.urls.length, avgItems };
        stats.push(row);
        log(
          `  ${row.workload}, ${row.route}  c=${concurrency}  p50 ${row.p50} ms  p95 ${row.p95} ms  ${row.rps} req/s`,
        );
        if (w.route === searchRoute && concurrency === 1) {
          queries[w.name] = [...run.byUrl].map(([url, samples]) => {
            const sorted = samples.sort((a, b) => a - b);
            const q = decodeURIComponent(url.slice(url.indexOf('q=') + 2));
            return {
              q,
              hits: hits.get(`${w.name} ${url}`) ?? 0,
              p50: Number(percentile(sorted, 50).toFixed(2)),
              p95: Number(percentile(sorted, 95).toFixed(2)),
            };
          });
        }
      }
    }
    return { database, import: imported, workloads: stats, searchQueries: queries };
  } finally {
    await server.stop();
  }
}

const host = machine();
log(`Tuanjian benchmark — ${host.cores} cores (${host.cpu}), ${host.memoryGiB} GiB, ${host.os}, node ${host.node}`);
log(
  `${requests} measured requests per row after ${warmup} warm-up; concurrency ${concurrencies.join(' and ')}; server log level ${logLevel}\n`,
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
  log(`\n${dialect}: ${result.database}; 1-minute load average ${load1m.before} before, ${load1m.after} after`);
  log(
    `import Shaanxi, village depth: ${result.import.orgs.toLocaleString('en-US')} orgs in ${ms(result.import.firstMs)}; second (idempotent) run ${ms(result.import.secondMs)}, ${result.import.secondCreated} created\n`,
  );
  const header = [
    'workload',
    'route',
    'conc',
    'urls',
    'items',
    'requests',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'req/s',
  ];
  const rows = result.workloads.map((s) => [
    s.workload,
    s.route,
    s.concurrency,
    s.urls,
    s.avgItems ?? '-',
    s.requests,
    s.p50,
    s.p95,
    s.p99,
    s.max,
    s.rps,
  ]);
  log(formatTable(header, rows, 2));
  for (const [name, figures] of Object.entries(result.searchQueries)) {
    const slowest = [...figures].sort((a, b) => b.p50 - a.p50).slice(0, 5);
    log(`\nslowest terms, ${name} (c=1): ${slowest.map((f) => `${f.q} ${f.p50} ms (${f.hits} hits)`).join(', ')}`);
  }
  const file = path.join(import.meta.dirname, 'results', `latest-${dialect}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const settings = { requests, warmup, concurrency: concurrencies, logLevel, load1m };
  fs.writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), dialect, machine: host, settings, ...result }, null, 2)}\n`,
  );
  log(`\nwritten ${path.relative(process.cwd(), file)}\n`);
}
