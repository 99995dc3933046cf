import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { chinaToday } from '../../../common/dates.js';
import type { MembershipStatus } from '../../../common/domain.js';
import {
  membershipStatusLabels,
  politicalStatusLabels,
  sexLabels,
  yesNoLabels,
  type MemberExportQuery,
} from '../../../common/imports.js';
import type { Db } from '../../db/schema.js';
import { subtreeRange } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { createXlsxStream } from '../../spreadsheets/writer.js';
import { recordAudit } from '../audit/service.js';
import { resolveLedgerScope, type LedgerScope } from '../ledger/shared.js';
import { memberColumns, type TemplateColumn } from './columns.js';
import type { LedgerExport } from './exports.js';

// The member register as xlsx: the import template's columns and 团籍状态, ID numbers and phones masked (the
// stored masks: nothing is decrypted), text neutralised by the writer, one audit row. Members are read branch
// group by branch group, a group being as many branches as hold about two thousand members together (from
// member_counts), so that each page is an index range of a few branches: a province's two million members stream
// in constant memory and linear time.

const pageSize = 1000;
const groupMembers = 2000;

/** The branches of a scope in path order, grouped by their member counts. */
async function branchGroups(db: Db, scope: LedgerScope, status: MembershipStatus | undefined) {
  let query = db
    .selectFrom('orgs')
    .leftJoin('member_counts as c', (join) => {
      const on = join.onRef('c.org_id', '=', 'orgs.id');
      return status ? on.on('c.membership_status', '=', status) : on;
    })
    .select(['orgs.id', 'orgs.name', (eb) => eb.fn.coalesce(eb.fn.sum<number>('c.count'), eb.lit(0)).as('n')])
    .where('orgs.type', 'in', ['branch', 'joint_branch'])
    .groupBy(['orgs.id', 'orgs.name', 'orgs.path'])
    .orderBy('orgs.path');
  if (scope?.own) query = query.where('orgs.id', '=', scope.orgId);
  else if (scope) {
    const [lower, upper] = subtreeRange(scope.path);
    query = query.where('orgs.path', '>=', lower).where('orgs.path', '<', upper);
  }
  const groups: { ids: number[]; names: Map<number, string> }[] = [];
  let current = { ids: [] as number[], names: new Map<number, string>() };
  let members = 0;
  for (const org of await query.execute()) {
    if (Number(org.n) === 0) continue;
    if (current.ids.length > 0 && members + Number(org.n) > groupMembers) {
      groups.push(current);
      current = { ids: [], names: new Map() };
      members = 0;
    }
    current.ids.push(org.id);
    current.names.set(org.id, org.name);
    members += Number(org.n);
  }
  if (current.ids.length > 0) groups.push(current);
  return groups;
}

export async function exportMembers(db: Db, actor: Actor, input: MemberExportQuery): Promise<LedgerExport> {
  const scope = await resolveLedgerScope(db, actor, input);
  const org = scope
    ? await db.selectFrom('orgs').select('name').where('id', '=', scope.orgId).executeTakeFirst()
    : null;
  await recordAudit(db, actor, {
    action: 'member.export',
    objectType: 'members',
    orgId: scope?.orgId ?? null,
    details: { scope: scope === null ? 'all' : input.scope, status: input.status ?? 'all', format: 'xlsx' },
  });
  const statusName = input.status ? `-${membershipStatusLabels[input.status]}` : '';
  const fileName = `团员名册-${org?.name ?? '全部'}${statusName}-${chinaToday()}.xlsx`;
  const { writer, stream } = createXlsxStream();
  const produce = async () => {
    const sheet = writer.addSheet('团员', [
      ...(memberColumns as readonly TemplateColumn<string>[]).map((c) => ({ header: c.header, width: c.width })),
      { header: '团籍状态', width: 14 },
    ]);
    for (const group of await branchGroups(db, scope, input.status)) {
      for (let after = 0; ;) {
        let page = db
          .selectFrom('members')
          .select([
            'id',
            'org_id',
            'full_name',
            'id_masked',
            'sex',
            'birth_date',
            'member_no',
            'joined_on',
            'political_status',
            'ethnicity',
            'education',
            'occupation',
            'workplace',
            'phone_masked',
            'wechat',
            'household',
            'is_mobile',
            'mobile_origin',
            'mobile_current',
            'membership_status',
          ])
          .where('org_id', 'in', group.ids)
          .where('id', '>', after)
          .orderBy('id')
          .limit(pageSize);
        if (input.status) page = page.where('membership_status', '=', input.status);
        const rows = await page.execute();
        if (rows.length === 0) break;
        for (const m of rows) {
          sheet.addRow([
            group.names.get(m.org_id) ?? '',
            m.full_name,
            m.id_masked,
            sexLabels[m.sex],
            m.birth_date,
            m.member_no,
            m.joined_on,
            politicalStatusLabels[m.political_status],
            m.ethnicity,
            m.education,
            m.occupation,
            m.workplace,
            m.phone_masked,
            m.wechat,
            m.household,
            m.is_mobile === 1 ? yesNoLabels.yes : yesNoLabels.no,
            m.mobile_origin,
            m.mobile_current,
            membershipStatusLabels[m.membership_status],
          ]);
        }
        after = rows[rows.length - 1].id;
        await sheet.drained();
        await yieldToLoop();
      }
    }
    sheet.commit();
    await writer.finish();
  };
  return { stream, fileName, done: produce() };
}
