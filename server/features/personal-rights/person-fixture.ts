import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { chinaToday } from '../../../common/dates.js';
import type { Client } from '../../../test/factories.js';
import type { TestContext } from '../../../test/harness.js';
import { importFile } from '../../../test/imports.js';
import { makeCadre, makeChannel, makeContact, nextPhone, type TestCadre } from '../../../test/ledger-factories.js';
import {
  makeApplicant,
  makeApplicantDocument,
  nextIdNumber,
  type TestApplicant,
} from '../../../test/people-factories.js';
import { nowIso } from '../../db/tree.js';
import { storeFile } from '../../files/store.js';
import type { OrgRow } from '../orgs/repo.js';
import { protectPhone } from '../../personal-data/phone.js';

// A person with something in every table a copy reads and an erasure clears, entered through the API where a
// person enters it (profile, cadre post, youth contact, links, logs, trainings, imports) and written directly
// where the route needs a long history first (an admitted application, reviews, a recommendation, decided
// requests). Their neighbours share a branch, a document, a cadre and a channel with them.

export type PersonFixture = {
  fullName: string;
  idNumber: string;
  phone: string;
  guardianPhone: string;
  memberId: number;
  applicant: TestApplicant;
  cadreId: number;
  contactId: number;
  /** A file only the person's records name, and one another applicant's record names too. */
  ownFile: string;
  sharedFile: string;
  formFile: string;
  /** A cadre of someone else who keeps in touch with the person (and with another youth). */
  neighbourCadre: TestCadre;
  neighbourContactId: number;
  neighbourApplicant: TestApplicant;
  channelId: number;
  /** A contacts import whose preview shows the person; one whose error report holds only their row. */
  previewJob: number;
  reportJob: number;
};

async function ok(response: Promise<LightMyRequestResponse>, status = 200): Promise<LightMyRequestResponse> {
  const r = await response;
  assert.equal(r.statusCode, status, r.body);
  return r;
}

export async function makePerson(
  ctx: TestContext,
  admin: Client,
  input: { branch: OrgRow; town: OrgRow; fullName: string; idNumber?: string; phone?: string },
): Promise<PersonFixture> {
  const { branch, town, fullName } = input;
  const idNumber = input.idNumber ?? nextIdNumber();
  const phone = input.phone ?? nextPhone();
  const guardianPhone = nextPhone();
  const today = chinaToday();
  const year = Number(today.slice(0, 4)) - 1;
  const at = nowIso();

  // The member record comes with an admitted application (and two introducers of the same branch).
  const applicant = await makeApplicant(ctx, { org: branch, stage: 'admitted', idNumber, fullName });
  const { member_id: memberId } = await ctx.db
    .selectFrom('applicants')
    .select('member_id')
    .where('id', '=', applicant.id)
    .executeTakeFirstOrThrow();
  await ctx.db.updateTable('members').set({ applicant_id: applicant.id }).where('id', '=', memberId!).execute();
  await ok(admin.patch(`/api/members/${memberId}`, { phone, education: '大学本科', wechat: 'wxm-2001' }));
  const guardian = protectPhone(ctx.app.keyring, guardianPhone);
  await ctx.db
    .insertInto('guardian_consents')
    .values({
      subject_type: 'applicant',
      subject_id: applicant.id,
      guardian_name: `${fullName}之母`,
      relation: '母亲',
      phone_cipher: guardian.cipher,
      phone_masked: guardian.masked,
      consent_version: '2024-1',
      signed_on: '2019-03-01',
      recorded_by: null,
      created_at: at,
    })
    .execute();
  await ctx.db
    .insertInto('applicant_lectures')
    .values({
      applicant_id: applicant.id,
      held_on: '2024-04-01',
      title: '团的基本知识',
      hours: 4,
      recorded_by: null,
      created_at: at,
    })
    .execute();
  const ownDocument = await makeApplicantDocument(ctx, applicant);
  const ownFile = (
    await ctx.db
      .selectFrom('applicant_documents')
      .select('file_sha256')
      .where('id', '=', ownDocument)
      .executeTakeFirstOrThrow()
  ).file_sha256;
  // The same scan filed for the person and for a neighbour: the file stays for the neighbour.
  const neighbourApplicant = await makeApplicant(ctx, { org: branch, stage: 'activist' });
  // …who names the person as an introducer.
  await ctx.db
    .updateTable('applicants')
    .set({ introducer1_id: memberId })
    .where('id', '=', neighbourApplicant.id)
    .execute();
  const shared = await storeFile(
    ctx.db,
    ctx.dataDir,
    Buffer.from(`%PDF-1.4\n% 入团志愿书模板 ${fullName}\n%%EOF\n`),
    'application/pdf',
  );
  for (const who of [applicant, neighbourApplicant]) {
    await ctx.db
      .insertInto('applicant_documents')
      .values({
        applicant_id: who.id,
        stage: 'applied',
        file_sha256: shared.sha256,
        file_name: '志愿书.pdf',
        uploaded_by: null,
        uploaded_at: at,
      })
      .execute();
  }
  const form = await storeFile(
    ctx.db,
    ctx.dataDir,
    Buffer.from(`%PDF-1.4\n% 推优表 ${idNumber.slice(-4)}\n%%EOF\n`),
    'application/pdf',
  );
  await ctx.db
    .insertInto('party_recommendations')
    .values({
      member_id: memberId!,
      org_id: branch.id,
      recommended_on: `${year}-03-01`,
      valid_until: `${year + 2}-03-01`,
      certified_on: `${year}-03-20`,
      certified_by: null,
      form_sha256: form.sha256,
      created_by: null,
      created_at: at,
    })
    .execute();
  await ctx.db
    .insertInto('annual_reviews')
    .values({
      member_id: memberId!,
      org_id: branch.id,
      year,
      grade: 'excellent',
      registered_at: at,
      reviewed_by: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  await ctx.db
    .insertInto('member_requests')
    .values({
      member_id: memberId!,
      org_id: branch.id,
      kind: 'status',
      to_status: 'lapsed',
      new_name: null,
      new_id_cipher: null,
      new_id_index: null,
      new_id_masked: null,
      reason: '误报',
      status: 'rejected',
      requested_by: admin.user.id,
      requested_at: at,
      decided_by: admin.user.id,
      decided_at: at,
      decision_note: '经核实仍正常参加组织生活',
    })
    .execute();

  // A cadre post (linked to the member record by the ID number), a youth contact with the same phone and name.
  const cadreId = (
    await ok(
      admin.post('/api/cadres', { orgId: town.id, fullName, post: '委员', kind: 'part_time', phone, idNumber }),
      201,
    )
  ).json<{ id: number }>().id;
  await ok(
    admin.post(`/api/cadres/${cadreId}/trainings`, { title: '基层团干部培训班', startOn: `${year}-06-01`, hours: 16 }),
    201,
  );
  await ok(
    admin.request({
      method: 'PUT',
      url: `/api/cadres/${cadreId}/assessments/${year}`,
      payload: { grade: 'competent' },
    }),
  );
  const contactId = (
    await ok(
      admin.post('/api/contacts', { orgId: town.id, fullName, phone, category: 'returnee', note: '返乡创业' }),
      201,
    )
  ).json<{ id: number }>().id;
  const neighbourCadre = await makeCadre(ctx, { org: town });
  const neighbourContact = await makeContact(ctx, { org: town });
  await ok(admin.post(`/api/contacts/${contactId}/cadres`, { cadreId: neighbourCadre.id }), 201);
  await ok(
    admin.post(`/api/contacts/${contactId}/logs`, {
      onDate: today,
      channel: 'visit',
      cadreId: neighbourCadre.id,
      note: '=1+2 走访',
    }),
    201,
  );
  await ok(admin.post(`/api/contacts/${neighbourContact.id}/cadres`, { cadreId: neighbourCadre.id }), 201);
  await ok(admin.post(`/api/contacts/${neighbourContact.id}/cadres`, { cadreId }), 201);
  await ok(admin.post(`/api/contacts/${neighbourContact.id}/logs`, { onDate: today, channel: 'phone', cadreId }), 201);
  const channel = await makeChannel(ctx, { org: town });
  await ok(admin.patch(`/api/channels/${channel.id}`, { responsibleCadreId: cadreId }));

  // Imports: a dry run whose preview shows the person, a run refused for the person's row alone.
  const csv = (rows: string[]) => ({
    name: '联系青年.csv',
    content: Buffer.from(`姓名,手机号码,类别\r\n${rows.join('\r\n')}\r\n`),
  });
  const preview = await importFile(
    admin,
    { kind: 'contacts', orgId: String(town.id), dryRun: 'true' },
    csv([`${fullName},${phone},返乡青年`, '号码错,123,返乡青年']),
  );
  assert.equal(preview.status, 'done', JSON.stringify(preview));
  const report = await importFile(
    admin,
    { kind: 'contacts', orgId: String(town.id) },
    csv([`${fullName},${phone},外星人`]),
  );
  assert.equal(report.status, 'failed', JSON.stringify(report));

  return {
    fullName,
    idNumber,
    phone,
    guardianPhone,
    memberId: memberId!,
    applicant,
    cadreId,
    contactId,
    ownFile,
    sharedFile: shared.sha256,
    formFile: form.sha256,
    neighbourCadre,
    neighbourContactId: neighbourContact.id,
    neighbourApplicant,
    channelId: channel.id,
    previewJob: preview.id,
    reportJob: report.id,
  };
}
