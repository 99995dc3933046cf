import { sql, type Selectable } from 'kysely';
import type { DuplicateStatus } from '../../../common/domain.js';
import type { Executor, MemberDuplicatesTable } from '../../db/schema.js';
import { subtreeRange } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import type { LedgerScope } from '../ledger/shared.js';
import { seenBy } from '../member-requests/scope.js';

export type DuplicateRow = Selectable<MemberDuplicatesTable> & {
  holder_name: string;
  id_masked: string;
  holder_org_id: number;
  holder_org_name: string;
  holder_org_path: string;
  claimant_org_name: string;
  claimant_org_path: string;
  resolver_name: string | null;
};

function joined(db: Executor) {
  return db
    .selectFrom('member_duplicates as d')
    .innerJoin('members as m', 'm.id', 'd.member_id')
    .innerJoin('orgs as ho', 'ho.id', 'm.org_id')
    .innerJoin('orgs as co', 'co.id', 'd.claimant_org_id')
    .leftJoin('users as ru', 'ru.id', 'd.resolved_by');
}

function selectRow(query: ReturnType<typeof joined>) {
  return query
    .selectAll('d')
    .select([
      'm.full_name as holder_name',
      'm.id_masked as id_masked',
      'm.org_id as holder_org_id',
      'ho.name as holder_org_name',
      'ho.path as holder_org_path',
      'co.name as claimant_org_name',
      'co.path as claimant_org_path',
      'ru.display_name as resolver_name',
    ]);
}

export function findDuplicate(db: Executor, id: number): Promise<DuplicateRow | undefined> {
  return selectRow(joined(db)).where('d.id', '=', id).executeTakeFirst();
}

/** Closes a pending case; false when someone resolved it meanwhile. */
export async function resolveCase(
  db: Executor,
  id: number,
  values: { status: DuplicateStatus; note: string | null; resolved_by: number; resolved_at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('member_duplicates')
    .set(values)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export type DuplicateFilter = { scope: LedgerScope; status?: DuplicateStatus; namePrefix?: string };

/** Both sides: the holder's branch or the claimant org lies in the scope. */
function filtered(db: Executor, filter: DuplicateFilter) {
  let query = joined(db);
  if (filter.scope !== null) {
    const [lower, upper] = subtreeRange(filter.scope.path);
    query = query.where(
      sql<boolean>`((ho.path >= ${lower} and ho.path < ${upper}) or (co.path >= ${lower} and co.path < ${upper}))`,
    );
  }
  if (filter.status) query = query.where('d.status', '=', filter.status);
  if (filter.namePrefix) {
    const [from, to] = [filter.namePrefix, `${filter.namePrefix}\u{10FFFF}`];
    query = query.where((eb) =>
      eb.or([
        eb.and([eb('d.claimant_name', '>=', from), eb('d.claimant_name', '<', to)]),
        eb.and([eb('m.full_name', '>=', from), eb('m.full_name', '<', to)]),
      ]),
    );
  }
  return query;
}

export async function listDuplicates(db: Executor, filter: DuplicateFilter & { offset: number; limit: number }) {
  const rows = await selectRow(filtered(db, filter))
    .orderBy('d.id', 'desc')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  const { total } = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total) };
}

/** Pending cases on either side of the actor's subtree. */
export async function countPendingDuplicates(db: Executor, actor: Actor): Promise<number> {
  const { n } = await db
    .selectFrom('member_duplicates as d')
    .innerJoin('members as m', 'm.id', 'd.member_id')
    .innerJoin('orgs as ho', 'ho.id', 'm.org_id')
    .innerJoin('orgs as co', 'co.id', 'd.claimant_org_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('d.status', '=', 'pending')
    .where(sql<boolean>`(${seenBy(actor, 'ho')} or ${seenBy(actor, 'co')})`)
    .executeTakeFirstOrThrow();
  return Number(n);
}

export async function memberNoTaken(db: Executor, memberNo: string): Promise<boolean> {
  const row = await db.selectFrom('members').select('id').where('member_no', '=', memberNo).executeTakeFirst();
  return row !== undefined;
}
