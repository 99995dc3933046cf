import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase } from '../../../test/harness.js';
import { subtreeRange } from '../../db/tree.js';
import { importDivisions, type ImportProgress } from './import-divisions.js';

const { handle } = await openTestDatabase();
const db = handle.db;

async function countByLevel(): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('orgs')
    .select(['level', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('level')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.level, Number(r.n)]));
}

test('Shaanxi at village depth: exactly the national division counts, and a second run adds none', async () => {
  const progress: ImportProgress[] = [];
  const first = await importDivisions({
    db,
    provinceCode: '61',
    depth: 'village',
    onProgress: (p) => progress.push(p),
  });
  const expected = { province: 1, city: 10, county: 107, township: 1335, village: 20356 };
  assert.deepEqual(first.created, expected);
  assert.deepEqual(await countByLevel(), expected);
  const last = progress.filter((p) => p.level === 'village').at(-1);
  assert.deepEqual(last, { level: 'village', done: 20356, total: 20356 }, 'progress reaches the total');

  const second = await importDivisions({ db, provinceCode: '61', depth: 'village' });
  assert.deepEqual(second.created, { province: 0, city: 0, county: 0, township: 0, village: 0 });
  assert.deepEqual(second.existing, expected);
  assert.deepEqual(await countByLevel(), expected);
});

test('the imported tree has league names, codes and a consistent path for every org', async () => {
  const byStat = async (stat: string) =>
    db.selectFrom('orgs').selectAll().where('stat_code', '=', stat).executeTakeFirstOrThrow();
  const province = await byStat('610000000000');
  assert.equal(province.name, '共青团陕西省委员会');
  const xian = await byStat('610100000000');
  assert.equal(xian.name, '共青团西安市委员会');
  assert.equal(xian.region_code, '610100');
  assert.equal((await byStat('610113000000')).name, '共青团西安市雁塔区委员会');
  assert.equal((await byStat('610124000000')).name, '共青团周至县委员会');
  const street = await db
    .selectFrom('orgs')
    .selectAll()
    .where('level', '=', 'township')
    .where('short_name', 'like', '%街道')
    .executeTakeFirstOrThrow();
  assert.equal(street.type, 'working_committee');
  assert.match(street.name, /^共青团.+街道工作委员会$/);
  const village = await db.selectFrom('orgs').selectAll().where('level', '=', 'village').executeTakeFirstOrThrow();
  assert.equal(village.type, 'branch');
  assert.match(village.name, /团支部$/);
  assert.match(village.stat_code!, /^61\d{10}$/);

  // Everything under Xi'an is one range on the path index, and it matches the division data.
  const [lower, upper] = subtreeRange(xian.path);
  const inXian = await db
    .selectFrom('orgs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('path', '>=', lower)
    .where('path', '<', upper)
    .executeTakeFirstOrThrow();
  const byCode = await db
    .selectFrom('orgs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('stat_code', 'like', '6101%')
    .executeTakeFirstOrThrow();
  assert.equal(Number(inXian.n), Number(byCode.n));
  assert.ok(Number(inXian.n) > 3000);

  const orphans = await db
    .selectFrom('orgs as c')
    .innerJoin('orgs as p', 'p.id', 'c.parent_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) =>
      eb.or([
        eb('c.depth', '!=', eb('p.depth', '+', 1)),
        eb('c.path', '!=', sql<string>`p.path || cast(c.id as varchar(20)) || '/'`),
        eb('c.stat_code', 'not like', sql<string>`substr(p.stat_code, 1, 2) || '%'`),
      ]),
    )
    .executeTakeFirstOrThrow();
  assert.equal(Number(orphans.n), 0);
});

test('an unknown province is refused with a clear message', async () => {
  await assert.rejects(importDivisions({ db, provinceCode: '99', depth: 'city' }), /没有代码为 99 的省级行政区/);
});
