import { sql, type Insertable, type Selectable } from 'kysely';
import { openTransferSteps } from '../../../common/transfers.js';
import type { TransferStep } from '../../../common/domain.js';
import type { Executor, TransferStepsTable, TransfersTable } from '../../db/schema.js';
import { subtreeRange } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import type { LedgerScope } from '../ledger/shared.js';
import { decidableBy, seenBy } from '../member-requests/scope.js';
import { actorCan } from '../../http/actor.js';

export type TransferRow = Selectable<TransfersTable> & {
  member_name: string;
  member_id_masked: string;
  member_org_path: string;
  from_name: string;
  from_path: string;
  to_name: string;
  to_path: string;
  requester_name: string | null;
};

function joined(db: Executor) {
  return db
    .selectFrom('transfers as t')
    .innerJoin('members as m', 'm.id', 't.member_id')
    .innerJoin('orgs as mo', 'mo.id', 'm.org_id')
    .innerJoin('orgs as fo', 'fo.id', 't.from_org_id')
    .innerJoin('orgs as tn', 'tn.id', 't.to_org_id')
    .leftJoin('users as ru', 'ru.id', 't.requested_by');
}

function selectRow(query: ReturnType<typeof joined>) {
  return query
    .selectAll('t')
    .select([
      'm.full_name as member_name',
      'm.id_masked as member_id_masked',
      'mo.path as member_org_path',
      'fo.name as from_name',
      'fo.path as from_path',
      'tn.name as to_name',
      'tn.path as to_path',
      'ru.display_name as requester_name',
    ]);
}

export function findTransfer(db: Executor, id: number): Promise<TransferRow | undefined> {
  return selectRow(joined(db)).where('t.id', '=', id).executeTakeFirst();
}

export function findTransfersByIds(db: Executor, ids: readonly number[]): Promise<TransferRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return selectRow(joined(db))
    .where('t.id', 'in', [...ids])
    .orderBy('t.id')
    .execute();
}

/** Members (of the given ids) with a transfer still waiting for a decision. */
export async function openTransfersOf(db: Executor, memberIds: readonly number[]): Promise<Set<number>> {
  const found = new Set<number>();
  for (let i = 0; i < memberIds.length; i += 500) {
    const rows = await db
      .selectFrom('transfers')
      .select('member_id')
      .where('member_id', 'in', memberIds.slice(i, i + 500))
      .where('step', 'in', [...openTransferSteps])
      .execute();
    for (const row of rows) found.add(row.member_id);
  }
  return found;
}

export async function insertTransfer(db: Executor, values: Insertable<TransfersTable>): Promise<number> {
  const row = await db.insertInto('transfers').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Moves a transfer on from the step it was read at; false when someone else moved it meanwhile. */
export async function advanceTransfer(
  db: Executor,
  id: number,
  from: TransferStep,
  to: TransferStep,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('transfers')
    .set({ step: to, updated_at: at })
    .where('id', '=', id)
    .where('step', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertStep(db: Executor, values: Insertable<TransferStepsTable>): Promise<void> {
  await db.insertInto('transfer_steps').values(values).execute();
}

export function listSteps(db: Executor, transferId: number) {
  return db.selectFrom('transfer_steps').selectAll().where('transfer_id', '=', transferId).orderBy('id').execute();
}

/**
 * The transfers at a step the actor decides — mayDecideStep (policy.ts of this feature) in SQL: the out branch
 * and the in branch are decided by whoever sees them, their parents' steps by whoever sees the parent.
 */
function awaitingCondition(actor: Actor) {
  if (!actorCan(actor, 'people.approve')) return sql<boolean>`1 = 0`;
  return sql<boolean>`(
    (t.step = 'out_branch' and ${seenBy(actor, 'fo')})
    or (t.step = 'out_parent' and ${decidableBy(actor, 'fo')})
    or (t.step = 'in_branch' and ${seenBy(actor, 'tn')})
    or (t.step = 'in_parent' and ${decidableBy(actor, 'tn')}))`;
}

function inScope(scope: LedgerScope, alias: 'fo' | 'tn') {
  if (scope === null) return sql<boolean>`1 = 1`;
  if (scope.own) return sql<boolean>`${sql.ref(`${alias}.id`)} = ${scope.orgId}`;
  const [lower, upper] = subtreeRange(scope.path);
  const path = sql.ref(`${alias}.path`);
  return sql<boolean>`(${path} >= ${lower} and ${path} < ${upper})`;
}

export type TransferFilter = {
  actor: Actor;
  scope: LedgerScope;
  direction: 'in' | 'out' | 'all';
  step?: TransferStep | 'open';
  awaiting?: boolean;
  namePrefix?: string;
};

function filtered(db: Executor, filter: TransferFilter) {
  const out = inScope(filter.scope, 'fo');
  const inward = inScope(filter.scope, 'tn');
  let query = joined(db).where(
    filter.direction === 'out' ? out : filter.direction === 'in' ? inward : sql<boolean>`(${out} or ${inward})`,
  );
  if (filter.step === 'open') query = query.where('t.step', 'in', [...openTransferSteps]);
  else if (filter.step) query = query.where('t.step', '=', filter.step);
  if (filter.awaiting) query = query.where(awaitingCondition(filter.actor));
  if (filter.namePrefix) {
    query = query
      .where('m.full_name', '>=', filter.namePrefix)
      .where('m.full_name', '<', `${filter.namePrefix}\u{10FFFF}`);
  }
  return query;
}

export async function listTransfers(db: Executor, filter: TransferFilter & { offset: number; limit: number }) {
  const rows = await selectRow(filtered(db, filter))
    .orderBy('t.id', 'desc')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  const { total } = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total) };
}

export async function countAwaitingTransfers(db: Executor, actor: Actor): Promise<number> {
  const { n } = await db
    .selectFrom('transfers as t')
    .innerJoin('orgs as fo', 'fo.id', 't.from_org_id')
    .innerJoin('orgs as tn', 'tn.id', 't.to_org_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('t.step', 'in', [...openTransferSteps])
    .where(awaitingCondition(actor))
    .executeTakeFirstOrThrow();
  return Number(n);
}
