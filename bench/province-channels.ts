import type { ChannelKind, ChannelStatus } from '../common/domain.js';
import { addDays } from '../common/dates.js';
import type { Db } from '../server/db/schema.js';
import { namingIssue, placeName, type NamingOrg } from '../server/features/channels/naming.js';
import { bulkInsert, type Cell } from './bulk.js';
import { createRandom, deriveSeed, type Random } from './random.js';

// The 两群一号 channels of a generated province: tuanqing groups owned by townships (about 10 each, so that some
// reach the seed's target and some do not) and by some villages, qingnong groups of leadership bodies, official
// accounts of most counties, a few other channels, and dated member counts for each.

export type ChannelOrg = NamingOrg & { id: number; stat_code: string | null };
export type ChannelTownship = { org: ChannelOrg; villages: readonly ChannelOrg[] };

export type ChannelCounts = Record<ChannelKind, number> & { total: number; readings: number };

type NewChannel = {
  org: ChannelOrg;
  kind: ChannelKind;
  name: string;
  official?: { accountType: 'subscription' | 'service'; appId: string; originalId: string };
};

const others: readonly (readonly [ChannelKind, number, string])[] = [
  ['other_group', 0.3, '志愿服务群'],
  ['wecom_robot', 0.2, '企业微信通知机器人'],
  ['qq_group', 0.15, '青年QQ群'],
  ['douyin', 0.15, '共青团抖音号'],
  ['weibo', 0.05, '共青团微博'],
];

/** 东关村委会 → 东关村; 西街社区居委会 → 西街社区. */
function villagePlace(org: ChannelOrg): string {
  const name = org.short_name ?? org.name;
  return name.replace(/(村民委员会|村委会)$/, '村').replace(/(居民委员会|居委会)$/, '');
}

function townshipChannels(random: Random, township: ChannelTownship): NewChannel[] {
  const town = township.org.short_name ?? placeName(township.org);
  const out: NewChannel[] = [];
  const tuanqing = Math.min(24, Math.max(0, Math.round(random.normal(10.5, 3.5))));
  const names = new Set<string>();
  for (let i = 0; i < tuanqing; i++) {
    // A group per village first (named after it), then numbered groups of the township.
    const village = township.villages[i];
    let name = village ? `${villagePlace(village)}团青群` : `${town}团青${i + 1}群`;
    if (names.has(name)) name = `${town}团青${i + 1}群`;
    names.add(name);
    out.push({ org: township.org, kind: 'tuanqing_group', name });
  }
  if (random.chance(0.75)) out.push({ org: township.org, kind: 'qingnong_group', name: `${town}青农群` });
  if (random.chance(0.1)) out.push({ org: township.org, kind: 'qingnong_group', name: `${town}青农致富带头人群` });
  for (const [kind, share, suffix] of others) {
    if (random.chance(share)) out.push({ org: township.org, kind, name: `${town}${suffix}` });
  }
  for (const village of township.villages) {
    if (random.chance(0.2)) out.push({ org: village, kind: 'tuanqing_group', name: `${villagePlace(village)}青年群` });
  }
  return out;
}

function hex(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += '0123456789abcdef'[random.int(0, 15)];
  return out;
}

/** Qingnong groups and official accounts of a county, city or province: mostly named by the rule, some not. */
function leadershipChannels(random: Random, org: ChannelOrg, shares: { qingnong: number; official: number }) {
  const place = placeName(org);
  const out: NewChannel[] = [];
  if (random.chance(shares.qingnong)) {
    out.push({ org, kind: 'qingnong_group', name: random.chance(0.9) ? `青农${place}` : `${place}青年农民群` });
    if (random.chance(0.2)) out.push({ org, kind: 'qingnong_group', name: `青农${place}返乡创业群` });
  }
  if (random.chance(shares.official)) {
    out.push({
      org,
      kind: 'official_account',
      name: random.chance(0.7) ? `青农${place}` : `${place}共青团`,
      official: {
        accountType: random.chance(0.8) ? 'subscription' : 'service',
        appId: `wx${hex(random, 16)}`,
        originalId: `gh_${hex(random, 12)}`,
      },
    });
  }
  return out;
}

const memberRange: Record<ChannelKind, readonly [number, number]> = {
  tuanqing_group: [25, 480],
  qingnong_group: [40, 500],
  other_group: [20, 300],
  official_account: [800, 60_000],
  qq_group: [20, 500],
  weibo: [200, 20_000],
  douyin: [300, 50_000],
  wecom_robot: [0, 0],
};

const channelColumns = [
  ...['org_id', 'kind', 'name', 'account_type', 'app_id', 'original_id', 'responsible_cadre_id', 'created_on'],
  ...['status', 'naming_issue', 'latest_count', 'latest_count_on', 'created_at', 'updated_at'],
] as const;

type Reading = { on: string; count: number; source: 'manual' | 'import' };
type DrawnChannel = NewChannel & { status: ChannelStatus; createdOn: string; readings: Reading[] };

/** Status, creation date and dated member counts (newest last), drawn when the channel is. */
function drawDetails(random: Random, c: NewChannel, asOf: string): DrawnChannel {
  const status = random.weighted<ChannelStatus>([
    ['active', 92],
    ['inactive', 4],
    ['closed', 4],
  ]);
  const createdOn = addDays(asOf, -random.int(160, 500));
  const [low, high] = memberRange[c.kind];
  const days = [...new Set(Array.from({ length: random.int(1, 3) }, () => random.int(1, 150)))].sort((a, b) => b - a);
  let members = random.int(low, high);
  const readings: Reading[] = [];
  for (const d of c.kind === 'wecom_robot' ? [] : days) {
    members = Math.round(members * (1 + random.next() * 0.08));
    readings.push({ on: addDays(asOf, -d), count: members, source: random.chance(0.8) ? 'manual' : 'import' });
  }
  return { ...c, status, createdOn, readings };
}

async function writeChannels(
  db: Db,
  channels: DrawnChannel[],
  ctx: { asOf: string; at: string; firstCadre: ReadonlyMap<number, number> },
  counts: ChannelCounts,
) {
  const rows = channels.map((c) => {
    const latest = c.readings.at(-1) ?? null;
    return [
      c.org.id,
      c.kind,
      c.name,
      c.official?.accountType ?? null,
      c.official?.appId ?? null,
      c.official?.originalId ?? null,
      ctx.firstCadre.get(c.org.id) ?? null,
      c.createdOn,
      c.status,
      namingIssue(c.kind, c.name, c.org),
      latest?.count ?? null,
      latest?.on ?? null,
      ctx.at,
      ctx.at,
    ];
  });
  await db.transaction().execute(async (trx) => {
    const ids = await bulkInsert<'channels', { id: number; org_id: number; kind: string; name: string }>(
      trx,
      'channels',
      channelColumns,
      rows,
      ['id', 'org_id', 'kind', 'name'],
    );
    const idByKey = new Map(ids.map((r) => [`${r.org_id}/${r.kind}/${r.name}`, r.id]));
    const readingRows: Cell[][] = channels.flatMap((c) => {
      const id = idByKey.get(`${c.org.id}/${c.kind}/${c.name}`)!;
      return c.readings.map((r) => [id, r.on, r.count, r.source, null, ctx.at]);
    });
    await bulkInsert(
      trx,
      'channel_readings',
      ['channel_id', 'on_date', 'count', 'source', 'recorded_by', 'created_at'],
      readingRows,
    );
    counts.readings += readingRows.length;
  });
  for (const c of channels) counts[c.kind] += 1;
  counts.total += channels.length;
}

/**
 * Every county, city and the province get their leadership channels; townships (and their villages) only when
 * `covered`. Each org draws from a stream of its own (seed and statistical code), so that what a township gets
 * does not depend on which other townships are covered.
 */
export async function writeProvinceChannels(input: {
  db: Db;
  seed: number;
  leadership: { province: ChannelOrg; cities: readonly ChannelOrg[]; counties: readonly ChannelOrg[] };
  townships: readonly ChannelTownship[];
  covered: (township: ChannelTownship) => boolean;
  firstCadre: ReadonlyMap<number, number>;
  asOf: string;
}): Promise<ChannelCounts> {
  const { leadership, asOf } = input;
  const ctx = { asOf, at: `${asOf}T08:00:00.000Z`, firstCadre: input.firstCadre };
  const counts = { total: 0, readings: 0 } as ChannelCounts;
  for (const kind of Object.keys(memberRange) as ChannelKind[]) counts[kind] = 0;
  const streamOf = (org: ChannelOrg) => createRandom(deriveSeed(input.seed, `channels:${org.stat_code ?? org.id}`));
  const draw = (org: ChannelOrg, make: (random: Random) => NewChannel[]) => {
    const random = streamOf(org);
    return make(random).map((c) => drawDetails(random, c, asOf));
  };
  let pending: DrawnChannel[] = [
    ...draw(leadership.province, (r) => leadershipChannels(r, leadership.province, { qingnong: 1, official: 1 })),
    ...leadership.cities.flatMap((c) => draw(c, (r) => leadershipChannels(r, c, { qingnong: 0.9, official: 1 }))),
    ...leadership.counties.flatMap((c) => draw(c, (r) => leadershipChannels(r, c, { qingnong: 0.85, official: 0.9 }))),
  ];
  for (const township of input.townships) {
    if (!input.covered(township)) continue;
    pending.push(...draw(township.org, (r) => townshipChannels(r, township)));
    if (pending.length >= 3000) {
      await writeChannels(input.db, pending, ctx, counts);
      pending = [];
    }
  }
  if (pending.length > 0) await writeChannels(input.db, pending, ctx, counts);
  return counts;
}
