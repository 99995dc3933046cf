import { openMigratedDatabase } from '../server/runtime.js';
import { scopedCounty, searchRoute, treeWorkloads } from './fixtures.js';
import { readFloorCalls, timeCalls, type LatencyRun, type SqlCall } from './floors.js';
import { measureInProcess } from './in-process.js';
import { idleHealth, ledgerWorkloads, measureImport, type HealthFigures, type ImportFigures } from './ledger-bench.js';
import {
  getJson,
  load,
  login,
  loginSession,
  percentile,
  startServer,
  summarize,
  type Stats,
  type Target,
  type Workload,
} from './lib.js';
import {
  loadedMemberWorkloads,
  loadTwoInstances,
  loadWorkloads,
  memberWorkloads,
  type LoadRow,
  type TwoInstanceRow,
} from './member-bench.js';
import { benchPassword, benchUsers, checkAfterImport, prepareTarget, serverEnvironment } from './prepare.js';
import { median } from './figures.js';
import { fakeWechatEnvironment, startPublishingFake, type PublishingResult } from './publishing-bench.js';
import { preparePublishing, runPublishing } from './publishing-run.js';

// One database's run, phase by phase: prepare (tree, ledger, sheets), the in-process figures (recompute, SQL and
// bulk floors), then with the server in a child process: the tree and campaign reads, the contact import, the
// member import with /healthz, the member searches and lists under autocannon beside a bare route, two instances
// (PostgreSQL), the xlsx member imports; afterwards the independent count of every campaign figure.

export type Settings = {
  scale: number;
  seed: number;
  importRows: number;
  memberRows: number;
  memberXlsxRows: number;
  runs: number;
  requests: number;
  warmup: number;
  concurrency: number[];
  connections: number[];
  seconds: number;
  warmupSeconds: number;
  logLevel: string;
  /** `--only publishing`: the tree and the publishing figures, nothing else. */
  only: 'publishing' | null;
  /** Publishing: followers per callback account, published bulletins, deliveries per run. */
  followers: number;
  newsBulletins: number;
  deliveries: number;
};

export type QueryFigure = { q: string; hits: number; p50: number; p95: number };
/**
 * A read at one concurrency: the median of its runs' figures, and the runs; at concurrency 1, the runs of its
 * floor (the minimal SQL, in-process), each right after the HTTP run of the same index.
 */
export type Row = Stats & { route: string; urls: number; avgItems: number | null; runs: Stats[]; floor: LatencyRun[] };

export async function benchTarget(target: Target, s: Settings, log: (line: string) => void) {
  const phases: Record<string, number> = {};
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      phases[name] = Math.round(performance.now() - started);
      log(`  [${name}: ${(phases[name] / 1000).toFixed(1)} s]`);
    }
  };
  const prepared = await phase('prepare', () =>
    prepareTarget(target, {
      scale: s.scale,
      importRows: s.importRows,
      memberRows: s.memberRows,
      memberXlsxRows: s.memberXlsxRows,
      xlsxFiles: s.runs,
      seed: s.seed,
      log,
    }),
  );
  const { fixtures, ledgerFixtures, importFile, memberFile, memberXlsxFiles, memberFixtures } = prepared;
  const inProcess = await phase('in-process figures', () =>
    measureInProcess(target, { ledger: ledgerFixtures, memberCsv: memberFile, runs: s.runs, log }),
  );

  const publishingFixtures = await phase('publishing data', () => preparePublishing(target, s, log));

  // The upload limit is raised to the files' size: the benchmark measures the import, not the limit.
  const largest = Math.max(importFile.bytes, memberFile?.bytes ?? 0, ...memberXlsxFiles.map((f) => f.bytes));
  const limitMiB = String(Math.max(100, Math.ceil(largest / 2 ** 20) + 10));
  const fake = await startPublishingFake(publishingFixtures);
  const env = serverEnvironment(target, {
    LOG_LEVEL: s.logLevel,
    TUANJIAN_MAX_SPREADSHEET_MB: limitMiB,
    ...fakeWechatEnvironment(fake),
  });
  const server = await startServer(env).catch(async (error: unknown) => {
    await fake.close();
    throw error;
  });
  let reads: { stats: Row[]; queries: Record<string, QueryFigure[]> };
  let contactImport: ImportFigures;
  let idle: HealthFigures | null = null;
  let memberImport: ImportFigures | null = null;
  let memberLoad: LoadRow[] = [];
  let twoInstances: TwoInstanceRow[] = [];
  const xlsxImports: ImportFigures[] = [];
  let publishing: PublishingResult | null = null;
  try {
    const as = (user: string) => login(server.base, user, benchPassword);
    const cookies = {
      province: await as(benchUsers.province),
      searchCounty: await as(benchUsers.searchCounty),
      city: await as(benchUsers.city),
      county: await as(benchUsers.county),
    };
    const ledgerReads = ledgerWorkloads(ledgerFixtures, cookies);
    const workloads = [
      ...treeWorkloads(fixtures, { province: cookies.province, county: cookies.searchCounty }),
      ...ledgerReads,
    ];
    reads = await phase('tree and campaign reads', async () => {
      // The floors' own connection, open while the server idles between requests.
      const floorDb = await openMigratedDatabase(target);
      try {
        const floors = await readFloorCalls(floorDb.db, { fixtures, ledger: ledgerFixtures });
        return await runWorkloads(server.base, workloads, floors, s, log);
      } finally {
        await floorDb.close();
      }
    });
    log(`uploading ${importFile.rows.toLocaleString('en-US')} contact rows (${importFile.bytes} bytes) …`);
    const importAs = async () => loginSession(server.base, benchUsers.province, benchPassword);
    const importInput = { base: server.base, pid: server.pid, orgId: ledgerFixtures.province.id, log };
    contactImport = await phase('contact import', async () =>
      measureImport({
        ...importInput,
        session: await importAs(),
        file: importFile.path,
        rows: importFile.rows,
        writeFileMs: importFile.ms,
      }),
    );
    if (memberFile && memberFixtures) {
      idle = await idleHealth(server.base);
      log(`uploading ${memberFile.rows.toLocaleString('en-US')} member rows (${memberFile.bytes} bytes of CSV) …`);
      memberImport = await phase('member import (CSV)', async () =>
        measureImport({
          ...importInput,
          session: await importAs(),
          file: memberFile.path,
          rows: memberFile.rows,
          writeFileMs: memberFile.ms,
          kind: 'members',
          uploadName: 'members.csv',
          health: true,
        }),
      );
      log(`  ${memberImport.status}: ${memberImport.rowsPerSecond} rows/s, peak RSS ${memberImport.peakRssMiB} MiB`);
      // The searches need the register; without it, what else there is to measure still is.
      if (memberImport.status === 'done') {
        const members = memberWorkloads(memberFixtures, { province: cookies.province, county: cookies.county });
        const loaded = members.filter((w) => (loadedMemberWorkloads as readonly string[]).includes(w.name));
        const load = { runs: s.runs, seconds: s.seconds, warmupSeconds: s.warmupSeconds };
        log(
          `member searches and lists with autocannon (${s.connections.join(' and ')} connections, ${s.runs} × ${s.seconds} s) …`,
        );
        memberLoad = await phase('member searches and lists', () =>
          loadWorkloads({
            base: server.base,
            workloads: loaded,
            dir: target.dataDir,
            settings: { ...load, connections: s.connections },
            log,
          }),
        );
        if (target.dialect === 'postgres') {
          const connections = Math.max(...s.connections);
          log(`two instances on one database, ${connections} connections split between them …`);
          twoInstances = await phase('two instances', async () => {
            const second = await startServer(env);
            try {
              return await loadTwoInstances({
                bases: [server.base, second.base],
                workloads: [
                  members.find((w) => w.name === 'members, county list p.1–50')!,
                  ledgerReads.find((w) => w.name === 'dashboard, province')!,
                ],
                dir: target.dataDir,
                settings: { ...load, connections },
                log,
              });
            } finally {
              await second.stop();
            }
          });
        }
      } else {
        log(`  member searches, lists and two instances skipped: the CSV import ${memberImport.status}`);
      }
      for (const xlsx of memberXlsxFiles) {
        log(`uploading ${xlsx.rows.toLocaleString('en-US')} member rows (${xlsx.bytes} bytes of xlsx) …`);
        const figures = await phase(`member import (xlsx ${xlsxImports.length + 1})`, async () =>
          measureImport({
            ...importInput,
            session: await importAs(),
            file: xlsx.path,
            rows: xlsx.rows,
            writeFileMs: xlsx.ms,
            kind: 'members',
            uploadName: 'members.xlsx',
          }),
        );
        log(`  ${figures.status}: ${figures.rowsPerSecond} rows/s, peak RSS ${figures.peakRssMiB} MiB`);
        xlsxImports.push(figures);
      }
    }
    publishing = await phase('publishing', () =>
      runPublishing({ target, base: server.base, fake, fixtures: publishingFixtures, settings: s, log }),
    );
  } finally {
    await server.stop();
    await fake.close();
  }
  const afterImport = await phase('independent count', () => checkAfterImport(target, ledgerFixtures.campaignId));
  return {
    database: prepared.database,
    import: prepared.treeImport,
    ledger: { scale: s.scale, seed: s.seed, counts: prepared.ledger.counts, ms: prepared.ledger.ms },
    dashboardOrgs: { city: ledgerFixtures.city.name, county: ledgerFixtures.county.name },
    searchCounty: scopedCounty.name,
    inProcess,
    workloads: reads.stats,
    searchQueries: reads.queries,
    contactImport: { ...contactImport, afterImport },
    idleHealth: idle,
    memberImport,
    memberLoad,
    twoInstances,
    xlsxImports,
    publishing,
    phasesMs: phases,
  };
}

export type TargetResult = Awaited<ReturnType<typeof benchTarget>>;

/** The fetch-based reads: per workload and concurrency, a warm-up, then `runs` runs of `requests` requests. */
async function runWorkloads(
  base: string,
  workloads: readonly Workload[],
  floors: Record<string, SqlCall[]>,
  s: Settings,
  log: (line: string) => void,
): Promise<{ stats: Row[]; queries: Record<string, QueryFigure[]> }> {
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
    for (const concurrency of s.concurrency) {
      const input = { base, cookie: w.cookie, urls: w.urls, concurrency };
      const floorCalls = concurrency === 1 ? floors[w.name] : undefined;
      await load({ ...input, count: s.warmup });
      if (floorCalls) await timeCalls(floorCalls, s.warmup);
      const runs: Stats[] = [];
      const floor: LatencyRun[] = [];
      const byUrl = new Map<string, number[]>();
      for (let i = 0; i < s.runs; i++) {
        const run = await load({ ...input, count: s.requests });
        runs.push(summarize(w.name, concurrency, run));
        for (const [url, samples] of run.byUrl) byUrl.set(url, [...(byUrl.get(url) ?? []), ...samples]);
        if (floorCalls) floor.push(await timeCalls(floorCalls, s.requests));
      }
      const mid = (key: keyof Omit<Stats, 'workload'>) => median(runs.map((r) => r[key]));
      const row: Row = {
        workload: w.name,
        concurrency,
        requests: runs.reduce((sum, r) => sum + r.requests, 0),
        p50: mid('p50'),
        p95: mid('p95'),
        p99: mid('p99'),
        max: mid('max'),
        mean: mid('mean'),
        rps: mid('rps'),
        route: w.route,
        urls: w.urls.length,
        avgItems,
        runs,
        floor,
      };
      stats.push(row);
      log(`  ${row.workload}, ${row.route}  c=${concurrency}  p50 ${row.p50} ms  p95 ${row.p95} ms  ${row.rps} req/s`);
      if (w.route === searchRoute && concurrency === 1) {
        queries[w.name] = [...byUrl].map(([url, samples]) => {
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
