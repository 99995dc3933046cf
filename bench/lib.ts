import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';

/** Where one benchmark run keeps its data: a temporary directory, plus a fresh PostgreSQL database if asked. */
export type Target = { dialect: Dialect; dataDir: string; databaseUrl: string | null; cleanup: () => Promise<void> };

/**
 * A fresh database for one run. For PostgreSQL, `adminUrl` names any database of the cluster (e.g. …/postgres);
 * a new database `tj_bench_<pid>_<hex>` is created next to it and dropped again by cleanup().
 */
export async function createTarget(dialect: Dialect, adminUrl: string): Promise<Target> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuanjian-bench-'));
  const removeDir = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (dialect === 'sqlite') return { dialect, dataDir, databaseUrl: null, cleanup: removeDir };

  const name = `tj_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const adminQuery = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  try {
    await adminQuery(`create database ${name}`);
  } catch (error) {
    await removeDir();
    const hint =
      'is PostgreSQL running (pg_ctlcluster 15 main start) and does the URL name a role allowed to create databases?';
    throw new Error(`cannot create ${name} via ${redact(adminUrl)}: ${String(error)}; ${hint}`);
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    dialect,
    dataDir,
    databaseUrl: url.toString(),
    cleanup: async () => {
      await adminQuery(`drop database if exists ${name} with (force)`);
      await removeDir();
    },
  };
}

const redact = (url: string) => url.replace(/:[^:@/]*@/, ':***@');

/** Starts bench/server.ts in a child process and resolves with its base URL once it listens. */
export function startServer(env: NodeJS.ProcessEnv): Promise<{ base: string; pid: number; stop: () => Promise<void> }> {
  const child: ChildProcess = fork(path.join(import.meta.dirname, 'server.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env,
    // The server's structured request log goes to /dev/null: written (as in production), not shown.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If the benchmark dies (an uncaught error skips every finally), the server must not outlive it.
  const killOnExit = () => child.kill();
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`benchmark server exited early (code ${code})`)));
    child.once('message', (message) => {
      const port = (message as { port?: unknown }).port;
      if (typeof port !== 'number') return reject(new Error('benchmark server sent no port'));
      resolve({
        base: `http://127.0.0.1:${port}`,
        pid: child.pid!,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** Logs in through the API and returns the Cookie header value of the session. */
export async function login(base: string, username: string, password: string): Promise<string> {
  return (await loginSession(base, username, password)).cookie;
}

/** A session that may also write: its cookie and the CSRF token every state change carries. */
export async function loginSession(
  base: string,
  username: string,
  password: string,
): Promise<{ cookie: string; csrfToken: string }> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': 'login' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200)
    throw new Error(`login as ${username} failed: ${response.status} ${await response.text()}`);
  const session = response.headers.getSetCookie().find((c) => c.startsWith('tj_sid='));
  if (!session) throw new Error('login set no tj_sid cookie');
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie: session.split(';')[0], csrfToken };
}

/** Resident and peak resident memory of a process, in MiB, from /proc (Linux). */
export function processMemory(pid: number): { rssMiB: number; peakMiB: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMiB: round(kib('VmRSS') / 1024, 1), peakMiB: round(kib('VmHWM') / 1024, 1) };
  } catch {
    return null;
  }
}

/** Resets the peak (VmHWM) to the current resident size, so that the next peak is the next phase's; false if refused. */
export function resetPeakMemory(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export async function getJson(base: string, url: string, cookie: string): Promise<unknown> {
  const response = await fetch(`${base}${url}`, { headers: { cookie } });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${body}`);
  return JSON.parse(body) as unknown;
}

/** A row of the table: a fixed set of URLs requested in turn with one session. */
export type Workload = { name: string; route: string; cookie: string; urls: string[] };

export type Run = { samples: number[]; wallMs: number; byUrl: Map<string, number[]> };

/**
 * Sends `count` GET requests over keep-alive connections (node's fetch), `concurrency` in flight at a time,
 * cycling through `urls`; every response must be 200 and is read to the end.
 */
export async function load(input: {
  base: string;
  cookie: string;
  urls: string[];
  count: number;
  concurrency: number;
}): Promise<Run> {
  const { base, cookie, urls, count } = input;
  const samples: number[] = [];
  const byUrl = new Map<string, number[]>();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const url = urls[next++ % urls.length];
      const started = performance.now();
      const response = await fetch(`${base}${url}`, { headers: { cookie } });
      const body = await response.arrayBuffer();
      const ms = performance.now() - started;
      if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${Buffer.from(body).toString()}`);
      samples.push(ms);
      const perUrl = byUrl.get(url);
      if (perUrl) perUrl.push(ms);
      else byUrl.set(url, [ms]);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: input.concurrency }, worker));
  return { samples, wallMs: performance.now() - started, byUrl };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export type Stats = {
  workload: string;
  concurrency: number;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  rps: number;
};

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

export function summarize(workload: string, concurrency: number, run: Run): Stats {
  const sorted = [...run.samples].sort((a, b) => a - b);
  return {
    workload,
    concurrency,
    requests: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    rps: round((sorted.length / run.wallMs) * 1000, 0),
  };
}

/**
 * A plain-text table: the first `left` columns (or the columns listed) left-aligned, the others (figures)
 * right-aligned.
 */
export function formatTable(
  header: string[],
  rows: (string | number)[][],
  left: number | readonly number[] = 1,
): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => displayWidth(r[i]))));
  const isLeft = (i: number) => (typeof left === 'number' ? i < left : left.includes(i));
  const pad = (text: string, i: number) => {
    const fill = ' '.repeat(widths[i] - displayWidth(text));
    return isLeft(i) ? text + fill : fill + text;
  };
  const lines = cells.map((r) => r.map(pad).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return lines.join('\n');
}

/** Terminal width: CJK characters take two columns. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return width;
}

export function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

/** 1-minute load average: other work on the machine shows up here and in every figure. */
export function loadAverage(): number {
  return round(os.loadavg()[0]);
}
