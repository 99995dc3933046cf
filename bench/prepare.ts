import path from 'node:path';
import { sql } from 'kysely';
import { chinaToday } from '../common/dates.js';
import { loadConfig } from '../server/config.js';
import type { Db } from '../server/db/schema.js';
import { importDivisions } from '../server/features/orgs/import-divisions.js';
import { createKeyring, loadMasterKey } from '../server/personal-data/keyring.js';
import { openMigratedDatabase } from '../server/runtime.js';
import { rollupDifferences } from '../test/rollup-check.js';
import { createAdmin, loadFixtures, scopedCounty, type Fixtures } from './fixtures.js';
import { writeContactSheet } from './import-file.js';
import { loadLedgerFixtures, type LedgerFixtures } from './ledger-bench.js';
import type { MemberFixtures } from './member-bench.js';
import { readProbes, writeMemberCsvApart, writeMemberSheetApart } from './member-file.js';
import type { Target } from './lib.js';
import { generateProvince, loadProvinceTree, type ProvinceLedger } from './province.js';

// Everything before the server starts: the Shaanxi tree, the generated ledger, the accounts the benchmark logs
// in as, and the sheets it will upload (contacts as xlsx, members as CSV and as xlsx). See bench/README.md.

export const benchPassword = 'Bench-Password-2026';
export const benchUsers = {
  province: 'bench_province',
  searchCounty: 'bench_county',
  city: 'bench_city',
  county: 'bench_dashboard_county',
} as const;

export type SheetFile = { path: string; rows: number; bytes: number; ms: number };

export type Prepared = {
  database: string;
  treeImport: { orgs: number; firstMs: number; secondMs: number; secondCreated: number };
  ledger: ProvinceLedger;
  fixtures: Fixtures;
  ledgerFixtures: LedgerFixtures;
  importFile: SheetFile;
  memberFile: SheetFile | null;
  /** Member sheets as xlsx, each of other people than the CSV and than each other: one per import run. */
  memberXlsxFiles: SheetFile[];
  memberFixtures: MemberFixtures | null;
};

/** The server's environment for a target: its data directory, and its database URL or none. */
export function serverEnvironment(target: Target, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // The bench's org admins log in with a password alone: the second factor is not what is measured.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TUANJIAN_DATA_DIR: target.dataDir,
    TUANJIAN_REQUIRE_TOTP: '0',
    ...extra,
  };
  delete env.DATABASE_URL;
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  return env;
}

async function importTree(db: Db, log: (line: string) => void): Promise<Prepared['treeImport']> {
  log(`importing Shaanxi (61) at village depth …`);
  let started = performance.now();
  const first = await importDivisions({
    db,
    provinceCode: '61',
    depth: 'village',
    onProgress: (p) => p.done === p.total && log(`  ${p.level}: ${p.total}`),
  });
  const firstMs = performance.now() - started;
  started = performance.now();
  const second = await importDivisions({ db, provinceCode: '61', depth: 'village' });
  const secondMs = performance.now() - started;
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const { n } = await db
    .selectFrom('orgs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const result = {
    orgs: Number(n),
    firstMs: Math.round(firstMs),
    secondMs: Math.round(secondMs),
    secondCreated: sum(second.created),
  };
  if (sum(first.created) !== result.orgs || result.secondCreated !== 0)
    throw new Error(`unexpected import result ${JSON.stringify({ first, second })}`);
  return result;
}

export async function prepareTarget(
  target: Target,
  options: {
    scale: number;
    importRows: number;
    memberRows: number;
    memberXlsxRows: number;
    xlsxFiles: number;
    seed: number;
    log: (line: string) => void;
  },
): Promise<Prepared> {
  const { log } = options;
  const config = loadConfig(serverEnvironment(target));
  const handle = await openMigratedDatabase(target);
  const db = handle.db;
  try {
    const treeImport = await importTree(db, log);
    log(`generating the ledger at scale ${options.scale} …`);
    const keyring = createKeyring(loadMasterKey(config));
    const ledger = await generateProvince(db, keyring, { scale: options.scale, seed: options.seed, log });
    // PostgreSQL's autovacuum would analyze the fresh tables within a minute; do it now so plans are the steady-state ones.
    if (target.dialect === 'postgres') await sql`analyze`.execute(db);
    const version =
      target.dialect === 'postgres'
        ? sql<{ v: string }>`select version() as v`
        : sql<{ v: string }>`select 'SQLite ' || sqlite_version() as v`;
    const database = (await version.execute(db)).rows[0].v;
    const fixtures = await loadFixtures(db);
    const ledgerFixtures = await loadLedgerFixtures(db, ledger.campaignId);
    await createAdmin(db, benchUsers.province, benchPassword, '610000000000');
    await createAdmin(db, benchUsers.searchCounty, benchPassword, scopedCounty.statCode);
    await createAdmin(db, benchUsers.city, benchPassword, ledgerFixtures.city.statCode);
    await createAdmin(db, benchUsers.county, benchPassword, ledgerFixtures.county.statCode);

    const tree = await loadProvinceTree(db);
    const villages = tree.townships.flatMap((t) =>
      t.villages.map((v) => ({ statCode: v.stat_code!, name: v.short_name ?? v.name })),
    );
    const file = path.join(target.dataDir, 'bench-contacts.xlsx');
    log(`writing ${options.importRows.toLocaleString('en-US')} contact rows to ${path.basename(file)} …`);
    const written = await writeContactSheet({
      file,
      rows: options.importRows,
      villages,
      seed: options.seed,
      asOf: chinaToday(),
    });
    const members = options.memberRows > 0 ? await prepareMembers(db, target, tree, options) : null;
    if (members) members.fixtures.countyId = ledgerFixtures.county.id;
    return {
      database,
      treeImport,
      ledger,
      fixtures,
      ledgerFixtures,
      importFile: { path: file, rows: options.importRows, ...written },
      memberFile: members?.file ?? null,
      memberXlsxFiles: members?.xlsxFiles ?? [],
      memberFixtures: members?.fixtures ?? null,
    };
  } finally {
    await handle.close();
  }
}

/** Where the xlsx sheets' members start counting in each county: far past the CSV's (at most ~60,000 a county). */
const xlsxFirstMember = 3_000_000;

/**
 * The member sheet (CSV, written by a child process) for the branches of the province, and the orgs and people
 * the member searches look for.
 */
async function prepareMembers(
  db: Db,
  target: Target,
  tree: Awaited<ReturnType<typeof loadProvinceTree>>,
  options: { memberRows: number; memberXlsxRows: number; xlsxFiles: number; seed: number; log: (line: string) => void },
) {
  const countyNames = new Map(
    tree.counties.map((c) => [c.stat_code!.slice(0, 6), c.name.replace(/^共青团|委员会$/g, '')]),
  );
  const branches = tree.townships.flatMap((t) =>
    t.villages
      .filter((v) => v.type === 'branch' || v.type === 'joint_branch')
      .map((v) => ({
        statCode: v.stat_code!,
        name: v.name,
        region: v.stat_code!.slice(0, 6),
        county: countyNames.get(v.stat_code!.slice(0, 6)) ?? '',
      })),
  );
  const file = path.join(target.dataDir, 'bench-members.csv');
  const probesFile = path.join(target.dataDir, 'bench-members-probes.json');
  options.log(`writing ${options.memberRows.toLocaleString('en-US')} member rows to ${path.basename(file)} …`);
  const written = await writeMemberCsvApart({
    file,
    probesFile,
    rows: options.memberRows,
    branches,
    seed: options.seed,
    asOf: chinaToday(),
  });
  const probes = readProbes(probesFile);
  // The xlsx sheets come after the CSV's people: the i-th sheet's members are the counties' (offset + j)-th, so
  // that every import run creates as many members as it has rows, whatever ran before it.
  const xlsxFiles: SheetFile[] = [];
  // A county's k-th member has a distinct ID number while k stays below its age window (~6,200 days × 1,000).
  if (xlsxFirstMember + options.xlsxFiles * options.memberXlsxRows > 6_000_000)
    throw new Error('--member-xlsx-rows × --runs is too large: ID numbers would repeat');
  for (let i = 0; i < (options.memberXlsxRows > 0 ? options.xlsxFiles : 0); i++) {
    const xlsx = path.join(target.dataDir, `bench-members-${i + 1}.xlsx`);
    options.log(`writing ${options.memberXlsxRows.toLocaleString('en-US')} member rows to ${path.basename(xlsx)} …`);
    const sheet = await writeMemberSheetApart({
      file: xlsx,
      probesFile: `${xlsx}.probes.json`,
      rows: options.memberXlsxRows,
      branches,
      seed: options.seed + i + 1,
      asOf: chinaToday(),
      format: 'xlsx',
      inlineStrings: true,
      firstMember: xlsxFirstMember + i * options.memberXlsxRows,
    });
    xlsxFiles.push({ path: xlsx, rows: options.memberXlsxRows, ...sheet });
  }
  const codes = [...new Set(probes.branchCodes)].slice(0, 50);
  const branchIds = (await db.selectFrom('orgs').select('id').where('stat_code', 'in', codes).execute()).map(
    (o) => o.id,
  );
  return {
    xlsxFiles,
    file: { path: file, rows: options.memberRows, ...written },
    fixtures: { ...probes, provinceId: tree.province.id, countyId: 0, branchIds } satisfies MemberFixtures,
  };
}

/** After the import: the figures must still equal the independent count, and the rows must be there. */
export async function checkAfterImport(target: Target, campaignId: number) {
  const handle = await openMigratedDatabase(target);
  try {
    const count = async (table: 'youth_contacts' | 'cadres' | 'cadre_contacts' | 'members' | 'member_events') =>
      Number(
        (
          await handle.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const differences = await rollupDifferences(handle.db, campaignId);
    return {
      rollupDifferences: differences.length,
      firstDifferences: differences.slice(0, 5),
      contacts: await count('youth_contacts'),
      cadres: await count('cadres'),
      links: await count('cadre_contacts'),
      members: await count('members'),
      memberEvents: await count('member_events'),
    };
  } finally {
    await handle.close();
  }
}
