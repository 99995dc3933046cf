import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DashboardResponse } from '../common/campaigns.js';
import { addDays } from '../common/dates.js';
import { composeIdNumber } from '../common/id-number.js';
import type { ImportResult, JobItem } from '../common/imports.js';
import { makeOrg, makeTree, makeUser, testPassword, type TestUser } from '../test/factories.js';
import { openTestDatabase } from '../test/harness.js';
import { multipartBody } from '../test/imports.js';
import { rollupDifferences } from '../test/rollup-check.js';
import { keepChildLogs } from '../test/log-capture.js';

// Two instances of the app on one PostgreSQL, as docs/ARCHITECTURE.md allows: two child processes of the real
// entry point (server/main.ts) on two ports, sharing the database, the data directory (uploaded files) and
// TUANJIAN_DATA_KEY, each with its own job runner. Everything goes over HTTP. On SQLite one instance owns the
// file, so there is nothing to show.

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const skip = onPostgres ? false : 'SQLite: one instance owns the database file';

type Server = { name: string; url: string; output: () => string; stop: () => Promise<void> };
const servers: Server[] = [];
// Registered before the database's own clean-up, so that the servers stop before their database is dropped.
after(() => Promise.all(servers.map((s) => s.stop())));

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

async function startServer(name: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  keepChildLogs(child, 'instance');
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const server: Server = {
    name,
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
  servers.push(server);
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server ${name} exited early:\n${output}`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return server;
    if (i > 300) throw new Error(`server ${name} did not become healthy:\n${output}`);
    await sleep(100);
  }
}

type Session = { user: TestUser; cookie: string; csrfToken: string };
type Answer = { status: number; body: string; json: <T>() => T };

async function call(
  server: Server,
  method: string,
  url: string,
  options: { session?: Session; json?: unknown; multipart?: ReturnType<typeof multipartBody> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.session) {
    headers.cookie = `tj_sid=${options.session.cookie}`;
    headers['x-csrf-token'] = options.session.csrfToken;
  }
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.multipart) {
    Object.assign(headers, options.multipart.headers);
    body = new Uint8Array(options.multipart.payload);
  }
  const response = await fetch(`${server.url}${url}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text, json: <T>() => JSON.parse(text) as T };
}

async function login(server: Server, user: TestUser): Promise<Session> {
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': 'login' },
    body: JSON.stringify({ username: user.username, password: testPassword }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const cookie = response.headers
    .getSetCookie()
    .map((c) => /^tj_sid=([^;]+)/.exec(c)?.[1])
    .find(Boolean);
  assert.ok(cookie, 'login set a session cookie');
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { user, cookie, csrfToken };
}

const setup = onPostgres ? await startTwoInstances() : null;

async function startTwoInstances() {
  const { handle, dataDir, databaseUrl } = await openTestDatabase();
  const db = handle.db;
  const seed = { db };
  const tree = await makeTree(seed);
  // A second branch of the same county, under its other township: aggregates meet at the county.
  const villageA2 = await makeOrg(seed, { parent: tree.townA2, name: '甲二村团支部' });
  const users = {
    countyAdmin: await makeUser(seed, { role: 'org_admin', org: tree.countyA }),
    provinceAdmin: await makeUser(seed, { role: 'org_admin', org: tree.province }),
    leaving: await makeUser(seed, { role: 'org_editor', org: tree.townA1 }),
    disabled: await makeUser(seed, { role: 'org_editor', org: tree.townA1 }),
  };
  const env = {
    DATABASE_URL: databaseUrl!,
    TUANJIAN_DATA_DIR: dataDir,
    TUANJIAN_WEB_DIR: `${dataDir}/no-web`,
    TUANJIAN_DATA_KEY: randomBytes(32).toString('base64'),
    // The county admins log in with a password alone, as the in-process tests' fixtures do (test/harness.ts).
    TUANJIAN_REQUIRE_TOTP: '0',
  };
  const [a, b] = await Promise.all([startServer('A', env), startServer('B', env)]);
  return { db, tree, villageA2, users, a, b };
}

/** The answer, and on a server error what the servers logged. */
const failure = (response: Answer) =>
  response.status >= 500 ? `${response.body}\n${servers.map((s) => s.output()).join('\n')}` : response.body;

const statusOf = async (server: Server, session: Session) =>
  (await call(server, 'GET', '/api/auth/me', { session })).status;

test('sessions: a login on A is valid on B; a logout or a disabling on B ends it on A', { skip }, async () => {
  const { a, b, users } = setup!;
  const admin = await login(a, users.countyAdmin);
  const me = await call(b, 'GET', '/api/auth/me', { session: admin });
  assert.equal(me.status, 200, me.body);
  assert.equal(me.json<{ user: { username: string } }>().user.username, users.countyAdmin.username);

  const leaving = await login(a, users.leaving);
  assert.equal(await statusOf(b, leaving), 200);
  assert.equal((await call(b, 'POST', '/api/auth/logout', { session: leaving })).status, 200);
  assert.equal(await statusOf(a, leaving), 401, 'logged out on B, gone on A');

  const disabled = await login(a, users.disabled);
  assert.equal(await statusOf(a, disabled), 200);
  const patch = await call(b, 'PATCH', `/api/users/${users.disabled.id}`, { session: admin, json: { disabled: true } });
  assert.equal(patch.status, 200, patch.body);
  assert.equal(await statusOf(a, disabled), 401, 'disabled on B, refused on A');
  assert.equal(await statusOf(b, disabled), 401);
});

/** A member CSV of `rows` people of the branch, distinct from every other file by its serial. */
function memberCsv(branch: string, rows: number, serial: number): Buffer {
  const lines = ['所在团支部,姓名,身份证号,入团日期'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `${branch},并行${serial}-${i},${composeIdNumber('610102', addDays('2001-01-01', i), serial)},2018-05-04`,
    );
  }
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

async function waitForJob(server: Server, session: Session, id: number): Promise<JobItem> {
  for (let i = 0; i < 1200; i++) {
    const response = await call(server, 'GET', `/api/jobs/${id}`, { session });
    assert.equal(response.status, 200, response.body);
    const job = response.json<JobItem>();
    if (job.status === 'done' || job.status === 'failed') return job;
    await sleep(50);
  }
  throw new Error(`job ${id} did not finish`);
}

test(
  'imports uploaded to A and to B at once: each job runs once, both apply, every member once',
  { skip },
  async () => {
    const { a, b, db, tree, villageA2, users } = setup!;
    const rows = 600; // two chunks each
    const [sessionA, sessionB] = await Promise.all([login(a, users.countyAdmin), login(b, users.countyAdmin)]);
    const fields = { kind: 'members', orgId: String(tree.countyA.id) };
    const uploads = await Promise.all([
      call(a, 'POST', '/api/imports', {
        session: sessionA,
        multipart: multipartBody(fields, { name: '甲一.csv', content: memberCsv('甲一村团支部', rows, 101) }),
      }),
      call(b, 'POST', '/api/imports', {
        session: sessionB,
        multipart: multipartBody(fields, { name: '甲二.csv', content: memberCsv(villageA2.name, rows, 103) }),
      }),
    ]);
    for (const upload of uploads) assert.equal(upload.status, 202, upload.body);
    const ids = uploads.map((u) => u.json<{ jobId: number }>().jobId);
    // Each job is followed on the other instance: its state lives in the database.
    const jobs = await Promise.all([waitForJob(b, sessionB, ids[0]), waitForJob(a, sessionA, ids[1])]);
    for (const job of jobs) {
      assert.equal(job.status, 'done', JSON.stringify(job));
      assert.deepEqual((job.result as ImportResult).counts, { rows, create: rows, update: 0, unchanged: 0, errors: 0 });
    }
    const stored = await db.selectFrom('jobs').select(['id', 'status', 'attempts']).where('id', 'in', ids).execute();
    assert.deepEqual(
      stored.sort((x, y) => x.id - y.id),
      [...ids].sort((x, y) => x - y).map((id) => ({ id, status: 'done', attempts: 1 })),
      'claimed once each',
    );
    const applied = await db
      .selectFrom('audit_log')
      .select('object_id')
      .where('action', '=', 'member.import')
      .where('object_id', 'in', ids.map(String))
      .execute();
    assert.deepEqual(applied.map((r) => Number(r.object_id)).sort(), [...ids].sort(), 'applied once each');
    const members = await db
      .selectFrom('members')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('id_index').distinct().as('people')])
      .where('full_name', 'like', '并行%')
      .executeTakeFirstOrThrow();
    assert.deepEqual({ n: Number(members.n), people: Number(members.people) }, { n: 2 * rows, people: 2 * rows });
  },
);

test('registrations and channels through A and B at once keep the county figures true', { skip }, async () => {
  const { a, b, db, tree, villageA2, users } = setup!;
  const [sessionA, sessionB] = await Promise.all([login(a, users.countyAdmin), login(b, users.countyAdmin)]);
  const sessionFor = (server: Server) => (server === a ? sessionA : sessionB);

  // 40 members at once, 20 through each instance, half into each branch of the county.
  let serial = 201;
  const registrations = [];
  for (const server of [a, b]) {
    for (const branch of [tree.villageA1, villageA2]) {
      serial += 2;
      for (let i = 0; i < 10; i++) {
        const idNumber = composeIdNumber('610103', addDays('2002-03-01', i), serial);
        registrations.push(
          call(server, 'POST', '/api/members', {
            session: sessionFor(server),
            json: { orgId: branch.id, fullName: `登记${serial}-${i}`, idNumber, joinedOn: '2019-05-04' },
          }),
        );
      }
    }
  }
  for (const response of await Promise.all(registrations)) assert.equal(response.status, 201, failure(response));

  const present = async (orgPath: string) =>
    Number(
      (
        await db
          .selectFrom('members')
          .innerJoin('orgs', 'orgs.id', 'members.org_id')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('orgs.path', 'like', `${orgPath}%`)
          .executeTakeFirstOrThrow()
      ).n,
    );
  for (const org of [tree.countyA, tree.villageA1, villageA2]) {
    const expected = await present(org.path);
    for (const server of [a, b]) {
      const stats = await call(server, 'GET', `/api/orgs/${org.id}/member-stats`, { session: sessionFor(server) });
      assert.equal(stats.status, 200, stats.body);
      assert.equal(stats.json<{ total: number }>().total, expected, `${org.name} on ${server.name}`);
    }
  }
  const registered = await db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('full_name', 'like', '登记%')
    .executeTakeFirstOrThrow();
  assert.equal(Number(registered.n), 40, 'every registration is there, once');

  // A campaign over the county, then 24 channels at once: a township's figures are met with 10 groups.
  const province = await login(b, users.provinceAdmin);
  const created = await call(b, 'POST', '/api/campaigns', {
    session: province,
    json: {
      rootOrgId: tree.countyA.id,
      name: '并行建群',
      startsOn: '2026-07-01',
      endsOn: '2026-11-30',
      template: 'rural_wechat',
    },
  });
  assert.equal(created.status, 201, created.body);
  const campaign = created.json<{ id: number; indicators: { id: number; name: string }[] }>();
  const channels = [];
  for (const server of [a, b]) {
    for (const [town, count] of [
      [tree.townA1, 6],
      [tree.townA2, 6],
    ] as const) {
      for (let i = 0; i < count; i++) {
        channels.push(
          call(server, 'POST', '/api/channels', {
            session: sessionFor(server),
            json: { orgId: town.id, kind: 'tuanqing_group', name: `${town.name}${server.name}群${i}` },
          }),
        );
      }
    }
  }
  for (const response of await Promise.all(channels)) assert.equal(response.status, 201, failure(response));
  assert.deepEqual(await rollupDifferences(db, campaign.id), []);
  const groupsIndicator = campaign.indicators[1].id;
  for (const server of [a, b]) {
    const dashboard = await call(server, 'GET', `/api/campaigns/${campaign.id}/dashboard?orgId=${tree.countyA.id}`, {
      session: sessionFor(server),
    });
    assert.equal(dashboard.status, 200, dashboard.body);
    const figure = dashboard.json<DashboardResponse>().indicators.find((i) => i.id === groupsIndicator)!;
    assert.deepEqual(
      { applicable: figure.total.applicable, met: figure.total.met, groups: figure.total.valueSum },
      { applicable: 2, met: 2, groups: 24 },
      `county dashboard on ${server.name}`,
    );
  }
});
