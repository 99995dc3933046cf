import { sql } from 'kysely';
import type { RowAction } from '../../../common/imports.js';
import type { Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { refreshOrgMetrics } from '../campaigns/engine.js';
import { insertRows, oneOf } from './bulk.js';
import type { CadreEntry, ContactImportState, PackedContact } from './contacts-import.js';
import type { SpoolRow } from './spool.js';

// Pass 2 of a contact import: a chunk of valid rows against the ledger. New cadres first (a row's link needs
// them), then the youth found by their phone's blind index — created, updated where the sheet says something new,
// or left alone — and the links between them.

const contactTypes = {
  org_id: 'int',
  full_name: 'text',
  phone_cipher: 'text',
  phone_index: 'text',
  phone_masked: 'text',
  village: 'text',
  category: 'text',
  note: 'text',
  last_contact_on: 'text',
  created_at: 'text',
  updated_at: 'text',
} as const;
/** Cadres registered from a contact sheet: the post and kind people most often hold at township and village. */
const importedCadre = { post: '团干部', kind: 'part_time' } as const;

export async function applyContacts(
  db: Executor,
  rows: readonly SpoolRow[],
  write: boolean,
  state: ContactImportState,
): Promise<RowAction[]> {
  const { cadres, touchedCadres, touchedOrgs } = state;
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
  state.cadresCreated += newCadres.size;
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
    .where(oneOf(db, 'phone_index', [...new Set(records.map((r) => r.record.phone.index))], 'text'))
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
            .where(oneOf(db, 'contact_id', linkedIds, 'int'))
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
    const inserted = await insertRows<{ id: number; org_id: number; phone_index: string }>(
      db,
      'youth_contacts',
      contactTypes,
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
      { returning: ['id', 'org_id', 'phone_index'] },
    );
    for (const row of inserted) createdIds.set(`${row.org_id}:${row.phone_index}`, row.id);
  }
  const linkRows = newLinks.map((l) => {
    const cadreId = cadres.get(l.cadreKey)!.id!;
    touchedCadres.add(cadreId);
    return { cadre_id: cadreId, contact_id: l.contactId ?? createdIds.get(l.contactKey)!, created_at: at };
  });
  if (linkRows.length > 0) {
    await insertRows(db, 'cadre_contacts', { cadre_id: 'int', contact_id: 'int', created_at: 'text' }, linkRows, {
      onConflict: 'on conflict (cadre_id, contact_id) do nothing',
    });
  }
  return actions;
}

/** After the last chunk: the linked cadres' contact counts recounted, the campaigns' figures refreshed. */
export async function finishContacts(trx: Executor, state: ContactImportState): Promise<void> {
  const { touchedCadres, touchedOrgs } = state;
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
}
