import { chinaToday } from '../common/dates.js';
import type { OrgLevel, OrgType } from '../common/domain.js';
import type { Db } from '../server/db/schema.js';
import { nowIso } from '../server/db/tree.js';
import { recomputeCampaign } from '../server/features/campaigns/engine.js';
import { ruralWechatIndicators } from '../server/features/campaigns/template.js';
import type { Keyring } from '../server/personal-data/keyring.js';
import { bulkInsert, type Cell } from './bulk.js';
import { writeProvinceChannels, type ChannelCounts, type ChannelOrg } from './province-channels.js';
import {
  contactColumns,
  contactRow,
  defaultPeopleSettings,
  writePeople,
  type PeopleCounts,
  type PeopleOrg,
  type PeopleSettings,
} from './province-people.js';
import { createRandom, deriveSeed } from './random.js';

// A generated province ledger on top of the imported Shaanxi tree (importDivisions, province 61, village depth):
// cadres, youth contacts and their links, channels with member counts, and the seed's campaign with a plan per
// township, its figures computed by the engine. Used by `npm run bench` and by the province test. What exactly
// is generated is described in bench/README.md.

export type ProvinceOptions = {
  /** Share of the full ledger, in (0, 1]: 1 is about 100,000 cadres, 2,000,000 contacts and 20,000 channels. */
  scale?: number;
  /** Overrides the share of townships whose cadres and contacts are generated (default: scale). */
  contactScale?: number;
  /** Overrides the share of townships whose channels are generated (default: scale). */
  channelScale?: number;
  seed?: number;
  /** Townships whose ledger is filled in whatever the draw (the demo fills in its county's). */
  alwaysCover?: (township: { stat_code: string | null }) => boolean;
  /** The day the ledger is "as of": dates of readings and contacts lie before it (default: today in China). */
  asOf?: string;
  people?: Partial<PeopleSettings>;
  log?: (line: string) => void;
};

export type ProvinceLedger = {
  campaignId: number;
  provinceId: number;
  counts: PeopleCounts & {
    orgs: number;
    townships: { withPeople: number; withChannels: number; total: number };
    channels: ChannelCounts;
    plans: number;
  };
  ms: { people: number; channels: number; campaign: number };
};

export type TreeOrg = ChannelOrg & { parent_id: number | null; path: string; level: OrgLevel; type: OrgType };

/** The active orgs of the imported province, by statistical code. */
export async function loadProvinceTree(db: Db, provinceStatCode = '610000000000') {
  const orgs: TreeOrg[] = await db
    .selectFrom('orgs')
    .select(['id', 'parent_id', 'path', 'level', 'type', 'name', 'short_name', 'stat_code', 'is_direct'])
    .where('import_key', 'like', `division:${provinceStatCode.slice(0, 2)}%`)
    .where('status', '=', 'active')
    .orderBy('stat_code')
    .execute();
  const province = orgs.find((o) => o.stat_code === provinceStatCode);
  if (!province) throw new Error(`province ${provinceStatCode} is not imported: run importDivisions first`);
  const byLevel = (level: OrgLevel) => orgs.filter((o) => o.level === level);
  const villagesOf = new Map<number, TreeOrg[]>();
  for (const village of byLevel('village')) {
    const list = villagesOf.get(village.parent_id!) ?? [];
    list.push(village);
    villagesOf.set(village.parent_id!, list);
  }
  const townships = byLevel('township').map((org) => ({ org, villages: villagesOf.get(org.id) ?? [] }));
  return { orgs, province, cities: byLevel('city'), counties: byLevel('county'), townships };
}

const villagePlace = (o: TreeOrg) =>
  (o.short_name ?? o.name).replace(/(村民委员会|村委会)$/, '村').replace(/(居民委员会|居委会)$/, '');

function shareOption(name: string, value: number): number {
  if (!(value > 0 && value <= 1)) throw new Error(`${name} must be in (0, 1], not ${value}`);
  return value;
}

async function createCampaign(
  db: Db,
  provinceId: number,
  asOf: string,
  townshipIds: number[],
  built: Map<number, number>,
  seed: number,
) {
  const year = Number(asOf.slice(0, 4));
  const at = nowIso();
  return db.transaction().execute(async (trx) => {
    const campaign = await trx
      .insertInto('campaigns')
      .values({
        root_org_id: provinceId,
        name: `${year} 年农村共青团微信体系建设`,
        starts_on: `${year}-07-01`,
        ends_on: `${year}-11-30`,
        reminder_days: 7,
        status: 'active',
        created_by: null,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const indicators = ruralWechatIndicators(year).map((i, index) => [
      campaign.id,
      i.name,
      i.metric,
      i.channelKind ?? null,
      i.minContacts ?? null,
      null,
      JSON.stringify(i.levels),
      JSON.stringify(i.types),
      i.threshold,
      i.deadline ?? null,
      index + 1,
    ]);
    await bulkInsert(
      trx,
      'indicators',
      [
        ...['campaign_id', 'name', 'metric', 'channel_kind', 'min_contacts', 'window_start', 'levels', 'types'],
        ...['threshold', 'deadline', 'sort_order'],
      ] as const,
      indicators,
    );
    // Each county files a plan for its townships (a few have not): near what was built, so that some reach 90%.
    const random = createRandom(deriveSeed(seed, 'plans'));
    const plans: Cell[][] = [];
    for (const id of townshipIds) {
      const filed = random.chance(0.97);
      const factor = 0.75 + random.next() * 0.45;
      const fallback = random.int(8, 14);
      if (!filed) continue;
      const n = built.get(id);
      plans.push([campaign.id, id, n === undefined ? fallback : Math.max(1, Math.round(n / factor)), null, at]);
    }
    await bulkInsert(trx, 'campaign_plans', ['campaign_id', 'org_id', 'planned', 'updated_by', 'updated_at'], plans);
    await recomputeCampaign(trx, campaign.id);
    return { id: campaign.id, plans: plans.length };
  });
}

/** Generates the ledger; the tree must be imported and the ledger tables empty. */
export async function generateProvince(
  db: Db,
  keyring: Keyring,
  options: ProvinceOptions = {},
): Promise<ProvinceLedger> {
  const scale = shareOption('scale', options.scale ?? 1);
  const contactScale = shareOption('contactScale', options.contactScale ?? scale);
  const channelScale = shareOption('channelScale', options.channelScale ?? scale);
  const seed = options.seed ?? 20261127;
  const asOf = options.asOf ?? chinaToday();
  const log = options.log ?? (() => {});
  const tree = await loadProvinceTree(db);

  // Which townships have filled in their ledger: one draw per township and stream, so a larger share covers a
  // superset of a smaller one.
  const peopleDraw = createRandom(deriveSeed(seed, 'coverage:people'));
  const channelDraw = createRandom(deriveSeed(seed, 'coverage:channels'));
  const coverage = new Map(
    tree.townships.map((t) => [
      t.org.id,
      {
        people: peopleDraw.next() < contactScale || (options.alwaysCover?.(t.org) ?? false),
        channels: channelDraw.next() < channelScale || (options.alwaysCover?.(t.org) ?? false),
      },
    ]),
  );

  let started = performance.now();
  const peopleOrgs: PeopleOrg[] = [tree.province, ...tree.cities, ...tree.counties].map((o) => ({
    ...o,
    villages: [],
  }));
  for (const t of tree.townships) {
    if (!coverage.get(t.org.id)!.people) continue;
    peopleOrgs.push({ ...t.org, villages: t.villages.map(villagePlace) });
    for (const v of t.villages) peopleOrgs.push({ ...v, villages: [villagePlace(v)] });
  }
  const people = await writePeople({
    db,
    keyring,
    seed,
    orgs: peopleOrgs,
    settings: { ...defaultPeopleSettings, ...options.people },
    asOf,
    onBatch: (c) => c.contacts % 100_000 < 5000 && log(`  people: ${c.cadres} cadres, ${c.contacts} contacts`),
  });
  const peopleMs = performance.now() - started;
  log(`  people: ${people.counts.cadres} cadres, ${people.counts.contacts} contacts, ${people.counts.links} links`);

  started = performance.now();
  const channels = await writeProvinceChannels({
    db,
    seed,
    leadership: tree,
    townships: tree.townships,
    covered: (t) => coverage.get(t.org.id)!.channels,
    firstCadre: people.firstCadre,
    asOf,
  });
  const channelsMs = performance.now() - started;
  log(`  channels: ${channels.total}, ${channels.readings} readings`);

  started = performance.now();
  const builtRows = await db
    .selectFrom('channels')
    .select(['org_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('kind', '=', 'tuanqing_group')
    .where('status', '=', 'active')
    .groupBy('org_id')
    .execute();
  const built = new Map(builtRows.map((r) => [r.org_id, Number(r.n)]));
  const townshipIds = tree.townships.map((t) => t.org.id);
  const campaign = await createCampaign(db, tree.province.id, asOf, townshipIds, built, seed);
  const campaignMs = performance.now() - started;
  log(`  campaign ${campaign.id}: ${campaign.plans} township plans, figures computed`);

  const covered = [...coverage.values()];
  return {
    campaignId: campaign.id,
    provinceId: tree.province.id,
    counts: {
      ...people.counts,
      orgs: tree.orgs.length,
      townships: {
        withPeople: covered.filter((c) => c.people).length,
        withChannels: covered.filter((c) => c.channels).length,
        total: covered.length,
      },
      channels,
      plans: campaign.plans,
    },
    ms: { people: Math.round(peopleMs), channels: Math.round(channelsMs), campaign: Math.round(campaignMs) },
  };
}

/**
 * Youth contacts linked to nobody, spread over these orgs: rows that no campaign figure may depend on. Phones are
 * numbered from `phoneStart` (keep it clear of the province's, which start at 1,000,000).
 */
export async function addUnlinkedContacts(
  db: Db,
  keyring: Keyring,
  input: { orgIds: readonly number[]; count: number; phoneStart: number; seed?: number; asOf?: string },
): Promise<void> {
  const random = createRandom(deriveSeed(input.seed ?? 1, 'unlinked'));
  const asOf = input.asOf ?? chinaToday();
  const at = `${asOf}T08:00:00.000Z`;
  for (let start = 0; start < input.count; start += 5000) {
    const rows = Array.from({ length: Math.min(5000, input.count - start) }, (_, i) =>
      contactRow(keyring, random, {
        // In runs per org, in order: rows of one org land together in the (org_id, …) indexes.
        orgId: input.orgIds[Math.floor(((start + i) * input.orgIds.length) / input.count)],
        phoneSerial: input.phoneStart + start + i,
        village: null,
        asOf,
        at,
      }),
    );
    await db.transaction().execute((trx) => bulkInsert(trx, 'youth_contacts', contactColumns, rows));
  }
}
