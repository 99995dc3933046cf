import { contactCategoryLabels } from '../../../common/imports.js';
import type { ContactCategory } from '../../../common/domain.js';
import { protectPhone, type ProtectedValue } from '../../personal-data/phone.js';
import { contactColumns, type ContactColumn } from './columns.js';
import { displayCell, labelsOf, RowChecker, type Checked, type ImportContext, type KindRun } from './checks.js';
import { applyContacts, finishContacts } from './contacts-apply.js';

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
export type PackedContact = [
  name: string,
  cipher: string,
  masked: string,
  village: string | null,
  category: ContactCategory | null,
  note: string | null,
  lastContactOn: string | null,
];

/** What a cadre key (org + phone index) stands for: an existing cadre, or one this import registers. */
export type CadreEntry = {
  id: number | null;
  orgId: number;
  name: string;
  phone: ProtectedValue;
  counted: boolean;
  /** The first row that named this cadre. */
  firstRow: number;
};

/** What one contact import keeps between its chunks: the cadres it named, and what it touched. */
export type ContactImportState = {
  cadres: Map<string, CadreEntry>;
  touchedCadres: Set<number>;
  touchedOrgs: Set<number>;
  cadresCreated: number;
};

const labels = labelsOf(contactColumns);

export function contactImport(ctx: ImportContext): KindRun<ContactColumn> {
  const state: ContactImportState = {
    cadres: new Map<string, CadreEntry>(),
    touchedCadres: new Set<number>(),
    touchedOrgs: new Set<number>(),
    cadresCreated: 0,
  };
  const { cadres } = state;
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

    apply: (db, rows, write) => applyContacts(db, rows, write, state),
    finish: (trx) => finishContacts(trx, state),
    extra: () => ({ cadresCreated: state.cadresCreated }),
    tables: ['youth_contacts', 'cadre_contacts', 'cadres'],
  };
}
