import type { Dialect } from './lib.js';
import { formatTable } from './lib.js';

// The headline figures of a run, each beside its floor: what the same work costs without the application (the
// database's own bulk path, the minimal SQL, a bare Fastify route). Every figure is the median of its runs, with
// the runs' min and max showing the machine's noise; `ratio` says how many times the floor it is, whichever way
// the unit points (value ÷ floor for a time or a size, floor ÷ value for a throughput), so 1 is the floor and
// larger is worse.

export type Better = 'lower' | 'higher';

export type Figure = {
  name: string;
  db: Dialect;
  value: number;
  unit: string;
  floor: number | null;
  ratio: number | null;
  min: number;
  max: number;
  runs: number;
  /** Whether a larger value is better (a throughput) or worse (a time, a size). */
  better: Better;
  /** The target of issue 5 for this figure, when it has one. */
  target: number | null;
  /** What the floor is, in a few words. */
  floorIs: string;
};

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const round = (n: number) => (Math.abs(n) >= 100 ? Math.round(n) : Number(n.toPrecision(3)));

/** A figure from its runs' values and its floor's (a number when measured once, or runs to take the median of). */
export function figure(input: {
  name: string;
  db: Dialect;
  unit: string;
  better: Better;
  values: readonly number[];
  floor: number | readonly number[] | null;
  floorIs: string;
  target?: number;
}): Figure {
  const value = median(input.values);
  const floor = input.floor === null ? null : typeof input.floor === 'number' ? input.floor : median(input.floor);
  const ratio =
    floor === null || !(floor > 0) || !(value > 0)
      ? null
      : Number((input.better === 'lower' ? value / floor : floor / value).toFixed(2));
  return {
    name: input.name,
    db: input.db,
    value: round(value),
    unit: input.unit,
    floor: floor === null ? null : round(floor),
    ratio,
    min: round(Math.min(...input.values)),
    max: round(Math.max(...input.values)),
    runs: input.values.length,
    better: input.better,
    target: input.target ?? null,
    floorIs: input.floorIs,
  };
}

/** Met, missed, or no target. */
function verdict(f: Figure): string {
  if (f.target === null) return '';
  const met = f.better === 'lower' ? f.value <= f.target : f.value >= f.target;
  return `${f.better === 'lower' ? '≤' : '≥'}${f.target.toLocaleString('en-US')} ${met ? 'met' : 'MISSED'}`;
}

const n = (value: number) => value.toLocaleString('en-US');

export function printFigures(figures: readonly Figure[], log: (line: string) => void): void {
  const rows = figures.map((f) => [
    f.name,
    f.db,
    n(f.value),
    f.unit,
    f.floor === null ? '-' : n(f.floor),
    f.ratio === null ? '-' : `${f.ratio}×`,
    f.runs > 1 ? `${n(f.min)}–${n(f.max)}` : '-',
    f.runs,
    verdict(f),
    f.floorIs,
  ]);
  log(
    formatTable(
      ['figure', 'db', 'value', 'unit', 'floor', 'ratio', 'min–max', 'runs', 'target', 'floor is'],
      rows,
      [0, 1, 3, 8, 9],
    ),
  );
}

/**
 * The figures of one dialect, added one by one: a target is SQLite's, and PostgreSQL's is within 2× of it,
 * whichever way the unit points.
 */
export function figureList(db: Dialect) {
  const out: Figure[] = [];
  const add = (input: Omit<Parameters<typeof figure>[0], 'db' | 'target'> & { target?: number }) => {
    const target =
      input.target === undefined || db === 'sqlite'
        ? input.target
        : input.better === 'lower'
          ? input.target * 2
          : input.target / 2;
    out.push(figure({ ...input, db, target }));
  };
  return { out, add };
}
