import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestContext } from '../test/harness.js';
import { makeOrg, makeUser, testPassword } from '../test/factories.js';

const ctx = await createTestContext();

test('the OpenAPI document describes every API route, and /api/docs browses it', async () => {
  const doc = (await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
    paths: Record<string, Record<string, unknown>>;
  }>();
  for (const route of ctx.app.routeTable.filter((r) => r.url !== '/api/openapi.json')) {
    const openApiPath = route.url.replace(/:(\w+)/g, '{$1}');
    assert.ok(
      doc.paths[openApiPath]?.[route.method.toLowerCase()],
      `${route.method} ${route.url} missing from OpenAPI`,
    );
  }
  const page = await ctx.app.inject({ method: 'GET', url: '/api/docs/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.headers['content-type'] as string, /text\/html/);
});

test('behind a TLS proxy the session cookie is __Host-, Secure and HttpOnly, and HSTS is sent', async () => {
  const tls = await createTestContext({ TUANJIAN_TRUST_PROXY: '1' });
  const user = await makeUser(tls, { role: 'inspector', org: await makeOrg(tls) });
  const response = await tls.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'x-csrf-token': 'login', 'x-forwarded-proto': 'https', host: 'tuanjian.example' },
    payload: { username: user.username, password: testPassword },
  });
  assert.equal(response.statusCode, 200);
  const cookie = response.cookies.find((c) => c.name === '__Host-tj_sid');
  assert.ok(cookie, JSON.stringify(response.cookies));
  assert.equal(cookie.secure, true);
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.path, '/');
  assert.match(String(response.headers['strict-transport-security']), /max-age=\d+/);
  const me = await tls.app.inject({
    method: 'GET',
    url: '/api/auth/me',
    headers: { 'x-forwarded-proto': 'https' },
    cookies: { '__Host-tj_sid': cookie.value },
  });
  assert.equal(me.statusCode, 200);
});

test('unknown API paths answer 404 in the error format, never a stack trace', async () => {
  const response = await ctx.app.inject({ method: 'GET', url: '/api/nothing-here' });
  assert.equal(response.statusCode, 404);
  assert.deepEqual(response.json(), { error: { code: 'not_found', message: '请求的资源不存在' } });
});
