import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { test } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { z } from 'zod';
import { chinaToday } from '../../common/dates.js';
import { errorCodes } from '../../common/errors.js';
import { loginAsFrom, loginFrom, nextAddress } from '../../test/clients.js';
import { makeOrg, makeTree, makeUser, type Client } from '../../test/factories.js';
import { createTestContext } from '../../test/harness.js';
import {
  bodies,
  freeTextFields,
  keysOf,
  pct,
  pctText,
  poisons,
  queries,
  queryString,
  shaped,
} from '../../test/hostile-arbitraries.js';
import { rowCounts } from '../../test/hostile-fixtures.js';
import { makeCadre, makeChannel, makeContact } from '../../test/ledger-factories.js';
import { makeApplicant, makeMember } from '../../test/people-factories.js';

// Property tests over the whole route table (security.md, "Input and files"): generated and malformed bodies, query
// strings, path parameters and headers, sent as the most privileged role a route admits and as an ordinary one.
// Whatever arrives, the answer is below 500; a refusal is the one error format with a code of the closed union and a
// Chinese message; and a refusal writes nothing (every table's row count is unchanged). A generated input the schema
// happens to accept may succeed: that is not a finding. The last test is not random: every free-text field of every
// route gets each poison in turn (random runs met a NUL in a valid body too rarely to be relied on). Seeds: one per
// run, printed; HOSTILE_SEED replays a run, HOSTILE_RUNS scales the runs per route, HOSTILE_ROUTE keeps the routes
// whose key contains it, HOSTILE_VERBOSE=1 prints every request and answer.

const seed = Number(process.env.HOSTILE_SEED ?? Math.floor(Math.random() * 2 ** 31));
const scale = Number(process.env.HOSTILE_RUNS ?? 1);
/** Replaying one failure: only the routes whose key contains HOSTILE_ROUTE, each request shown with HOSTILE_VERBOSE. */
const onlyRoute = process.env.HOSTILE_ROUTE;
const verbose = process.env.HOSTILE_VERBOSE === '1';
const runs = { body: Math.ceil(12 * scale), query: Math.ceil(10 * scale), headers: Math.ceil(8 * scale) };

// The zod schemas of every route, as bad-input.test.ts takes them: from the onRoute hook of each new instance.
const schemas = new Map<string, { body?: unknown; querystring?: unknown }>();
diagnostics.subscribe('fastify.initialization', (message) => {
  const { fastify } = message as { fastify: FastifyInstance };
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) schemas.set(`${method} ${route.url}`, route.schema ?? {});
  });
});

const ctx = await createTestContext();
await ctx.app.ready();
const tree = await makeTree(ctx);
// The org admin at the province holds every permission but audit.read; the audit admin holds that one.
const admin = await loginAsFrom(ctx, 'org_admin', tree.province);
const auditor = await loginAsFrom(ctx, 'audit_admin');
const editor = await loginAsFrom(ctx, 'org_editor', tree.townA1);
// Routes of one's own session (log out, change password, second factor) run on spare sessions of the same kinds.
// A generated body that logs a spare out is answered by logging it in again.
const spares = {
  privileged: await loginAsFrom(ctx, 'org_admin', tree.province),
  ordinary: await loginAsFrom(ctx, 'org_editor', tree.townA1),
};
/** After a spare's own-session route succeeded (a logout), a new session for it. */
async function renewIfEnded(route: { method: string; permission: string }, w: Who | 'anonymous', status: number) {
  if (w !== 'anonymous' && status < 400 && route.permission === 'authenticated' && route.method !== 'GET') {
    spares[w] = await loginFrom(ctx, spares[w].user);
    counted = await rowCounts(ctx);
  }
}
const clients = [admin, auditor, editor, spares.privileged, spares.ordinary];

// Objects the properties may change when a generated input happens to be valid: in a village of each of the two
// townships (the ordinary client sees the one in townA1), never the clients' own orgs. A path id comes from the
// objects of the route's kind (/api/members/:id: a member), from numbers that name nothing, or from text that is no
// id; never the id of a client's user or of an org of the tree (an id names rows in many tables).
const protectedIds = new Set([...clients.map((c) => c.user.id), ...Object.values(tree).map((org) => org.id)]);
const objects: Record<string, number[]> = {};
for (const town of [tree.townA1, tree.townA2]) {
  const village = await makeOrg(ctx, { parent: town, name: `牺牲${town.id}村团支部` });
  const moving = await makeOrg(ctx, { parent: town, name: `待迁${town.id}村团支部` });
  const move = await admin.post(`/api/orgs/${moving.id}/moves`, { toParentId: tree.townB1.id, reason: '区划调整' });
  const campaign = await admin.post('/api/campaigns', {
    rootOrgId: town.id,
    name: `属性测试任务${town.id}`,
    startsOn: '2026-07-01',
    endsOn: '2026-11-30',
    template: 'rural_wechat',
  });
  const created = {
    orgs: [village.id, moving.id],
    'org-moves': [move.json<{ id: number }>().id],
    campaigns: [campaign.json<{ id: number }>().id],
    indicators: campaign.json<{ indicators: { id: number }[] }>().indicators.map((i) => i.id),
    users: [(await makeUser(ctx, { role: 'inspector', org: town })).id],
    members: [(await makeMember(ctx, { org: village })).id],
    applicants: [(await makeApplicant(ctx, { org: village })).id],
    cadres: [(await makeCadre(ctx, { org: town })).id],
    channels: [(await makeChannel(ctx, { org: town })).id],
    contacts: [(await makeContact(ctx, { org: town })).id],
  };
  for (const [kind, ids] of Object.entries(created)) {
    objects[kind] = [...(objects[kind] ?? []), ...ids.filter((id) => !protectedIds.has(id))];
  }
}
// A township of its own under countyA, so that a generated new org may have a parent that takes children.
objects.orgs.push((await makeOrg(ctx, { parent: tree.countyA, name: '共青团牺牲镇委员会' })).id);
const idPool = [...new Set(Object.values(objects).flat())];
const ids = { all: idPool, byKind: objects };

const routes = ctx.app.routeTable
  .map((r) => ({ ...r, key: `${r.method} ${r.url}` }))
  .filter((r) => onlyRoute === undefined || r.key.includes(onlyRoute));
type Route = (typeof routes)[number];
type Who = 'privileged' | 'ordinary';

function clientFor(route: Route, who: Who): Client | 'anonymous' {
  if (route.permission === 'public') return 'anonymous';
  if (route.permission === 'authenticated' && route.method !== 'GET') return spares[who];
  if (who === 'ordinary') return editor;
  return route.permission === 'audit.read' ? auditor : admin;
}

/** `raw`: exactly the headers given, for the header property. */
type Sender = Client | 'anonymous' | 'raw';

function send(client: Sender, options: InjectOptions): Promise<LightMyRequestResponse> {
  if (client === 'raw') return ctx.app.inject(options);
  if (client !== 'anonymous') return client.request(options);
  // A login form: the custom header the guard asks of public state changes, from an address of its own.
  return ctx.app.inject({
    ...options,
    remoteAddress: nextAddress(),
    headers: { 'x-csrf-token': 'login', ...(options.headers ?? {}) },
  });
}

const lastYear = String(Number(chinaToday().slice(0, 4)) - 1);
/** An id in a path: of an object of the kind (weight `real`), of nothing, or no id at all. */
const idText = (kind: string, real = 5) =>
  fc.oneof(
    { weight: real, arbitrary: fc.constantFrom(...(objects[kind]?.length ? objects[kind] : idPool)).map(String) },
    {
      weight: 2,
      arbitrary: fc
        .integer({ min: 1, max: Number.MAX_SAFE_INTEGER })
        .filter((n) => !protectedIds.has(n))
        .map(String),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '0',
        '-1',
        '1.5',
        '1e3',
        '0x1f',
        '%207',
        '7%20',
        'abc',
        'NaN',
        '99999999999999999999999',
        '%2e%2e',
        '..',
        '%FF',
        '%E4%B8',
        '%',
        '%00',
        pctText('团'),
        'x'.repeat(120),
      ),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }).map(pct) },
  );

/**
 * A value for each path parameter; an id is sought among objects of the kind the segment before it names. The body
 * property mostly sends real ids, so that its bodies are read; the query property spreads them.
 */
function pathOf(url: string, real = 5): fc.Arbitrary<string> {
  const segments = url.split('/');
  const names = [...url.matchAll(/:(\w+)/g)].map((m) => m[1]);
  if (names.length === 0) return fc.constant(url);
  const value = (name: string) => {
    if (name === 'cadreId') return idText('cadres', real);
    const kind = segments[segments.findIndex((s) => s.startsWith(`:${name}`)) - 1];
    return name === 'id'
      ? idText(kind, real)
      : fc.oneof(
          fc.constantFrom(lastYear, '2025', 'members', 'contacts', 'channels', 'plans', 'small_branches'),
          idText(''),
        );
  };
  return fc
    .record(Object.fromEntries(names.map((n) => [n, value(n)])) as Record<string, fc.Arbitrary<string>>)
    .map((values) => url.replace(/:(\w+)/g, (_, name: string) => values[name]));
}

// ---- What every answer must be --------------------------------------------------------------------------------------

const codes: readonly string[] = errorCodes;

/** Throws when the answer is a 5xx, or a refusal outside the error format. */
function judge(response: LightMyRequestResponse): void {
  const shown = `${response.statusCode} ${response.body.slice(0, 300)}`;
  assert.ok(response.statusCode < 500, shown);
  if (response.statusCode < 400) return;
  let body: { error?: { code?: unknown; message?: unknown } };
  try {
    body = JSON.parse(response.body) as typeof body;
  } catch {
    assert.fail(`not the error format: ${shown}`);
  }
  assert.ok(typeof body.error?.code === 'string' && codes.includes(body.error.code), `a code of the union: ${shown}`);
  assert.match(String(body.error.message), /[\u4e00-\u9fa5]/, `a Chinese message: ${shown}`);
  assert.doesNotMatch(response.body, /Error:|\bat .+:\d+:\d+|node_modules|stack/i, `no stack trace: ${shown}`);
}

type Tally = { requests: number; accepted: number; statuses: Map<number, number> };
const tally = (): Tally => ({ requests: 0, accepted: 0, statuses: new Map() });

/** The row counts as the last request left them: refreshed after anything accepted. */
let counted = await rowCounts(ctx);

/**
 * Sends, judges, and proves that a refusal wrote nothing; answers the status. A refused login is the exception the
 * requirements make: it is audited (MLPS), so there the audit log may grow, by failures only.
 */
async function probe(t: Tally, client: Sender, options: InjectOptions, route: Route): Promise<number> {
  const response = await send(client, options);
  if (verbose) {
    const sent =
      typeof options.payload === 'string' || Buffer.isBuffer(options.payload) ? options.payload.toString() : '';
    const url = typeof options.url === 'string' ? options.url : '';
    console.log(
      `${options.method} ${url.slice(0, 120)} ${sent.slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 200)}`,
    );
  }
  t.requests++;
  t.statuses.set(response.statusCode, (t.statuses.get(response.statusCode) ?? 0) + 1);
  judge(response);
  const after = await rowCounts(ctx);
  if (response.statusCode < 400) {
    t.accepted++;
  } else if (route.permission === 'public' && after.audit_log !== counted.audit_log) {
    assert.deepEqual({ ...after, audit_log: 0 }, { ...counted, audit_log: 0 }, `refused with ${response.statusCode}`);
    const added = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'result'])
      .orderBy('id', 'desc')
      .limit(after.audit_log - counted.audit_log)
      .execute();
    assert.ok(
      added.every((row) => row.result === 'failure'),
      `a refused login audited as ${JSON.stringify(added)}`,
    );
  } else {
    assert.deepEqual(after, counted, `refused with ${response.statusCode}, yet rows changed`);
  }
  counted = after;
  return response.statusCode;
}

/** Runs one property per route, each with its own seed derived from the run's; failures are gathered, not fatal. */
async function everyRoute<Ts extends unknown[]>(
  name: string,
  selected: Route[],
  numRuns: number,
  property: (route: Route) => fc.IAsyncPropertyWithHooks<Ts>,
  diagnostic: (message: string) => void,
  t: Tally,
) {
  const failures: string[] = [];
  const took: [string, number][] = [];
  for (const [index, route] of selected.entries()) {
    const started = performance.now();
    try {
      // Routes of one's own session take no input beyond a small body, and each success costs a new login.
      const ownSession = route.permission === 'authenticated' && route.method !== 'GET';
      await fc.assert(property(route), {
        numRuns: ownSession ? Math.min(numRuns, 4) : numRuns,
        seed: seed + index,
        endOnFailure: true,
      });
    } catch (error) {
      const { message, cause } = error as Error;
      const counterexample = message.split('\n').find((line) => line.startsWith('Counterexample')) ?? message;
      failures.push(
        `${route.key}: ${String((cause as Error | undefined)?.message ?? message).slice(0, 600)}\n${counterexample.slice(0, 600)}`,
      );
    } finally {
      took.push([route.key, performance.now() - started]);
    }
  }
  const slowest = took
    .sort(([, a], [, b]) => b - a)
    .slice(0, 3)
    .map(([key, ms]) => `${key} ${Math.round(ms)} ms`);
  const statuses = [...t.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
  diagnostic(
    `${name}: ${selected.length} routes × ${numRuns} runs, ${t.requests} requests (${t.accepted} accepted as valid); ${statuses.join(' ')}; slowest: ${slowest.join(', ')}; seed ${seed}`,
  );
  assert.deepEqual(failures, [], `replay with HOSTILE_SEED=${seed}`);
}

const who = fc.constantFrom<Who>('privileged', 'ordinary');

test('generated bodies on every route that takes one: no 500, the error format, nothing written', async (t) => {
  const selected = routes.filter((r) => r.method !== 'GET');
  // The generators aim at each schema's own keys: a schema whose keys cannot be read would be probed blind.
  const blind = selected.filter((r) => schemas.get(r.key)?.body && keysOf(schemas.get(r.key)?.body).length === 0);
  assert.deepEqual(
    blind.map((r) => r.key),
    [],
  );
  const counts = tally();
  await everyRoute(
    'bodies',
    selected,
    runs.body,
    (route) =>
      fc.asyncProperty(who, pathOf(route.url, 15), bodies(schemas.get(route.key)?.body, ids), async (w, url, body) => {
        const client = clientFor(route, w);
        const status = await probe(
          counts,
          client,
          {
            method: route.method,
            url,
            payload: body.payload,
            headers: { 'content-type': 'application/json' },
          },
          route,
        );
        await renewIfEnded(route, w, status);
      }),
    (m) => t.diagnostic(m),
    counts,
  );
});

test('generated query strings and path parameters on every route: no 500, the error format, nothing written', async (t) => {
  const counts = tally();
  await everyRoute(
    'queries',
    routes,
    runs.query,
    (route) =>
      fc.asyncProperty(
        who,
        pathOf(route.url),
        queries(schemas.get(route.key)?.querystring, ids),
        async (w, url, query) => {
          const status = await probe(
            counts,
            clientFor(route, w),
            {
              method: route.method,
              url: query ? `${url}?${query}` : url,
              ...(route.method === 'GET' ? {} : { payload: '{}', headers: { 'content-type': 'application/json' } }),
            },
            route,
          );
          await renewIfEnded(route, w, status);
        },
      ),
    (m) => t.diagnostic(m),
    counts,
  );
});

const contentTypes = [
  'application/json',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'text/plain',
  'text/html',
  'multipart/form-data',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/xml',
  'application/octet-stream',
  ';;;',
  'application/json, text/html',
];
const rawBodies = [
  '{}',
  '{"a":1}',
  '',
  'a=1&b=2',
  '--x\r\nContent-Disposition: form-data; name="file"; filename="../a.png"\r\n\r\nxx\r\n--x--\r\n',
  '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
  '\u0000\u0001\u0002',
];
const headerSets = fc.record({
  who: fc.constantFrom<Who | 'anonymous'>('privileged', 'ordinary', 'anonymous'),
  // A valid session and token most of the time, so that the other lies reach past the guard.
  csrf: fc.oneof(
    { weight: 4, arbitrary: fc.constant('valid') },
    { weight: 1, arbitrary: fc.constantFrom('missing', 'wrong', 'huge', 'login') },
  ),
  cookie: fc.oneof(
    { weight: 3, arbitrary: fc.constant('valid') },
    { weight: 2, arbitrary: fc.constantFrom('none', 'garbage', 'huge beside', 'twice', 'huge session') },
  ),
  contentType: fc.option(fc.constantFrom(...contentTypes)),
  body: fc.option(fc.constantFrom(...rawBodies)),
  origin: fc.option(fc.constantFrom('http://evil.example', 'null', 'http://localhost:80', 'file://')),
  encoding: fc.option(fc.constantFrom('gzip', 'br', 'identity', 'x-unknown')),
  extra: fc.dictionary(
    fc.constantFrom(
      'accept',
      'accept-language',
      'x-forwarded-for',
      'x-forwarded-host',
      'x-forwarded-proto',
      'range',
      'if-none-match',
      'user-agent',
      'x-http-method-override',
      'expect',
    ),
    fc.oneof(
      fc.string({ maxLength: 30 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
      fc.constantFrom('x'.repeat(20_000), 'bytes=0-1,2-3,-1', '*/*;q=2', '100-continue', 'DELETE'),
    ),
    { maxKeys: 3 },
  ),
});

test('odd headers on every route (content-type lies, huge cookies, bad CSRF): no 500, the error format, nothing written', async (t) => {
  const counts = tally();
  await everyRoute(
    'headers',
    routes,
    runs.headers,
    (route) =>
      fc.asyncProperty(pathOf(route.url), headerSets, async (url, h) => {
        const client = h.who === 'anonymous' ? null : clientFor(route, h.who);
        const session = client === null || client === 'anonymous' ? null : client;
        const cookie = {
          valid: session ? `tj_sid=${session.cookie}` : '',
          none: '',
          garbage: 'tj_sid=%E0%A4%A; other=1',
          'huge beside': `${session ? `tj_sid=${session.cookie}; ` : ''}junk=${'x'.repeat(200_000)}`,
          twice: `tj_sid=forged; tj_sid=${session?.cookie ?? 'x'}`,
          'huge session': `tj_sid=${'A'.repeat(100_000)}`,
        }[h.cookie];
        const csrf = {
          valid: session?.csrfToken,
          missing: undefined,
          wrong: 'not-the-token',
          huge: 'c'.repeat(50_000),
          login: 'login',
        }[h.csrf];
        const headers: Record<string, string> = { ...h.extra };
        if (cookie) headers.cookie = cookie;
        if (csrf !== undefined) headers['x-csrf-token'] = csrf;
        if (h.contentType !== null) headers['content-type'] = h.contentType;
        if (h.origin !== null) headers.origin = h.origin;
        if (h.encoding !== null) headers['content-encoding'] = h.encoding;
        const status = await probe(
          counts,
          'raw',
          {
            method: route.method,
            url,
            headers,
            remoteAddress: nextAddress(),
            ...(h.body !== null && route.method !== 'GET' ? { payload: h.body } : {}),
          },
          route,
        );
        await renewIfEnded(route, h.who, status);
      }),
    (m) => t.diagnostic(m),
    counts,
  );
});

test('every free-text field given a NUL, a lone surrogate, a bidi override and its longest allowed value', async (t) => {
  // Not random: each field of each route in turn, the rest of the input in its schema's shape, as the privileged
  // client, with real ids in the path. A NUL was a 500 on PostgreSQL in every query that met one.
  const counts = tally();
  const failures: string[] = [];
  let fields = 0;
  for (const [index, route] of routes.entries()) {
    const schema = (route.method === 'GET' ? schemas.get(route.key)?.querystring : schemas.get(route.key)?.body) as
      z.ZodType | undefined;
    const texts = freeTextFields(schema);
    if (!schema || texts.length === 0) continue;
    const [base] = fc.sample(shaped(schema, ids), { numRuns: 1, seed: seed + index });
    const [url] = fc.sample(pathOf(route.url, 1000), { numRuns: 1, seed: seed + index });
    for (const { key, max } of texts) {
      fields++;
      for (const poison of poisons(Math.min(max, 100_000))) {
        const value = { ...(base as object), [key]: poison.value };
        const options: InjectOptions =
          route.method === 'GET'
            ? { method: 'GET', url: `${url}?${queryString(value)}` }
            : {
                method: route.method,
                url,
                payload: JSON.stringify(value),
                headers: { 'content-type': 'application/json' },
              };
        try {
          await renewIfEnded(route, 'privileged', await probe(counts, clientFor(route, 'privileged'), options, route));
        } catch (error) {
          failures.push(`${route.key} ${key} with ${poison.what}: ${(error as Error).message.slice(0, 400)}`);
        }
      }
    }
  }
  const statuses = [...counts.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
  t.diagnostic(
    `free text: ${fields} fields, ${counts.requests} requests (${counts.accepted} accepted); ${statuses.join(' ')}`,
  );
  assert.deepEqual(failures, [], `replay with HOSTILE_SEED=${seed}`);
});
