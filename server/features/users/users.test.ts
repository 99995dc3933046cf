import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestContext } from '../../../test/harness.js';
import { login, loginAs, makeTree, makeUser, testPassword } from '../../../test/factories.js';
import { nextAddress } from '../../../test/clients.js';
import { enrolDirectly } from '../../../test/totp.js';
import { createAccountFromCli, resetPasswordFromCli, resetTotpFromCli } from './accounts.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const countyAdmin = await loginAs(ctx, 'org_admin', tree.countyA);

function loginRequest(username: string, password: string) {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'x-csrf-token': 'login' },
    payload: { username, password },
  });
}

test('an org admin creates a cadre account in its subtree; the generated password is shown once and must be changed', async () => {
  const created = await countyAdmin.post('/api/users', {
    username: 'Town.Editor',
    displayName: '王芳',
    role: 'org_editor',
    orgId: tree.townA1.id,
  });
  assert.equal(created.statusCode, 201, created.body);
  const { user, initialPassword } = created.json();
  assert.equal(user.username, 'town.editor', 'usernames are case-insensitive');
  assert.equal(user.orgName, '共青团甲一镇委员会');
  assert.equal(user.mustChangePassword, true);
  assert.match(initialPassword, /^.{16}$/);
  const listed = (await countyAdmin.get('/api/users?q=town')).json();
  assert.equal(listed.total, 1);
  assert.ok(!JSON.stringify(listed).includes(initialPassword));
  assert.ok(!JSON.stringify(listed).includes('argon2'));
  const first = await loginRequest('town.editor', initialPassword);
  assert.equal(first.json().user.mustChangePassword, true);
  const duplicate = await countyAdmin.post('/api/users', {
    username: 'town.editor',
    displayName: '重复',
    role: 'inspector',
    orgId: tree.townA1.id,
  });
  assert.equal(duplicate.statusCode, 409);
});

test('an org admin can neither place accounts outside its subtree nor hand out operator roles', async () => {
  const outside = await countyAdmin.post('/api/users', {
    username: 'outsider',
    displayName: '外人',
    role: 'inspector',
    orgId: tree.townB1.id,
  });
  assert.equal(outside.statusCode, 404);
  const operator = await countyAdmin.post('/api/users', {
    username: 'sneaky',
    displayName: '越权',
    role: 'system_admin',
    orgId: null,
  });
  assert.equal(operator.statusCode, 403);
  const noOrg = await countyAdmin.post('/api/users', {
    username: 'noorg',
    displayName: '无组织',
    role: 'inspector',
    orgId: null,
  });
  assert.equal(noOrg.statusCode, 400);
  const rows = await ctx.db
    .selectFrom('users')
    .select('username')
    .where('username', 'in', ['outsider', 'sneaky', 'noorg'])
    .execute();
  assert.deepEqual(rows, []);
});

test('users are listed only inside the subtree; operators stay invisible to org admins', async () => {
  await makeUser(ctx, { role: 'inspector', org: tree.townB1, username: 'other-county' });
  await makeUser(ctx, { role: 'security_admin', username: 'sec-officer' });
  const names = (await countyAdmin.get('/api/users?limit=200'))
    .json()
    .items.map((u: { username: string }) => u.username);
  assert.ok(!names.includes('other-county'));
  assert.ok(!names.includes('sec-officer'));
  const systemAdmin = await loginAs(ctx, 'system_admin', null);
  const all = (await systemAdmin.get('/api/users?limit=200')).json().items.map((u: { username: string }) => u.username);
  assert.ok(all.includes('other-county') && all.includes('sec-officer'));
});

test('disabling an account ends its sessions at once', async () => {
  const user = await makeUser(ctx, { role: 'inspector', org: tree.townA2 });
  const client = await login(ctx, user);
  assert.equal((await client.get('/api/auth/me')).statusCode, 200);
  const disabled = await countyAdmin.patch(`/api/users/${user.id}`, { disabled: true });
  assert.equal(disabled.json().disabled, true);
  assert.equal((await client.get('/api/auth/me')).statusCode, 401);
  assert.equal((await loginRequest(user.username, testPassword)).statusCode, 401);
  const self = await countyAdmin.patch(`/api/users/${countyAdmin.user.id}`, { disabled: true });
  assert.equal(self.statusCode, 403, 'nobody disables themselves');
});

test('the security administrator unlocks a locked account and resets a password', async () => {
  const user = await makeUser(ctx, { role: 'org_editor', org: tree.townA2 });
  for (let i = 0; i < 5; i++) await loginRequest(user.username, 'wrong-password-1');
  assert.equal((await countyAdmin.get(`/api/users?q=${user.username}`)).json().items[0].locked, true);
  const security = await loginAs(ctx, 'security_admin', null);
  const unlocked = await security.post(`/api/users/${user.id}/unlock`);
  assert.equal(unlocked.json().locked, false);
  const client = await login(ctx, user);
  const reset = await security.post(`/api/users/${user.id}/reset-password`);
  assert.equal(reset.statusCode, 200);
  assert.equal((await client.get('/api/auth/me')).statusCode, 401, 'a reset ends the old sessions');
  assert.equal((await loginRequest(user.username, testPassword)).statusCode, 401);
  const fresh = await loginRequest(user.username, reset.json().initialPassword);
  assert.equal(fresh.json().user.mustChangePassword, true);
  const create = await security.post('/api/users', {
    username: 'nope',
    displayName: '不行',
    role: 'inspector',
    orgId: tree.townA1.id,
  });
  assert.equal(create.statusCode, 403, 'the security administrator does not create accounts');
});

test('operator accounts come from the command line only, with a generated password to change at first login', async () => {
  const systemAdmin = await loginAs(ctx, 'system_admin', null);
  const viaApi = await systemAdmin.post('/api/users', {
    username: 'api-auditor',
    displayName: '审计',
    role: 'audit_admin',
    orgId: null,
  });
  assert.equal(viaApi.statusCode, 403, 'the system administrator cannot mint an audit administrator');
  const { password } = await createAccountFromCli(ctx.db, {
    username: 'cli-auditor',
    displayName: '审计员',
    role: 'audit_admin',
    org: null,
  });
  const first = await loginRequest('cli-auditor', password);
  assert.equal(first.statusCode, 200);
  assert.equal(first.json().user.role, 'audit_admin');
  assert.equal(first.json().user.mustChangePassword, true);
  await assert.rejects(
    createAccountFromCli(ctx.db, { username: 'cli-editor', displayName: '编辑', role: 'org_editor', org: null }),
    /组织角色需要 --org/,
  );
  const security = await loginAs(ctx, 'security_admin', null);
  const auditor = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'cli-auditor')
    .executeTakeFirstOrThrow();
  assert.equal((await security.post(`/api/users/${auditor.id}/reset-password`)).statusCode, 403);
  const reset = await resetPasswordFromCli(ctx.db, 'cli-auditor');
  assert.equal((await loginRequest('cli-auditor', reset.password)).statusCode, 200);
});

test('each listed account says what the actor may do with it', async () => {
  const editor = await makeUser(ctx, { role: 'org_editor', org: tree.townA1, username: 'abilities-editor' });
  for (let i = 0; i < 5; i++) await loginRequest(editor.username, 'wrong-password-1');
  const asAdmin = (await countyAdmin.get('/api/users?q=abilities-editor')).json().items[0];
  // No second factor enrolled yet: nothing to reset there (the identity tests cover an enrolled one).
  assert.deepEqual(asAdmin.abilities, {
    update: true,
    resetPassword: true,
    unlock: true,
    resetTotp: false,
    endSessions: true,
  });
  const self = (await countyAdmin.get(`/api/users?q=${countyAdmin.user.username}`)).json().items[0];
  assert.deepEqual(self.abilities, {
    update: true,
    resetPassword: false,
    unlock: false,
    resetTotp: false,
    endSessions: false,
  });
  const security = await loginAs(ctx, 'security_admin', null);
  const operators = (await security.get('/api/users?q=cli-auditor')).json().items;
  assert.deepEqual(operators[0].abilities, {
    update: false,
    resetPassword: false,
    unlock: false,
    resetTotp: false,
    endSessions: true,
  });
  const asSecurity = (await security.get('/api/users?q=abilities-editor')).json().items[0];
  assert.deepEqual(asSecurity.abilities, {
    update: false,
    resetPassword: true,
    unlock: true,
    resetTotp: false,
    endSessions: true,
  });
});

test('admins end every session of an account they manage, audited; nobody else does', async () => {
  const editor = await makeUser(ctx, { role: 'org_editor', org: tree.townA1 });
  const sessions = [await login(ctx, editor), await login(ctx, editor)];
  const ended = await countyAdmin.post(`/api/users/${editor.id}/end-sessions`);
  assert.equal(ended.statusCode, 200, ended.body);
  assert.deepEqual(ended.json(), { ended: 2 });
  for (const session of sessions) assert.equal((await session.get('/api/auth/me')).statusCode, 401);
  const audit = await ctx.db
    .selectFrom('audit_log')
    .select(['actor_id', 'details'])
    .where('action', '=', 'user.end_sessions')
    .where('object_id', '=', String(editor.id))
    .execute();
  assert.deepEqual(audit, [{ actor_id: countyAdmin.user.id, details: JSON.stringify({ ended: 2 }) }]);
  // The account itself still works: a new login opens a new session.
  const again = await login(ctx, editor);
  assert.equal((await again.get('/api/auth/me')).statusCode, 200);

  // Another county's admin does not see the account; the admin's own sessions end by logging out.
  const otherCounty = await loginAs(ctx, 'org_admin', tree.countyB);
  assert.equal((await otherCounty.post(`/api/users/${editor.id}/end-sessions`)).statusCode, 404);
  assert.equal((await countyAdmin.post(`/api/users/${countyAdmin.user.id}/end-sessions`)).statusCode, 403);
  assert.equal((await again.get('/api/auth/me')).statusCode, 200, 'the refused requests ended nothing');

  // 三员分立: the system admin ends org accounts' sessions but not another operator's; the security admin may.
  const system = await loginAs(ctx, 'system_admin', null);
  const security = await loginAs(ctx, 'security_admin', null);
  assert.equal((await system.post(`/api/users/${editor.id}/end-sessions`)).json().ended, 1);
  assert.equal((await system.post(`/api/users/${security.user.id}/end-sessions`)).statusCode, 403);
  assert.equal((await security.get('/api/auth/me')).statusCode, 200);
  assert.equal((await security.post(`/api/users/${system.user.id}/end-sessions`)).statusCode, 200);
  assert.equal((await system.get('/api/auth/me')).statusCode, 401);
});

test('the command line clears a second factor: the last resort of a security admin who lost the phone', async () => {
  const security = await makeUser(ctx, { role: 'security_admin', username: 'cli-security' });
  await enrolDirectly(ctx, security);
  // From addresses of their own: this file's other tests have used the rate limit of the default one.
  const fromElsewhere = () =>
    ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: nextAddress(),
      headers: { 'x-csrf-token': 'login' },
      payload: { username: 'cli-security', password: testPassword },
    });
  const pending = await fromElsewhere();
  assert.equal(pending.json().status, 'totp_required');
  await resetTotpFromCli(ctx.db, 'CLI-Security');
  const after = await fromElsewhere();
  assert.equal(after.statusCode, 200);
  assert.equal(after.json().user.totpEnabled, false);
  await assert.rejects(resetTotpFromCli(ctx.db, 'cli-security'), /尚未启用两步验证/);
  const audit = await ctx.db
    .selectFrom('audit_log')
    .select(['actor_id', 'details'])
    .where('action', '=', 'user.reset_totp')
    .where('object_id', '=', String(security.id))
    .execute();
  assert.deepEqual(audit, [{ actor_id: null, details: JSON.stringify({ via: 'cli' }) }]);
});
