import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loginFrom, nextAddress } from '../../../test/clients.js';
import { makeOrg, makeUser, testPassword, type Client } from '../../../test/factories.js';
import { createTestContext, type TestContext } from '../../../test/harness.js';
import { clientFrom } from '../../../test/totp.js';
import { loadConfig } from '../../config.js';
import { AppError } from '../../http/errors.js';
import { checkPasswordPolicy } from './passwords.js';

// security.md: "Passwords … 8–64+ chars, checked against a common-password list; a policy profile "mlps" adds
// complexity and rotation." The "mlps" profile (等保三级): at least 10 characters of three of the four kinds,
// a new password every 90 days, none of the last five again.

const mlps = await createTestContext({ TUANJIAN_PASSWORD_PROFILE: 'mlps' });
const standard = await createTestContext();

function refusal(password: string, profile: 'standard' | 'mlps'): string | null {
  try {
    checkPasswordPolicy(password, 'zhangsan', profile);
    return null;
  } catch (error) {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'weak_password');
    return error.message;
  }
}

test('the mlps profile asks for 10 characters of at least three kinds; the standard profile does not', () => {
  assert.match(refusal('Qing-9x', 'mlps') ?? '', /至少 10 位/);
  assert.match(refusal('qingnianmima', 'mlps') ?? '', /至少三类/, 'one kind');
  assert.match(refusal('qingnian2026', 'mlps') ?? '', /至少三类/, 'two kinds');
  assert.equal(refusal('Qingnian2026', 'mlps'), null, 'upper, lower, digit');
  assert.equal(refusal('qingnian-2026', 'mlps'), null, 'lower, digit, symbol');
  assert.equal(refusal('QINGNIAN团建9', 'mlps'), null, 'upper, digit, and Chinese characters counted as symbols');
  // The same passwords under the standard profile: length 8 and the common list only.
  assert.equal(refusal('qingnianmima', 'standard'), null);
  assert.match(refusal('Qing-9x', 'standard') ?? '', /至少 8 位/);
  // What both profiles refuse: the user name inside, a common password.
  assert.match(refusal('Zhangsan-2026!', 'mlps') ?? '', /用户名/);
  assert.match(refusal('Password123', 'standard') ?? '', /常见/);
});

test('TUANJIAN_PASSWORD_PROFILE is standard unless set, and a misspelt profile stops the start', () => {
  assert.equal(loadConfig({}).passwordProfile, 'standard');
  assert.equal(loadConfig({ TUANJIAN_PASSWORD_PROFILE: 'mlps' }).passwordProfile, 'mlps');
  assert.throws(() => loadConfig({ TUANJIAN_PASSWORD_PROFILE: 'MLPS3' }), /standard or mlps/);
  assert.equal(loadConfig({}).requireTotp, true, 'the second factor is required unless turned off');
  assert.equal(loadConfig({ TUANJIAN_REQUIRE_TOTP: '0' }).requireTotp, false);
  assert.throws(() => loadConfig({ TUANJIAN_REQUIRE_TOTP: 'maybe' }), /TUANJIAN_REQUIRE_TOTP/);
});

async function change(ctx: TestContext, client: Client, current: string, next: string) {
  return client.post('/api/auth/password', { currentPassword: current, newPassword: next });
}

test('under mlps a weak new password is refused through the API with the reasons in Chinese', async () => {
  const user = await makeUser(mlps, { role: 'inspector', org: await makeOrg(mlps) });
  const client = await loginFrom(mlps, user);
  const weak = await change(mlps, client, testPassword, 'qingnian2026');
  assert.equal(weak.statusCode, 400);
  assert.equal(weak.json().error.code, 'weak_password');
  assert.match(weak.json().error.message, /大写字母、小写字母、数字、符号中的至少三类/);
  assert.equal((await client.get('/api/auth/me')).json().passwordProfile, 'mlps', 'the page can state the rule');
  assert.equal((await change(mlps, client, testPassword, 'Qingnian-2026')).statusCode, 200);
});

test('under mlps a password older than 90 days must be changed at the next login', async () => {
  const user = await makeUser(mlps, { role: 'inspector', org: await makeOrg(mlps) });
  const setAge = (days: number) =>
    mlps.db
      .updateTable('users')
      .set({ password_changed_at: new Date(Date.now() - days * 86_400_000).toISOString() })
      .where('id', '=', user.id)
      .execute();
  // The control: 89 days old still works as it is.
  await setAge(89);
  const fresh = await loginFrom(mlps, user);
  assert.equal((await fresh.get('/api/auth/me')).json().user.mustChangePassword, false);

  await setAge(91);
  const expired = await loginFrom(mlps, user);
  assert.equal((await expired.get('/api/auth/me')).json().user.mustChangePassword, true);
  const blocked = await expired.get('/api/orgs/roots');
  assert.equal(blocked.statusCode, 403);
  assert.equal(blocked.json().error.code, 'password_change_required');
  const audit = await mlps.db
    .selectFrom('audit_log')
    .select('action')
    .where('action', '=', 'auth.password_expired')
    .where('object_id', '=', String(user.id))
    .execute();
  assert.equal(audit.length, 1);
  const changed = await change(mlps, expired, testPassword, 'Xinmima-2026');
  assert.equal(changed.statusCode, 200);
  const after = clientFrom(mlps, user, changed);
  assert.equal((await after.get('/api/orgs/roots')).statusCode, 200);
  const next = await loginFrom(mlps, user, 'Xinmima-2026');
  assert.equal((await next.get('/api/auth/me')).json().user.mustChangePassword, false, 'the clock started again');

  // Under the standard profile the age of a password does not matter.
  const old = await makeUser(standard, { role: 'inspector', org: await makeOrg(standard) });
  await standard.db
    .updateTable('users')
    .set({ password_changed_at: '2020-01-01T00:00:00.000Z' })
    .where('id', '=', old.id)
    .execute();
  const client = await loginFrom(standard, old);
  assert.equal((await client.get('/api/auth/me')).json().user.mustChangePassword, false);
});

/** Changes the password through the given list in turn, as the user would; answers the last session. */
async function changeThrough(ctx: TestContext, client: Client, from: string, passwords: string[]) {
  let current = from;
  let session = client;
  for (const next of passwords) {
    const response = await change(ctx, session, current, next);
    assert.equal(response.statusCode, 200, `${current} → ${next}: ${response.body}`);
    session = clientFrom(ctx, session.user, response);
    current = next;
  }
  return session;
}

test('under mlps none of the last five passwords may come back; the sixth may', async () => {
  const user = await makeUser(mlps, { role: 'inspector', org: await makeOrg(mlps) });
  const passwords = ['Diyi-Mima-2026', 'Dier-Mima-2026', 'Disan-Mima-2026', 'Disi-Mima-2026'];
  let session = await changeThrough(mlps, await loginFrom(mlps, user), testPassword, passwords);
  // The last five: Disi (current), Disan, Dier, Diyi and the first one.
  for (const earlier of [passwords[3], ...passwords.slice(0, 3), testPassword]) {
    const reused = await change(mlps, session, passwords[3], earlier);
    assert.equal(reused.statusCode, 400, earlier);
    assert.match(reused.json().error.message, /当前密码相同|最近 5 次/);
  }
  session = await changeThrough(mlps, session, passwords[3], ['Diwu-Mima-2026']);
  // Now the first password is six back: allowed again.
  assert.equal((await change(mlps, session, 'Diwu-Mima-2026', testPassword)).statusCode, 200);
  const history = await mlps.db.selectFrom('password_history').select('id').where('user_id', '=', user.id).execute();
  assert.equal(history.length, 4, 'no more earlier hashes kept than the rule reads');

  // The standard profile refuses only the current password.
  const other = await makeUser(standard, { role: 'inspector', org: await makeOrg(standard) });
  const back = await changeThrough(standard, await loginFrom(standard, other), testPassword, ['Diyi-Mima-2026']);
  assert.equal((await change(standard, back, 'Diyi-Mima-2026', 'Diyi-Mima-2026')).statusCode, 400);
  assert.equal((await change(standard, back, 'Diyi-Mima-2026', testPassword)).statusCode, 200);
});

test('a password reset by an admin joins the history: the user cannot return to the one before', async () => {
  const county = await makeOrg(mlps, { level: 'county' });
  const user = await makeUser(mlps, { role: 'inspector', org: county });
  const admin = await loginFrom(mlps, await makeUser(mlps, { role: 'org_admin', org: county }));
  const reset = await admin.post(`/api/users/${user.id}/reset-password`);
  assert.equal(reset.statusCode, 200);
  const generated = reset.json<{ initialPassword: string }>().initialPassword;
  const first = await mlps.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: nextAddress(),
    headers: { 'x-csrf-token': 'login' },
    payload: { username: user.username, password: generated },
  });
  const client = clientFrom(mlps, user, first);
  const back = await change(mlps, client, generated, testPassword);
  assert.equal(back.statusCode, 400);
  assert.match(back.json().error.message, /最近 5 次/);
});
