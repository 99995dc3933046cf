import type { Db } from '../server/db/schema.js';
import type { Workload } from './lib.js';
import { hashPassword } from '../server/features/auth/passwords.js';
import { accountRow, insertUser } from '../server/features/users/repo.js';

// What the benchmark lists and searches, drawn from the imported Shaanxi tree, and the accounts it logs in as.

export type Fixtures = { cities: number[]; counties: number[]; provinceQueries: string[]; countyQueries: string[] };

/** The county whose admin runs the scoped searches: 共青团西安市雁塔区委员会. */
export const scopedCounty = { code: '610113', statCode: '610113000000', name: '雁塔区' };

/** Ids to list and search terms drawn from the imported data, always the same ones (every n-th row by code). */
export async function loadFixtures(db: Db): Promise<Fixtures> {
  const level = (lvl: 'city' | 'county' | 'township' | 'village') =>
    db
      .selectFrom('orgs')
      .select(['id', 'short_name', 'stat_code'])
      .where('level', '=', lvl)
      .orderBy('stat_code')
      .execute();
  const [cities, counties, townships, villages] = await Promise.all([
    level('city'),
    level('county'),
    level('township'),
    level('village'),
  ]);
  const everyNth = <T>(rows: T[], n: number) => rows.filter((_, i) => i % n === 0);
  const inCounty = <T extends { stat_code: string | null }>(rows: T[]) =>
    rows.filter((r) => r.stat_code!.startsWith(scopedCounty.code));
  // What people type: a city or district, a generic word, a code or code prefix, and a term matching nothing.
  const common = ['西安', '雁塔', '镇', '村', '街道', '社区', '北京', '6101', '610113', '61011300'];
  const provinceQueries = [
    ...common,
    ...['61', '6108'],
    ...everyNth(counties, 12).map((c) => c.short_name!.replace(/(自治县|区|县|市)$/, '')),
    ...everyNth(villages, 2000).map((v) => v.short_name!.slice(0, 2)),
    ...everyNth(townships, 150).map((t) => t.stat_code!.slice(0, 9)),
  ];
  // A county admin searches their own county: the same generic terms, then its own villages and townships.
  const countyQueries = [
    ...common,
    ...everyNth(inCounty(villages), 20).map((v) => v.short_name!.slice(0, 2)),
    ...everyNth(inCounty(townships), 3).map((t) => t.stat_code!.slice(0, 9)),
  ];
  return {
    cities: cities.map((c) => c.id),
    counties: counties.map((c) => c.id),
    provinceQueries: [...new Set(provinceQueries)],
    countyQueries: [...new Set(countyQueries)],
  };
}

export async function createAdmin(db: Db, username: string, password: string, statCode: string): Promise<void> {
  const org = await db.selectFrom('orgs').select('id').where('stat_code', '=', statCode).executeTakeFirstOrThrow();
  await insertUser(
    db,
    accountRow({
      username,
      displayName: username,
      role: 'org_admin',
      orgId: org.id,
      passwordHash: await hashPassword(password),
      mustChangePassword: false,
    }),
  );
}

export const searchRoute = 'GET /api/orgs/search?q=';

/** The org-tree reads: the province root, city details and children, county children, and the searches. */
export function treeWorkloads(fixtures: Fixtures, cookies: { province: string; county: string }): Workload[] {
  const search = (queries: string[]) => queries.map((q) => `/api/orgs/search?q=${encodeURIComponent(q)}`);
  const cityUrls = (suffix: string) => fixtures.cities.map((id) => `/api/orgs/${id}${suffix}`);
  const { province, county } = cookies;
  return [
    { name: 'province root', route: 'GET /api/orgs/roots', cookie: province, urls: ['/api/orgs/roots'] },
    { name: 'city detail', route: 'GET /api/orgs/:city', cookie: province, urls: cityUrls('') },
    { name: 'city children', route: 'GET /api/orgs/:city/children', cookie: province, urls: cityUrls('/children') },
    {
      name: 'county children',
      route: 'GET /api/orgs/:county/children',
      cookie: province,
      urls: fixtures.counties.map((id) => `/api/orgs/${id}/children`),
    },
    { name: 'search, province admin', route: searchRoute, cookie: province, urls: search(fixtures.provinceQueries) },
    {
      name: `search, ${scopedCounty.name} admin`,
      route: searchRoute,
      cookie: county,
      urls: search(fixtures.countyQueries),
    },
  ];
}
