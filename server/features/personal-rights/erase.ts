import fs from 'node:fs';
import { sql } from 'kysely';
import type { PersonErasureBody, PersonErasureResult } from '../../../common/personal-rights.js';
import type { Db, Executor } from '../../db/schema.js';
import { isPostgres } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { conflict, invalid } from '../../http/errors.js';
import { storedFilePath } from '../../files/store.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { recordAudit } from '../audit/service.js';
import { refreshOrgMetrics } from '../campaigns/engine.js';
import { addToContactCount } from '../cadres/repo.js';
import { refreshMemberCounts } from '../members/counts.js';
import * as erase from './erase-repo.js';
import { findPerson, type Person } from './person.js';
import { findImportTraces, importJobsFor, marksOf, scrubImportTraces, unfinishedImports } from './traces.js';

// Erasure (PIPL art. 47): every record of the person and what hangs off it, the files only they used, the
// copies imports kept of them, and the counts they were part of — in one transaction with its audit row. The
// audit log itself stays (it is kept at least 183 days and names no personal value; the erasure's own row holds
// the masked ID number only, so that a later question "was I erased?" can be answered).

export type EraseDeps = { db: Db; keyring: Keyring; dataDir: string };

/** Why the person cannot be erased now, in words for the admin; empty when they can. */
export async function erasureBlockers(db: Executor, person: Person, unfinishedImports: number): Promise<string[]> {
  const blockers: string[] = [];
  if (person.hidden > 0) {
    blockers.push('此人还有记录登记在您的管辖范围以外，须由能看到其全部记录的上级团组织办理删除');
  }
  const pending = await erase.pendingAbout(
    db,
    person.all.members.map((m) => m.id),
  );
  if (pending.transfers > 0) blockers.push('此人有尚未办结的组织关系转接，请先撤回或办结后再删除');
  if (pending.requests > 0) blockers.push('此人有待审批的团籍变更或信息更正申请，请先撤回或审批后再删除');
  if (pending.duplicates > 0) blockers.push('此人有待处理的重复登记，请先在“审批 › 重复身份证”中处理后再删除');
  if (person.all.applicants.some((a) => a.stage === 'voted')) {
    blockers.push('此人的入团申请正待上级审批，请先审批或退回后再删除');
  }
  if (unfinishedImports > 0) blockers.push('有导入任务正在进行，可能含此人的信息，请待其结束后再删除');
  return blockers;
}

type Removed = Record<string, number>;

/** Deletes the person's rows in the order their references require; returns the counts and the files they named. */
async function removeRows(trx: Executor, person: Person): Promise<{ removed: Removed; files: string[] }> {
  const { members, applicants, cadres, contacts } = person.all;
  const memberIds = members.map((m) => m.id);
  const applicantIds = applicants.map((a) => a.id);
  const cadreIds = cadres.map((c) => c.id);
  const contactIds = contacts.map((c) => c.id);
  const recommendations = await erase.deleteRecommendations(trx, memberIds);
  const removed: Removed = {
    ...(await erase.deleteMemberRows(trx, memberIds)),
    party_recommendations: recommendations.removed,
    guardian_consents: await erase.deleteGuardianConsents(trx, memberIds, applicantIds),
  };
  const applicantRows = await erase.deleteApplicants(trx, applicantIds);
  Object.assign(removed, applicantRows.removed);
  await erase.clearIntroducers(trx, memberIds);
  if (person.idIndex) await erase.clearCorrectionsTo(trx, person.idIndex);
  const links = await erase.deleteLinks(trx, cadreIds, contactIds);
  removed.cadre_contacts = links.removed;
  for (const cadreId of links.otherCadres) await addToContactCount(trx, cadreId, -1);
  Object.assign(removed, await erase.deleteCadres(trx, cadreIds), await erase.deleteContacts(trx, contactIds));
  removed.members = await erase.deleteMembers(trx, memberIds);
  // The counts the person was part of: member_counts and member_rollups, and the campaigns' cadre figures.
  await refreshMemberCounts(
    trx,
    members.map((m) => m.org_id),
  );
  const otherCadreOrgs = links.otherCadres.length
    ? (await trx.selectFrom('cadres').select('org_id').where('id', 'in', links.otherCadres).execute()).map(
        (c) => c.org_id,
      )
    : [];
  await refreshOrgMetrics(
    trx,
    [...new Set([...cadres.map((c) => c.org_id), ...otherCadreOrgs])],
    ['cadre_contact_share'],
  );
  return { removed, files: [...applicantRows.files, ...recommendations.files] };
}

/**
 * On SQLite, deleted cells are zeroed rather than left in free space (`secure_delete`), for this transaction's
 * deletes only: a copy of the database file then holds nothing of the person once the write-ahead log has been
 * checkpointed. PostgreSQL keeps dead tuples until autovacuum reclaims them (see README.md).
 */
async function overwritingFreedSpace<T>(trx: Executor, work: () => Promise<T>): Promise<T> {
  if (isPostgres(trx)) return work();
  await sql`pragma secure_delete = on`.execute(trx);
  try {
    return await work();
  } finally {
    await sql`pragma secure_delete = off`.execute(trx);
  }
}

/** A constraint refused a delete: someone added a row about the person meanwhile. */
function isReferenceViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

export async function erasePerson(
  { db, keyring, dataDir }: EraseDeps,
  actor: Actor,
  body: PersonErasureBody,
): Promise<PersonErasureResult> {
  const query = { idNumber: body.idNumber, phone: body.phone, fullName: body.fullName };
  // Error reports are files: they are searched before the transaction and re-checked inside it.
  const before = await findPerson(db, keyring, actor, query);
  const jobs = await importJobsFor(db, actor, before);
  const unfinished = unfinishedImports(jobs);
  const traces = await findImportTraces(dataDir, marksOf(keyring, before.all), jobs);
  let gone: string[] = [];
  const result = await db
    .transaction()
    .execute(async (trx) => {
      const person = await findPerson(trx, keyring, actor, query);
      if (body.confirmation.trim() !== person.fullName) {
        throw invalid('确认姓名与此人的姓名不一致，未删除任何信息', { field: 'confirmation' });
      }
      const blockers = await erasureBlockers(trx, person, unfinished);
      if (blockers.length > 0) throw conflict(blockers.join('；'), { blockers });
      const marks = marksOf(keyring, person.all);
      const { removed, files } = await overwritingFreedSpace(trx, () => removeRows(trx, person));
      const reports = await scrubImportTraces(trx, marks, traces);
      gone = [];
      for (const sha256 of new Set([...files, ...reports])) {
        if (await erase.fileInUse(trx, sha256)) continue;
        await erase.deleteFileRow(trx, sha256);
        gone.push(sha256);
      }
      await recordAudit(trx, actor, {
        action: 'personal.erase',
        objectType: 'person',
        objectId: `${person.primary.kind}:${person.primary.id}`,
        orgId: person.primary.orgId,
        details: {
          reason: body.reason,
          ...(person.idMasked ? { idMasked: person.idMasked } : {}),
          removed: Object.fromEntries(Object.entries(removed).filter(([, n]) => n > 0)),
          files: gone.length,
          importJobs: traces.length,
        },
      });
      return { removed, files: gone.length, importJobs: traces.length };
    })
    .catch((error: unknown) => {
      if (isReferenceViolation(error)) throw conflict('此人的信息刚被他人修改，未删除任何信息，请重新查询后再试');
      throw error;
    });
  // The bytes go once the rows are gone for good; a crash in between leaves files with no row, which the daily
  // sweep removes.
  for (const sha256 of gone) fs.rmSync(storedFilePath(dataDir, sha256), { force: true });
  return result;
}
