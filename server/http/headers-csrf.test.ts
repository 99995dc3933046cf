import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { loginAsFrom } from '../../test/clients.js';
import { makeTree } from '../../test/factories.js';
import { createTestContext } from '../../test/harness.js';

// security.md: "CSRF: token or custom header on every state change; nothing changes on GET. Test: cross-origin
// POST → 403." and "Security headers (CSP with object-src 'none', frame-ancestors, nosniff, Referrer-Policy)".
// Every route of the route table, not a sample: a route added tomorrow is covered without a new line here.

const ctx = await createTestContext();
await ctx.app.ready();
const tree = await makeTree(ctx);
const admin = await loginAsFrom(ctx, 'org_admin', tree.countyA);
const routes = ctx.app.routeTable;
const stateChanging = routes.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method));

/** A path with every parameter filled: an id of the admin's own county, so that a route would find its object. */
function pathOf(url: string): string {
  return url.replace(/:(\w+)/g, () => String(tree.countyA.id));
}

/** Rows in every table but the ones a read may write: sessions (touched), the audit log (exports are audited). */
async function rowCounts(): Promise<Record<string, number>> {
  const tables = (await ctx.db.introspection.getTables())
    .map((t) => t.name)
    .filter((name) => !['sessions', 'audit_log', 'kysely_migration', 'kysely_migration_lock'].includes(name));
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await ctx.db
      .selectFrom(table as 'orgs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

function assertSecurityHeaders(response: LightMyRequestResponse, what: string): void {
  const csp = String(response.headers['content-security-policy'] ?? '');
  assert.match(csp, /object-src 'none'/, `${what}: CSP object-src`);
  assert.match(csp, /frame-ancestors 'none'|frame-ancestors 'self'/, `${what}: CSP frame-ancestors`);
  assert.equal(response.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  assert.ok(response.headers['referrer-policy'], `${what}: Referrer-Policy`);
  assert.ok(response.headers['x-frame-options'], `${what}: X-Frame-Options`);
}

test('every state-changing route refuses a request without the CSRF token, or from another origin, and changes nothing', async () => {
  assert.ok(stateChanging.length > 40, `${stateChanging.length} state-changing routes`);
  const before = await rowCounts();
  const problems: string[] = [];
  for (const route of stateChanging) {
    const key = `${route.method} ${route.url}`;
    const attempts = [
      { what: 'no token', headers: { 'x-csrf-token': '' } },
      { what: 'wrong token', headers: { 'x-csrf-token': 'forged' } },
      { what: 'cross-origin', headers: { origin: 'https://evil.example' } },
    ];
    for (const attempt of attempts) {
      const response = await admin.request({
        method: route.method,
        url: pathOf(route.url),
        payload: {},
        headers: attempt.headers,
      });
      const code = response.statusCode === 403 ? response.json<{ error: { code: string } }>().error.code : '';
      // Login included: its own custom header (a value no cross-site form can send) stands in for the session's token.
      if (response.statusCode !== 403 || code !== 'csrf_failed') {
        problems.push(`${key} ${attempt.what}: ${response.statusCode} ${code}`);
      }
      assertSecurityHeaders(response, `${key} ${attempt.what}`);
    }
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(await rowCounts(), before, 'nothing was written by a refused request');
});

test('every GET route answers with the security headers and writes nothing', async () => {
  const reads = routes.filter((r) => r.method === 'GET');
  assert.ok(reads.length > 40, `${reads.length} read routes`);
  const before = await rowCounts();
  for (const route of reads) {
    const response = await admin.get(pathOf(route.url));
    assert.ok(response.statusCode < 500, `${route.url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
    assertSecurityHeaders(response, `GET ${route.url}`);
  }
  assert.deepEqual(await rowCounts(), before, 'reading wrote nothing');
});

test('pages of the web app, unknown paths and errors carry the same headers', async () => {
  for (const url of ['/', '/login', '/api/nowhere', '/healthz']) {
    const response = await ctx.app.inject({ method: 'GET', url });
    assertSecurityHeaders(response, url);
  }
});
