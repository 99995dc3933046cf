import { chinaToday } from '../../../common/dates.js';
import { membershipStatusLabels } from '../../../common/imports.js';
import type { PersonCopyBody, PersonQuery, PersonRecord, PersonSummary } from '../../../common/personal-rights.js';
import type { Db } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { recordAudit } from '../audit/service.js';
import { buildCopy } from './copy.js';
import { erasureBlockers } from './erase.js';
import { copyMime, renderCopy } from './formats.js';
import { stageLabels } from './labels.js';
import { findPerson, type PersonRecords } from './person.js';
import { importJobsFor, unfinishedImports } from './traces.js';

// A person's requests under PIPL, answered by an org admin of their league org: find them, give them a copy of
// everything held about them (audited like a reveal: it holds their full ID number and phone), erase them
// (erase.ts). Everything is limited to the actor's subtree; nobody there answers like nobody at all.

export type RightsDeps = { db: Db; keyring: Keyring };

function presentRecords(records: PersonRecords): PersonRecord[] {
  return [
    ...records.members.map((m) => ({
      kind: 'member' as const,
      ...common(m),
      idMasked: m.id_masked,
      status: `团员（${membershipStatusLabels[m.membership_status]}）`,
    })),
    ...records.applicants.map((a) => ({
      kind: 'applicant' as const,
      ...common(a),
      idMasked: a.id_masked,
      status: `入团申请人（${stageLabels[a.stage]}）`,
    })),
    ...records.cadres.map((c) => ({
      kind: 'cadre' as const,
      ...common(c),
      idMasked: c.member_id_masked ?? c.id_masked,
      status: `团干部（${c.post}，${c.status === 'active' ? '在任' : '离任'}）`,
    })),
    ...records.contacts.map((c) => ({ kind: 'contact' as const, ...common(c), idMasked: null, status: '联系青年' })),
  ];
}

function common(r: { id: number; org_id: number; org_name: string; full_name: string; phone_masked: string | null }) {
  return { id: r.id, orgId: r.org_id, orgName: r.org_name, fullName: r.full_name, phoneMasked: r.phone_masked };
}

/** What is held about the person, masked, and whether it may be erased now. */
export async function lookupPerson(
  { db, keyring }: RightsDeps,
  actor: Actor,
  query: PersonQuery,
): Promise<PersonSummary> {
  const person = await findPerson(db, keyring, actor, query);
  const sections = await buildCopy(db, person.visible, null);
  const blockers = await erasureBlockers(db, person, unfinishedImports(await importJobsFor(db, actor, person)));
  return {
    fullName: person.fullName,
    idMasked: person.idMasked,
    records: presentRecords(person.visible),
    sections: sections.map((s) => ({ key: s.key, title: s.title, rows: s.rows.length })),
    erasure: { allowed: blockers.length === 0, blockers, confirmation: person.fullName },
  };
}

/** The person's copy as a file, and its audit row (which names the sections' sizes, never a value). */
export async function copyOfPerson({ db, keyring }: RightsDeps, actor: Actor, body: PersonCopyBody) {
  const query = { idNumber: body.idNumber, phone: body.phone, fullName: body.fullName };
  const { person, sections } = await db.transaction().execute(async (trx) => {
    const person = await findPerson(trx, keyring, actor, query);
    const sections = await buildCopy(trx, person.visible, (cipher) => keyring.decrypt(cipher));
    await recordAudit(trx, actor, {
      action: 'personal.export',
      objectType: 'person',
      objectId: `${person.primary.kind}:${person.primary.id}`,
      orgId: person.primary.orgId,
      details: {
        format: body.format,
        by: body.idNumber === undefined ? 'phone' : 'id_number',
        rows: Object.fromEntries(sections.filter((s) => s.rows.length > 0).map((s) => [s.key, s.rows.length])),
      },
    });
    return { person, sections };
  });
  const org =
    actor.orgId === null
      ? undefined
      : await db.selectFrom('orgs').select('name').where('id', '=', actor.orgId).executeTakeFirst();
  const bytes = await renderCopy(
    body.format,
    { fullName: person.fullName, generatedAt: nowIso(), orgName: org?.name ?? '' },
    sections,
  );
  return {
    bytes,
    mime: copyMime[body.format],
    fileName: `个人信息副本-${person.fullName}-${chinaToday()}.${body.format}`,
  };
}
