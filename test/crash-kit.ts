import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { addDays } from '../common/dates.js';
import { composeIdNumber } from '../common/id-number.js';
import { testPassword, type TestUser } from './factories.js';
import { keepChildLogs } from './log-capture.js';

// The pieces of server/crash.test.ts: the real server (server/main.ts) as a child process that is killed with
// SIGKILL and started again, an HTTP client that remembers what the server acknowledged, seeded randomness.

/** A small seeded generator (mulberry32): the same seed gives the same plan of kills. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const children = new Set<ChildProcess>();
// A test process never leaves a server behind, whatever ends it.
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

let cleanedUp = false;

/** Kills every server this process started and waits for them (a test's clean-up); none starts after it. */
export async function killAllServers(): Promise<void> {
  cleanedUp = true;
  await Promise.all(
    [...children].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit').catch(() => {});
      child.ref(); // waited for: keeps the test alive until it is gone
      child.kill('SIGKILL');
      await exited;
    }),
  );
}

export type ServerChild = {
  url: string;
  port: number;
  pid: number;
  output: () => string;
  /** SIGKILL, then waits for the process to be gone. */
  kill: () => Promise<void>;
};

/** Starts server/main.ts on a free port and waits until /healthz answers. */
export async function startServer(env: Record<string, string>): Promise<ServerChild> {
  const port = await freePort();
  // A test that failed may go on in the background after the clean-up: it must not start a server then.
  if (cleanedUp) throw new Error('the test is over: no server is started');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  // The test's own waits keep it alive; a server left by a failed test must not (the exit handler kills it).
  child.unref();
  (child.stdout as net.Socket).unref();
  (child.stderr as net.Socket).unref();
  keepChildLogs(child, 'crash');
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = once(child, 'exit').catch(() => {});
  const url = `http://127.0.0.1:${port}`;
  const server: ServerChild = {
    url,
    port,
    pid: child.pid!,
    output: () => output,
    kill: async () => {
      child.ref();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited at start:\n${output}`);
    const healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return server;
    if (Date.now() > deadline) {
      await server.kill();
      throw new Error(`the server did not become healthy:\n${output}`);
    }
    await sleep(50);
  }
}

export type Session = { cookie: string; csrfToken: string };

/** No request waits forever: a server that hangs (rather than dies) fails the test instead of stalling it. */
const patience = () => AbortSignal.timeout(120_000);

export async function login(server: ServerChild, user: TestUser): Promise<Session> {
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': 'login' },
    body: JSON.stringify({ username: user.username, password: testPassword }),
    signal: patience(),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const cookie = response.headers
    .getSetCookie()
    .map((c) => /^tj_sid=([^;]+)/.exec(c)?.[1])
    .find(Boolean);
  assert.ok(cookie, 'login set a session cookie');
  return { cookie, csrfToken: ((await response.json()) as { csrfToken: string }).csrfToken };
}

/** The answer to a request, or null when the connection died first (the server was killed): outcome unknown. */
export async function send(
  server: ServerChild,
  session: Session,
  method: string,
  url: string,
  body?: { json: unknown } | { payload: Buffer; headers: Record<string, string> },
): Promise<{ status: number; text: string } | null> {
  const headers: Record<string, string> = { cookie: `tj_sid=${session.cookie}`, 'x-csrf-token': session.csrfToken };
  let payload: string | Uint8Array<ArrayBuffer> | undefined;
  if (!body) payload = undefined;
  else if ('json' in body) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else {
    Object.assign(headers, body.headers);
    payload = new Uint8Array(body.payload);
  }
  try {
    const response = await fetch(`${server.url}${url}`, { method, headers, body: payload, signal: patience() });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new Error(`${method} ${url}: no answer in 120 s`);
    return null;
  }
}

/**
 * Sends a large multipart upload slowly, so that the server is still receiving it when it is killed. Resolves when
 * the request has ended one way or the other; `sent` tells how many bytes went out.
 */
export function trickleUpload(
  server: ServerChild,
  session: Session,
  body: { payload: Buffer; headers: Record<string, string> },
): { done: Promise<void>; sent: () => number } {
  let sent = 0;
  const request = http.request(`${server.url}/api/imports`, {
    method: 'POST',
    timeout: 120_000,
    headers: {
      ...body.headers,
      'content-length': String(body.payload.length),
      cookie: `tj_sid=${session.cookie}`,
      'x-csrf-token': session.csrfToken,
    },
  });
  request.on('timeout', () => request.destroy(new Error('no answer in 120 s')));
  const done = new Promise<void>((resolve) => {
    request.on('error', () => resolve());
    request.on('response', (response) => {
      response.resume();
      response.on('end', resolve);
      response.on('error', () => resolve());
    });
  });
  void (async () => {
    for (let offset = 0; offset < body.payload.length && !request.destroyed; offset += 64 * 1024) {
      const chunk = body.payload.subarray(offset, offset + 64 * 1024);
      // 'close' (or an error, which rejects `once`) when the server dies under the upload: that ends it.
      if (!request.write(chunk)) await Promise.race([once(request, 'drain'), once(request, 'close')]);
      sent += chunk.length;
      await sleep(20);
    }
    if (!request.destroyed) request.end();
  })().catch(() => request.destroy());
  return { done, sent: () => sent };
}

/** ID numbers nobody else in the test uses: a region per use, a birth date and sequence per number. */
export function idNumberFor(region: string, n: number): string {
  return composeIdNumber(region, addDays('1999-01-01', n % 2000), Math.floor(n / 2000));
}

/** A member CSV of `rows` people of one branch, named 导入<serial>-<row>: distinct from every other file. */
export function memberCsv(branch: string, rows: number, serial: number): Buffer {
  const lines = ['所在团支部,姓名,身份证号,入团日期'];
  for (let i = 0; i < rows; i++) {
    lines.push(`${branch},导入${serial}-${i},${idNumberFor('610102', serial * rows + i)},2018-05-04`);
  }
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
