import fs from 'node:fs';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { ImportResult, JobItem } from '../common/imports.js';
import type { Db } from '../server/db/schema.js';
import { processMemory, resetPeakMemory, type Workload } from './lib.js';

// What the benchmark measures on the generated ledger: campaign dashboards and laggard pages over HTTP, each
// as the org_admin of the level shown, and a contact import through the real upload and background job.

export type DashboardOrg = { id: number; name: string; statCode: string };
export type LedgerFixtures = {
  campaignId: number;
  province: DashboardOrg;
  city: DashboardOrg;
  county: DashboardOrg;
  /** Indicator ids by metric (and channel kind for the two channel counts). */
  indicators: { cadres: number; tuanqing: number; qingnong: number; plan: number };
};

/** The county with the most villages (ties: lowest code) and its city: the largest pages of their level. */
export async function loadLedgerFixtures(db: Db, campaignId: number): Promise<LedgerFixtures> {
  const pick = (id: number) =>
    db
      .selectFrom('orgs')
      .select(['id', 'name', 'stat_code as statCode'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow() as Promise<DashboardOrg>;
  const { rows } = await sql<{ id: number; parent_id: number }>`
    select c.id, c.parent_id from orgs c
    join orgs t on t.parent_id = c.id join orgs v on v.parent_id = t.id
    where c.level = 'county' and c.status = 'active'
    group by c.id, c.parent_id, c.stat_code order by count(*) desc, c.stat_code limit 1`.execute(db);
  const campaign = await db
    .selectFrom('campaigns')
    .select('root_org_id')
    .where('id', '=', campaignId)
    .executeTakeFirstOrThrow();
  const indicators = await db
    .selectFrom('indicators')
    .select(['id', 'metric', 'channel_kind'])
    .where('campaign_id', '=', campaignId)
    .execute();
  const find = (metric: string, kind?: string) =>
    indicators.find((i) => i.metric === metric && (kind === undefined || i.channel_kind === kind))!.id;
  return {
    campaignId,
    province: await pick(campaign.root_org_id),
    city: await pick(rows[0].parent_id),
    county: await pick(rows[0].id),
    indicators: {
      cadres: find('cadre_contact_share'),
      tuanqing: find('channel_count', 'tuanqing_group'),
      qingnong: find('channel_count', 'qingnong_group'),
      plan: find('plan_completion'),
    },
  };
}

export function ledgerWorkloads(
  f: LedgerFixtures,
  cookies: { province: string; city: string; county: string },
): Workload[] {
  const base = `/api/campaigns/${f.campaignId}`;
  const dashboard = (org: DashboardOrg) => `${base}/dashboard?orgId=${org.id}`;
  const laggards = (org: DashboardOrg, indicatorId: number, level: string, page = 1) =>
    `${base}/laggards?orgId=${org.id}&indicatorId=${indicatorId}&level=${level}&page=${page}&pageSize=20`;
  const dashboardRoute = 'GET /api/campaigns/:id/dashboard';
  const laggardRoute = 'GET /api/campaigns/:id/laggards';
  return [
    { name: 'dashboard, province', route: dashboardRoute, cookie: cookies.province, urls: [dashboard(f.province)] },
    { name: 'dashboard, city', route: dashboardRoute, cookie: cookies.city, urls: [dashboard(f.city)] },
    { name: 'dashboard, county', route: dashboardRoute, cookie: cookies.county, urls: [dashboard(f.county)] },
    {
      name: 'laggards, province townships',
      route: laggardRoute,
      cookie: cookies.province,
      urls: [laggards(f.province, f.indicators.tuanqing, 'township')],
    },
    {
      name: 'laggards, province villages',
      route: laggardRoute,
      cookie: cookies.province,
      urls: [laggards(f.province, f.indicators.cadres, 'village')],
    },
    {
      name: 'laggards, province villages p.500',
      route: laggardRoute,
      cookie: cookies.province,
      urls: [laggards(f.province, f.indicators.cadres, 'village', 500)],
    },
    {
      name: 'laggards, county villages',
      route: laggardRoute,
      cookie: cookies.county,
      urls: [laggards(f.county, f.indicators.cadres, 'village')],
    },
  ];
}

export type ImportFigures = {
  rows: number;
  fileMiB: number;
  writeFileMs: number;
  uploadMs: number;
  /** From the job's creation to its completion, as the server records them. */
  jobMs: number;
  /** From the start of the upload until the client sees the job done. */
  totalMs: number;
  rowsPerSecond: number;
  rssBeforeMiB: number | null;
  /** VmHWM of the server process during the import (reset before it), else the highest sampled VmRSS. */
  peakRssMiB: number | null;
  peakSource: 'VmHWM' | 'sampled VmRSS';
  status: string;
  error: string | null;
  counts: ImportResult['counts'] | null;
  cadresCreated: number | null;
  /** GET /healthz answered while the import ran (sampled every 100 ms), when asked for. */
  health: HealthFigures | null;
};

export type HealthFigures = { samples: number; p50: number; p95: number; max: number };

/** GET over node:http, without fetch's 300-second header timeout: a wait of many minutes is the figure. */
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
 * Requests /healthz (one database query) every 100 ms until `done()`: how long the server keeps a trivial request
 * waiting while it imports. One request at a time, so a request that waits for the import's transaction is one
 * sample, as long as the wait.
 */
async function sampleHealth(base: string, done: (samples: number) => boolean, gapMs = 100): Promise<HealthFigures> {
  const samples: number[] = [];
  while (!done(samples.length)) {
    const started = performance.now();
    await getWithoutTimeout(`${base}/healthz`);
    samples.push(performance.now() - started);
    await sleep(gapMs);
  }
  const sorted = samples.sort((a, b) => a - b);
  const at = (p: number) =>
    Number((sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0).toFixed(1));
  return { samples: sorted.length, p50: at(0.5), p95: at(0.95), max: at(1) };
}

/** /healthz of the idle server, the same way (one request at a time): the floor of the figures above. */
export function idleHealth(base: string, count = 50): Promise<HealthFigures> {
  return sampleHealth(base, (n) => n >= count, 20);
}

/** Uploads the file as multipart/form-data and polls GET /api/jobs/:id until the job ends. */
export async function measureImport(input: {
  base: string;
  pid: number;
  session: { cookie: string; csrfToken: string };
  orgId: number;
  file: string;
  rows: number;
  writeFileMs: number;
  log: (line: string) => void;
  /** Default: contacts, uploaded as contacts.xlsx. */
  kind?: 'contacts' | 'members';
  uploadName?: string;
  /** Sample /healthz latency while the import runs. */
  health?: boolean;
}): Promise<ImportFigures> {
  const { base, pid, session } = input;
  let finished = false;
  // A failed health request (the server gone) must not end the benchmark before the import's own error does.
  const health = input.health ? sampleHealth(base, () => finished).catch((): null => null) : null;
  const before = processMemory(pid);
  const peakReset = resetPeakMemory(pid);
  let sampledPeak = before?.rssMiB ?? 0;
  const started = performance.now();
  const form = new FormData();
  form.set('kind', input.kind ?? 'contacts');
  form.set('orgId', String(input.orgId));
  form.set('file', await fs.openAsBlob(input.file), input.uploadName ?? 'contacts.xlsx');
  const response = await fetch(`${base}/api/imports`, {
    method: 'POST',
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
    body: form,
  });
  const accepted = await response.text();
  if (response.status !== 202) {
    finished = true;
    throw new Error(`upload refused: ${response.status} ${accepted}`);
  }
  const uploadMs = performance.now() - started;
  const { jobId } = JSON.parse(accepted) as { jobId: number };
  let job: JobItem;
  let lastLog = performance.now();
  for (;;) {
    const poll = await fetch(`${base}/api/jobs/${jobId}`, { headers: { cookie: session.cookie } });
    job = (await poll.json()) as JobItem;
    sampledPeak = Math.max(sampledPeak, processMemory(pid)?.rssMiB ?? 0);
    if (job.status === 'done' || job.status === 'failed') break;
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      input.log(`  import job ${jobId}: ${job.status}, ${job.progress.done}/${job.progress.total ?? '?'} rows`);
    }
    await sleep(250);
  }
  const totalMs = performance.now() - started;
  finished = true;
  const after = processMemory(pid);
  const result = job.result as ImportResult | null;
  return {
    rows: input.rows,
    fileMiB: Math.round((fs.statSync(input.file).size / 2 ** 20) * 10) / 10,
    writeFileMs: input.writeFileMs,
    uploadMs: Math.round(uploadMs),
    jobMs: job.finishedAt ? Date.parse(job.finishedAt) - Date.parse(job.createdAt) : 0,
    totalMs: Math.round(totalMs),
    rowsPerSecond: Math.round((input.rows / totalMs) * 1000),
    rssBeforeMiB: before?.rssMiB ?? null,
    peakRssMiB: peakReset ? (after?.peakMiB ?? null) : sampledPeak,
    peakSource: peakReset ? 'VmHWM' : 'sampled VmRSS',
    status: job.status,
    error: job.error,
    counts: result?.counts ?? null,
    cadresCreated: result?.cadresCreated ?? null,
    health: health ? await health : null,
  };
}
