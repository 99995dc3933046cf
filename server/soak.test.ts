import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { addDays, chinaToday } from '../common/dates.js';
import { composeIdNumber } from '../common/id-number.js';
import { makeOrg, makeTree, makeUser, testPassword, type TestUser } from '../test/factories.js';
import { openTestDatabase } from '../test/harness.js';
import { keepChildLogs } from '../test/log-capture.js';
import type { OrgRow } from './features/orgs/repo.js';
import { createCampaign } from './features/campaigns/service.js';

// The soak of issue 6: the real server (server/main.ts in its own process, listening on loopback) under 200
// concurrent clients for a fixed time, mixing reads (member list, campaign dashboard, org tree) and writes
// (activities, members with encrypted ID numbers, orgs), as ten logged-in editors with their CSRF tokens. What a
// user would notice: every request answered (no 5xx, no timeout), every acknowledged write there afterwards, and
// memory that does not keep growing. Latency percentiles and the rate are reported, not asserted.

const connections = 200;
const warmUpSeconds = 4;
const soakSeconds = 15;

const stopFirst: Array<() => Promise<unknown>> = [];
const { handle, dataDir, databaseUrl } = await openTestDatabase(stopFirst);
const db = handle.db;
const today = chinaToday();

/** Ten editors: eight of a township each, two of a county (reading its whole subtree, writing in a township). */
type Editor = { user: TestUser; scope: OrgRow; township: OrgRow; branch: OrgRow };

async function seed(): Promise<{ editors: Editor[]; campaignId: number }> {
  const tree = await makeTree({ db });
  const townships = [tree.townA1, tree.townA2, tree.townB1];
  for (let i = 0; townships.length < 8; i++) {
    townships.push(await makeOrg({ db }, { parent: i % 2 === 0 ? tree.countyA : tree.countyB }));
  }
  const editors: Editor[] = [];
  for (const township of townships) {
    const branch = await makeOrg({ db }, { parent: township, type: 'branch', level: 'village' });
    editors.push({
      user: await makeUser({ db }, { role: 'org_editor', org: township }),
      scope: township,
      township,
      branch,
    });
  }
  for (const county of [tree.countyA, tree.countyB]) {
    const mine = editors.find((e) => e.township.path.startsWith(county.path))!;
    editors.push({ ...mine, user: await makeUser({ db }, { role: 'org_editor', org: county }), scope: county });
  }
  // The dashboard's campaign, as a system administrator sets it up (the built-in rural WeChat template).
  const operator = await makeUser({ db }, { role: 'system_admin' });
  const year = today.slice(0, 4);
  const campaign = await createCampaign(
    db,
    {
      userId: operator.id,
      username: operator.username,
      displayName: operator.username,
      role: 'system_admin',
      orgId: null,
      scopePath: null,
      mustChangePassword: false,
      sessionHash: '',
      csrfToken: '',
      ip: null,
    },
    {
      rootOrgId: tree.province.id,
      name: '压测工作任务',
      startsOn: `${year}-01-01`,
      endsOn: `${year}-12-31`,
      reminderDays: 7,
      template: 'rural_wechat',
    },
  );
  return { editors, campaignId: campaign.id };
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

type Memory = { rss: number; heapUsed: number };

/**
 * Loaded before server/main.ts: answers a "memory" message on the IPC channel with the process's memory after a
 * full collection, so that what is measured is what the server still holds, not garbage not yet collected.
 */
const memoryProbe = `data:text/javascript,${encodeURIComponent(`
  process.on('message', (message) => {
    if (message !== 'memory') return;
    globalThis.gc(); globalThis.gc();
    const { rss, heapUsed } = process.memoryUsage();
    process.send({ rss, heapUsed });
  });`)}`;

async function startServer(): Promise<{ base: string; child: ChildProcess; memory: () => Promise<Memory> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', memoryProbe, 'server/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      TUANJIAN_DATA_DIR: dataDir,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      TUANJIAN_ADMIN_PASSWORD: `Soak-${port}-Admin-Password`,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  keepChildLogs(child, 'soak');
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  stopFirst.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${output}`);
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 600) throw new Error(`the server did not become healthy:\n${output}`);
    await sleep(100);
  }
  const memory = async () => {
    const answer = once(child, 'message') as Promise<[Memory]>;
    child.send('memory');
    return (await answer)[0];
  };
  return { base, child, memory };
}

type Session = { editor: Editor; cookie: string; csrfToken: string };

async function login(base: string, editor: Editor): Promise<Session> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': 'login' },
    body: JSON.stringify({ username: editor.user.username, password: testPassword }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const cookie = response.headers
    .getSetCookie()
    .map((c) => /^tj_sid=([^;]+)/.exec(c)?.[1])
    .find(Boolean)!;
  return { editor, cookie, csrfToken: ((await response.json()) as { csrfToken: string }).csrfToken };
}

type WriteKind = 'activities' | 'members' | 'orgs';

/** What the clients sent and what the server acknowledged, by a unique key carried in each write. */
const writes = {
  sent: { activities: new Set<string>(), members: new Set<string>(), orgs: new Set<string>() },
  acked: { activities: new Set<string>(), members: new Set<string>(), orgs: new Set<string>() },
};
const statuses = new Map<number, number>();
const failures: string[] = [];
let serial = 0;

/** A fresh valid ID number: birth dates from 1998 on, a serial per day, never repeated. */
function nextIdNumber(n: number): string {
  return composeIdNumber('610102', addDays('1998-01-01', Math.floor(n / 1000)), n % 1000);
}

/** One client's cycle of requests: eight reads, three writes, as one editor. */
function clientRequests(session: Session, campaignId: number): autocannon.Request[] {
  const { editor } = session;
  const cookie = `tj_sid=${session.cookie}`;
  const read = (path: string): autocannon.Request => ({
    method: 'GET',
    path,
    headers: { cookie },
    onResponse: (status, body) => tally(status, body, path),
  });
  const write = (kind: WriteKind, path: string, body: (key: string, n: number) => object): autocannon.Request => {
    // One request in flight per connection, so the key of the request sent is the key of the answer received.
    let key = '';
    return {
      method: 'POST',
      path,
      headers: { cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' },
      setupRequest: (request) => {
        const n = ++serial;
        key = `压测${n}`;
        writes.sent[kind].add(key);
        return { ...request, body: JSON.stringify(body(key, n)) };
      },
      onResponse: (status, responseBody) => {
        tally(status, responseBody, path);
        if (status === 201) writes.acked[kind].add(key);
      },
    };
  };
  const memberList = read(`/api/members?orgId=${editor.scope.id}&scope=subtree`);
  const dashboard = read(`/api/campaigns/${campaignId}/dashboard?orgId=${editor.scope.id}`);
  const children = read(`/api/orgs/${editor.scope.id}/children`);
  return [
    memberList,
    dashboard,
    children,
    write('activities', '/api/activities', (key) => ({
      orgId: editor.branch.id,
      title: key,
      kind: 'theme_day',
      heldOn: addDays(today, -1),
    })),
    { ...memberList },
    { ...children },
    write('members', '/api/members', (key, n) => ({
      orgId: editor.branch.id,
      fullName: key,
      idNumber: nextIdNumber(n),
      joinedOn: '2021-05-04',
    })),
    { ...dashboard },
    { ...memberList },
    { ...children },
    write('orgs', '/api/orgs', (key) => ({
      parentId: editor.township.id,
      name: `${key}村团支部`,
      type: 'branch',
      level: 'village',
    })),
  ];
}

function tally(status: number, body: string, path: string): void {
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  if (status >= 300 && failures.length < 10) failures.push(`${status} ${path}: ${body.slice(0, 200)}`);
}

type Load = {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  timeouts: number;
  errors: number;
};

/** 200 connections for a fixed time, each cycling through its editor's requests from its own starting point. */
function load(base: string, sessions: Session[], campaignId: number, seconds: number): Promise<Load> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    let clients = 0;
    const instance = autocannon(
      {
        url: base,
        connections,
        duration: seconds,
        sampleInt: 100,
        // An answer later than this counts as a timeout (an error), which the test refuses.
        timeout: 30,
        requests: [{ method: 'GET', path: '/healthz' }],
        setupClient: (client) => {
          const index = clients++;
          const requests = clientRequests(sessions[index % sessions.length], campaignId);
          const offset = index % requests.length;
          client.setRequests([...requests.slice(offset), ...requests.slice(0, offset)]);
        },
      },
      (error, result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        latencies.sort((a, b) => a - b);
        const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
        resolve({
          requests: latencies.length,
          seconds: result.duration,
          rps: Math.round(latencies.length / result.duration),
          p50: Math.round(at(50)),
          p99: Math.round(at(99)),
          timeouts: result.timeouts,
          errors: result.errors,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
}

/** The key of each soak row in the database, per kind of write. */
async function rowKeys(): Promise<Record<WriteKind, Set<string>>> {
  const [activities, members, orgs] = await Promise.all([
    db.selectFrom('activities').select('title as key').where('title', 'like', '压测%').execute(),
    db.selectFrom('members').select('full_name as key').where('full_name', 'like', '压测%').execute(),
    db.selectFrom('orgs').select('name as key').where('name', 'like', '压测%').execute(),
  ]);
  return {
    activities: new Set(activities.map((r) => r.key)),
    members: new Set(members.map((r) => r.key)),
    orgs: new Set(orgs.map((r) => r.key.replace(/村团支部$/, ''))),
  };
}

const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

test(`${connections} clients mixing reads and writes for ${soakSeconds} s: every request answered, no write lost, memory flat`, async () => {
  const { editors, campaignId } = await seed();
  const server = await startServer();
  const sessions = await Promise.all(editors.map((editor) => login(server.base, editor)));

  await load(server.base, sessions, campaignId, warmUpSeconds);
  const warm = await server.memory();
  const soak = await load(server.base, sessions, campaignId, soakSeconds);
  // The requests in flight when the clock stopped have no answer, but the server still finishes them.
  let previous = -1;
  for (;;) {
    const keys = await rowKeys();
    const total = keys.activities.size + keys.members.size + keys.orgs.size;
    if (total === previous) break;
    previous = total;
    await sleep(1000);
  }
  const end = await server.memory();
  const rows = await rowKeys();

  const kinds: WriteKind[] = ['activities', 'members', 'orgs'];
  const acked = kinds.reduce((sum, kind) => sum + writes.acked[kind].size, 0);
  const unanswered = kinds.reduce((sum, kind) => sum + writes.sent[kind].size - writes.acked[kind].size, 0);
  const committedUnanswered = kinds.reduce((sum, kind) => sum + rows[kind].size - writes.acked[kind].size, 0);
  const server5xx = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
  console.log(
    `soak (${databaseUrl ? 'postgres' : 'sqlite'}): ${connections} clients, ${soak.seconds} s, ${soak.requests} requests, ` +
      `${soak.rps} req/s, p50 ${soak.p50} ms, p99 ${soak.p99} ms, 5xx ${server5xx}, timeouts ${soak.timeouts}, ` +
      `errors ${soak.errors}; writes acknowledged ${acked} (${kinds.map((k) => `${k} ${writes.acked[k].size}`).join(', ')}), ` +
      `all found, plus ${committedUnanswered} of the ${unanswered} cut off by the clock; ` +
      `heap ${mib(warm.heapUsed)} → ${mib(end.heapUsed)} MiB, rss ${mib(warm.rss)} → ${mib(end.rss)} MiB`,
  );

  assert.deepEqual(failures, [], 'every request answered 2xx');
  assert.deepEqual([...statuses.keys()].sort(), [200, 201]);
  assert.equal(soak.timeouts + soak.errors, 0, 'no request timed out or lost its connection');
  for (const kind of kinds) {
    // No lost write: every acknowledged write is there; and nothing appeared that was not sent.
    assert.deepEqual(
      [...writes.acked[kind]].filter((key) => !rows[kind].has(key)),
      [],
      `${kind}: acknowledged, missing`,
    );
    assert.deepEqual(
      [...rows[kind]].filter((key) => !writes.sent[kind].has(key)),
      [],
      `${kind}: never sent`,
    );
  }
  assert.ok(acked > 0 && committedUnanswered <= unanswered && unanswered <= 2 * connections);
  // Bounded growth: what the server holds after a full collection, once warm, does not grow with the requests.
  // Measured: the heap moves by 0–2 MiB; 16 MiB is 5 to 13 KiB kept per request at the 1,300 to 3,000 requests
  // a run makes here.
  assert.ok(end.heapUsed - warm.heapUsed < 16 * 1024 * 1024, `heap grew ${mib(end.heapUsed - warm.heapUsed)} MiB`);
  assert.ok(end.rss - warm.rss < 128 * 1024 * 1024, `rss grew ${mib(end.rss - warm.rss)} MiB`);
});
