import { sql } from 'kysely';
import { contactCategoryLabels, type RowAction } from '../../../common/imports.js';
import type { ContactCategory } from '../../../common/domain.js';
import { nowIso } from '../../db/tree.js';
import { protectPhone, type ProtectedValue } from '../../personal-data/phone.js';
import { refreshOrgMetrics } from '../campaigns/engine.js';
import { contactColumns, type ContactColumn } from './columns.js';
import { displayCell, labelsOf, RowChecker, type Checked, type ImportContext, type KindRun } from './checks.js';

// The "1 + N" contact ledger from a sheet: youth by (org, phone), and the cadre named on each row by (org, phone),
// registered on the fly when new, linked to the youth. Phones arrive here protected; the plain number is gone.

type ContactRecord = {
  name: string;
  phone: ProtectedValue;
  village: string | null;
  /** Null: not given — a new contact is 其他, an existing one keeps its category. */
  category: ContactCategory | null;
  note: string | null;
  lastContactOn: string | null;
  cadre: { name: string; phone: ProtectedValue } | null;
};

/**
 * A valid row as the spool keeps it: a compact array (the spool of a million rows is written and read once each);
 * the phone's blind index is the row's key, its cadre the row's alt key (org:phone index).
 */
type PackedContact = [
  name: string,
  cipher: string,
  masked: string,
  village: string | null,
  category: ContactCategory | null,
  note: string | null,
  lastContactOn: string | null,
];

/** What a cadre key (org + phone index) stands for: an existing cadre, or one this import registers. */
type CadreEntry = {
  id: number | null;
  orgId: number;
  name: string;
  phone: ProtectedValue;
  counted: boolean;
  /** The first row that named this cadre. */
  firstRow: number;
};

const labels = labelsOf(contactColumns);
/** Cadres registered from a contact sheet: the post and kind people most often hold at township and village. */
const importedCadre = { post: '团干部', kind: 'part_time' } as const;

export function contactImport(ctx: ImportContext): KindRun<ContactColumn> {
  const cadres = new Map<string, CadreEntry>();
  const touchedCadres = new Set<number>();
  const touchedOrgs = new Set<number>();
  let cadresCreated = 0;
  /** A cadre's phone is on many rows: protected once (encryption is the costly part of a row). */
  const cadrePhones = new Map<string, ProtectedValue>();
  const protectCadrePhone = (phone: string) => {
    let value = cadrePhones.get(phone);
    if (!value) {
      if (cadrePhones.size >= 50_000) cadrePhones.clear();
      value = protectPhone(ctx.keyring, phone);
      cadrePhones.set(phone, value);
    }
    return value;
  };

  /** Existing cadres for the keys not seen yet, in one query per chunk. */
  async function loadCadres(keys: Map<string, { orgId: number; index: string }>) {
    const unknown = [...keys].filter(([key]) => !cadres.has(key));
    if (unknown.length === 0) return new Map<string, { id: number; name: string; status: string }>();
    const rows = await ctx.db
      .selectFrom('cadres')
      .select(['id', 'org_id', 'phone_index', 'full_name', 'status'])
      .where('phone_index', 'in', [...new Set(unknown.map(([, k]) => k.index))])
      .execute();
    return new Map(
      rows.map((r) => [`${r.org_id}:${r.phone_index}`, { id: r.id, name: r.full_name, status: r.status }]),
    );
  }

  return {
    columns: contactColumns,

    async check(rows) {
      const checked: (Checked & { full: ContactRecord | null })[] = [];
      const wanted = new Map<string, { orgId: number; index: string }>();
      for (const { values } of rows) {
        const row = new RowChecker(values, labels, ctx.today);
        const name = row.text('fullName', 50, true);
        const phone = row.phone('phone', true);
        const org = row.org('org', ctx.orgs);
        const village = row.text('village', 60);
        const category = row.choice('category', contactCategoryLabels);
        const cadreName = row.text('cadreName', 50);
        const cadrePhone = row.phone('cadrePhone');
        if ((cadreName === null) !== (cadrePhone === null) && row.errors.length === 0) {
          row.errors.push('联系团干部和团干部手机号须同时填写');
        }
        const lastContactOn = row.date('lastContactOn', { notAfterToday: true });
        const note = row.text('note', 200);
        const protectedPhone = phone ? protectPhone(ctx.keyring, phone) : null;
        const cadre = cadreName && cadrePhone ? { name: cadreName, phone: protectCadrePhone(cadrePhone) } : null;
        const cadreKey = cadre && org ? `${org.id}:${cadre.phone.index}` : null;
        if (cadre && org && cadreKey) wanted.set(cadreKey, { orgId: org.id, index: cadre.phone.index });
        checked.push({
          orgId: org?.id ?? null,
          key: protectedPhone?.index ?? null,
          alt: cadreKey,
          errors: row.errors,
          full:
            row.errors.length === 0 && name && protectedPhone
              ? { name, phone: protectedPhone, village, category, note, lastContactOn, cadre }
              : null,
          record: null,
        });
      }
      const existing = await loadCadres(wanted);
      for (const [i, item] of checked.entries()) {
        const full = item.full;
        if (full) {
          const packed: PackedContact = [
            full.name,
            full.phone.cipher,
            full.phone.masked,
            full.village,
            full.category,
            full.note,
            full.lastContactOn,
          ];
          item.record = packed;
        }
        const cadre = full?.cadre;
        if (!cadre || !item.alt) continue;
        const cached = cadres.get(item.alt);
        const found = existing.get(item.alt);
        // A registered cadre's name must match, and so must every row of the file naming the same phone.
        const registered = found?.name ?? (cached?.id != null ? cached.name : null);
        if (found && found.status !== 'active') {
          item.errors.push(`联系团干部“${found.name}”已离任，请改填在任的团干部`);
        } else if (registered !== null && registered !== cadre.name) {
          item.errors.push(`团干部手机号 ${cadre.phone.masked} 已登记为“${registered}”，与填写的“${cadre.name}”不一致`);
        } else if (cached && cached.name !== cadre.name) {
          item.errors.push(`团干部手机号与第 ${cached.firstRow} 行相同，但姓名不是“${cached.name}”`);
        } else if (!cached) {
          const [orgId] = item.alt.split(':').map(Number);
          const entry = { id: found?.id ?? null, orgId, name: cadre.name, phone: cadre.phone, counted: false };
          cadres.set(item.alt, { ...entry, firstRow: rows[i].rowNumber });
        }
      }
      return checked.map(({ full: _full, ...item }) => item);
    },

    display: (values) => ({
      fullName: displayCell(values.fullName),
      phone: displayCell(values.phone, 'phone'),
      org: displayCell(values.org),
      village: displayCell(values.village),
      category: displayCell(values.category),
      cadreName: displayCell(values.cadreName),
      cadrePhone: displayCell(values.cadrePhone, 'phone'),
      lastContactOn: displayCell(values.lastContactOn),
      note: displayCell(values.note),
    }),

    spoolRules: { duplicateMessage: (first) => `与第 ${first} 行是同一组织的同一手机号码` },

    async apply(db, rows, write) {
      const records = rows.map((r) => {
        const [name, cipher, masked, village, category, note, lastContactOn] = JSON.parse(r.record) as PackedContact;
        return {
          orgId: r.orgId,
          cadreKey: r.alt,
          record: { name, phone: { cipher, index: r.key, masked }, village, category, note, lastContactOn },
        };
      });
      const at = nowIso();
      // Cadres this chunk needs that do not exist yet.
      const newCadres = new Map<string, CadreEntry>();
      for (const { cadreKey } of records) {
        if (!cadreKey) continue;
        const entry = cadres.get(cadreKey)!;
        if (entry.id === null && !entry.counted) newCadres.set(cadreKey, entry);
      }
      for (const entry of newCadres.values()) entry.counted = true;
      cadresCreated += newCadres.size;
      if (write && newCadres.size > 0) {
        const inserted = await db
          .insertInto('cadres')
          .values(
            [...newCadres.values()].map((c) => ({
              org_id: c.orgId,
              full_name: c.name,
              ...importedCadre,
              phone_cipher: c.phone.cipher,
              phone_index: c.phone.index,
              phone_masked: c.phone.masked,
              status: 'active' as const,
              created_at: at,
              updated_at: at,
            })),
          )
          .returning(['id', 'org_id', 'phone_index'])
          .execute();
        for (const row of inserted) cadres.get(`${row.org_id}:${row.phone_index}`)!.id = row.id;
      }

      const existing = await db
        .selectFrom('youth_contacts')
        .select(['id', 'org_id', 'phone_index', 'full_name', 'village', 'category', 'note', 'last_contact_on'])
        .where('phone_index', 'in', [...new Set(records.map((r) => r.record.phone.index))])
        .execute();
      const byKey = new Map(existing.map((c) => [`${c.org_id}:${c.phone_index}`, c]));
      const linkedIds = existing.map((c) => c.id);
      const links = new Set(
        linkedIds.length === 0
          ? []
          : (
              await db
                .selectFrom('cadre_contacts')
                .select(['cadre_id', 'contact_id'])
                .where('contact_id', 'in', linkedIds)
                .execute()
            ).map((l) => `${l.cadre_id}:${l.contact_id}`),
      );

      const actions: RowAction[] = [];
      const creates: (typeof records)[number][] = [];
      const newLinks: { cadreKey: string; contactKey: string; contactId: number | null }[] = [];
      for (const item of records) {
        const { orgId, record, cadreKey } = item;
        const contactKey = `${orgId}:${record.phone.index}`;
        const cadreId = cadreKey ? cadres.get(cadreKey)!.id : null;
        const current = byKey.get(contactKey);
        if (!current) {
          actions.push('create');
          creates.push(item);
          if (cadreKey) newLinks.push({ cadreKey, contactKey, contactId: null });
          touchedOrgs.add(orgId);
          continue;
        }
        const changes: Record<string, string> = {};
        if (record.name !== current.full_name) changes.full_name = record.name;
        if (record.village !== null && record.village !== current.village) changes.village = record.village;
        if (record.category !== null && record.category !== current.category) changes.category = record.category;
        if (record.note !== null && record.note !== current.note) changes.note = record.note;
        if (record.lastContactOn && (!current.last_contact_on || record.lastContactOn > current.last_contact_on)) {
          changes.last_contact_on = record.lastContactOn;
        }
        const linkMissing = cadreKey !== null && (cadreId === null || !links.has(`${cadreId}:${current.id}`));
        if (linkMissing) newLinks.push({ cadreKey: cadreKey, contactKey, contactId: current.id });
        const changed = Object.keys(changes).length > 0;
        actions.push(changed || linkMissing ? 'update' : 'unchanged');
        if (changed || linkMissing) touchedOrgs.add(orgId);
        if (write && changed) {
          await db
            .updateTable('youth_contacts')
            .set({ ...changes, updated_at: at })
            .where('id', '=', current.id)
            .execute();
        }
      }
      if (!write) return actions;

      const createdIds = new Map<string, number>();
      if (creates.length > 0) {
        const inserted = await db
          .insertInto('youth_contacts')
          .values(
            creates.map(({ orgId, record }) => ({
              org_id: orgId,
              full_name: record.name,
              phone_cipher: record.phone.cipher,
              phone_index: record.phone.index,
              phone_masked: record.phone.masked,
              village: record.village,
              category: record.category ?? 'other',
              note: record.note,
              last_contact_on: record.lastContactOn,
              created_at: at,
              updated_at: at,
            })),
          )
          .returning(['id', 'org_id', 'phone_index'])
          .execute();
        for (const row of inserted) createdIds.set(`${row.org_id}:${row.phone_index}`, row.id);
      }
      const linkRows = newLinks.map((l) => {
        const cadreId = cadres.get(l.cadreKey)!.id!;
        touchedCadres.add(cadreId);
        return { cadre_id: cadreId, contact_id: l.contactId ?? createdIds.get(l.contactKey)!, created_at: at };
      });
      if (linkRows.length > 0) {
        await db
          .insertInto('cadre_contacts')
          .values(linkRows)
          .onConflict((oc) => oc.columns(['cadre_id', 'contact_id']).doNothing())
          .execute();
      }
      return actions;
    },

    async finish(trx) {
      const ids = [...touchedCadres];
      for (let i = 0; i < ids.length; i += 500) {
        await trx
          .updateTable('cadres')
          .set({
            contact_count: sql<number>`(select count(*) from cadre_contacts where cadre_contacts.cadre_id = cadres.id)`,
          })
          .where('id', 'in', ids.slice(i, i + 500))
          .execute();
      }
      await refreshOrgMetrics(trx, [...touchedOrgs], ['cadre_contact_share']);
    },

    extra: () => ({ cadresCreated }),
  };
}
