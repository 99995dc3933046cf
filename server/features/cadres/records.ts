import type { CadreAssessmentBody, CadreTrainingBody } from '../../../common/ledger.js';
import type { Db } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { recordAudit } from '../audit/service.js';
import { loadWritableOrg } from '../ledger/shared.js';
import {
  findAssessment,
  insertTraining,
  listAssessments,
  listTrainings,
  upsertAssessment,
  type CadreTrainingRow,
} from './repo.js';
import { loadVisibleCadre, presentCadre } from './service.js';

// A cadre's record beyond the post: training attended and the yearly assessment (优秀, 称职, 基本称职, 不称职).

function presentTraining(row: CadreTrainingRow) {
  return {
    id: row.id,
    title: row.title,
    organizer: row.organizer,
    startOn: row.start_on,
    endOn: row.end_on,
    hours: row.hours === null ? null : Number(row.hours),
    createdAt: row.created_at,
  };
}

export async function getCadreDetail(db: Db, actor: Actor, id: number) {
  const cadre = await loadVisibleCadre(db, actor, id);
  const trainings = await listTrainings(db, cadre.id);
  const assessments = await listAssessments(db, cadre.id);
  return {
    ...presentCadre(actor, cadre),
    trainings: trainings.map(presentTraining),
    assessments: assessments.map((row) => ({
      year: row.year,
      grade: row.grade,
      note: row.note,
      createdAt: row.created_at,
    })),
  };
}

export async function addTraining(db: Db, actor: Actor, id: number, body: CadreTrainingBody) {
  return db.transaction().execute(async (trx) => {
    const cadre = await loadVisibleCadre(trx, actor, id);
    await loadWritableOrg(trx, actor, cadre.org_id);
    const trainingId = await insertTraining(trx, {
      cadre_id: cadre.id,
      title: body.title,
      organizer: body.organizer ?? null,
      start_on: body.startOn,
      end_on: body.endOn ?? null,
      hours: body.hours ?? null,
      created_by: actor.userId,
      created_at: nowIso(),
    });
    await recordAudit(trx, actor, {
      action: 'cadre.training_add',
      objectType: 'cadre',
      objectId: cadre.id,
      orgId: cadre.org_id,
      details: { trainingId, title: body.title, startOn: body.startOn, hours: body.hours ?? null },
    });
    const rows = await listTrainings(trx, cadre.id);
    return presentTraining(rows.find((row) => row.id === trainingId)!);
  });
}

export async function assessCadre(db: Db, actor: Actor, id: number, year: number, body: CadreAssessmentBody) {
  return db.transaction().execute(async (trx) => {
    const cadre = await loadVisibleCadre(trx, actor, id);
    await loadWritableOrg(trx, actor, cadre.org_id);
    const previous = await findAssessment(trx, cadre.id, year);
    await upsertAssessment(trx, {
      cadre_id: cadre.id,
      year,
      grade: body.grade,
      note: body.note ?? null,
      created_by: actor.userId,
      created_at: nowIso(),
    });
    await recordAudit(trx, actor, {
      action: 'cadre.assess',
      objectType: 'cadre',
      objectId: cadre.id,
      orgId: cadre.org_id,
      details: { year, grade: { from: previous?.grade ?? null, to: body.grade } },
    });
    const row = (await findAssessment(trx, cadre.id, year))!;
    return { year: row.year, grade: row.grade, note: row.note, createdAt: row.created_at };
  });
}
