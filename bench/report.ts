import type { ImportFigures } from './ledger-bench.js';
import { formatTable, type Stats } from './lib.js';
import type { ProvinceLedger } from './province.js';

// The tables `npm run bench` prints for one database; the JSON results hold the same figures and more.

type Row = Stats & { route: string; urls: number; avgItems: number | null };

export type BenchResult = {
  database: string;
  import: { orgs: number; firstMs: number; secondMs: number; secondCreated: number };
  ledger: { scale: number; counts: ProvinceLedger['counts']; ms: ProvinceLedger['ms'] };
  dashboardOrgs: { city: string; county: string };
  workloads: Row[];
  searchQueries: Record<string, { q: string; hits: number; p50: number }[]>;
  contactImport: ImportFigures & {
    afterImport: { rollupDifferences: number; contacts: number; links: number; members: number; memberEvents: number };
  };
  memberImport: ImportFigures | null;
};

const n = (value: number) => value.toLocaleString('en-US');
const ms = (value: number) => `${n(Math.round(value))} ms`;

export function printResult(
  dialect: string,
  result: BenchResult,
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
  const header = ['workload', 'route', 'conc', 'urls', 'items', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];
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
  ]);
  log(
    formatTable(
      [...header, 'req/s'],
      rows.map((r, i) => [...r, result.workloads[i].rps]),
      2,
    ),
  );
  for (const [name, figures] of Object.entries(result.searchQueries)) {
    const slowest = [...figures].sort((a, b) => b.p50 - a.p50).slice(0, 5);
    log(`\nslowest terms, ${name} (c=1): ${slowest.map((f) => `${f.q} ${f.p50} ms (${f.hits} hits)`).join(', ')}`);
  }
  const i = result.contactImport;
  log(
    `\ncontact import (xlsx, ${n(i.rows)} rows, ${i.fileMiB} MiB written in ${ms(i.writeFileMs)}): ${i.status}` +
      `${i.error ? ` (${i.error})` : ''}; upload ${ms(i.uploadMs)}, job ${ms(i.jobMs)}, total ${ms(i.totalMs)}: ` +
      `${n(i.rowsPerSecond)} rows/s; server RSS ${i.rssBeforeMiB} MiB before, peak ${i.peakRssMiB} MiB (${i.peakSource})`,
  );
  if (i.counts) {
    log(
      `  rows ${n(i.counts.rows)}: ${n(i.counts.create)} created, ${n(i.counts.update)} updated, ${n(i.counts.unchanged)} unchanged, ${n(i.counts.errors)} errors; ${n(i.cadresCreated ?? 0)} cadres registered`,
    );
  }
  log(
    `  afterwards: ${n(i.afterImport.contacts)} contacts, ${n(i.afterImport.links)} links; roll-up differences from an independent count: ${i.afterImport.rollupDifferences}`,
  );
  const m = result.memberImport;
  if (!m) return;
  log(
    `\nmember import (CSV, ${n(m.rows)} rows, ${m.fileMiB} MiB written in ${ms(m.writeFileMs)} by a child process): ${m.status}` +
      `${m.error ? ` (${m.error})` : ''}; upload ${ms(m.uploadMs)}, job ${ms(m.jobMs)}, total ${ms(m.totalMs)}: ` +
      `${n(m.rowsPerSecond)} rows/s; server RSS ${m.rssBeforeMiB} MiB before, peak ${m.peakRssMiB} MiB (${m.peakSource})`,
  );
  if (m.counts) {
    log(
      `  rows ${n(m.counts.rows)}: ${n(m.counts.create)} created, ${n(m.counts.update)} updated, ${n(m.counts.unchanged)} unchanged, ${n(m.counts.errors)} errors`,
    );
  }
  if (m.health) {
    log(
      `  GET /healthz during the import (${m.health.samples} samples): p50 ${m.health.p50} ms, p95 ${m.health.p95} ms, max ${m.health.max} ms`,
    );
  }
  log(`  afterwards: ${n(i.afterImport.members)} members, ${n(i.afterImport.memberEvents)} member events`);
}
