import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { DataQualityCheck, DataQualityRow } from '../../../common/data-quality.js';
import { addYears } from '../../../common/id-number.js';
import {
  ageOutAge,
  ageOutDate,
  minBranchMembers,
  minJoinAge,
  minJoinAgeFrom,
  unreachableMonths,
  unreachableSince,
} from '../../../common/people-rules.js';
import type { Executor } from '../../db/schema.js';
import { subtreeRange } from '../../db/tree.js';

// The checks of the data-quality page, each a plain SQL condition written once below. A figure and its list are
// the same query (`from…` + condition) with a count or a page selected, so that they cannot disagree.
// Aliases: o = an org, mc = member_counts, m = members, c = cadres, d = member_duplicates, ho/co = the holder's and
// the claimant's orgs of a duplicate.

/** The rural programme's target: every grassroots cadre in contact with at least 20 youth (campaigns/template.ts). */
export const cadreContactTarget = 20;

export type CheckInput = { path: string; today: string };

const memberOrgTypes = sql`('branch', 'joint_branch')`;

/** The conditions, in one place. */
export const conditions = {
  /** An active branch or joint branch with fewer than 3 normal members (from member_counts). */
  smallBranch: () =>
    sql<SqlBool>`o.type in ${memberOrgTypes} and o.status = 'active' and coalesce(mc.count, 0) < ${sql.lit(minBranchMembers)}`,
  /** A normal member never reached, or not reached since six months before today. */
  unreachable: (today: string) =>
    sql<SqlBool>`m.membership_status = 'normal' and (m.last_reached_on is null or m.last_reached_on < ${unreachableSince(today)})`,
  /** An active cadre in contact with fewer youth than the target. */
  cadreBelowTarget: () => sql<SqlBool>`c.status = 'active' and c.contact_count < ${sql.lit(cadreContactTarget)}`,
  /** A normal member aged 28 or more who holds no active league post (cadres may stay members past 28). */
  agedOut: (today: string) =>
    sql<SqlBool>`m.membership_status = 'normal' and m.birth_date <= ${addYears(today, -ageOutAge)} and not exists (select 1 from cadres ac where ac.member_id = m.id and ac.status = 'active')`,
  /** Joined since 2017 before the 13th birthday (the birthday as text: year + 13, then "-MM-DD"). */
  joinedTooYoung: () =>
    sql<SqlBool>`m.joined_on >= ${minJoinAgeFrom} and m.joined_on < cast(cast(substr(m.birth_date, 1, 4) as integer) + ${sql.lit(minJoinAge)} as varchar(4)) || substr(m.birth_date, 5)`,
  /** A member kept in an org that is not a branch. */
  notInBranch: () => sql<SqlBool>`o.type not in ${memberOrgTypes}`,
  /** A member kept in a dissolved org. */
  inDissolvedOrg: () => sql<SqlBool>`o.status <> 'active'`,
  /** A duplicate case nobody has resolved yet. */
  pendingDuplicate: () => sql<SqlBool>`d.status = 'pending'`,
};

function inSubtree(pathColumn: string, path: string): RawBuilder<SqlBool> {
  const [lower, upper] = subtreeRange(path);
  return sql<SqlBool>`${sql.ref(pathColumn)} >= ${lower} and ${sql.ref(pathColumn)} < ${upper}`;
}

const flag = (condition: RawBuilder<SqlBool>) => sql<number>`case when ${condition} then 1 else 0 end`;

function invalidRecord(today: string): RawBuilder<SqlBool> {
  const c = conditions;
  return sql<SqlBool>`((${c.agedOut(today)}) or (${c.joinedTooYoung()}) or (${c.notInBranch()}) or (${c.inDissolvedOrg()}))`;
}

const from = {
  small_branches: (db: Executor, input: CheckInput) =>
    db
      .selectFrom('orgs as o')
      .leftJoin('member_counts as mc', (join) =>
        join.onRef('mc.org_id', '=', 'o.id').on('mc.membership_status', '=', 'normal'),
      )
      .where(inSubtree('o.path', input.path))
      .where(conditions.smallBranch()),
  unreachable_members: (db: Executor, input: CheckInput) =>
    db
      .selectFrom('members as m')
      .innerJoin('orgs as o', 'o.id', 'm.org_id')
      .where(inSubtree('o.path', input.path))
      .where(conditions.unreachable(input.today)),
  cadres_below_target: (db: Executor, input: CheckInput) =>
    db
      .selectFrom('cadres as c')
      .innerJoin('orgs as o', 'o.id', 'c.org_id')
      .where(inSubtree('o.path', input.path))
      .where(conditions.cadreBelowTarget()),
  invalid_records: (db: Executor, input: CheckInput) =>
    db
      .selectFrom('members as m')
      .innerJoin('orgs as o', 'o.id', 'm.org_id')
      .where(inSubtree('o.path', input.path))
      .where(invalidRecord(input.today)),
  pending_duplicates: (db: Executor, input: CheckInput) =>
    db
      .selectFrom('member_duplicates as d')
      .innerJoin('members as m', 'm.id', 'd.member_id')
      .innerJoin('orgs as ho', 'ho.id', 'm.org_id')
      .innerJoin('orgs as co', 'co.id', 'd.claimant_org_id')
      .where(conditions.pendingDuplicate())
      .where(sql<SqlBool>`((${inSubtree('ho.path', input.path)}) or (${inSubtree('co.path', input.path)}))`),
} satisfies Record<DataQualityCheck, unknown>;

const countSelection = sql<number>`count(*)`.as('n');

export async function countCheck(db: Executor, check: DataQualityCheck, input: CheckInput): Promise<number> {
  const q = from;
  let row: { n: number };
  switch (check) {
    case 'small_branches':
      row = await q.small_branches(db, input).select(countSelection).executeTakeFirstOrThrow();
      break;
    case 'unreachable_members':
      row = await q.unreachable_members(db, input).select(countSelection).executeTakeFirstOrThrow();
      break;
    case 'cadres_below_target':
      row = await q.cadres_below_target(db, input).select(countSelection).executeTakeFirstOrThrow();
      break;
    case 'invalid_records':
      row = await q.invalid_records(db, input).select(countSelection).executeTakeFirstOrThrow();
      break;
    case 'pending_duplicates':
      row = await q.pending_duplicates(db, input).select(countSelection).executeTakeFirstOrThrow();
      break;
  }
  return Number(row.n);
}

export type Window = { offset: number; limit: number };

export async function listCheck(
  db: Executor,
  check: DataQualityCheck,
  input: CheckInput,
  window: Window,
): Promise<DataQualityRow[]> {
  switch (check) {
    case 'small_branches': {
      const rows = await from
        .small_branches(db, input)
        .select(['o.id', 'o.name', sql<number>`coalesce(mc.count, 0)`.as('normal')])
        .orderBy('o.path')
        .offset(window.offset)
        .limit(window.limit)
        .execute();
      return rows.map((r) => ({
        subject: 'org',
        id: r.id,
        name: r.name,
        orgId: r.id,
        orgName: r.name,
        idMasked: null,
        phoneMasked: null,
        reason: `正常团员 ${Number(r.normal)} 人，少于 ${minBranchMembers} 人`,
      }));
    }
    case 'unreachable_members': {
      const rows = await from
        .unreachable_members(db, input)
        .select(memberColumns)
        .select('m.last_reached_on')
        .orderBy('o.path')
        .orderBy('m.full_name')
        .orderBy('m.id')
        .offset(window.offset)
        .limit(window.limit)
        .execute();
      return rows.map((r) => ({
        ...presentMember(r),
        reason:
          r.last_reached_on === null
            ? '没有联系记录'
            : `最近一次联系在 ${r.last_reached_on}，已超过 ${unreachableMonths} 个月`,
      }));
    }
    case 'cadres_below_target': {
      const rows = await from
        .cadres_below_target(db, input)
        .leftJoin('members as m', 'm.id', 'c.member_id')
        .select([
          'c.id',
          'c.full_name',
          'c.org_id',
          'o.name as org_name',
          'c.post',
          'c.contact_count',
          'c.phone_masked',
          sql<string | null>`coalesce(m.id_masked, c.id_masked)`.as('id_masked'),
        ])
        .orderBy('o.path')
        .orderBy('c.full_name')
        .orderBy('c.id')
        .offset(window.offset)
        .limit(window.limit)
        .execute();
      return rows.map((r) => ({
        subject: 'cadre',
        id: r.id,
        name: r.full_name,
        orgId: r.org_id,
        orgName: r.org_name,
        idMasked: r.id_masked,
        phoneMasked: r.phone_masked,
        reason: `${r.post}联系青年 ${r.contact_count} 人，少于 ${cadreContactTarget} 人`,
      }));
    }
    case 'invalid_records': {
      const c = conditions;
      const rows = await from
        .invalid_records(db, input)
        .select(memberColumns)
        .select([
          'm.birth_date',
          'm.joined_on',
          flag(c.agedOut(input.today)).as('aged_out'),
          flag(c.joinedTooYoung()).as('joined_too_young'),
          flag(c.notInBranch()).as('not_in_branch'),
          flag(c.inDissolvedOrg()).as('in_dissolved_org'),
        ])
        .orderBy('o.path')
        .orderBy('m.full_name')
        .orderBy('m.id')
        .offset(window.offset)
        .limit(window.limit)
        .execute();
      return rows.map((r) => {
        const reasons: string[] = [];
        if (Number(r.aged_out)) reasons.push(`已于 ${ageOutDate(r.birth_date)} 满 ${ageOutAge} 周岁，仍为正常团籍`);
        if (Number(r.joined_too_young)) reasons.push(`${r.joined_on} 入团时未满 ${minJoinAge} 周岁`);
        if (Number(r.not_in_branch)) reasons.push(`登记在“${r.org_name}”，不是团支部`);
        if (Number(r.in_dissolved_org)) reasons.push(`所在组织“${r.org_name}”已撤销`);
        return { ...presentMember(r), reason: reasons.join('；') };
      });
    }
    case 'pending_duplicates': {
      const rows = await from
        .pending_duplicates(db, input)
        .select([
          'd.id',
          'd.claimant_name',
          'd.claimant_org_id',
          'co.name as claimant_org_name',
          'ho.name as holder_org_name',
          'm.id_masked',
          'd.created_at',
        ])
        .orderBy('d.id')
        .offset(window.offset)
        .limit(window.limit)
        .execute();
      return rows.map((r) => ({
        subject: 'duplicate',
        id: r.id,
        name: r.claimant_name,
        orgId: r.claimant_org_id,
        orgName: r.claimant_org_name,
        idMasked: r.id_masked,
        phoneMasked: null,
        reason: `${r.created_at.slice(0, 10)} 登记时发现该身份证号已由“${r.holder_org_name}”登记，尚未处理`,
      }));
    }
  }
}

const memberColumns = [
  'm.id',
  'm.full_name',
  'm.org_id',
  'o.name as org_name',
  'm.id_masked',
  'm.phone_masked',
] as const;

function presentMember(r: {
  id: number;
  full_name: string;
  org_id: number;
  org_name: string;
  id_masked: string;
  phone_masked: string | null;
}) {
  return {
    subject: 'member' as const,
    id: r.id,
    name: r.full_name,
    orgId: r.org_id,
    orgName: r.org_name,
    idMasked: r.id_masked,
    phoneMasked: r.phone_masked,
  };
}
