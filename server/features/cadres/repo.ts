import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { CadreAssessmentsTable, CadresTable, CadreTrainingsTable, Executor } from '../../db/schema.js';
import { contains, scopeCondition, type LedgerScope } from '../ledger/shared.js';

export type CadreRow = Selectable<CadresTable>;
export type CadreTrainingRow = Selectable<CadreTrainingsTable>;
/** A cadre with its org, and the masked ID number and birth date of its member record when it is one. */
export type CadreWithOrg = CadreRow & {
  org_name: string;
  org_path: string;
  member_id_masked: string | null;
  member_birth_date: string | null;
};

const memberColumns = ['members.id_masked as member_id_masked', 'members.birth_date as member_birth_date'] as const;

function withOrg(db: Executor) {
  return db
    .selectFrom('cadres')
    .innerJoin('orgs', 'orgs.id', 'cadres.org_id')
    .leftJoin('members', 'members.id', 'cadres.member_id')
    .selectAll('cadres')
    .select(['orgs.name as org_name', 'orgs.path as org_path', ...memberColumns]);
}

export function findCadre(db: Executor, id: number): Promise<CadreWithOrg | undefined> {
  return withOrg(db).where('cadres.id', '=', id).executeTakeFirst();
}

export function findCadresByIds(db: Executor, ids: readonly number[]): Promise<CadreWithOrg[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return withOrg(db)
    .where('cadres.id', 'in', [...ids])
    .execute();
}

export type CadreFilter = { scope: LedgerScope; q?: string; status?: CadresTable['status']; inReserve?: boolean };

function filtered(db: Executor, filter: CadreFilter) {
  let query = db
    .selectFrom('cadres')
    .innerJoin('orgs', 'orgs.id', 'cadres.org_id')
    .where(scopeCondition(filter.scope, 'cadres.org_id', 'orgs.path'));
  if (filter.q) query = query.where(contains('cadres.full_name', filter.q));
  if (filter.status) query = query.where('cadres.status', '=', filter.status);
  if (filter.inReserve !== undefined) query = query.where('cadres.in_reserve', '=', filter.inReserve ? 1 : 0);
  return query;
}

export async function listCadres(
  db: Executor,
  filter: CadreFilter & { offset: number; limit: number },
): Promise<{ rows: CadreWithOrg[]; total: number }> {
  const rows = await filtered(db, filter)
    .leftJoin('members', 'members.id', 'cadres.member_id')
    .selectAll('cadres')
    .select(['orgs.name as org_name', 'orgs.path as org_path', ...memberColumns])
    .orderBy('orgs.path')
    .orderBy('cadres.id')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  const { total } = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total) };
}

export async function insertCadre(db: Executor, values: Insertable<CadresTable>): Promise<number> {
  const { id } = await db.insertInto('cadres').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateCadre(db: Executor, id: number, values: Updateable<CadresTable>): Promise<void> {
  await db.updateTable('cadres').set(values).where('id', '=', id).execute();
}

/** Keeps cadres.contact_count equal to the cadre's links; called in the transaction that links or unlinks. */
export async function addToContactCount(db: Executor, cadreId: number, delta: 1 | -1): Promise<void> {
  await db
    .updateTable('cadres')
    .set({ contact_count: sql`contact_count + ${delta}` })
    .where('id', '=', cadreId)
    .execute();
}

/**
 * The cadre who answers for an org: its active secretary (书记) first, then a deputy (副书记), then whoever was
 * registered first. Undefined when the org has no active cadre.
 */
export function findResponsibleCadre(db: Executor, orgId: number): Promise<CadreRow | undefined> {
  return db
    .selectFrom('cadres')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .orderBy(sql`case when post = '书记' then 0 when post = '副书记' then 1 else 2 end`)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/** An active cadre of the org who is the same person (same member record or same ID number). */
export function findSamePersonInOrg(
  db: Executor,
  orgId: number,
  person: { memberId: number | null; idIndex: string | null },
  exceptId?: number,
): Promise<{ id: number } | undefined> {
  let query = db
    .selectFrom('cadres')
    .select('id')
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .where((eb) =>
      person.memberId !== null ? eb('member_id', '=', person.memberId) : eb('id_index', '=', person.idIndex ?? ''),
    );
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  return query.executeTakeFirst();
}

export function listTrainings(db: Executor, cadreId: number) {
  return db
    .selectFrom('cadre_trainings')
    .selectAll()
    .where('cadre_id', '=', cadreId)
    .orderBy('start_on', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export async function insertTraining(db: Executor, values: Insertable<CadreTrainingsTable>): Promise<number> {
  const { id } = await db.insertInto('cadre_trainings').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

export function listAssessments(db: Executor, cadreId: number) {
  return db
    .selectFrom('cadre_assessments')
    .selectAll()
    .where('cadre_id', '=', cadreId)
    .orderBy('year', 'desc')
    .execute();
}

export function findAssessment(db: Executor, cadreId: number, year: number) {
  return db
    .selectFrom('cadre_assessments')
    .selectAll()
    .where('cadre_id', '=', cadreId)
    .where('year', '=', year)
    .executeTakeFirst();
}

/** One assessment per cadre and year: a second one replaces the grade and note. */
export async function upsertAssessment(db: Executor, values: Insertable<CadreAssessmentsTable>): Promise<void> {
  await db
    .insertInto('cadre_assessments')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['cadre_id', 'year']).doUpdateSet({
        grade: values.grade,
        note: values.note ?? null,
        created_by: values.created_by ?? null,
        created_at: values.created_at,
      }),
    )
    .execute();
}
