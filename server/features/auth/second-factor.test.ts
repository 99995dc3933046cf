import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Role } from '../../../common/domain.js';
import { requiresSecondFactor, roles } from '../../../common/domain.js';
import { loginFrom, nextAddress } from '../../../test/clients.js';
import { makeOrg, makeUser, testPassword, type TestUser } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { clientFrom, currentStep, enrolDirectly, forgetUsedCodes, totpCode } from '../../../test/totp.js';

// security.md: "TOTP second factor for admins and for anyone allowed to reveal full ID numbers; a used code fails
// on replay." This file runs with the requirement on, as a production server does (the other tests' fixtures turn
// it off: test/harness.ts).

const ctx = await createTestContext({ TUANJIAN_REQUIRE_TOTP: '1' });
const county = await makeOrg(ctx, { level: 'county' });

const passwordStep = (user: Pick<TestUser, 'username'>, password = testPassword) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: nextAddress(),
    headers: { 'x-csrf-token': 'login' },
    payload: { username: user.username, password },
  });

const codeStep = (pendingToken: string, code: string) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/auth/login/totp',
    remoteAddress: nextAddress(),
    headers: { 'x-csrf-token': 'login' },
    payload: { pendingToken, code },
  });

/** The password step of an enrolled account: no session, only a pending token. */
async function pendingTokenOf(user: TestUser): Promise<string> {
  const response = await passwordStep(user);
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json<{ status: string; pendingToken: string }>();
  assert.equal(body.status, 'totp_required');
  assert.equal(response.cookies.length, 0, 'no session cookie before the code');
  return body.pendingToken;
}

async function auditReasons(user: TestUser): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('audit_log')
    .select('details')
    .where('action', '=', 'auth.login')
    .where('result', '=', 'failure')
    .where('object_id', '=', String(user.id))
    .orderBy('id')
    .execute();
  return rows.map((row) => (JSON.parse(row.details ?? '{}') as { reason: string }).reason);
}

test('admins and everyone who may reveal ID numbers need the second factor; editors and inspectors do not', () => {
  const expected: Record<Role, boolean> = {
    org_admin: true,
    org_editor: false,
    inspector: false,
    system_admin: true,
    security_admin: true,
    audit_admin: true,
  };
  assert.deepEqual(Object.fromEntries(roles.map((role) => [role, requiresSecondFactor(role)])), expected);
});

test('an admin without a second factor can only enrol one; the first code confirms it and rotates the session', async () => {
  const admin = await makeUser(ctx, { role: 'org_admin', org: county });
  const restricted = await loginFrom(ctx, admin);
  const me = (await restricted.get('/api/auth/me')).json<{ user: { mustEnrolTotp: boolean; totpEnabled: boolean } }>();
  assert.deepEqual([me.user.mustEnrolTotp, me.user.totpEnabled], [true, false]);
  const blocked = await restricted.get(`/api/orgs/${county.id}`);
  assert.equal(blocked.statusCode, 403);
  assert.equal(blocked.json().error.code, 'totp_enrolment_required');
  assert.match(blocked.json().error.message, /两步验证/);

  const started = await restricted.post('/api/auth/totp/enrolment');
  assert.equal(started.statusCode, 200);
  assert.equal(started.headers['cache-control'], 'no-store');
  const { secret, uri } = started.json<{ secret: string; uri: string }>();
  assert.match(secret, /^[A-Z2-7]{32}$/, '160 bits in base32');
  const parsed = new URL(uri);
  assert.equal(parsed.protocol, 'otpauth:');
  assert.equal(parsed.host, 'totp');
  assert.equal(parsed.searchParams.get('secret'), secret);
  assert.deepEqual(
    ['algorithm', 'digits', 'period'].map((key) => parsed.searchParams.get(key)),
    ['SHA1', '6', '30'],
  );
  // Asking again before confirming shows the same secret: a page opened twice shows one QR code that works.
  assert.equal((await restricted.post('/api/auth/totp/enrolment')).json().secret, secret);

  const wrong = await restricted.post('/api/auth/totp/confirm', { code: totpCode(secret, 3) });
  assert.equal(wrong.statusCode, 400);
  assert.equal(wrong.json().error.code, 'invalid_totp');
  assert.equal((await restricted.get(`/api/orgs/${county.id}`)).statusCode, 403, 'still not enrolled');

  const confirmed = await restricted.post('/api/auth/totp/confirm', { code: totpCode(secret) });
  assert.equal(confirmed.statusCode, 200);
  assert.deepEqual([confirmed.json().user.mustEnrolTotp, confirmed.json().user.totpEnabled], [false, true]);
  assert.equal((await restricted.get('/api/auth/me')).statusCode, 401, 'the session opened without it has ended');
  const full = clientFrom(ctx, admin, confirmed);
  assert.equal((await full.get(`/api/orgs/${county.id}`)).statusCode, 200);

  // Enrolled: the secret is never handed out again, and every login now asks for a code.
  const again = await full.post('/api/auth/totp/enrolment');
  assert.equal(again.statusCode, 409);
  assert.ok(!again.body.includes(secret) && !(await full.get('/api/auth/me')).body.includes(secret));
  const pending = await pendingTokenOf(admin);
  const session = await codeStep(pending, totpCode(secret, 1));
  assert.equal(session.statusCode, 200, session.body);
  assert.equal((await clientFrom(ctx, admin, session).get(`/api/orgs/${county.id}`)).statusCode, 200);
  const audit = await ctx.db
    .selectFrom('audit_log')
    .select('action')
    .where('object_id', '=', String(admin.id))
    .where('action', 'in', ['auth.totp_enabled', 'auth.login'])
    .where('result', '=', 'success')
    .orderBy('id')
    .execute();
  assert.deepEqual(
    audit.map((row) => row.action),
    ['auth.login', 'auth.totp_enabled', 'auth.login'],
  );
});

test('an editor or inspector works without a second factor, and may enrol one', async () => {
  for (const role of ['org_editor', 'inspector'] as const) {
    const user = await makeUser(ctx, { role, org: county });
    const client = await loginFrom(ctx, user);
    assert.equal((await client.get(`/api/orgs/${county.id}`)).statusCode, 200, role);
  }
  const editor = await makeUser(ctx, { role: 'org_editor', org: county });
  const client = await loginFrom(ctx, editor);
  const { secret } = (await client.post('/api/auth/totp/enrolment')).json<{ secret: string }>();
  assert.equal((await client.post('/api/auth/totp/confirm', { code: totpCode(secret) })).statusCode, 200);
  const pending = await pendingTokenOf(editor);
  assert.equal((await codeStep(pending, totpCode(secret, 1))).statusCode, 200);
});

test('a used code fails on replay, even two requests at once', async () => {
  const admin = await makeUser(ctx, { role: 'system_admin' });
  const secret = await enrolDirectly(ctx, admin);
  const code = totpCode(secret);
  const first = await codeStep(await pendingTokenOf(admin), code);
  assert.equal(first.statusCode, 200, first.body);

  const pending = await pendingTokenOf(admin);
  const replay = await codeStep(pending, code);
  assert.equal(replay.statusCode, 401);
  assert.equal(replay.json().error.code, 'invalid_totp');
  assert.equal(replay.cookies.length, 0);
  const earlier = await codeStep(pending, totpCode(secret, -1));
  assert.equal(earlier.statusCode, 401, 'a code of an earlier step than the one used is refused too');
  // The control: the next code, on the same pending login, works.
  assert.equal((await codeStep(pending, totpCode(secret, 1))).statusCode, 200);
  assert.deepEqual((await auditReasons(admin)).slice(-2), ['replayed_code', 'replayed_code']);

  // Two requests carrying one fresh code on one pending login: one session, one refusal.
  await forgetUsedCodes(ctx, admin);
  const racing = await pendingTokenOf(admin);
  const fresh = totpCode(secret);
  const answers = await Promise.all([codeStep(racing, fresh), codeStep(racing, fresh)]);
  assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, 401]);
  const row = await ctx.db
    .selectFrom('users')
    .select('totp_last_step')
    .where('id', '=', admin.id)
    .executeTakeFirstOrThrow();
  assert.ok(row.totp_last_step !== null && row.totp_last_step >= currentStep() - 1);
});

test('wrong codes count toward the lockout, and a right password in between does not clear them', async () => {
  const admin = await makeUser(ctx, { role: 'security_admin' });
  const secret = await enrolDirectly(ctx, admin);
  const wrongCode = String((Number(totpCode(secret)) + 1) % 1_000_000).padStart(6, '0');
  let pending = await pendingTokenOf(admin);
  for (let i = 0; i < 2; i++) assert.equal((await codeStep(pending, wrongCode)).statusCode, 401);
  pending = await pendingTokenOf(admin);
  for (let i = 0; i < 2; i++) assert.equal((await codeStep(pending, wrongCode)).statusCode, 401);
  const fifth = await codeStep(pending, wrongCode);
  assert.equal(fifth.statusCode, 401);
  assert.match(fifth.json().error.message, /锁定/);
  // Locked: the right code on that login and the right password both fail now.
  assert.equal((await codeStep(pending, totpCode(secret))).json().error.code, 'login_expired');
  const locked = await passwordStep(admin);
  assert.equal(locked.statusCode, 401);
  assert.equal(locked.json().error.code, 'invalid_credentials');
  assert.deepEqual(await auditReasons(admin), [
    'wrong_code',
    'wrong_code',
    'wrong_code',
    'wrong_code',
    'wrong_code',
    'locked',
  ]);
});

test('the step between password and code expires, and a pending token opens one session only', async () => {
  const admin = await makeUser(ctx, { role: 'audit_admin' });
  const secret = await enrolDirectly(ctx, admin);
  assert.equal((await codeStep('made-up-token', totpCode(secret))).json().error.code, 'login_expired');

  const stale = await pendingTokenOf(admin);
  await ctx.db
    .updateTable('login_challenges')
    .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
    .where('user_id', '=', admin.id)
    .execute();
  const late = await codeStep(stale, totpCode(secret));
  assert.equal(late.statusCode, 401);
  assert.equal(late.json().error.code, 'login_expired');
  assert.match(late.json().error.message, /重新/);

  // A new password step replaces the one waiting: only the latest pending token counts.
  const older = await pendingTokenOf(admin);
  const latest = await pendingTokenOf(admin);
  assert.equal((await codeStep(older, totpCode(secret))).json().error.code, 'login_expired');
  assert.equal((await codeStep(latest, totpCode(secret))).statusCode, 200);
  await forgetUsedCodes(ctx, admin);
  assert.equal((await codeStep(latest, totpCode(secret, 1))).json().error.code, 'login_expired', 'used once');
});

test('the secret is stored encrypted, never logged, and never in an answer after enrolment', async () => {
  const admin = await makeUser(ctx, { role: 'org_admin', org: county });
  const client = await loginFrom(ctx, admin);
  const { secret } = (await client.post('/api/auth/totp/enrolment')).json<{ secret: string }>();
  const confirmed = await client.post('/api/auth/totp/confirm', { code: totpCode(secret) });
  assert.equal(confirmed.statusCode, 200);
  const row = await ctx.db
    .selectFrom('users')
    .select(['totp_secret', 'totp_pending_secret'])
    .where('id', '=', admin.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.totp_pending_secret, null);
  assert.ok(row.totp_secret && !row.totp_secret.includes(secret), 'cipher text, not the secret');
  assert.equal(ctx.app.keyring.decrypt(row.totp_secret), secret);

  const security = await loginFrom(ctx, await makeUser(ctx, { role: 'security_admin' }));
  // The security admin needs a second factor too: enrolled directly here, this test is about the listing.
  await enrolDirectly(ctx, security.user);
  const listing = await security.get(`/api/users?q=${admin.username}`);
  assert.equal(listing.json().items[0].totpEnabled, true);
  assert.ok(!listing.body.includes(secret));
  assert.ok(!ctx.logs.join('').includes(secret), 'no log line holds the secret');
  if (ctx.dialect === 'sqlite') {
    // Nor does the database file (or its write-ahead log) hold it in the clear.
    for (const file of ['tuanjian.sqlite', 'tuanjian.sqlite-wal']) {
      const full = path.join(ctx.dataDir, file);
      if (fs.existsSync(full)) assert.ok(!fs.readFileSync(full).includes(secret), `${file} holds the secret`);
    }
  }
});

test('a reset second factor ends the sessions; the next login leads to enrolling a new one', async () => {
  const admin = await makeUser(ctx, { role: 'org_admin', org: county });
  const secret = await enrolDirectly(ctx, admin);
  const session = clientFrom(ctx, admin, await codeStep(await pendingTokenOf(admin), totpCode(secret)));
  const securityUser = await makeUser(ctx, { role: 'security_admin' });
  const securitySecret = await enrolDirectly(ctx, securityUser);
  const security = clientFrom(
    ctx,
    securityUser,
    await codeStep(await pendingTokenOf(securityUser), totpCode(securitySecret)),
  );

  const ownReset = await security.post(`/api/users/${securityUser.id}/reset-totp`);
  assert.equal(ownReset.statusCode, 403, 'nobody resets their own second factor');
  const reset = await security.post(`/api/users/${admin.id}/reset-totp`);
  assert.equal(reset.statusCode, 200, reset.body);
  assert.equal(reset.json().totpEnabled, false);
  assert.equal((await session.get('/api/auth/me')).statusCode, 401);
  assert.equal((await security.post(`/api/users/${admin.id}/reset-totp`)).statusCode, 409, 'nothing left to reset');
  const audit = await ctx.db
    .selectFrom('audit_log')
    .select(['actor_id', 'result'])
    .where('action', '=', 'user.reset_totp')
    .where('object_id', '=', String(admin.id))
    .execute();
  assert.deepEqual(audit, [{ actor_id: securityUser.id, result: 'success' }]);

  // The password alone opens a session again, restricted to enrolling a new factor.
  const next = await passwordStep(admin);
  assert.equal(next.statusCode, 200);
  assert.equal(next.json().user.mustEnrolTotp, true);
  const restricted = clientFrom(ctx, admin, next);
  assert.equal((await restricted.get(`/api/orgs/${county.id}`)).json().error.code, 'totp_enrolment_required');
  const fresh = (await restricted.post('/api/auth/totp/enrolment')).json<{ secret: string }>().secret;
  assert.notEqual(fresh, secret, 'a new secret: the lost phone is useless');
});
