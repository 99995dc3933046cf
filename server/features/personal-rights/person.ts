import type { PersonQuery, PersonRecordKind } from '../../../common/personal-rights.js';
import type { Executor } from '../../db/schema.js';
import { actorSees, type Actor } from '../../http/actor.js';
import { conflict, notFound } from '../../http/errors.js';
import { idNumberIndex } from '../../personal-data/id-number.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { phoneIndex } from '../../personal-data/phone.js';
import type { ApplicantWithOrg } from '../applicants/repo.js';
import type { CadreWithOrg } from '../cadres/repo.js';
import type { ContactWithOrg } from '../contacts/repo.js';
import { parsePhone } from '../ledger/shared.js';
import { checkIdNumber } from '../members/identity.js';
import type { MemberWithOrg } from '../members/repo.js';
import { findApplicants, findCadres, findContacts, findMembers, memberIdIndexes } from './repo.js';

// Who the person is: every record held about them. An ID number finds the records that carry it (members,
// applicants, cadres, and what points at a member record); the phones and names of those records then find the
// records kept without an ID number (youth contacts, cadres over 28 entered without one). A phone with a name
// finds the same, starting from the records that carry both.

export type PersonRecords = {
  members: MemberWithOrg[];
  applicants: ApplicantWithOrg[];
  cadres: CadreWithOrg[];
  contacts: ContactWithOrg[];
};

export type Person = {
  /** The blind index of the person's ID number, when any record carries one. */
  idIndex: string | null;
  /** Every record of the person in the installation. */
  all: PersonRecords;
  /** Those in the actor's subtree: what the actor may copy. */
  visible: PersonRecords;
  /** Records outside the actor's subtree: an erasure then belongs to an org that sees them all. */
  hidden: number;
  fullName: string;
  idMasked: string | null;
  /** The record the person is known by (their member record first): the audit rows' object. */
  primary: { kind: PersonRecordKind; id: number; orgId: number };
};

const emptyRecords = (): PersonRecords => ({ members: [], applicants: [], cadres: [], contacts: [] });

function merged(a: PersonRecords, b: PersonRecords): PersonRecords {
  const unique = <T extends { id: number }>(rows: T[]) => [...new Map(rows.map((r) => [r.id, r])).values()];
  return {
    members: unique([...a.members, ...b.members]),
    applicants: unique([...a.applicants, ...b.applicants]),
    cadres: unique([...a.cadres, ...b.cadres]),
    contacts: unique([...a.contacts, ...b.contacts]),
  };
}

function filtered(records: PersonRecords, keep: (path: string) => boolean): PersonRecords {
  return {
    members: records.members.filter((r) => keep(r.org_path)),
    applicants: records.applicants.filter((r) => keep(r.org_path)),
    cadres: records.cadres.filter((r) => keep(r.org_path)),
    contacts: records.contacts.filter((r) => keep(r.org_path)),
  };
}

export function recordCount(records: PersonRecords): number {
  return records.members.length + records.applicants.length + records.cadres.length + records.contacts.length;
}

export function orgIdsOf(records: PersonRecords): number[] {
  return [
    ...new Set(
      [...records.members, ...records.applicants, ...records.cadres, ...records.contacts].map((r) => r.org_id),
    ),
  ];
}

/** Everything reachable from these records by the person's ID number, phones and names. */
async function closure(db: Executor, idIndex: string | null, seeds: PersonRecords): Promise<PersonRecords> {
  let records = seeds;
  if (idIndex) {
    const members = await findMembers(db, { idIndex });
    const memberIds = members.map((m) => m.id);
    const applicantIds = members.flatMap((m) => (m.applicant_id === null ? [] : [m.applicant_id]));
    records = merged(records, {
      members,
      applicants: await findApplicants(db, { idIndex, memberIds, applicantIds }),
      cadres: await findCadres(db, { idIndex, memberIds }),
      contacts: [],
    });
  }
  const all = [...records.members, ...records.applicants, ...records.cadres, ...records.contacts];
  const indexes = [...new Set(all.flatMap((r) => (r.phone_index ? [r.phone_index] : [])))];
  if (indexes.length === 0) return records;
  const phoneAndName = { indexes, names: [...new Set(all.map((r) => r.full_name))] };
  return merged(records, {
    members: [],
    applicants: [],
    cadres: await findCadres(db, { phoneAndName, withoutIdentity: true }),
    contacts: await findContacts(db, { phoneAndName }),
  });
}

/** The one ID number the records found by phone and name carry, if any; two different ones are ambiguous. */
async function identityOf(db: Executor, seeds: PersonRecords): Promise<string | null> {
  const indexes = new Set([
    ...seeds.members.map((m) => m.id_index),
    ...seeds.applicants.map((a) => a.id_index),
    ...seeds.cadres.flatMap((c) => (c.id_index ? [c.id_index] : [])),
    ...(await memberIdIndexes(
      db,
      seeds.cadres.flatMap((c) => (c.member_id === null ? [] : [c.member_id])),
    )),
  ]);
  if (indexes.size > 1) throw conflict('该手机号码和姓名对应多个不同的身份证号，请改用身份证号查找');
  return indexes.size === 1 ? [...indexes][0] : null;
}

/**
 * The person named by an ID number, or by a phone and a name, as the actor may see them. Nobody in the actor's
 * subtree answers exactly like nobody at all (404).
 */
export async function findPerson(db: Executor, keyring: Keyring, actor: Actor, query: PersonQuery): Promise<Person> {
  const sees = (path: string) => actorSees(actor, path);
  let idIndex: string | null;
  let seeds = emptyRecords();
  if (query.idNumber !== undefined) {
    idIndex = idNumberIndex(keyring, checkIdNumber(query.idNumber).idNumber);
  } else {
    const phoneAndName = { indexes: [phoneIndex(keyring, parsePhone(query.phone!))], names: [query.fullName!] };
    seeds = filtered(
      {
        members: await findMembers(db, { phoneAndName }),
        applicants: await findApplicants(db, { phoneAndName }),
        cadres: await findCadres(db, { phoneAndName }),
        contacts: await findContacts(db, { phoneAndName }),
      },
      sees,
    );
    if (recordCount(seeds) === 0) throw notFound('此人的信息');
    idIndex = await identityOf(db, seeds);
  }
  const all = await closure(db, idIndex, seeds);
  const visible = filtered(all, sees);
  if (recordCount(visible) === 0) throw notFound('此人的信息');
  const member = visible.members[0];
  const applicant = visible.applicants[0];
  const cadre = visible.cadres[0];
  const contact = visible.contacts[0];
  const [kind, first] = member
    ? (['member', member] as const)
    : applicant
      ? (['applicant', applicant] as const)
      : cadre
        ? (['cadre', cadre] as const)
        : (['contact', contact] as const);
  return {
    idIndex,
    all,
    visible,
    hidden: recordCount(all) - recordCount(visible),
    fullName: first.full_name,
    idMasked: member?.id_masked ?? applicant?.id_masked ?? cadre?.member_id_masked ?? cadre?.id_masked ?? null,
    primary: { kind, id: first.id, orgId: first.org_id },
  };
}
