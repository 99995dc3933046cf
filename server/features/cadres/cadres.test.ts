import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import {
  expectOneAuditRow,
  fullPhonePattern,
  linkContact,
  makeCadre,
  makeContact,
  nextPhone,
  watchPhones,
} from '../../../test/ledger-factories.js';
import { phoneFormatMessage } from '../../personal-data/phone.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const admin = watchPhones(await loginAsFrom(ctx, 'org_admin', tree.countyA));
const editor = watchPhones(await loginAsFrom(ctx, 'org_editor', tree.countyA));
const inspector = watchPhones(await loginAsFrom(ctx, 'inspector', tree.countyA));
const otherCounty = watchPhones(await loginAsFrom(ctx, 'org_admin', tree.countyB));
const system = watchPhones(await loginAsFrom(ctx, 'system_admin'));
const clients = [admin, editor, inspector, otherCounty, system];

const phonesUsed: string[] = [];
const auditRows = (action: string) =>
  ctx.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

test('an editor registers a cadre; the phone, typed any way, is stored protected and shown masked', async () => {
  const created = await editor.post('/api/cadres', {
    orgId: tree.townA1.id,
    fullName: '王书记',
    post: '书记',
    kind: 'full_time',
    phone: '＋８６ １３８ ００１３ ８０００',
  });
  assert.equal(created.statusCode, 201, created.body);
  const cadre = created.json();
  assert.equal(cadre.phoneMasked, '138****8000');
  assert.equal(cadre.status, 'active');
  assert.equal(cadre.contactCount, 0);
  assert.deepEqual(
    cadre.abilities,
    { update: true, revealPhone: false, revealIdNumber: false },
    'editors do not reveal',
  );
  const row = await ctx.db.selectFrom('cadres').selectAll().where('id', '=', cadre.id).executeTakeFirstOrThrow();
  assert.ok(row.phone_cipher && !row.phone_cipher.includes('13800138000'));
  const audit = (await auditRows('cadre.create')).at(-1)!;
  assert.doesNotMatch(audit.details ?? '', fullPhonePattern);
  assert.ok(!(audit.details ?? '').includes('王书记'), 'no personal value in the audit row');

  const wrong = await editor.post('/api/cadres', {
    orgId: tree.townA1.id,
    fullName: '错号',
    post: '委员',
    kind: 'part_time',
    phone: '1381234567',
  });
  assert.equal(wrong.statusCode, 400);
  assert.equal(wrong.json().error.message, phoneFormatMessage);
  assert.ok(!wrong.body.includes('1381234567'), 'the refused number is not repeated');
  const noPhone = await editor.post('/api/cadres', {
    orgId: tree.townA1.id,
    fullName: '赵委员',
    post: '组织委员',
    kind: 'part_time',
  });
  assert.equal(noPhone.json().phoneMasked, null);
});

test('cadres are listed per org or with the subtree, searched by name, with their contact counts', async () => {
  const secretary = await makeCadre(ctx, { org: tree.townA2, fullName: '钱列表', post: '书记' });
  await makeCadre(ctx, { org: tree.villageA1, fullName: '孙列表', post: '书记' });
  await linkContact(
    ctx,
    secretary,
    await makeContact(ctx, { org: tree.townA2 }),
    await makeContact(ctx, { org: tree.townA2 }),
  );
  const own = (await inspector.get(`/api/orgs/${tree.townA2.id}/cadres`)).json();
  assert.deepEqual(
    own.items.map((c: { fullName: string; contactCount: number }) => [c.fullName, c.contactCount]),
    [['钱列表', 2]],
  );
  const subtree = (await inspector.get(`/api/orgs/${tree.countyA.id}/cadres?includeSubtree=true&q=列表`)).json();
  assert.equal(subtree.total, 2);
  const paged = (
    await inspector.get(`/api/orgs/${tree.countyA.id}/cadres?includeSubtree=true&pageSize=1&page=2`)
  ).json();
  assert.equal(paged.items.length, 1);
  assert.ok(paged.total >= 3);
  assert.equal((await inspector.get(`/api/orgs/${tree.countyA.id}/cadres`)).json().total, 0, 'own org only by default');
  assert.equal((await otherCounty.get(`/api/orgs/${tree.townA2.id}/cadres`)).statusCode, 404);
  assert.equal((await system.get(`/api/orgs/${tree.townA2.id}/cadres`)).statusCode, 200, 'the system admin reads');
});

test('a cadre is edited and leaves; another county and an inspector cannot touch it', async () => {
  const cadre = await makeCadre(ctx, { org: tree.townA1 });
  const left = await editor.patch(`/api/cadres/${cadre.id}`, { status: 'left', post: '原书记' });
  assert.equal(left.statusCode, 200);
  assert.equal(left.json().status, 'left');
  const audit = (await auditRows('cadre.update')).at(-1)!;
  assert.deepEqual(JSON.parse(audit.details!).fields, ['post', 'status']);
  const moved = await editor.patch(`/api/cadres/${cadre.id}`, { orgId: tree.townB1.id });
  assert.equal(moved.statusCode, 404, 'no move out of the subtree');
  assert.equal((await otherCounty.patch(`/api/cadres/${cadre.id}`, { post: '委员' })).statusCode, 404);
  assert.equal((await inspector.patch(`/api/cadres/${cadre.id}`, { post: '委员' })).statusCode, 403);
  assert.equal((await system.patch(`/api/cadres/${cadre.id}`, { post: '委员' })).statusCode, 403);
  assert.equal(
    (
      await otherCounty.post('/api/cadres', {
        orgId: tree.townA1.id,
        fullName: '越界',
        post: '委员',
        kind: 'part_time',
      })
    ).statusCode,
    404,
  );
  const phone = nextPhone();
  phonesUsed.push(phone);
  const changed = await editor.patch(`/api/cadres/${cadre.id}`, { phone });
  assert.equal(changed.json().phoneMasked, `${phone.slice(0, 3)}****${phone.slice(-4)}`);
  const phoneAudit = (await auditRows('cadre.update')).at(-1)!;
  assert.deepEqual(JSON.parse(phoneAudit.details!), { fields: ['phone'] }, 'which field, never the number');
});

test('revealing a phone needs personal.reveal, returns the number and writes exactly one audit row without it', async () => {
  const phone = nextPhone();
  phonesUsed.push(phone);
  const cadre = await makeCadre(ctx, { org: tree.townA1, phone });
  const listed = (await admin.get(`/api/orgs/${tree.townA1.id}/cadres`)).json();
  assert.equal(listed.items.find((c: { id: number }) => c.id === cadre.id).abilities.revealPhone, true);
  const before = (await auditRows('personal.reveal')).length;
  assert.equal((await editor.post(`/api/cadres/${cadre.id}/reveal-phone`)).statusCode, 403);
  assert.equal((await system.post(`/api/cadres/${cadre.id}/reveal-phone`)).statusCode, 403);
  assert.equal((await otherCounty.post(`/api/cadres/${cadre.id}/reveal-phone`)).statusCode, 404);
  const revealed = await admin.post(`/api/cadres/${cadre.id}/reveal-phone`);
  assert.equal(revealed.statusCode, 200);
  assert.deepEqual(revealed.json(), { phone });
  const rows = (await auditRows('personal.reveal')).slice(before);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].object_type, 'cadre');
  assert.equal(rows[0].object_id, String(cadre.id));
  assert.equal(rows[0].actor_id, admin.user.id);
  assert.ok(!JSON.stringify(rows[0]).includes(phone));
  const none = await makeCadre(ctx, { org: tree.townA1, phone: null });
  assert.equal((await admin.post(`/api/cadres/${none.id}/reveal-phone`)).statusCode, 404);
  assert.equal((await auditRows('personal.reveal')).length, before + 1, 'refusals reveal nothing and record nothing');
});

test('every cadre write appends exactly one audit row, without the phone', async () => {
  const phone = nextPhone();
  phonesUsed.push(phone);
  const created = await expectOneAuditRow(ctx, 'cadre.create', () =>
    editor.post('/api/cadres', { orgId: tree.townA2.id, fullName: '审计干部', post: '委员', kind: 'seconded', phone }),
  );
  await expectOneAuditRow(ctx, 'cadre.update', () =>
    editor.patch(`/api/cadres/${created.json().id}`, { kind: 'full_time' }),
  );
  await expectOneAuditRow(ctx, 'personal.reveal', () => admin.post(`/api/cadres/${created.json().id}/reveal-phone`));
});

test('no response of the cadre routes shows a full phone number, except a reveal; no log line does', () => {
  for (const client of clients) assert.deepEqual(client.leaks, []);
  // Log lines carry epoch-millisecond times, which look like phone numbers: look for the numbers used here.
  const logs = ctx.logs.join('');
  for (const phone of ['13800138000', '1381234567', ...phonesUsed])
    assert.ok(!logs.includes(phone), 'a phone in the logs');
});
