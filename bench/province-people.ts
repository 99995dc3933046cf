import type { ContactCategory, OrgLevel } from '../common/domain.js';
import { addDays } from '../common/dates.js';
import type { Db } from '../server/db/schema.js';
import type { Keyring } from '../server/personal-data/keyring.js';
import { protectPhone } from '../server/personal-data/phone.js';
import { bulkInsert, type Cell } from './bulk.js';
import { chineseName, createRandom, deriveSeed, phoneNumber, type Random } from './random.js';

// Cadres (团干部), their youth contacts (青年) and the "1 + N" links between them, for the orgs of a generated
// province. Each grassroots cadre (township, village) gets a number of links drawn around 25 (the seed's target
// is 20), each contact one or two cadres of its own org, so cadres.contact_count is exactly the number of links.
// Cadres of county and higher bodies are registered without a contact ledger of their own.

export type PeopleOrg = { id: number; stat_code: string | null; level: OrgLevel; villages: readonly string[] };

export type PeopleSettings = {
  /** Cadres per org, by level: [min, max]. */
  cadresPerOrg: Record<OrgLevel, readonly [number, number]>;
  /** Links per cadre: normal(mean, sd), clipped to [0, 90]; a share of newly appointed cadres has 0–8. */
  linksPerCadre: { mean: number; sd: number; newShare: number };
  /** Share of contacts kept by two cadres of their org rather than one. */
  sharedShare: number;
  /** Contacts registered but not yet linked to any cadre, as a share of the linked ones. */
  unlinkedShare: number;
  /** Share of cadres who left their post (kept, not counted by the campaign). */
  leftShare: number;
  /** Levels whose cadres keep the "1 + N" contact ledger: the grassroots ones the seed's indicator counts. */
  contactLevels: readonly OrgLevel[];
};

// At scale 1 these give about 100,700 cadres (99,600 at township and village), 2.4 million links and 2.0 million
// contacts; about a third of the grassroots cadres are below the seed's 20 (bench/README.md, "Sizes").
export const defaultPeopleSettings: PeopleSettings = {
  cadresPerOrg: { province: [12, 18], city: [8, 14], county: [6, 12], township: [4, 8], village: [3, 6] },
  linksPerCadre: { mean: 25, sd: 11, newShare: 0.05 },
  sharedShare: 0.25,
  unlinkedShare: 0.04,
  leftShare: 0.03,
  contactLevels: ['township', 'village'],
};

export type PeopleCounts = { cadres: number; contacts: number; links: number };

/** The numbering of generated phones: cadres and contacts of the province draw from one counter from here. */
export const provincePhoneStart = 1_000_000;

const posts = ['书记', '组织委员', '宣传委员', '副书记'] as const;
const categories: readonly (readonly [ContactCategory, number])[] = [
  ['migrant_worker', 35],
  ['returnee', 25],
  ['student', 20],
  ['entrepreneur', 10],
  ['other', 10],
];
const notes = ['返乡创业，经营果园', '在西安务工', '大学在读，寒暑假返乡', '种植大户', '电商带货', '村医', '退役军人'];

const cadreColumns = [
  ...['org_id', 'full_name', 'post', 'kind', 'phone_cipher', 'phone_index', 'phone_masked', 'status'],
  ...['contact_count', 'created_at', 'updated_at'],
] as const;
export const contactColumns = [
  ...['org_id', 'full_name', 'phone_cipher', 'phone_index', 'phone_masked', 'village', 'category', 'note'],
  ...['last_contact_on', 'created_at', 'updated_at'],
] as const;

type PlannedOrg = { org: PeopleOrg; cadres: Cell[][]; contacts: { row: Cell[]; cadres: number[] }[] };

/** One contact row (protected phone), for the province and for extra rows a test or benchmark adds. */
export function contactRow(
  keyring: Keyring,
  random: Random,
  input: { orgId: number; phoneSerial: number; village: string | null; asOf: string; at: string },
): Cell[] {
  const phone = protectPhone(keyring, phoneNumber(input.phoneSerial));
  const contacted = random.chance(0.7) ? addDays(input.asOf, -random.int(0, 180)) : null;
  return [
    input.orgId,
    chineseName(random),
    phone.cipher,
    phone.index,
    phone.masked,
    input.village,
    random.weighted(categories),
    random.chance(0.1) ? random.pick(notes) : null,
    contacted,
    input.at,
    input.at,
  ];
}

/** Link counts per cadre, then contacts that use them up: one cadre each, or two distinct ones (sharedShare). */
function planContacts(random: Random, settings: PeopleSettings, cadres: number): number[][] {
  const slots: number[] = [];
  const { mean, sd, newShare } = settings.linksPerCadre;
  for (let c = 0; c < cadres; c++) {
    const links = random.chance(newShare)
      ? random.int(0, 8)
      : Math.min(90, Math.max(0, Math.round(random.normal(mean, sd))));
    for (let i = 0; i < links; i++) slots.push(c);
  }
  random.shuffle(slots);
  const contacts: number[][] = [];
  let i = 0;
  while (i < slots.length) {
    const a = slots[i++];
    if (cadres >= 2 && random.chance(settings.sharedShare)) {
      let j = i;
      while (j < slots.length && slots[j] === a) j++;
      if (j < slots.length) {
        [slots[i], slots[j]] = [slots[j], slots[i]];
        contacts.push([a, slots[i++]]);
        continue;
      }
    }
    contacts.push([a]);
  }
  return contacts;
}

function planOrg(
  keyring: Keyring,
  random: Random,
  settings: PeopleSettings,
  org: PeopleOrg,
  ctx: { nextPhone: () => number; asOf: string; at: string },
): PlannedOrg {
  const [min, max] = settings.cadresPerOrg[org.level];
  const cadreCount = random.int(min, max);
  const planned = settings.contactLevels.includes(org.level) ? planContacts(random, settings, cadreCount) : [];
  const linkCounts = new Array<number>(cadreCount).fill(0);
  for (const c of planned) for (const cadre of c) linkCounts[cadre] += 1;
  const cadres = linkCounts.map((count, index) => {
    const phone = protectPhone(keyring, phoneNumber(ctx.nextPhone()));
    const post = posts[Math.min(index, posts.length - 1)];
    const kind = org.level !== 'village' && index === 0 && random.chance(0.6) ? 'full_time' : 'part_time';
    const status = index > 0 && random.chance(settings.leftShare) ? 'left' : 'active';
    return [
      org.id,
      chineseName(random),
      post,
      kind,
      phone.cipher,
      phone.index,
      phone.masked,
      status,
      count,
      ctx.at,
      ctx.at,
    ];
  });
  const unlinked = Math.round(planned.length * settings.unlinkedShare);
  const contacts = [...planned, ...Array.from({ length: unlinked }, () => [])].map((linked) => ({
    row: contactRow(keyring, random, {
      orgId: org.id,
      phoneSerial: ctx.nextPhone(),
      village: org.villages.length > 0 ? random.pick(org.villages) : null,
      asOf: ctx.asOf,
      at: ctx.at,
    }),
    cadres: linked,
  }));
  return { org, cadres, contacts };
}

/** Writes one batch of orgs in one transaction; returns the first active cadre (the 书记) of each org. */
async function writeBatch(
  db: Db,
  batch: PlannedOrg[],
  at: string,
  counts: PeopleCounts,
  firstCadre: Map<number, number>,
) {
  await db.transaction().execute(async (trx) => {
    const cadreRows = batch.flatMap((p) => p.cadres);
    const cadreIds = await bulkInsert<'cadres', { id: number; phone_index: string }>(
      trx,
      'cadres',
      cadreColumns,
      cadreRows,
      ['id', 'phone_index'],
    );
    // Rows are matched by their (generated, unique) phone index, not by the order the database returns them in.
    const cadreByPhone = new Map(cadreIds.map((r) => [r.phone_index, r.id]));
    const contactRows = batch.flatMap((p) => p.contacts.map((c) => c.row));
    const contactIds = await bulkInsert<'youth_contacts', { id: number; phone_index: string }>(
      trx,
      'youth_contacts',
      contactColumns,
      contactRows,
      ['id', 'phone_index'],
    );
    const contactByPhone = new Map(contactIds.map((r) => [r.phone_index, r.id]));
    const links: Cell[][] = [];
    for (const planned of batch) {
      const ids = planned.cadres.map((c) => cadreByPhone.get(c[5] as string)!);
      const active = planned.cadres.findIndex((c) => c[7] === 'active');
      if (active >= 0) firstCadre.set(planned.org.id, ids[active]);
      for (const contact of planned.contacts) {
        const contactId = contactByPhone.get(contact.row[3] as string)!;
        for (const c of contact.cadres) links.push([ids[c], contactId, at]);
      }
    }
    await bulkInsert(trx, 'cadre_contacts', ['cadre_id', 'contact_id', 'created_at'], links);
    counts.cadres += cadreRows.length;
    counts.contacts += contactRows.length;
    counts.links += links.length;
  });
}

/**
 * Cadres, contacts and links for these orgs, in batches of about `batchContacts` contacts, each in its own
 * transaction. Returns the counts and, per org, the id of its first active cadre (the responsible cadre).
 */
export async function writePeople(input: {
  db: Db;
  keyring: Keyring;
  /** Each org draws from a stream of its own (seed and statistical code): its people do not depend on the others. */
  seed: number;
  orgs: readonly PeopleOrg[];
  settings: PeopleSettings;
  asOf: string;
  batchContacts?: number;
  onBatch?: (counts: PeopleCounts) => void;
}): Promise<{ counts: PeopleCounts; firstCadre: Map<number, number> }> {
  const at = `${input.asOf}T08:00:00.000Z`;
  let serial = provincePhoneStart;
  const ctx = { nextPhone: () => serial++, asOf: input.asOf, at };
  const counts: PeopleCounts = { cadres: 0, contacts: 0, links: 0 };
  const firstCadre = new Map<number, number>();
  let batch: PlannedOrg[] = [];
  let size = 0;
  for (const org of input.orgs) {
    const random = createRandom(deriveSeed(input.seed, `people:${org.stat_code ?? org.id}`));
    const planned = planOrg(input.keyring, random, input.settings, org, ctx);
    batch.push(planned);
    size += planned.contacts.length;
    if (size >= (input.batchContacts ?? 5000)) {
      await writeBatch(input.db, batch, at, counts, firstCadre);
      input.onBatch?.(counts);
      batch = [];
      size = 0;
    }
  }
  if (batch.length > 0) await writeBatch(input.db, batch, at, counts, firstCadre);
  return { counts, firstCadre };
}
