import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { printFigures, type Figure } from './figures.js';
import { scopedCounty } from './fixtures.js';
import { headlineFigures } from './headline.js';
import { createTarget, loadAverage, machine, type Dialect } from './lib.js';
import { benchTarget, type Settings } from './measure.js';
import { printPublishing, publishingFigures } from './publishing-bench.js';
import { benchPublishingOnly } from './publishing-run.js';
import { printResult } from './report.js';

// npm run bench: imports the Shaanxi tree (province 61, down to villages) into a fresh database, generates the
// new-media ledger and the seed's campaign on it (bench/province.ts), writes the sheets to upload, then measures
// every headline figure beside its floor (bench/measure.ts, bench/headline.ts): imports, dashboards, tree reads,
// member searches and lists, the campaign recompute, two instances. See bench/README.md for what each figure means.

const defaultPgUrl = 'postgres://tuanjian:tuanjian@127.0.0.1:5432/postgres';
const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string' },
    scale: { type: 'string', default: '1' },
    'import-rows': { type: 'string' },
    'member-rows': { type: 'string' },
    'member-xlsx-rows': { type: 'string' },
    seed: { type: 'string', default: '20261127' },
    runs: { type: 'string', default: '3' },
    requests: { type: 'string' },
    warmup: { type: 'string' },
    concurrency: { type: 'string', default: '1,8' },
    connections: { type: 'string', default: '2,50' },
    seconds: { type: 'string' },
    only: { type: 'string' },
    followers: { type: 'string', default: '100000' },
    'news-bulletins': { type: 'string', default: '10000' },
    deliveries: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(`npm run bench -- [--dialect sqlite|postgres|both] [--scale 1] [--runs 3] [--seed 20261127]
                      [--import-rows N] [--member-rows N] [--member-xlsx-rows N]
                      [--requests N] [--warmup N] [--concurrency 1,8] [--connections 2,50] [--seconds S]
                      [--only publishing] [--followers 100000] [--news-bulletins 10000] [--deliveries N]
  sqlite    fresh SQLite file in a temporary directory (default when DATABASE_URL is unset)
  postgres  fresh database created next to DATABASE_URL, else BENCH_PG_URL, else ${defaultPgUrl}; dropped afterwards
  both      sqlite, then postgres
  --scale   share of the full ledger in (0, 1]: 1 ≈ 100,000 cadres, 2,000,000 contacts, 20,000 channels
  --runs    runs per figure, reported as their median and min–max (default 3); also the number of xlsx imports
  --import-rows       contact rows uploaded as xlsx (default 1,000,000 × scale)
  --member-rows       member rows uploaded as CSV (default 2,000,000 × scale; 0 skips every member figure)
  --member-xlsx-rows  member rows of each xlsx sheet (default 200,000 × scale)
  --requests, --warmup  fetch-based reads: requests per run and warm-up requests, per row and concurrency
                        (default 500 and 300; 50 and 30 at --scale 0.01)
  --concurrency  requests in flight for the fetch-based reads (default 1,8)
  --connections  autocannon connections for the member searches and lists (default 2,50)
  --seconds      autocannon seconds per run (default 5; 0.5 at --scale 0.01)
  --only publishing   the Shaanxi tree and the publishing figures only (no ledger, sheets, imports or member figures)
  --followers         followers already in the ledger of each callback account (default 100,000)
  --news-bulletins    published bulletins over the demo county's orgs for the news pages (default 10,000)
  --deliveries        approved bulletins sent per delivery run (default 1,000; 100 at --scale 0.01)\n`);
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
const list = (text: string, flag: string) => text.split(',').map((c) => count(c, flag, 1));
const scale = Number(args.scale);
if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be in (0, 1], not "${args.scale}"`);
// A small scale is a quick run: below 0.1 the default request counts and load times shrink with it.
const quick = Math.min(1, Math.max(0.1, scale * 10));
const seconds = Number(args.seconds ?? Math.max(0.5, 5 * quick));
if (!(seconds > 0)) throw new Error(`--seconds must be a positive number, not "${args.seconds}"`);
const settings: Settings = {
  scale,
  seed: count(args.seed, 'seed', 0),
  importRows: count(args['import-rows'] ?? String(Math.round(1_000_000 * scale)), 'import-rows', 1),
  memberRows: count(args['member-rows'] ?? String(Math.round(2_000_000 * scale)), 'member-rows', 0),
  memberXlsxRows: count(args['member-xlsx-rows'] ?? String(Math.round(200_000 * scale)), 'member-xlsx-rows', 0),
  runs: count(args.runs, 'runs', 1),
  requests: count(args.requests ?? String(Math.round(500 * quick)), 'requests', 1),
  warmup: count(args.warmup ?? String(Math.round(300 * quick)), 'warmup', 0),
  concurrency: list(args.concurrency, 'concurrency'),
  connections: list(args.connections, 'connections'),
  seconds,
  warmupSeconds: Math.max(0.25, seconds / 5),
  logLevel: process.env.LOG_LEVEL || 'info',
  only: onlyPublishing(args.only),
  followers: count(args.followers, 'followers', 1),
  newsBulletins: count(args['news-bulletins'], 'news-bulletins', 1),
  deliveries: count(args.deliveries ?? String(Math.round(1000 * quick)), 'deliveries', 1),
};
const log = (line: string) => process.stdout.write(`${line}\n`);
const n = (value: number) => value.toLocaleString('en-US');

const host = machine();
const started = new Date();
log(`Tuanjian benchmark — ${host.cores} cores (${host.cpu}), ${host.memoryGiB} GiB, ${host.os}, node ${host.node}`);
log(
  `scale ${scale} (seed ${settings.seed}); ${n(settings.importRows)} contact rows, ${n(settings.memberRows)} member rows as CSV ` +
    `and ${settings.runs} × ${n(settings.memberXlsxRows)} as xlsx to import; ${settings.runs} runs per figure; ` +
    `reads: ${settings.requests} requests per run after ${settings.warmup} warm-up, concurrency ${settings.concurrency.join(' and ')}; ` +
    `autocannon: ${settings.connections.join(' and ')} connections, ${settings.seconds} s per run; server log level ${settings.logLevel}; ` +
    `county searched: ${scopedCounty.name}\n`,
);
const resultsDir = path.join(import.meta.dirname, 'results');
fs.mkdirSync(resultsDir, { recursive: true });
const figures: Figure[] = [];
const runs: { dialect: Dialect; database: string; load1m: { before: number; after: number }; wallMs: number }[] = [];
for (const dialect of dialects) {
  log(`== ${dialect} ==`);
  const loadBefore = loadAverage();
  const wallStart = performance.now();
  const target = await createTarget(dialect, pgUrl);
  type Result =
    | ({ full: true } & Awaited<ReturnType<typeof benchTarget>>)
    | ({ full: false } & Awaited<ReturnType<typeof benchPublishingOnly>>);
  let result: Result;
  try {
    result = settings.only
      ? { full: false, ...(await benchPublishingOnly(target, settings, log)) }
      : { full: true, ...(await benchTarget(target, settings, log)) };
  } finally {
    await target.cleanup();
  }
  const wallMs = Math.round(performance.now() - wallStart);
  const load1m = { before: loadBefore, after: loadAverage() };
  if (result.full) printResult(dialect, result, load1m, log);
  else log(`\n${dialect}: ${result.database}; 1-minute load average ${load1m.before} before, ${load1m.after} after`);
  if (result.publishing) printPublishing(result.publishing, log);
  const headline = result.full ? headlineFigures(dialect, result) : publishingFigures(dialect, result.publishing);
  log(
    `\n${dialect}: every figure beside its floor (median of its runs; ratio = how many times the floor, 1 = the floor)\n`,
  );
  printFigures(headline, log);
  log(`\n${dialect}: ${(wallMs / 1000).toFixed(0)} s in all; ${formatPhases(result.phasesMs)}`);
  figures.push(...headline);
  runs.push({ dialect, database: result.database, load1m, wallMs });
  const file = path.join(resultsDir, `latest-${dialect}.json`);
  const detail = { date: new Date().toISOString(), dialect, machine: host, settings: { ...settings, load1m }, wallMs };
  fs.writeFileSync(file, `${JSON.stringify({ ...detail, figures: headline, ...result }, null, 2)}\n`);
  log(`written ${path.relative(process.cwd(), file)}\n`);
}
if (dialects.length > 1) {
  log(`\nall figures, side by side\n`);
  printFigures(
    [...figures].sort((a, b) => order(a) - order(b) || a.db.localeCompare(b.db) * -1),
    log,
  );
}
const file = path.join(resultsDir, 'latest.json');
fs.writeFileSync(
  file,
  `${JSON.stringify({ date: started.toISOString(), machine: host, settings, runs, figures }, null, 2)}\n`,
);
log(`\nwritten ${path.relative(process.cwd(), file)}`);

/** Figures keep the order of their first appearance, each database's beside the other's. */
function order(f: Figure): number {
  return figures.findIndex((g) => g.name === f.name);
}

function onlyPublishing(value: string | undefined): 'publishing' | null {
  if (value === undefined) return null;
  if (value !== 'publishing') throw new Error(`--only takes "publishing", not "${value}"`);
  return value;
}

function formatPhases(phases: Record<string, number>): string {
  return Object.entries(phases)
    .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
    .join(', ');
}
