import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestContext } from '../../../test/harness.js';
import { login, makeOrg, makeUser, testPassword } from '../../../test/factories.js';
import { ensureFirstAdmin } from './service.js';

const ctx = await createTestContext();

function loginRequest(
  username: string,
  password: string,
  headers: Record<string, string> = { 'x-csrf-token': 'login' },
) {
  return ctx.app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: { username, password } });
}

test('the first start creates admin with a generated password that must be changed, never admin/admin', async () => {
  const password = await ensureFirstAdmin(ctx.db, null);
  assert.ok(password && password.length >= 16);
  assert.equal((await loginRequest('admin', 'admin')).statusCode, 401);
  const first = await loginRequest('admin', password);
  assert.equal(first.statusCode, 200);
  assert.equal(first.json().user.mustChangePassword, true);
  const session = first.cookies.find((c) => c.name === 'tj_sid')!;
  const csrf = first.json().csrfToken as string;
  // Until the password is changed, nothing but the password change works.
  const blocked = await ctx.app.inject({ method: 'GET', url: '/api/orgs/roots', cookies: { tj_sid: session.value } });
  assert.equal(blocked.statusCode, 403);
  assert.equal(blocked.json().error.code, 'password_change_required');
  const weak = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/password',
    cookies: { tj_sid: session.value },
    headers: { 'x-csrf-token': csrf },
    payload: { currentPassword: password, newPassword: '12345678' },
  });
  assert.equal(weak.statusCode, 400);
  assert.equal(weak.json().error.code, 'weak_password');
  const changed = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/password',
    cookies: { tj_sid: session.value },
    headers: { 'x-csrf-token': csrf },
    payload: { currentPassword: password, newPassword: 'Sturdy-Password-2026' },
  });
  assert.equal(changed.statusCode, 200);
  assert.equal(changed.json().user.mustChangePassword, false);
  // The old session died with the old password; the new one works.
  const old = await ctx.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { tj_sid: session.value } });
  assert.equal(old.statusCode, 401);
  const fresh = changed.cookies.find((c) => c.name === 'tj_sid')!;
  const roots = await ctx.app.inject({ method: 'GET', url: '/api/orgs/roots', cookies: { tj_sid: fresh.value } });
  assert.equal(roots.statusCode, 200);
  assert.equal(await ensureFirstAdmin(ctx.db, null), null, 'a second start creates no second admin');
});

test('stored password hashes are argon2id with m ≥ 19 MiB, t ≥ 2, p = 1', async () => {
  const user = await makeUser(ctx, { role: 'inspector', org: await makeOrg(ctx) });
  const row = await ctx.db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', user.id)
    .executeTakeFirstOrThrow();
  const [, algorithm, , params] = row.password_hash.split('$');
  assert.equal(algorithm, 'argon2id');
  const values = Object.fromEntries(
    params
      .split(',')
      .map((kv) => kv.split('='))
      .map(([k, v]) => [k, Number(v)]),
  );
  assert.ok(values.m >= 19456, `m=${values.m}`);
  assert.ok(values.t >= 2, `t=${values.t}`);
  assert.equal(values.p, 1);
});

test('unknown user and wrong password get identical answers; five failures lock the account', async () => {
  const user = await makeUser(ctx, { role: 'inspector', org: await makeOrg(ctx) });
  const unknown = await loginRequest('nobody-here', 'whatever-1');
  const wrong = await loginRequest(user.username, 'whatever-1');
  assert.equal(unknown.statusCode, 401);
  assert.deepEqual(unknown.json(), wrong.json());
  for (let i = 0; i < 4; i++) await loginRequest(user.username, 'whatever-1');
  const locked = await loginRequest(user.username, testPassword);
  assert.equal(locked.statusCode, 401, 'the right password no longer works once locked');
  assert.deepEqual(locked.json(), unknown.json());
  const row = await ctx.db
    .selectFrom('users')
    .select('locked_until')
    .where('id', '=', user.id)
    .executeTakeFirstOrThrow();
  assert.ok(row.locked_until && row.locked_until > new Date().toISOString());
});

test('the session id rotates at login and dies at logout', async () => {
  const user = await makeUser(ctx, { role: 'inspector', org: await makeOrg(ctx) });
  const first = await login(ctx, user);
  const second = await loginRequest(user.username, testPassword);
  assert.equal(second.statusCode, 200);
  const secondCookie = second.cookies.find((c) => c.name === 'tj_sid')!;
  assert.notEqual(secondCookie.value, first.cookie);
  assert.ok(Buffer.from(secondCookie.value, 'base64url').length >= 16, 'at least 128 bits');
  assert.equal(secondCookie.httpOnly, true);
  assert.equal(secondCookie.sameSite, 'Strict');
  // Logging in again from the same browser drops the session it had.
  const relogin = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    cookies: { tj_sid: first.cookie },
    headers: { 'x-csrf-token': 'login' },
    payload: { username: user.username, password: testPassword },
  });
  assert.equal(relogin.statusCode, 200);
  assert.equal((await first.get('/api/auth/me')).statusCode, 401);
  const client = await login(ctx, user);
  assert.equal((await client.post('/api/auth/logout')).statusCode, 200);
  assert.equal((await client.get('/api/auth/me')).statusCode, 401);
});

test('state changes need the CSRF token and a same-origin request', async () => {
  const org = await makeOrg(ctx);
  const client = await login(ctx, await makeUser(ctx, { role: 'org_admin', org }));
  const body = { parentId: org.id, name: '共青团某镇委员会', type: 'committee', level: 'township' };
  const noToken = await client.request({
    method: 'POST',
    url: '/api/orgs',
    payload: body,
    headers: { 'x-csrf-token': '' },
  });
  assert.equal(noToken.statusCode, 403);
  assert.equal(noToken.json().error.code, 'csrf_failed');
  const crossOrigin = await client.request({
    method: 'POST',
    url: '/api/orgs',
    payload: body,
    headers: { origin: 'https://evil.example' },
  });
  assert.equal(crossOrigin.statusCode, 403);
  const loginCsrf = await loginRequest('x', 'y', {});
  assert.equal(loginCsrf.statusCode, 403, 'a login form posted from another site is refused');
  const children = await client.get(`/api/orgs/${org.id}/children`);
  assert.equal(children.json().total, 0, 'nothing was created by the refused requests');
  assert.equal((await client.post('/api/orgs', body)).statusCode, 201);
});

test('an idle session expires', async () => {
  const user = await makeUser(ctx, { role: 'inspector', org: await makeOrg(ctx) });
  const client = await login(ctx, user);
  const longAgo = new Date(Date.now() - 31 * 60_000).toISOString();
  await ctx.db.updateTable('sessions').set({ last_seen_at: longAgo }).where('user_id', '=', user.id).execute();
  assert.equal((await client.get('/api/auth/me')).statusCode, 401);
});

test('a session ends at its absolute timeout however active it is', async () => {
  const user = await makeUser(ctx, { role: 'inspector', org: await makeOrg(ctx) });
  const client = await login(ctx, user);
  const row = await ctx.db
    .selectFrom('sessions')
    .select(['created_at', 'expires_at'])
    .where('user_id', '=', user.id)
    .executeTakeFirstOrThrow();
  const hours = (Date.parse(row.expires_at) - Date.parse(row.created_at)) / 3_600_000;
  assert.ok(Math.abs(hours - 12) < 0.01, `absolute lifetime ${hours} h`);
  assert.equal((await client.get('/api/auth/me')).statusCode, 200);
  // Seen a second ago, but past its absolute end: over, and its row gone.
  await ctx.db
    .updateTable('sessions')
    .set({
      last_seen_at: new Date(Date.now() - 1000).toISOString(),
      expires_at: new Date(Date.now() - 1).toISOString(),
    })
    .where('user_id', '=', user.id)
    .execute();
  assert.equal((await client.get('/api/auth/me')).statusCode, 401);
  const left = await ctx.db.selectFrom('sessions').select('token_hash').where('user_id', '=', user.id).execute();
  assert.deepEqual(left, []);
});

test('security headers are sent', async () => {
  const response = await ctx.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-security-policy']), /object-src 'none'/);
  assert.match(String(response.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
  assert.ok(response.headers['referrer-policy']);
});

test('logs never hold passwords, session ids or CSRF tokens', async () => {
  const user = await makeUser(ctx, { role: 'inspector', org: await makeOrg(ctx) });
  const client = await login(ctx, user);
  await loginRequest(user.username, 'Wrong-Secret-77');
  await client.get(`/api/orgs/search?q=${encodeURIComponent('张三')}`);
  const logs = ctx.logs.join('');
  assert.ok(logs.includes('"url":"/api/auth/login"'), 'requests are logged');
  for (const secret of [testPassword, 'Wrong-Secret-77', client.cookie, client.csrfToken, '张三']) {
    assert.ok(!logs.includes(secret), `a log line contains ${secret.slice(0, 4)}…`);
  }
});

test('too many login requests from one address are answered 429 in Chinese', async () => {
  const limited = await createTestContext({ TUANJIAN_LOGIN_RATE_LIMIT: '3' });
  const attempt = () =>
    limited.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'x-csrf-token': 'login' },
      payload: { username: 'someone', password: 'whatever-1' },
    });
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await attempt()).statusCode);
  assert.deepEqual(statuses, [401, 401, 401, 429]);
  const blocked = await attempt();
  assert.equal(blocked.json().error.code, 'rate_limited');
  assert.match(blocked.json().error.message, /请求过于频繁/);
});
