import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { chinaToday } from '../common/dates.js';
import { loadConfig } from '../server/config.js';
import { importDivisions } from '../server/features/orgs/import-divisions.js';
import { refreshMemberCounts } from '../server/features/members/counts.js';
import { protectIdNumber } from '../server/personal-data/id-number.js';
import { createKeyring, loadMasterKey } from '../server/personal-data/keyring.js';
import { protectPhone } from '../server/personal-data/phone.js';
import { nowIso } from '../server/db/tree.js';
import { openMigratedDatabase } from '../server/runtime.js';
import { bulkInsert, type Cell } from './bulk.js';
import { createAdmin, scopedCounty } from './fixtures.js';
import type { MemberFixtures } from './member-bench.js';
import { memberSerialStart, type MemberProbes } from './member-file.js';
import { generateMember } from './members.js';
import { benchPassword, benchUsers } from './prepare.js';
import { loadProvinceTree } from './province.js';
import { createRandom, deriveSeed } from './random.js';

// A register of N members for working on the member searches, without the import: the Shaanxi tree, then the
// same people as the benchmark's member sheet (bench/member-file.ts: same seed, branches, order and probes)
// written straight into `members` in bulk, with real ciphers and blind indexes, and member_counts recounted.
// No member events and no ledger. It also creates the benchmark's accounts and writes the fixtures of the member
// workloads (bench/member-bench.ts) to <data dir>/member-fixtures.json. See bench/README.md.
//
//   node --import tsx bench/seed-members.ts --data-dir /tmp/members-2m [--rows 2000000] [--seed 20261127]
//   DATABASE_URL=postgres://…/scratch node --import tsx bench/seed-members.ts --data-dir /tmp/members-2m-pg

const args = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    rows: { type: 'string', default: '2000000' },
    seed: { type: 'string', default: '20261127' },
  },
}).values;
if (!args['data-dir']) throw new Error('--data-dir is required (the SQLite file and the data key live there)');
const rows = Number(args.rows);
const seed = Number(args.seed);
const env = { ...process.env, TUANJIAN_DATA_DIR: args['data-dir'] };
const config = loadConfig(env);
const keyring = createKeyring(loadMasterKey(config));
const handle = await openMigratedDatabase(config);
const { db } = handle;
const log = (line: string) => process.stdout.write(`${line}\n`);

const memberColumns = [
  'org_id',
  'full_name',
  'id_cipher',
  'id_index',
  'id_masked',
  'birth_date',
  'sex',
  'member_no',
  'joined_on',
  'membership_status',
  'political_status',
  'ethnicity',
  'education',
  'occupation',
  'workplace',
  'phone_cipher',
  'phone_index',
  'phone_masked',
  'wechat',
  'household',
  'is_mobile',
  'mobile_origin',
  'mobile_current',
  'created_at',
  'updated_at',
] as const;

try {
  const started = performance.now();
  const { n: orgCount } = await db
    .selectFrom('orgs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(orgCount) === 0) {
    log('importing Shaanxi (61) at village depth …');
    await importDivisions({ db, provinceCode: '61', depth: 'village' });
  }
  const tree = await loadProvinceTree(db);
  const countyNames = new Map(
    tree.counties.map((c) => [c.stat_code!.slice(0, 6), c.name.replace(/^共青团|委员会$/g, '')]),
  );
  // The branches, their order and the row → branch rule of bench/member-file.ts.
  const branches = tree.townships.flatMap((t) =>
    t.villages
      .filter((v) => v.type === 'branch' || v.type === 'joint_branch')
      .map((v) => ({ id: v.id, statCode: v.stat_code!, name: v.name, region: v.stat_code!.slice(0, 6) })),
  );
  const random = createRandom(deriveSeed(seed, 'member-file'));
  const used = Math.min(branches.length, Math.max(1, Math.round(rows / 100)));
  const perCounty = new Map<string, number>();
  const probes: MemberProbes = { idNumbers: [], phones: [], namePrefixes: [], branchCodes: [] };
  const every = Math.max(1, Math.floor(rows / 200));
  const asOf = chinaToday();
  const at = nowIso();
  const chunkRows = 50_000;
  log(`writing ${rows.toLocaleString('en-US')} members …`);
  for (let start = 0; start < rows; start += chunkRows) {
    const chunk: Cell[][] = [];
    for (let i = start; i < Math.min(rows, start + chunkRows); i++) {
      const branch = branches[Math.floor((Math.floor((i * used) / rows) * branches.length) / used)];
      const k = perCounty.get(branch.region) ?? 0;
      perCounty.set(branch.region, k + 1);
      const m = generateMember(random, {
        region: branch.region,
        county: countyNames.get(branch.region) ?? '',
        village: branch.name.replace(/团支部$/, ''),
        k,
        serial: memberSerialStart + i,
        asOf,
      });
      if (i % every === 0) {
        probes.idNumbers.push(m.idNumber);
        if (m.phone) probes.phones.push(m.phone);
        probes.namePrefixes.push(m.fullName.slice(0, 2));
        probes.branchCodes.push(branch.statCode);
      }
      const id = protectIdNumber(keyring, m.idNumber);
      const phone = m.phone ? protectPhone(keyring, m.phone) : null;
      chunk.push([
        branch.id,
        m.fullName,
        id.cipher,
        id.index,
        id.masked,
        m.birthDate,
        m.sex,
        m.memberNo,
        m.joinedOn,
        'normal',
        m.politicalStatus,
        m.ethnicity,
        m.education,
        m.occupation,
        m.workplace,
        phone?.cipher ?? null,
        phone?.index ?? null,
        phone?.masked ?? null,
        m.wechat,
        m.household,
        m.isMobile ? 1 : 0,
        m.mobileOrigin,
        m.mobileCurrent,
        at,
        at,
      ]);
    }
    await db.transaction().execute((trx) => bulkInsert(trx, 'members', memberColumns, chunk));
    if ((start / chunkRows) % 10 === 9) log(`  ${(start + chunk.length).toLocaleString('en-US')}`);
  }
  log('recounting member_counts …');
  await db.transaction().execute((trx) =>
    refreshMemberCounts(
      trx,
      branches.map((b) => b.id),
    ),
  );
  if (handle.dialect === 'postgres') await sql`analyze`.execute(db);

  const existing = new Set((await db.selectFrom('users').select('username').execute()).map((u) => u.username));
  const { rows: largest } = await sql<{ id: number; stat_code: string }>`
    select c.id, c.stat_code from orgs c
    join orgs t on t.parent_id = c.id join orgs v on v.parent_id = t.id
    where c.level = 'county' and c.status = 'active'
    group by c.id, c.stat_code order by count(*) desc, c.stat_code limit 1`.execute(db);
  const accounts: [string, string][] = [
    [benchUsers.province, '610000000000'],
    [benchUsers.searchCounty, scopedCounty.statCode],
    [benchUsers.county, largest[0].stat_code],
  ];
  for (const [username, statCode] of accounts) {
    if (!existing.has(username)) await createAdmin(db, username, benchPassword, statCode);
  }
  const codes = [...new Set(probes.branchCodes)].slice(0, 50);
  const branchIds = branches.filter((b) => codes.includes(b.statCode)).map((b) => b.id);
  const fixtures: MemberFixtures = { ...probes, provinceId: tree.province.id, countyId: largest[0].id, branchIds };
  const file = path.join(config.dataDir, 'member-fixtures.json');
  fs.writeFileSync(file, JSON.stringify(fixtures));
  log(`done in ${Math.round((performance.now() - started) / 1000)} s; fixtures in ${file}`);
} finally {
  await handle.close();
}
