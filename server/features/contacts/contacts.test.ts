import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import {
  expectOneAuditRow,
  fullPhonePattern,
  makeCadre,
  makeContact,
  nextPhone,
  watchPhones,
} from '../../../test/ledger-factories.js';
import { sqliteFilePath } from '../../db/database.js';
import { phoneFormatMessage } from '../../personal-data/phone.js';

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const admin = watchPhones(await loginAsFrom(ctx, 'org_admin', tree.countyA));
const editor = watchPhones(await loginAsFrom(ctx, 'org_editor', tree.countyA));
const inspector = watchPhones(await loginAsFrom(ctx, 'inspector', tree.countyA));
const otherCounty = watchPhones(await loginAsFrom(ctx, 'org_admin', tree.countyB));
const clients = [admin, editor, inspector, otherCounty];
/** Every phone this file stores through the API: none may appear in plain text anywhere but a reveal. */
const phonesUsed: string[] = [];

const newContact = (input: Record<string, unknown> = {}) => {
  const phone = nextPhone();
  phonesUsed.push(phone);
  return editor.post('/api/contacts', {
    orgId: tree.townA1.id,
    fullName: '刘青年',
    phone,
    category: 'returnee',
    ...input,
  });
};
const cadreCount = async (id: number) =>
  (await ctx.db.selectFrom('cadres').select('contact_count').where('id', '=', id).executeTakeFirstOrThrow())
    .contact_count;

test('a youth is registered with a phone typed any way; one org cannot register the same phone twice', async () => {
  const phone = nextPhone();
  phonesUsed.push(phone);
  const spaced = `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
  const created = await editor.post('/api/contacts', {
    orgId: tree.townA1.id,
    fullName: '周返乡',
    phone: spaced,
    village: '甲一村',
    category: 'returnee',
    note: '种植大户',
  });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json().phoneMasked, `${phone.slice(0, 3)}****${phone.slice(-4)}`);
  assert.deepEqual(created.json().abilities, { update: true, revealPhone: false });
  const fullWidth = phone.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
  const again = await editor.post('/api/contacts', {
    orgId: tree.townA1.id,
    fullName: '周返乡二',
    phone: fullWidth,
    category: 'student',
  });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().error.message, '本组织已登记该手机号的青年');
  const elsewhere = await editor.post('/api/contacts', {
    orgId: tree.townA2.id,
    fullName: '周返乡',
    phone,
    category: 'returnee',
  });
  assert.equal(elsewhere.statusCode, 201, 'another org may know the same youth');
  const wrong = await newContact({ phone: '12345678901' });
  assert.equal(wrong.statusCode, 400);
  assert.equal(wrong.json().error.message, phoneFormatMessage);
  assert.ok(!wrong.body.includes('12345678901'));

  const other = await newContact({ fullName: '另一位' });
  const taken = await editor.patch(`/api/contacts/${other.json().id}`, { phone });
  assert.equal(taken.statusCode, 409, 'a change of phone is checked too');
  assert.equal(taken.json().error.message, '本组织已登记该手机号的青年');
});

test('contacts are found by part of a name, by a whole phone, by category and by cadre, within scope', async () => {
  const phone = nextPhone();
  phonesUsed.push(phone);
  const found = (await newContact({ fullName: '欧阳查找', phone, category: 'entrepreneur' })).json();
  await newContact({ orgId: tree.villageA1.id, fullName: '欧阳村里', category: 'student' });
  const byName = (await inspector.get(`/api/contacts?q=${encodeURIComponent('阳查')}`)).json();
  assert.deepEqual(
    byName.items.map((c: { id: number }) => c.id),
    [found.id],
  );
  const byPhone = (await inspector.get(`/api/contacts?phone=${encodeURIComponent(`+86 ${phone}`)}`)).json();
  assert.deepEqual(
    byPhone.items.map((c: { id: number }) => c.id),
    [found.id],
  );
  const badPhone = await inspector.get('/api/contacts?phone=12345');
  assert.equal(badPhone.statusCode, 400);
  assert.equal(badPhone.json().error.message, phoneFormatMessage);
  const q = encodeURIComponent('欧阳');
  assert.equal((await inspector.get(`/api/contacts?q=${q}`)).json().total, 2);
  assert.equal((await inspector.get(`/api/contacts?q=${q}&category=student`)).json().total, 1);
  assert.equal((await inspector.get(`/api/contacts?q=${q}&orgId=${tree.townA1.id}&scope=own`)).json().total, 1);
  assert.equal((await inspector.get(`/api/contacts?q=${q}&orgId=${tree.townA1.id}`)).json().total, 2);
  assert.equal((await inspector.get(`/api/contacts?q=${q}&pageSize=1&page=2`)).json().items.length, 1);
  assert.equal((await otherCounty.get(`/api/contacts?q=${q}`)).json().total, 0);
  assert.equal((await otherCounty.get(`/api/contacts?orgId=${tree.townA1.id}`)).statusCode, 404);
  assert.equal((await otherCounty.get(`/api/contacts?phone=${phone}`)).json().total, 0);

  const cadre = await makeCadre(ctx, { org: tree.townA1 });
  await editor.post(`/api/contacts/${found.id}/cadres`, { cadreId: cadre.id });
  const byCadre = (await inspector.get(`/api/contacts?cadreId=${cadre.id}`)).json();
  assert.deepEqual(
    byCadre.items.map((c: { id: number; cadres: { id: number }[] }) => [c.id, c.cadres.map((x) => x.id)]),
    [[found.id, [cadre.id]]],
  );
  assert.equal((await otherCounty.get(`/api/contacts?cadreId=${cadre.id}`)).statusCode, 404);
});

test('linking cadres keeps their contact counts; a second link of the same pair is refused (409)', async () => {
  const contact = (await newContact({ fullName: '联系对象' })).json();
  const cadre = await makeCadre(ctx, { org: tree.townA1, fullName: '吴干部' });
  const linked = await editor.post(`/api/contacts/${contact.id}/cadres`, { cadreId: cadre.id });
  assert.equal(linked.statusCode, 201);
  assert.deepEqual(
    linked.json().linkedCadres.map((c: { id: number; fullName: string }) => [c.id, c.fullName]),
    [[cadre.id, '吴干部']],
  );
  assert.equal(await cadreCount(cadre.id), 1);
  const twice = await editor.post(`/api/contacts/${contact.id}/cadres`, { cadreId: cadre.id });
  assert.equal(twice.statusCode, 409);
  assert.match(twice.json().error.message, /已在联系/);
  assert.equal(await cadreCount(cadre.id), 1, 'a double click does not count twice');
  const theirs = await makeCadre(ctx, { org: tree.townB1 });
  assert.equal((await editor.post(`/api/contacts/${contact.id}/cadres`, { cadreId: theirs.id })).statusCode, 404);
  const left = await makeCadre(ctx, { org: tree.townA1, status: 'left' });
  assert.equal((await editor.post(`/api/contacts/${contact.id}/cadres`, { cadreId: left.id })).statusCode, 409);

  const unlinked = await editor.request({ method: 'DELETE', url: `/api/contacts/${contact.id}/cadres/${cadre.id}` });
  assert.equal(unlinked.statusCode, 200);
  assert.deepEqual(unlinked.json().linkedCadres, []);
  assert.equal(await cadreCount(cadre.id), 0);
  const gone = await editor.request({ method: 'DELETE', url: `/api/contacts/${contact.id}/cadres/${cadre.id}` });
  assert.equal(gone.statusCode, 404);
  assert.equal(await cadreCount(cadre.id), 0);
});

test('the contact log is newest first and the last contact date follows the latest log, not the last entered', async () => {
  const contact = (await newContact({ fullName: '记录对象' })).json();
  const cadre = await makeCadre(ctx, { org: tree.townA1, fullName: '郑干部' });
  const log = (payload: object) => editor.post(`/api/contacts/${contact.id}/logs`, payload);
  assert.equal((await log({ onDate: '2025-10-10', channel: 'wechat', cadreId: cadre.id })).statusCode, 201);
  await log({ onDate: '2025-10-20', channel: 'visit', note: '入户走访' });
  const detail = (await log({ onDate: '2025-10-01', channel: 'phone' })).json();
  assert.equal(detail.lastContactOn, '2025-10-20');
  assert.deepEqual(
    detail.logs.map((l: { onDate: string; channel: string; cadreName: string | null }) => [
      l.onDate,
      l.channel,
      l.cadreName,
    ]),
    [
      ['2025-10-20', 'visit', null],
      ['2025-10-10', 'wechat', '郑干部'],
      ['2025-10-01', 'phone', null],
    ],
  );
  const audit = await ctx.db.selectFrom('audit_log').select('details').where('action', '=', 'contact.log').execute();
  assert.ok(!audit.some((row) => (row.details ?? '').includes('入户走访')), 'what was said stays out of the audit');
  assert.equal((await log({ onDate: '2999-01-01', channel: 'phone' })).statusCode, 400);
  const theirs = await makeCadre(ctx, { org: tree.townB1 });
  assert.equal((await log({ onDate: '2025-10-02', channel: 'phone', cadreId: theirs.id })).statusCode, 404);
});

test("another county's youth answer 404 for every read and write; an inspector only reads", async () => {
  const contact = await makeContact(ctx, { org: tree.townB1 });
  const mine = (await newContact()).json();
  const cadre = await makeCadre(ctx, { org: tree.townA1 });
  for (const response of [
    await editor.get(`/api/contacts/${contact.id}`),
    await editor.patch(`/api/contacts/${contact.id}`, { note: '越界' }),
    await editor.post(`/api/contacts/${contact.id}/cadres`, { cadreId: cadre.id }),
    await editor.request({ method: 'DELETE', url: `/api/contacts/${contact.id}/cadres/${cadre.id}` }),
    await editor.post(`/api/contacts/${contact.id}/logs`, { onDate: '2025-10-01', channel: 'phone' }),
    await admin.post(`/api/contacts/${contact.id}/reveal-phone`),
    await editor.post('/api/contacts', {
      orgId: tree.townB1.id,
      fullName: '越界',
      phone: nextPhone(),
      category: 'other',
    }),
    await editor.patch(`/api/contacts/${mine.id}`, { orgId: tree.townB1.id }),
  ]) {
    assert.equal(response.statusCode, 404, response.body);
  }
  assert.deepEqual(
    (await editor.get(`/api/contacts/${contact.id}`)).json(),
    (await editor.get('/api/contacts/999999')).json(),
  );
  assert.equal((await inspector.get(`/api/contacts/${mine.id}`)).statusCode, 200);
  for (const response of [
    await inspector.patch(`/api/contacts/${mine.id}`, { note: '检查' }),
    await inspector.post(`/api/contacts/${mine.id}/cadres`, { cadreId: cadre.id }),
    await inspector.post(`/api/contacts/${mine.id}/logs`, { onDate: '2025-10-01', channel: 'phone' }),
    await inspector.post(`/api/contacts/${mine.id}/reveal-phone`),
    await inspector.post('/api/contacts', {
      orgId: tree.townA1.id,
      fullName: '检查',
      phone: nextPhone(),
      category: 'other',
    }),
  ]) {
    assert.equal(response.statusCode, 403, response.body);
  }
});

test('a reveal returns the phone and writes exactly one personal.reveal row, without the phone', async () => {
  const phone = nextPhone();
  phonesUsed.push(phone);
  const contact = (await newContact({ phone })).json();
  const before = await ctx.db.selectFrom('audit_log').select('id').where('action', '=', 'personal.reveal').execute();
  const revealed = await admin.post(`/api/contacts/${contact.id}/reveal-phone`);
  assert.deepEqual(revealed.json(), { phone });
  const rows = await ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'personal.reveal').execute();
  assert.equal(rows.length, before.length + 1);
  const row = rows.at(-1)!;
  assert.deepEqual([row.object_type, row.object_id, row.org_id], ['youth_contact', String(contact.id), tree.townA1.id]);
  assert.ok(!JSON.stringify(row).includes(phone));
  assert.equal((await editor.post(`/api/contacts/${contact.id}/reveal-phone`)).statusCode, 403);
});

test('edits record which fields changed, never the values', async () => {
  const contact = (await newContact({ fullName: '改前' })).json();
  const phone = nextPhone();
  phonesUsed.push(phone);
  const changed = await editor.patch(`/api/contacts/${contact.id}`, { fullName: '改后', phone, category: 'student' });
  assert.equal(changed.json().fullName, '改后');
  const row = await ctx.db
    .selectFrom('audit_log')
    .select('details')
    .where('action', '=', 'contact.update')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  assert.deepEqual(JSON.parse(row.details!), {
    fields: ['fullName', 'phone', 'category'],
    category: { from: 'returnee', to: 'student' },
  });
});

test('every contact write appends exactly one audit row, without the phone', async () => {
  const created = await expectOneAuditRow(ctx, 'contact.create', () => newContact({ fullName: '审计青年' }));
  const id = created.json().id;
  const cadre = await makeCadre(ctx, { org: tree.townA1 });
  await expectOneAuditRow(ctx, 'contact.update', () => editor.patch(`/api/contacts/${id}`, { village: '新村' }));
  await expectOneAuditRow(ctx, 'contact.link', () => editor.post(`/api/contacts/${id}/cadres`, { cadreId: cadre.id }));
  await expectOneAuditRow(ctx, 'contact.log', () =>
    editor.post(`/api/contacts/${id}/logs`, { onDate: '2025-10-05', channel: 'wechat', cadreId: cadre.id }),
  );
  await expectOneAuditRow(ctx, 'contact.unlink', () =>
    editor.request({ method: 'DELETE', url: `/api/contacts/${id}/cadres/${cadre.id}` }),
  );
  await expectOneAuditRow(ctx, 'personal.reveal', () => admin.post(`/api/contacts/${id}/reveal-phone`));
});

test('no response, audit row or log line shows a plain phone; on SQLite the database file holds none', async () => {
  for (const client of clients) assert.deepEqual(client.leaks, []);
  const audit = await ctx.db.selectFrom('audit_log').select('details').execute();
  assert.ok(!audit.some((row) => fullPhonePattern.test(row.details ?? '')));
  const logs = ctx.logs.join('');
  assert.ok(phonesUsed.length >= 8);
  for (const phone of phonesUsed) assert.ok(!logs.includes(phone), 'a phone in the logs');
  if (ctx.dialect !== 'sqlite') return;
  const file = sqliteFilePath(ctx.dataDir);
  const bytes = Buffer.concat(
    [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)),
  ).toString('latin1');
  assert.ok(bytes.includes('entrepreneur'), 'the contacts are in the bytes read');
  for (const phone of phonesUsed) assert.ok(!bytes.includes(phone), 'a plain phone in the SQLite file');
});
