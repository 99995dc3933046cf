import type { DeleteResult } from 'kysely';
import type { Executor } from '../../db/schema.js';

// The deletes and unlinks of an erasure: Kysely queries only, each taking the erasure's transaction. Every
// function answers how many rows it removed.

const none = [-1];
const list = (ids: readonly number[]) => (ids.length > 0 ? [...ids] : none);
const count = (result: DeleteResult | undefined) => Number(result?.numDeletedRows ?? 0n);

export const openTransferSteps = ['out_branch', 'out_parent', 'in_branch', 'in_parent'] as const;

/** What is still being decided about these members by someone (a transfer, a request, a duplicate case). */
export async function pendingAbout(db: Executor, memberIds: readonly number[]) {
  const number = async (query: Promise<{ n: number | string | bigint } | undefined>) => Number((await query)?.n ?? 0);
  return {
    transfers: await number(
      db
        .selectFrom('transfers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('member_id', 'in', list(memberIds))
        .where('step', 'in', [...openTransferSteps])
        .executeTakeFirst(),
    ),
    requests: await number(
      db
        .selectFrom('member_requests')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('member_id', 'in', list(memberIds))
        .where('status', '=', 'pending')
        .executeTakeFirst(),
    ),
    duplicates: await number(
      db
        .selectFrom('member_duplicates')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('member_id', 'in', list(memberIds))
        .where('status', '=', 'pending')
        .executeTakeFirst(),
    ),
  };
}

/** The member records' own rows: timeline, transfers and their steps, requests, reviews, duplicates. */
export async function deleteMemberRows(trx: Executor, memberIds: readonly number[]) {
  const transfers = trx.selectFrom('transfers').select('id').where('member_id', 'in', list(memberIds));
  return {
    transfer_steps: count(
      await trx.deleteFrom('transfer_steps').where('transfer_id', 'in', transfers).executeTakeFirst(),
    ),
    transfers: count(await trx.deleteFrom('transfers').where('member_id', 'in', list(memberIds)).executeTakeFirst()),
    member_requests: count(
      await trx.deleteFrom('member_requests').where('member_id', 'in', list(memberIds)).executeTakeFirst(),
    ),
    member_events: count(
      await trx.deleteFrom('member_events').where('member_id', 'in', list(memberIds)).executeTakeFirst(),
    ),
    annual_reviews: count(
      await trx.deleteFrom('annual_reviews').where('member_id', 'in', list(memberIds)).executeTakeFirst(),
    ),
    member_duplicates: count(
      await trx.deleteFrom('member_duplicates').where('member_id', 'in', list(memberIds)).executeTakeFirst(),
    ),
  };
}

/** The party recommendations of these members, with the signed forms they filed. */
export async function deleteRecommendations(trx: Executor, memberIds: readonly number[]) {
  const forms = await trx
    .selectFrom('party_recommendations')
    .select('form_sha256')
    .where('member_id', 'in', list(memberIds))
    .where('form_sha256', 'is not', null)
    .execute();
  const result = await trx
    .deleteFrom('party_recommendations')
    .where('member_id', 'in', list(memberIds))
    .executeTakeFirst();
  return { removed: count(result), files: forms.map((f) => f.form_sha256!) };
}

export async function deleteGuardianConsents(
  trx: Executor,
  memberIds: readonly number[],
  applicantIds: readonly number[],
) {
  const result = await trx
    .deleteFrom('guardian_consents')
    .where((eb) =>
      eb.or([
        eb.and([eb('subject_type', '=', 'member'), eb('subject_id', 'in', list(memberIds))]),
        eb.and([eb('subject_type', '=', 'applicant'), eb('subject_id', 'in', list(applicantIds))]),
      ]),
    )
    .executeTakeFirst();
  return count(result);
}

/** The applicants' lectures and documents (returning the documents' files), then the applicants. */
export async function deleteApplicants(trx: Executor, applicantIds: readonly number[]) {
  const documents = await trx
    .selectFrom('applicant_documents')
    .select('file_sha256')
    .where('applicant_id', 'in', list(applicantIds))
    .execute();
  return {
    removed: {
      applicant_lectures: count(
        await trx.deleteFrom('applicant_lectures').where('applicant_id', 'in', list(applicantIds)).executeTakeFirst(),
      ),
      applicant_documents: count(
        await trx.deleteFrom('applicant_documents').where('applicant_id', 'in', list(applicantIds)).executeTakeFirst(),
      ),
      applicants: count(await trx.deleteFrom('applicants').where('id', 'in', list(applicantIds)).executeTakeFirst()),
    },
    files: documents.map((d) => d.file_sha256),
  };
}

/** Other people's applications name these members as introducers: the names go, the applications stay. */
export async function clearIntroducers(trx: Executor, memberIds: readonly number[]) {
  await trx
    .updateTable('applicants')
    .set({ introducer1_id: null })
    .where('introducer1_id', 'in', list(memberIds))
    .execute();
  await trx
    .updateTable('applicants')
    .set({ introducer2_id: null })
    .where('introducer2_id', 'in', list(memberIds))
    .execute();
}

/**
 * The links of these cadres and youth, with the cadres whose contact counts must drop: those, not erased, that
 * kept in touch with an erased youth.
 */
export async function deleteLinks(trx: Executor, cadreIds: readonly number[], contactIds: readonly number[]) {
  const linked = await trx
    .selectFrom('cadre_contacts')
    .select(['cadre_id', 'contact_id'])
    .where((eb) => eb.or([eb('cadre_id', 'in', list(cadreIds)), eb('contact_id', 'in', list(contactIds))]))
    .execute();
  const result = await trx
    .deleteFrom('cadre_contacts')
    .where((eb) => eb.or([eb('cadre_id', 'in', list(cadreIds)), eb('contact_id', 'in', list(contactIds))]))
    .executeTakeFirst();
  const erased = new Set(cadreIds);
  return { removed: count(result), otherCadres: linked.map((l) => l.cadre_id).filter((id) => !erased.has(id)) };
}

export async function deleteCadres(trx: Executor, cadreIds: readonly number[]) {
  // Logs the cadre wrote about other youth stay theirs, without the cadre's name; channels lose their keeper.
  await trx.updateTable('contact_logs').set({ cadre_id: null }).where('cadre_id', 'in', list(cadreIds)).execute();
  await trx
    .updateTable('channels')
    .set({ responsible_cadre_id: null })
    .where('responsible_cadre_id', 'in', list(cadreIds))
    .execute();
  return {
    cadre_trainings: count(
      await trx.deleteFrom('cadre_trainings').where('cadre_id', 'in', list(cadreIds)).executeTakeFirst(),
    ),
    cadre_assessments: count(
      await trx.deleteFrom('cadre_assessments').where('cadre_id', 'in', list(cadreIds)).executeTakeFirst(),
    ),
    cadres: count(await trx.deleteFrom('cadres').where('id', 'in', list(cadreIds)).executeTakeFirst()),
  };
}

export async function deleteContacts(trx: Executor, contactIds: readonly number[]) {
  return {
    contact_logs: count(
      await trx.deleteFrom('contact_logs').where('contact_id', 'in', list(contactIds)).executeTakeFirst(),
    ),
    youth_contacts: count(
      await trx.deleteFrom('youth_contacts').where('id', 'in', list(contactIds)).executeTakeFirst(),
    ),
  };
}

/**
 * Another member's correction request to this ID number, decided without taking it (rejected, withdrawn): the
 * request stays with that member, the ID number it asked for goes.
 */
export async function clearCorrectionsTo(trx: Executor, idIndex: string) {
  await trx
    .updateTable('member_requests')
    .set({ new_id_cipher: null, new_id_index: null, new_id_masked: null })
    .where('new_id_index', '=', idIndex)
    .execute();
}

export async function deleteMembers(trx: Executor, memberIds: readonly number[]) {
  return count(await trx.deleteFrom('members').where('id', 'in', list(memberIds)).executeTakeFirst());
}

/** Does any row still name this stored file (another applicant's copy of the same form, an evidence image, a job)? */
export async function fileInUse(trx: Executor, sha256: string): Promise<boolean> {
  const uses = [
    () => trx.selectFrom('applicant_documents').select('id').where('file_sha256', '=', sha256).executeTakeFirst(),
    () => trx.selectFrom('party_recommendations').select('id').where('form_sha256', '=', sha256).executeTakeFirst(),
    () => trx.selectFrom('channel_evidence').select('id').where('file_sha256', '=', sha256).executeTakeFirst(),
    () =>
      trx
        .selectFrom('jobs')
        .select('id')
        .where((eb) => eb.or([eb('input', 'like', `%${sha256}%`), eb('result', 'like', `%${sha256}%`)]))
        .executeTakeFirst(),
  ];
  for (const use of uses) if (await use()) return true;
  return false;
}

export async function deleteFileRow(trx: Executor, sha256: string): Promise<void> {
  await trx.deleteFrom('files').where('sha256', '=', sha256).execute();
}

export async function updateJobResult(trx: Executor, jobId: number, result: string): Promise<void> {
  await trx.updateTable('jobs').set({ result }).where('id', '=', jobId).execute();
}

export function jobResult(trx: Executor, jobId: number) {
  return trx.selectFrom('jobs').select('result').where('id', '=', jobId).executeTakeFirst();
}
