import { startBareServer, type RecordedResponse } from './bare-server.js';
import { cannon, cannonTogether, type CannonRun } from './cannon.js';
import { median } from './figures.js';
import type { Workload } from './lib.js';
import type { MemberProbes } from './member-file.js';

// The member register at the size of the import: searches as a branch secretary or a county cadre types them
// (a name prefix, a full ID number, a full phone) and paged lists, over HTTP, after the member sheet went in.
// Loaded with autocannon at 2 and 50 connections, beside the same responses served by a bare Fastify route.

export type MemberFixtures = MemberProbes & {
  provinceId: number;
  /** The county of the dashboards (the most villages) and branches that received members. */
  countyId: number;
  branchIds: number[];
};

export const memberRoute = 'GET /api/members';

export function memberWorkloads(f: MemberFixtures, cookies: { province: string; county: string }): Workload[] {
  const list = (orgId: number, extra = '') => `/api/members?orgId=${orgId}${extra}`;
  const search = (orgId: number, q: string) => list(orgId, `&q=${encodeURIComponent(q)}`);
  const surnames = ['王', '李', '张', '刘', '陈', '杨', '赵', '司马'];
  return [
    {
      name: 'members, name prefix, province',
      route: memberRoute,
      cookie: cookies.province,
      urls: [...surnames, ...f.namePrefixes.slice(0, 40)].map((q) => search(f.provinceId, q)),
    },
    {
      name: 'members, name prefix, county',
      route: memberRoute,
      cookie: cookies.county,
      urls: [...surnames, ...f.namePrefixes.slice(0, 40)].map((q) => search(f.countyId, q)),
    },
    {
      name: 'members, full ID number',
      route: memberRoute,
      cookie: cookies.province,
      urls: f.idNumbers.map((q) => search(f.provinceId, q)),
    },
    {
      name: 'members, full phone',
      route: memberRoute,
      cookie: cookies.province,
      urls: f.phones.map((q) => search(f.provinceId, q)),
    },
    {
      name: 'members, branch list p.1',
      route: memberRoute,
      cookie: cookies.province,
      urls: f.branchIds.map((id) => list(id, '&scope=own&page=1&pageSize=20')),
    },
    {
      name: 'members, province list p.1',
      route: memberRoute,
      cookie: cookies.province,
      urls: [list(f.provinceId, '&page=1&pageSize=20')],
    },
    {
      name: 'members, county list p.1–50',
      route: memberRoute,
      cookie: cookies.county,
      urls: [1, 2, 5, 10, 20, 50].map((page) => list(f.countyId, `&page=${page}&pageSize=20`)),
    },
  ];
}

/** The member workloads loaded with autocannon (the others are variations of these). */
export const loadedMemberWorkloads = [
  'members, name prefix, province',
  'members, name prefix, county',
  'members, full ID number',
  'members, province list p.1',
  'members, county list p.1–50',
] as const;

export type LoadSettings = { connections: readonly number[]; seconds: number; runs: number; warmupSeconds: number };
export type LoadRow = {
  workload: string;
  route: string;
  urls: number;
  connections: number;
  app: CannonRun[];
  floor: CannonRun[];
};

/** Each URL's answer, as the app gives it to the workload's user: what the bare server will answer. */
async function recordResponses(base: string, workloads: readonly Workload[]): Promise<RecordedResponse[]> {
  const out = new Map<string, RecordedResponse>();
  for (const w of workloads) {
    for (const url of w.urls) {
      const response = await fetch(`${base}${url}`, { headers: { cookie: w.cookie } });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${body.toString()}`);
      out.set(url, { url, contentType: response.headers.get('content-type') ?? 'application/json', body });
    }
  }
  return [...out.values()];
}

/**
 * Every workload at every connection count through the app, then through the bare server with the same URLs
 * (the floor), one after the other so that both see the same machine.
 */
export async function loadWorkloads(input: {
  base: string;
  workloads: readonly Workload[];
  dir: string;
  settings: LoadSettings;
  log: (line: string) => void;
}): Promise<LoadRow[]> {
  const bare = await startBareServer(await recordResponses(input.base, input.workloads), input.dir);
  const rows: LoadRow[] = [];
  try {
    for (const w of input.workloads) {
      for (const connections of input.settings.connections) {
        const options = { ...input.settings, connections };
        const app = await cannon({ base: input.base, cookie: w.cookie, urls: w.urls }, options);
        const floor = await cannon({ base: bare.base, urls: w.urls }, options);
        rows.push({ workload: w.name, route: w.route, urls: w.urls.length, connections, app, floor });
        const at = (runs: CannonRun[], key: 'p50' | 'p95' | 'rps') => median(runs.map((r) => r[key]));
        input.log(
          `  ${w.name} c=${connections}: p50 ${at(app, 'p50')} ms, p95 ${at(app, 'p95')} ms, ${at(app, 'rps')} req/s; bare route ${at(floor, 'rps')} req/s`,
        );
      }
    }
  } finally {
    await bare.stop();
  }
  return rows;
}

export type TwoInstanceRow = {
  workload: string;
  connections: number;
  one: CannonRun[];
  two: CannonRun[];
  /** Each instance's share of the runs of `two`. */
  each: CannonRun[][];
  floor: CannonRun[];
};

/**
 * The same workloads through one instance, then through two instances on the same database with the connections
 * split between them, and through the bare route (the floor).
 */
export async function loadTwoInstances(input: {
  bases: readonly [string, string];
  workloads: readonly Workload[];
  dir: string;
  settings: Omit<LoadSettings, 'connections'> & { connections: number };
  log: (line: string) => void;
}): Promise<TwoInstanceRow[]> {
  const [first, second] = input.bases;
  const bare = await startBareServer(await recordResponses(first, input.workloads), input.dir);
  const rows: TwoInstanceRow[] = [];
  try {
    for (const w of input.workloads) {
      const one = await cannon({ base: first, cookie: w.cookie, urls: w.urls }, input.settings);
      const both = await cannonTogether(
        [first, second].map((base) => ({ base, cookie: w.cookie, urls: w.urls })),
        input.settings,
      );
      const floor = await cannon({ base: bare.base, urls: w.urls }, input.settings);
      rows.push({
        workload: w.name,
        connections: input.settings.connections,
        one,
        two: both.combined,
        each: both.each,
        floor,
      });
      const rps = (runs: CannonRun[]) => median(runs.map((r) => r.rps));
      input.log(
        `  ${w.name} c=${input.settings.connections}: one instance ${rps(one)} req/s, two ${rps(both.combined)} req/s, bare route ${rps(floor)} req/s`,
      );
    }
  } finally {
    await bare.stop();
  }
  return rows;
}
