import type { Readable } from 'node:stream';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { sql } from 'kysely';
import { chinaToday } from '../../../common/dates.js';
import {
  accountTypeLabels,
  channelKindLabels,
  channelStatusLabels,
  contactCategoryLabels,
} from '../../../common/imports.js';
import type { Db } from '../../db/schema.js';
import { subtreeRange } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { createXlsxStream, type SheetWriter } from '../../spreadsheets/writer.js';
import { recordAudit } from '../audit/service.js';
import { resolveLedgerScope, scopeCondition, type LedgerScope } from '../ledger/shared.js';
import { columnsOf } from './columns.js';

// The ledger as xlsx: the import template's columns (an export can be corrected and imported again, phones
// apart), phones masked, text that could run as a formula neutralised, one audit row per export, rows streamed
// page by page so that a province's two million contacts never sit in memory.

export type LedgerExport = { stream: Readable; fileName: string; done: Promise<void> };
type ExportTarget = 'channels' | 'contacts';

const pageSize = 1000;
const exportNames: Record<ExportTarget, string> = { channels: '渠道台账', contacts: '联系青年台账' };

async function start(db: Db, actor: Actor, target: ExportTarget, input: { orgId?: number; scope: 'own' | 'subtree' }) {
  const scope = await resolveLedgerScope(db, actor, input);
  const org = scope
    ? await db.selectFrom('orgs').select('name').where('id', '=', scope.orgId).executeTakeFirst()
    : null;
  await recordAudit(db, actor, {
    action: 'ledger.export',
    objectType: target,
    orgId: scope?.orgId ?? null,
    details: { scope: scope === null ? 'all' : input.scope, format: 'xlsx' },
  });
  const fileName = `${exportNames[target]}-${org?.name ?? '全部'}-${chinaToday()}.xlsx`;
  return { scope, fileName };
}

/** Pages of a query by ascending id; waits for the download to catch up between pages. */
async function pages<T extends { id: number }>(
  sheet: SheetWriter,
  page: (after: number) => Promise<T[]>,
  write: (rows: T[]) => Promise<void>,
) {
  for (let after = 0; ;) {
    const rows = await page(after);
    if (rows.length === 0) return;
    await write(rows);
    after = rows[rows.length - 1].id;
    await sheet.drained();
    await yieldToLoop();
  }
}

export async function exportChannels(
  db: Db,
  actor: Actor,
  input: { orgId?: number; scope: 'own' | 'subtree' },
): Promise<LedgerExport> {
  const { scope, fileName } = await start(db, actor, 'channels', input);
  const { writer, stream } = createXlsxStream();
  const produce = async () => {
    const sheet = writer.addSheet('渠道', [
      ...columnsOf.channels.map((c) => ({ header: c.header, width: c.width })),
      { header: '命名问题', width: 40 },
    ]);
    await pages(
      sheet,
      (after) =>
        db
          .selectFrom('channels as c')
          .innerJoin('orgs as o', 'o.id', 'c.org_id')
          .leftJoin('cadres as k', 'k.id', 'c.responsible_cadre_id')
          .select([
            'c.id',
            'c.name',
            'c.kind',
            'o.name as org_name',
            'k.full_name as cadre_name',
            'c.created_on',
            'c.latest_count',
            'c.latest_count_on',
            'c.account_type',
            'c.app_id',
            'c.original_id',
            'c.status',
            'c.naming_issue',
          ])
          .where(scopeCondition(scope, 'c.org_id', 'o.path'))
          .where('c.id', '>', after)
          .orderBy('c.id')
          .limit(pageSize)
          .execute(),
      async (rows) => {
        for (const c of rows) {
          sheet.addRow([
            c.name,
            channelKindLabels[c.kind],
            c.org_name,
            c.cadre_name,
            c.created_on,
            c.latest_count,
            c.latest_count_on,
            c.account_type ? accountTypeLabels[c.account_type] : null,
            c.app_id,
            c.original_id,
            channelStatusLabels[c.status],
            c.naming_issue,
          ]);
        }
      },
    );
    sheet.commit();
    await writer.finish();
  };
  return { stream, fileName, done: produce() };
}

/** The orgs of a scope in path order, in groups whose contacts one query pages through (index on org_id). */
async function orgGroups(db: Db, scope: LedgerScope): Promise<{ ids: number[]; names: Map<number, string> }[]> {
  let query = db.selectFrom('orgs').select(['id', 'name']).orderBy('path');
  if (scope?.own) query = query.where('id', '=', scope.orgId);
  else if (scope) {
    const [lower, upper] = subtreeRange(scope.path);
    query = query.where('path', '>=', lower).where('path', '<', upper);
  }
  const orgs = await query.execute();
  const groups = [];
  for (let i = 0; i < orgs.length; i += 200) {
    const slice = orgs.slice(i, i + 200);
    groups.push({ ids: slice.map((o) => o.id), names: new Map(slice.map((o) => [o.id, o.name])) });
  }
  return groups;
}

export async function exportContacts(
  db: Db,
  actor: Actor,
  input: { orgId?: number; scope: 'own' | 'subtree' },
): Promise<LedgerExport> {
  const { scope, fileName } = await start(db, actor, 'contacts', input);
  const { writer, stream } = createXlsxStream();
  const produce = async () => {
    const sheet = writer.addSheet(
      '联系青年',
      columnsOf.contacts.map((c) => ({ header: c.header, width: c.width })),
    );
    for (const group of await orgGroups(db, scope)) {
      await pages(
        sheet,
        (after) =>
          db
            .selectFrom('youth_contacts')
            .select(['id', 'org_id', 'full_name', 'phone_masked', 'village', 'category', 'last_contact_on', 'note'])
            .where('org_id', 'in', group.ids)
            .where('id', '>', after)
            .orderBy('id')
            .limit(pageSize)
            .execute(),
        async (rows) => {
          const links = await db
            .selectFrom('cadre_contacts as l')
            .innerJoin('cadres as k', 'k.id', 'l.cadre_id')
            .select(['l.contact_id', 'k.full_name', 'k.phone_masked'])
            .where(
              'l.contact_id',
              'in',
              rows.map((r) => r.id),
            )
            .orderBy('l.contact_id')
            .orderBy(sql`k.id`)
            .execute();
          const cadres = new Map<number, typeof links>();
          for (const l of links) cadres.set(l.contact_id, [...(cadres.get(l.contact_id) ?? []), l]);
          for (const c of rows) {
            const linked = cadres.get(c.id) ?? [];
            sheet.addRow([
              c.full_name,
              c.phone_masked,
              group.names.get(c.org_id) ?? '',
              c.village,
              contactCategoryLabels[c.category],
              linked.map((l) => l.full_name).join('、') || null,
              linked.map((l) => l.phone_masked ?? '').join('、') || null,
              c.last_contact_on,
              c.note,
            ]);
          }
        },
      );
    }
    sheet.commit();
    await writer.finish();
  };
  return { stream, fileName, done: produce() };
}
