import type { CannonRun } from './cannon.js';
import { figureList, type Figure } from './figures.js';
import type { ImportFigures } from './ledger-bench.js';
import type { Dialect } from './lib.js';
import type { TargetResult } from './measure.js';
import { publishingFigures } from './publishing-bench.js';

// The headline figures of one database's run, each beside its floor (bench/README.md, "Figures"), with the
// targets of issue 5: measured on SQLite; PostgreSQL may be within 2× of them.

const targets = {
  csvRowsPerSecond: 100_000,
  xlsxRowsPerSecond: 40_000,
  peakRssMiB: 400,
  dashboardP95: 50,
  memberSearchP95: 100,
  listRps: 2_000,
  healthMax: 100,
};

export function headlineFigures(db: Dialect, r: TargetResult): Figure[] {
  const { out, add } = figureList(db);

  // An import that did not finish still has a rate (rows over the time it ran): its name says so.
  const failed = (imports: ImportFigures[]) => {
    const bad = imports.filter((i) => i.status !== 'done');
    return bad.length === 0 ? '' : ` (${bad.length} ${bad[0].status}: ${bad[0].error ?? ''})`;
  };
  const bulk = r.inProcess.bulk;
  const bulkIs = bulk ? `${bulk.tool}, same CSV` : 'no bulk load';
  const rssIs = 'server RSS before';
  if (r.memberImport) {
    const m = r.memberImport;
    add({
      name: `member import, CSV ${m.rows.toLocaleString('en-US')} rows${failed([m])}`,
      unit: 'rows/s',
      better: 'higher',
      values: [m.rowsPerSecond],
      floor: bulk?.rowsPerSecond ?? null,
      floorIs: bulkIs,
      target: targets.csvRowsPerSecond,
    });
    if (m.peakRssMiB !== null)
      add({
        name: 'member import, CSV: server peak RSS',
        unit: 'MiB',
        better: 'lower',
        values: [m.peakRssMiB],
        floor: m.rssBeforeMiB,
        floorIs: rssIs,
        target: targets.peakRssMiB,
      });
  }
  if (r.xlsxImports.length > 0) {
    const x = r.xlsxImports;
    add({
      name: `member import, xlsx ${x[0].rows.toLocaleString('en-US')} rows${failed(x)}`,
      unit: 'rows/s',
      better: 'higher',
      values: x.map((i) => i.rowsPerSecond),
      floor: bulk?.rowsPerSecond ?? null,
      floorIs: bulkIs,
      target: targets.xlsxRowsPerSecond,
    });
    add({
      name: 'member import, xlsx: server peak RSS',
      unit: 'MiB',
      better: 'lower',
      values: x.map((i) => i.peakRssMiB ?? NaN),
      floor: x.map((i) => i.rssBeforeMiB ?? NaN),
      floorIs: rssIs,
      target: targets.peakRssMiB,
    });
  }
  const health = r.memberImport?.health;
  if (health && r.idleHealth) {
    for (const key of ['p50', 'p95', 'max'] as const) {
      add({
        name: `/healthz during the CSV import, ${key}`,
        unit: 'ms',
        better: 'lower',
        values: [health[key]],
        floor: r.idleHealth[key],
        floorIs: '/healthz, idle server',
        target: key === 'max' ? targets.healthMax : undefined,
      });
    }
  }

  const sqlReads: [string, string, readonly ('p50' | 'p95' | 'p99')[]][] = [
    ['dashboard, province', 'dashboard, province', ['p50', 'p95', 'p99']],
    ['dashboard, city', 'dashboard, city', ['p50', 'p95', 'p99']],
    ['dashboard, county', 'dashboard, county', ['p50', 'p95', 'p99']],
    ['city children', 'org subtree: a city’s counties', ['p50', 'p95']],
    ['county children', 'org subtree: a county’s townships', ['p50', 'p95']],
    ['search, province admin', 'tree search, province admin', ['p50', 'p95']],
    [`search, ${r.searchCounty} admin`, `tree search, ${r.searchCounty} admin`, ['p50', 'p95']],
  ];
  for (const [workload, label, keys] of sqlReads) {
    const row = r.workloads.find((w) => w.workload === workload && w.concurrency === 1);
    if (!row || row.floor.length === 0) continue;
    const floor = row.floor;
    for (const key of keys) {
      add({
        name: `${label}, ${key} (c=1)`,
        unit: 'ms',
        better: 'lower',
        values: row.runs.map((run) => run[key]),
        floor: floor.map((run) => run[key]),
        floorIs: 'minimal SQL, in-process',
        target: workload.startsWith('dashboard') && key === 'p95' ? targets.dashboardP95 : undefined,
      });
    }
  }

  const bareIs = 'bare Fastify route, same bytes';
  const cannonFigures = (label: string, app: CannonRun[], floor: CannonRun[], connections: number, search: boolean) => {
    for (const key of ['p50', 'p95'] as const) {
      add({
        name: `${label}, ${key} (c=${connections})`,
        unit: 'ms',
        better: 'lower',
        values: app.map((a) => a[key]),
        floor: floor.map((f) => f[key]),
        floorIs: bareIs,
        target: search && key === 'p95' ? targets.memberSearchP95 : undefined,
      });
    }
    add({
      name: `${label}, req/s (c=${connections})`,
      unit: 'req/s',
      better: 'higher',
      values: app.map((a) => a.rps),
      floor: floor.map((f) => f.rps),
      floorIs: bareIs,
      target: !search && connections >= 50 ? targets.listRps : undefined,
    });
  };
  for (const row of r.memberLoad) {
    const search = !row.workload.includes(' list ');
    cannonFigures(row.workload, row.app, row.floor, row.connections, search);
  }
  for (const row of r.twoInstances) {
    const rps = (label: string, runs: CannonRun[]) =>
      add({
        name: `${row.workload}, ${label}, req/s (c=${row.connections})`,
        unit: 'req/s',
        better: 'higher',
        values: runs.map((a) => a.rps),
        floor: row.floor.map((f) => f.rps),
        floorIs: bareIs,
      });
    rps('one instance', row.one);
    rps('two instances', row.two);
  }

  add({
    name: 'campaign recompute, whole province',
    unit: 's',
    better: 'lower',
    values: r.inProcess.recompute.seconds,
    floor: r.inProcess.recompute.floorSeconds,
    floorIs: 'GROUP BY counts it reads',
  });
  if (r.publishing) out.push(...publishingFigures(db, r.publishing));
  return out;
}
