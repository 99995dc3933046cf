import type { ImportFigures } from './ledger-bench.js';
import { formatTable } from './lib.js';
import type { TargetResult } from './measure.js';

// The detailed tables `npm run bench` prints for one database, before its headline figures (bench/headline.ts);
// the JSON results hold the same figures and more.

const n = (value: number) => value.toLocaleString('en-US');
const ms = (value: number) => `${n(Math.round(value))} ms`;

function printImport(label: string, i: ImportFigures, log: (line: string) => void): void {
  log(
    `\n${label} (${n(i.rows)} rows, ${i.fileMiB} MiB written in ${ms(i.writeFileMs)}): ${i.status}` +
      `${i.error ? ` (${i.error})` : ''}; upload ${ms(i.uploadMs)}, job ${ms(i.jobMs)}, total ${ms(i.totalMs)}: ` +
      `${n(i.rowsPerSecond)} rows/s; server RSS ${i.rssBeforeMiB} MiB before, peak ${i.peakRssMiB} MiB (${i.peakSource})`,
  );
  if (i.counts) {
    log(
      `  rows ${n(i.counts.rows)}: ${n(i.counts.create)} created, ${n(i.counts.update)} updated, ${n(i.counts.unchanged)} unchanged, ${n(i.counts.errors)} errors` +
        (i.cadresCreated ? `; ${n(i.cadresCreated)} cadres registered` : ''),
    );
  }
  if (i.health) {
    log(
      `  GET /healthz during the import (${i.health.samples} samples): p50 ${i.health.p50} ms, p95 ${i.health.p95} ms, max ${i.health.max} ms`,
    );
  }
}

export function printResult(
  dialect: string,
  result: TargetResult,
  load1m: { before: number; after: number },
  log: (line: string) => void,
): void {
  log(`\n${dialect}: ${result.database}; 1-minute load average ${load1m.before} before, ${load1m.after} after`);
  log(
    `import Shaanxi, village depth: ${n(result.import.orgs)} orgs in ${ms(result.import.firstMs)}; second (idempotent) run ${ms(result.import.secondMs)}, ${result.import.secondCreated} created`,
  );
  const { counts, ms: took } = result.ledger;
  log(
    `ledger at scale ${result.ledger.scale}: ${n(counts.cadres)} cadres, ${n(counts.contacts)} contacts, ${n(counts.links)} links (${ms(took.people)}); ` +
      `${n(counts.channels.total)} channels, ${n(counts.channels.readings)} readings (${ms(took.channels)}); ` +
      `campaign with ${n(counts.plans)} plans computed in ${ms(took.campaign)}`,
  );
  log(`dashboards of ${result.dashboardOrgs.city} and ${result.dashboardOrgs.county}\n`);
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

  const i = result.contactImport;
  printImport('contact import (xlsx)', i, log);
  log(
    `  afterwards: ${n(i.afterImport.contacts)} contacts, ${n(i.afterImport.links)} links; roll-up differences from an independent count: ${i.afterImport.rollupDifferences}`,
  );
  if (result.memberImport) printImport('member import (CSV, written by a child process)', result.memberImport, log);
  if (result.idleHealth) {
    const h = result.idleHealth;
    log(
      `  GET /healthz of the idle server before it (${h.samples} samples): p50 ${h.p50} ms, p95 ${h.p95} ms, max ${h.max} ms`,
    );
  }
  result.xlsxImports.forEach((x, k) => printImport(`member import, xlsx sheet ${k + 1}`, x, log));
  if (result.memberImport) {
    log(`  afterwards: ${n(i.afterImport.members)} members, ${n(i.afterImport.memberEvents)} member events`);
  }

  if (result.memberLoad.length > 0) {
    log('\nmember searches and lists, autocannon (each run; the bare route in brackets)');
    const fmt = (runs: { p50: number; p95: number; rps: number }[], key: 'p50' | 'p95' | 'rps') =>
      runs.map((r) => r[key]).join(' / ');
    log(
      formatTable(
        ['workload', 'conn', 'urls', 'p50 ms', 'p95 ms', 'req/s', 'bare req/s'],
        result.memberLoad.map((r) => [
          r.workload,
          r.connections,
          r.urls,
          fmt(r.app, 'p50'),
          fmt(r.app, 'p95'),
          fmt(r.app, 'rps'),
          fmt(r.floor, 'rps'),
        ]),
      ),
    );
  }
  for (const t of result.twoInstances) {
    log(
      `two instances, ${t.workload}, ${t.connections} connections: one instance ${t.one.map((r) => r.rps).join(' / ')} req/s; ` +
        `two ${t.two.map((r) => r.rps).join(' / ')} req/s (each: ${t.each.map((runs) => runs.map((r) => r.rps).join(' / ')).join(' and ')})`,
    );
  }
  const { recompute, bulk } = result.inProcess;
  log(
    `\ncampaign recompute (whole province): ${recompute.seconds.map((s) => s.toFixed(2)).join(' / ')} s; ` +
      `its GROUP BY floor ${recompute.floorSeconds.map((s) => s.toFixed(3)).join(' / ')} s`,
  );
  if (bulk)
    log(
      `${bulk.tool} of the member CSV: ${bulk.seconds.join(' / ')} s, ${bulk.rowsPerSecond.map(n).join(' / ')} rows/s`,
    );
}
