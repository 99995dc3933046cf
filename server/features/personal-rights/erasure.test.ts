import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { composeIdNumber, maskIdNumber } from '../../../common/id-number.js';
import type { PersonErasureResult, PersonSummary } from '../../../common/personal-rights.js';
import { loginAsFrom } from '../../../test/clients.js';
import { makeTree } from '../../../test/factories.js';
import { createTestContext } from '../../../test/harness.js';
import { makeCadre, makeContact } from '../../../test/ledger-factories.js';
import { makeBranch, makeMember } from '../../../test/people-factories.js';
import { makeTransfer } from '../../../test/request-factories.js';
import { rollupDifferences } from '../../../test/rollup-check.js';
import { sqliteFilePath } from '../../db/database.js';
import { pathIds } from '../../db/tree.js';
import { storedFilePath } from '../../files/store.js';
import { idNumberIndex } from '../../personal-data/id-number.js';
import { maskPhone, phoneIndex } from '../../personal-data/phone.js';
import { verifyAuditChain } from '../audit/service.js';
import { makePerson } from './person-fixture.js';

// Erasure (PIPL art. 47, security.md: "deletion removes rows, files and derived copies"): afterwards no row of any
// table holds the person's name, ID number, phone, their blind indexes or masks — the erasure's own audit row
// keeps the masked ID number, nothing else does — their files are gone from the data directory, the counts they
// were part of are right again, and everyone else's data is as it was.

const ctx = await createTestContext();
const tree = await makeTree(ctx);
const branch = await makeBranch(ctx, { parent: tree.townA1, name: '删除甲团支部' });
const otherBranch = await makeBranch(ctx, { parent: tree.townB1, name: '删除乙团支部' });
const admin = await loginAsFrom(ctx, 'org_admin', tree.countyA);
const system = await loginAsFrom(ctx, 'system_admin');
// A campaign whose cadre figure counts a cadre as reached from one youth: the person's links move it.
const campaign = (
  await system.post('/api/campaigns', {
    rootOrgId: tree.countyA.id,
    name: '删除测试任务',
    startsOn: '2026-01-01',
    endsOn: '2027-12-31',
    indicators: [
      {
        name: '每名团干部至少联系 1 名青年',
        metric: 'cadre_contact_share',
        minContacts: 1,
        levels: ['township', 'village'],
        types: ['committee', 'branch'],
        threshold: 1,
        deadline: '2027-09-30',
      },
    ],
  })
).json<{ id: number }>();
assert.ok(campaign.id);

// The person's numbers are of a kind nobody else in this database has, so that a mask found is theirs.
const idNumber = composeIdNumber('110101', '2002-06-15', 123);
const phone = '15812340007';
const person = await makePerson(ctx, admin, { branch, town: tree.townA1, fullName: '王晓明', idNumber, phone });
const neighbour = await makeMember(ctx, { org: branch, fullName: '李邻居' });
const body = { idNumber, confirmation: '王晓明', reason: '本人申请删除（个人信息保护法第四十七条）' };

const allTables = async (): Promise<string[]> => {
  const { rows } =
    ctx.dialect === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%'`.execute(
          ctx.db,
        )
      : await sql<{ name: string }>`select name from sqlite_master
          where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`.execute(ctx.db);
  return rows.map((r) => r.name).sort();
};

async function tableRows(): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const table of await allTables()) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(ctx.db);
    out.set(
      table,
      rows.map((r) => JSON.stringify(r)),
    );
  }
  return out;
}

const counts = async () => new Map([...(await tableRows())].map(([table, rows]) => [table, rows.length]));

const lookup = async () => (await admin.post('/api/personal-rights/lookup', { idNumber })).json<PersonSummary>();

/** Rows holding one of the person's values, named by table and value (the erasure's own audit row apart). */
async function traces(): Promise<string[]> {
  const keyring = ctx.app.keyring;
  const needles: Record<string, string> = {
    name: '王晓明',
    idNumber,
    idIndex: idNumberIndex(keyring, idNumber),
    idMasked: maskIdNumber(idNumber),
    phone,
    phoneIndex: phoneIndex(keyring, phone),
    phoneMasked: maskPhone(phone),
    guardianPhone: person.guardianPhone,
    guardianPhoneMasked: maskPhone(person.guardianPhone),
  };
  const found = new Set<string>();
  for (const [table, rows] of await tableRows()) {
    for (const row of rows) {
      for (const [what, needle] of Object.entries(needles)) {
        if (!row.includes(needle)) continue;
        // The erasure's own audit row keeps the masked ID number: the answer to "was I erased?".
        const own = table === 'audit_log' && what === 'idMasked' && row.includes('"action":"personal.erase"');
        if (!own) found.add(`${table}: ${what}`);
      }
    }
  }
  return [...found].sort();
}

test('before the erasure the scan finds the person in every kind of table', async () => {
  const found = await traces();
  for (const trace of [
    'members: name',
    'members: idIndex',
    'members: idMasked',
    'members: phoneIndex',
    'members: phoneMasked',
    'applicants: idIndex',
    'cadres: phoneIndex',
    'youth_contacts: phoneIndex',
    'guardian_consents: name',
    'guardian_consents: guardianPhoneMasked',
    'jobs: name',
    'jobs: phoneMasked',
  ])
    assert.ok(found.includes(trace), `${trace} in ${found.join(', ')}`);
  // Plain values are never stored, before or after.
  assert.ok(!found.some((f) => f.endsWith(': idNumber') || f.endsWith(': phone') || f.endsWith(': guardianPhone')));
});

test('erasure waits while a transfer is under way, wants the name typed again and a reason, and changes nothing until then', async () => {
  const transfer = await makeTransfer(ctx, {
    member: { id: person.memberId, orgId: branch.id, fullName: '王晓明', idNumber, phone },
    toOrg: otherBranch,
    requestedBy: admin.user.id,
  });
  const before = await tableRows();
  const blocked = await lookup();
  assert.equal(blocked.erasure.allowed, false);
  assert.deepEqual(blocked.erasure.blockers, ['此人有尚未办结的组织关系转接，请先撤回或办结后再删除']);
  const refused = await admin.post('/api/personal-rights/erase', body);
  assert.equal(refused.statusCode, 409, refused.body);
  assert.match(refused.json<{ error: { message: string } }>().error.message, /组织关系转接/);

  assert.equal((await admin.post(`/api/transfers/${transfer}/withdraw`)).statusCode, 200);
  assert.equal((await lookup()).erasure.allowed, true);
  const misnamed = await admin.post('/api/personal-rights/erase', { ...body, confirmation: '王小明' });
  assert.equal(misnamed.statusCode, 400, misnamed.body);
  assert.match(misnamed.json<{ error: { message: string } }>().error.message, /确认姓名/);
  const noReason = await admin.post('/api/personal-rights/erase', { idNumber, confirmation: '王晓明' });
  assert.equal(noReason.statusCode, 400);
  const after = await tableRows();
  // The withdrawal itself wrote its step, event and audit row; nothing else moved.
  for (const [table, rows] of before) {
    if (['transfers', 'transfer_steps', 'member_events', 'audit_log'].includes(table)) continue;
    assert.deepEqual(after.get(table), rows, table);
  }
});

test('erasure removes the person’s rows, files and derived copies, and nothing of anyone else', async () => {
  const before = await counts();
  const neighbourBefore = await ctx.db
    .selectFrom('members')
    .selectAll()
    .where('id', '=', neighbour.id)
    .executeTakeFirstOrThrow();
  const response = await admin.post('/api/personal-rights/erase', body);
  assert.equal(response.statusCode, 200, response.body);
  const result = response.json<PersonErasureResult>();
  assert.deepEqual(Object.fromEntries(Object.entries(result.removed).filter(([, n]) => n > 0)), {
    members: 1,
    member_events: result.removed.member_events,
    transfers: 1,
    transfer_steps: result.removed.transfer_steps,
    member_requests: 1,
    annual_reviews: 1,
    party_recommendations: 1,
    guardian_consents: 1,
    applicants: 1,
    applicant_lectures: 1,
    applicant_documents: 2,
    cadres: 1,
    cadre_trainings: 1,
    cadre_assessments: 1,
    cadre_contacts: 2,
    youth_contacts: 1,
    contact_logs: 1,
  });
  assert.ok(result.removed.member_events >= 2 && result.removed.transfer_steps >= 2);
  assert.equal(result.files, 3, 'their document, their recommendation form, the error report naming them');
  assert.equal(result.importJobs, 2);

  // Nothing of anyone else: every table lost exactly the person's rows.
  const after = await counts();
  const derived = ['audit_log', 'files', 'member_counts', 'member_rollups', 'indicator_status', 'indicator_rollup'];
  for (const [table, n] of before) {
    if (derived.includes(table)) continue;
    assert.equal(after.get(table), n - (result.removed[table] ?? 0), table);
  }
  assert.equal(after.get('audit_log'), before.get('audit_log')! + 1);
  assert.equal(after.get('files'), before.get('files')! - 3);
  assert.deepEqual(
    await ctx.db.selectFrom('members').selectAll().where('id', '=', neighbour.id).executeTakeFirstOrThrow(),
    neighbourBefore,
  );

  // Their files are gone from the data directory; the scan they shared with a neighbour stays.
  for (const sha of [person.ownFile, person.formFile]) assert.ok(!fs.existsSync(storedFilePath(ctx.dataDir, sha)));
  assert.ok(fs.existsSync(storedFilePath(ctx.dataDir, person.sharedFile)));
  const documents = await ctx.db
    .selectFrom('applicant_documents')
    .select('applicant_id')
    .where('file_sha256', '=', person.sharedFile)
    .execute();
  assert.deepEqual(documents, [{ applicant_id: person.neighbourApplicant.id }]);

  // Imports: the preview no longer shows them, the error report that held only their row is gone, the other
  // job's report (about someone else) stays.
  const job = async (id: number) =>
    JSON.parse(
      (await ctx.db.selectFrom('jobs').select('result').where('id', '=', id).executeTakeFirstOrThrow()).result!,
    ) as { preview: { values: Record<string, string> }[]; errorFile?: string; errorReport: boolean };
  const preview = await job(person.previewJob);
  assert.deepEqual(
    preview.preview.map((p) => p.values.fullName),
    ['号码错'],
  );
  assert.ok(preview.errorFile && fs.existsSync(storedFilePath(ctx.dataDir, preview.errorFile)));
  const report = await job(person.reportJob);
  assert.equal(report.errorReport, false);
  assert.equal(report.errorFile, undefined);
  const reportJob = await admin.get(`/api/jobs/${person.reportJob}`);
  assert.equal(reportJob.json<{ abilities: { downloadErrors: boolean } }>().abilities.downloadErrors, false);

  // What pointed at them from other people's records lets go; those records stay.
  const neighbourApplicant = await ctx.db
    .selectFrom('applicants')
    .select('introducer1_id')
    .where('id', '=', person.neighbourApplicant.id)
    .executeTakeFirstOrThrow();
  assert.equal(neighbourApplicant.introducer1_id, null);
  const channel = await ctx.db
    .selectFrom('channels')
    .select('responsible_cadre_id')
    .where('id', '=', person.channelId)
    .executeTakeFirstOrThrow();
  assert.equal(channel.responsible_cadre_id, null);
  const logs = await ctx.db
    .selectFrom('contact_logs')
    .select('cadre_id')
    .where('contact_id', '=', person.neighbourContactId)
    .execute();
  assert.deepEqual(logs, [{ cadre_id: null }]);
  const cadre = await ctx.db
    .selectFrom('cadres')
    .select('contact_count')
    .where('id', '=', person.neighbourCadre.id)
    .executeTakeFirstOrThrow();
  assert.equal(cadre.contact_count, 1, 'the neighbour cadre keeps in touch with one youth now');

  // The person is nobody now.
  assert.equal((await admin.post('/api/personal-rights/lookup', { idNumber })).statusCode, 404);
});

test('afterwards no row of any table holds the person’s name, numbers, blind indexes or masks', async () => {
  const found = await traces();
  assert.deepEqual(found, []);
  const audit = await ctx.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', 'personal.erase')
    .executeTakeFirstOrThrow();
  assert.equal(audit.object_id, `member:${person.memberId}`);
  const details = JSON.parse(audit.details!) as Record<string, unknown>;
  assert.equal(details.idMasked, maskIdNumber(idNumber));
  assert.equal(details.reason, body.reason);
  // The trail of what was done to the person stays, and its hash chain holds.
  assert.ok(
    Number(
      (
        await ctx.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('object_id', '=', String(person.memberId))
          .executeTakeFirstOrThrow()
      ).n,
    ) > 0,
  );
  assert.equal((await verifyAuditChain(ctx.db)).ok, true);
});

test('member counts, subtree roll-ups and campaign figures are right after the erasure', async () => {
  const members = await ctx.db
    .selectFrom('members')
    .innerJoin('orgs', 'orgs.id', 'members.org_id')
    .select(['members.org_id', 'members.membership_status', 'orgs.path'])
    .execute();
  const expected = new Map<string, number>();
  const expectedRollups = new Map<string, number>();
  for (const m of members) {
    const key = `${m.org_id}/${m.membership_status}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
    for (const id of pathIds(m.path)) {
      const up = `${id}/${m.membership_status}`;
      expectedRollups.set(up, (expectedRollups.get(up) ?? 0) + 1);
    }
  }
  const stored = async (table: 'member_counts' | 'member_rollups') =>
    new Map(
      (await ctx.db.selectFrom(table).selectAll().execute())
        .filter((r) => r.count !== 0)
        .map((r) => [`${r.org_id}/${r.membership_status}`, Number(r.count)]),
    );
  assert.deepEqual(await stored('member_counts'), expected);
  assert.deepEqual(await stored('member_rollups'), expectedRollups);
  const stats = (await admin.get(`/api/orgs/${branch.id}/member-stats`)).json<{
    normal?: number;
    counts?: Record<string, number>;
  }>();
  assert.ok(JSON.stringify(stats).length > 0);
  assert.deepEqual(await rollupDifferences(ctx.db, campaign.id), []);
});

test('a youth known only by phone and name is found and erased; the cadre who kept in touch counts one fewer', async () => {
  const cadre = await makeCadre(ctx, { org: tree.townA2 });
  const youth = await makeContact(ctx, { org: tree.townA2, fullName: '赵青青', phone: '15812340008' });
  const other = await makeContact(ctx, { org: tree.townA2 });
  for (const contact of [youth, other]) {
    assert.equal((await admin.post(`/api/contacts/${contact.id}/cadres`, { cadreId: cadre.id })).statusCode, 201);
  }
  const who = { phone: '158 1234 0008', fullName: '赵青青' };
  const summary = (await admin.post('/api/personal-rights/lookup', who)).json<PersonSummary>();
  assert.deepEqual(
    summary.records.map((r) => [r.kind, r.id]),
    [['contact', youth.id]],
  );
  assert.equal(summary.idMasked, null);
  const erased = await admin.post('/api/personal-rights/erase', {
    ...who,
    confirmation: '赵青青',
    reason: '本人申请删除',
  });
  assert.equal(erased.statusCode, 200, erased.body);
  assert.deepEqual(erased.json<PersonErasureResult>().removed.youth_contacts, 1);
  const left = await ctx.db
    .selectFrom('cadres')
    .select('contact_count')
    .where('id', '=', cadre.id)
    .executeTakeFirstOrThrow();
  assert.equal(left.contact_count, 1);
  assert.ok(await ctx.db.selectFrom('youth_contacts').select('id').where('id', '=', other.id).executeTakeFirst());
  assert.deepEqual(await rollupDifferences(ctx.db, campaign.id), []);
  const audit = await ctx.db
    .selectFrom('audit_log')
    .select('details')
    .where('action', '=', 'personal.erase')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  assert.ok(!audit.details!.includes('idMasked') && !audit.details!.includes('赵青青'));
});

test('on SQLite the database file and a backup hold no byte of the person once the log is checkpointed', async (t) => {
  if (ctx.dialect !== 'sqlite') return t.skip('SQLite only (PostgreSQL reclaims dead rows by autovacuum)');
  const file = sqliteFilePath(ctx.dataDir);
  const backup = path.join(ctx.dataDir, 'after-erasure.sqlite');
  await sql.raw(`vacuum into '${backup.replaceAll("'", "''")}'`).execute(ctx.db);
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(ctx.db);
  const needles = [
    '王晓明',
    idNumberIndex(ctx.app.keyring, idNumber),
    phoneIndex(ctx.app.keyring, phone),
    maskPhone(phone),
  ];
  for (const [what, bytes] of [
    ['database file', fs.readFileSync(file)],
    ['write-ahead log', fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`) : Buffer.alloc(0)],
    ['VACUUM INTO backup', fs.readFileSync(backup)],
  ] as const) {
    // The scan sees text: the neighbour, who was not erased, is there.
    if (what !== 'write-ahead log') assert.ok(bytes.includes(Buffer.from('李邻居')), what);
    for (const needle of needles) assert.ok(!bytes.includes(Buffer.from(needle)), `${what} holds ${needle}`);
  }
  fs.rmSync(backup);
});
