import type SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { RowAction } from '../../../common/imports.js';
import type { Executor } from '../../db/schema.js';
import { isPostgres } from '../../db/tree.js';
import type { Actor } from '../../http/actor.js';
import { JobFailure } from '../../jobs/runner.js';
import { refreshMemberCounts } from '../members/counts.js';
import { insertRows, oneOf } from './bulk.js';
import type { MemberRecord } from './members-import.js';

// Writing a batch of checked rows into the register, inside the import's one transaction. Each row is inserted
// as a new member unless a unique index says otherwise (ON CONFLICT DO NOTHING): a fresh import asks the register
// nothing else. Only the rows that did not go in are looked up, in one query per batch, and classified: the same
// person earlier in this file, a person another org holds (a duplicate: a row error), the same person in the same
// branch (the same record: updated where the sheet says something new), or a member number someone else holds.
// A dry run and a run with errors do exactly this and then roll back, so that what they report is what a real
// run would do.

export type MemberImportState = {
  jobId: number;
  actor: Pick<Actor, 'userId' | 'username'>;
  /** One timestamp for the whole import. */
  at: string;
  /** Branches that gained members: recounted once, after the last batch. */
  touchedOrgs: Set<number>;
  /** Where each member of this run came from: the row that created it (> 0) or first matched it (< 0). */
  rowOf: RowsById;
};

export type RowOutcome =
  { action: Exclude<RowAction, 'error' | 'duplicate'> } | { errors: string[]; duplicate: boolean };

/**
 * Row numbers by member id in a typed array that grows with the largest id met: 4 bytes per member id whatever
 * the number of rows (a Map of two million entries would take 100 MB).
 */
export class RowsById {
  #rows = new Int32Array(1024);
  get(id: number): number {
    return id < this.#rows.length ? this.#rows[id] : 0;
  }
  set(id: number, row: number): void {
    if (id >= this.#rows.length) {
      let size = this.#rows.length;
      while (size <= id) size *= 2;
      const grown = new Int32Array(size);
      grown.set(this.#rows);
      this.#rows = grown;
    }
    this.#rows[id] = row;
  }
}

export function newMemberImportState(jobId: number, actor: MemberImportState['actor'], at: string) {
  return { jobId, actor, at, touchedOrgs: new Set<number>(), rowOf: new RowsById() } satisfies MemberImportState;
}

/** Columns of MemberRecord, in its order; the insert adds membership_status and the timestamps. */
const recordColumns = [
  'org_id',
  'full_name',
  'id_cipher',
  'id_index',
  'id_masked',
  'birth_date',
  'sex',
  'member_no',
  'joined_on',
  'political_status',
  'ethnicity',
  'education',
  'occupation',
  'workplace',
  'phone_cipher',
  'phone_index',
  'phone_masked',
  'wechat',
  'household',
  'is_mobile',
  'mobile_origin',
  'mobile_current',
] as const;
const at = { org: 0, name: 1, idIndex: 3, memberNo: 7, joinedOn: 8, phoneCipher: 14, phoneIndex: 15 } as const;
/** Defaults of a new member for cells left empty (political status, 是否流动团员). */
const insertedValue = (column: string, placeholder: string) =>
  column === 'political_status'
    ? `coalesce(${placeholder}, 'member')`
    : column === 'is_mobile'
      ? `coalesce(${placeholder}, 0)`
      : placeholder;

/** Profile columns a sheet may fill in or change on an existing member (the form's editable fields). */
const profileColumns = [
  'political_status',
  'ethnicity',
  'education',
  'occupation',
  'workplace',
  'wechat',
  'household',
  'is_mobile',
  'mobile_origin',
  'mobile_current',
] as const;
type ProfileColumn = (typeof profileColumns)[number];
/** Field names of the timeline and the audit (as the member form names them); never their values. */
const fieldNames: Record<ProfileColumn | 'phone' | 'member_no', string> = {
  political_status: 'politicalStatus',
  ethnicity: 'ethnicity',
  education: 'education',
  occupation: 'occupation',
  workplace: 'workplace',
  wechat: 'wechat',
  household: 'household',
  is_mobile: 'isMobile',
  mobile_origin: 'mobileOrigin',
  mobile_current: 'mobileCurrent',
  phone: 'phone',
  member_no: 'memberNo',
};
const profileIndex = Object.fromEntries(profileColumns.map((c) => [c, recordColumns.indexOf(c)])) as Record<
  ProfileColumn,
  number
>;

export type MemberWriter = {
  /** Writes one batch (row numbers and records in row order) and says what became of each row. */
  apply: (rows: readonly number[], records: readonly MemberRecord[]) => Promise<RowOutcome[]>;
};

/**
 * SQLite with the writer connection at hand: one prepared statement per row, bound directly, and the batch's
 * 'created' events in one INSERT … SELECT over the ids just made (the transaction holds the only writer, so the
 * ids between the first and the last of the batch are all this batch's). Elsewhere: one statement per chunk
 * (PostgreSQL: an array per column through unnest).
 */
export function memberWriter(db: Executor, sqlite: SQLite.Database | null, state: MemberImportState): MemberWriter {
  const insert = sqlite && !isPostgres(db) ? sqliteInsert(sqlite, state) : kyselyInsert(db, state);
  return {
    async apply(rows, records) {
      const outcomes: (RowOutcome | null)[] = await insert(rows, records);
      const conflicts = outcomes.flatMap((o, i) => (o === null ? [i] : []));
      if (conflicts.length > 0) await classify(db, state, rows, records, conflicts, outcomes);
      return outcomes as RowOutcome[];
    },
  };
}

type Insert = (rows: readonly number[], records: readonly MemberRecord[]) => Promise<(RowOutcome | null)[]>;

const created: RowOutcome = { action: 'create' };

function sqliteInsert(sqlite: SQLite.Database, state: MemberImportState): Insert {
  const columns = [...recordColumns, 'membership_status', 'created_at', 'updated_at'];
  const values = [...recordColumns.map((c) => insertedValue(c, '?')), `'normal'`, '?', '?'];
  const insert = sqlite.prepare(
    `insert into members (${columns.join(', ')}) values (${values.join(', ')}) on conflict do nothing`,
  );
  const events = sqlite.prepare(
    `insert into member_events (member_id, at, kind, org_id, actor_id, actor_name, details)
     select id, ?, 'created', org_id, ?, ?, ? from members where id between ? and ? order by id`,
  );
  const details = JSON.stringify({ source: 'import', jobId: state.jobId });
  return async (rows, records) => {
    const outcomes: (RowOutcome | null)[] = new Array<RowOutcome | null>(records.length);
    let first = 0;
    let last = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      const { changes, lastInsertRowid } = insert.run(...record, state.at, state.at);
      if (changes === 0) {
        outcomes[i] = null;
        continue;
      }
      const id = Number(lastInsertRowid);
      if (first === 0) first = id;
      last = id;
      state.rowOf.set(id, rows[i]);
      state.touchedOrgs.add(record[at.org]);
      outcomes[i] = created;
    }
    if (first !== 0) events.run(state.at, state.actor.userId, state.actor.username, details, first, last);
    return outcomes;
  };
}

/** Rows per statement: SQLite binds at most 32,766 parameters (25 a row). */
const statementRows = 1000;

function kyselyInsert(db: Executor, state: MemberImportState): Insert {
  const postgres = isPostgres(db);
  const names = [...recordColumns, 'membership_status', 'created_at', 'updated_at'];
  const into = sql.raw(`insert into members (${names.join(', ')}) `);
  const details = JSON.stringify({ source: 'import', jobId: state.jobId });
  const createdEvent = {
    at: state.at,
    kind: 'created',
    actor_id: state.actor.userId,
    actor_name: state.actor.username,
    details,
  };
  return async (rows, records) => {
    const outcomes: (RowOutcome | null)[] = new Array<RowOutcome | null>(records.length).fill(null);
    for (let start = 0; start < records.length; start += statementRows) {
      const part = records.slice(start, start + statementRows);
      let source;
      if (postgres) {
        const arrays = recordColumns.map(
          (c, k) => sql`${part.map((r) => r[k])}::${sql.raw(c === 'org_id' || c === 'is_mobile' ? 'int[]' : 'text[]')}`,
        );
        const aliases = recordColumns.map((c) => insertedValue(c, c)).join(', ');
        source = sql`select ${sql.raw(aliases)}, 'normal', ${state.at}, ${state.at}
          from unnest(${sql.join(arrays)}) as t(${sql.raw(recordColumns.join(', '))})`;
      } else {
        const value = (column: string, v: unknown) =>
          column === 'political_status'
            ? sql`coalesce(${v}, 'member')`
            : column === 'is_mobile'
              ? sql`coalesce(${v}, 0)`
              : sql`${v}`;
        const row = (r: MemberRecord) =>
          sql`(${sql.join(recordColumns.map((c, k) => value(c, r[k])))}, 'normal', ${state.at}, ${state.at})`;
        source = sql`values ${sql.join(part.map(row))}`;
      }
      const insert = sql`${into}${source} on conflict do nothing returning id, id_index, org_id`;
      type Inserted = { id: number; id_index: string; org_id: number };
      // PostgreSQL writes the 'created' events in the same statement, from what the insert returned.
      const inserted = postgres
        ? await sql<Inserted>`with inserted as (${insert}), created as (
            insert into member_events (member_id, at, kind, org_id, actor_id, actor_name, details)
            select id, ${state.at}, 'created', org_id, ${state.actor.userId}, ${state.actor.username}, ${details}
            from inserted order by id)
          select id, id_index, org_id from inserted`.execute(db)
        : await sql<Inserted>`${insert}`.execute(db);
      // The first row of the part with each ID number is the one that went in (a repeat within the part conflicts).
      const position = new Map<string, number>();
      part.forEach((r, k) => {
        if (!position.has(r[at.idIndex])) position.set(r[at.idIndex], start + k);
      });
      const events: Record<string, unknown>[] = [];
      for (const m of [...inserted.rows].sort((a, b) => a.id - b.id)) {
        const i = position.get(m.id_index)!;
        outcomes[i] = created;
        state.rowOf.set(m.id, rows[i]);
        state.touchedOrgs.add(m.org_id);
        events.push({ member_id: m.id, org_id: m.org_id });
      }
      if (!postgres) {
        await insertRows(
          db,
          'member_events',
          eventTypes,
          events.map((e) => ({ ...e, ...createdEvent })),
        );
      }
    }
    return outcomes;
  };
}

const eventTypes = {
  member_id: 'int',
  at: 'text',
  kind: 'text',
  org_id: 'int',
  actor_id: 'int',
  actor_name: 'text',
  details: 'text',
} as const;

type Held = {
  id: number;
  org_id: number;
  org_name: string;
  id_index: string;
  full_name: string;
  joined_on: string;
  member_no: string | null;
  phone_index: string | null;
} & Record<ProfileColumn, string | number | null>;

/**
 * The rows that did not go in, against what holds their ID number or member number now (this run's own rows
 * included), in row order: the first row to meet a member of the register marks it as met, so that a later row
 * of the same person is named as a repeat.
 */
async function classify(
  db: Executor,
  state: MemberImportState,
  rows: readonly number[],
  records: readonly MemberRecord[],
  conflicts: readonly number[],
  outcomes: (RowOutcome | null)[],
): Promise<void> {
  const indexes = [...new Set(conflicts.map((i) => records[i][at.idIndex]))];
  const held = await db
    .selectFrom('members')
    .innerJoin('orgs', 'orgs.id', 'members.org_id')
    .select([
      'members.id',
      'members.org_id',
      'orgs.name as org_name',
      'members.id_index',
      'members.full_name',
      'members.joined_on',
      'members.member_no',
      'members.phone_index',
      ...profileColumns.map((c) => `members.${c}` as const),
    ])
    .where(oneOf(db, 'members.id_index', indexes, 'text'))
    .execute();
  const byIndex = new Map(held.map((m) => [m.id_index, m as Held]));
  const numbers = [...new Set(conflicts.flatMap((i) => (records[i][at.memberNo] ? [records[i][at.memberNo]!] : [])))];
  const holders = new Map(
    numbers.length === 0
      ? []
      : (
          await db
            .selectFrom('members')
            .select(['id', 'member_no'])
            .where(oneOf(db, 'member_no', numbers, 'text'))
            .execute()
        ).map((m) => [m.member_no!, m.id]),
  );
  const updatedEvents: { member_id: number; org_id: number; fields: string[] }[] = [];
  for (const i of conflicts) {
    const record = records[i];
    const row = rows[i];
    const errors: string[] = [];
    let duplicate = false;
    const memberNo = record[at.memberNo];
    const holder = memberNo ? holders.get(memberNo) : undefined;
    const existing = byIndex.get(record[at.idIndex]);
    if (existing && state.rowOf.get(existing.id) > 0) {
      // Created by an earlier row of this file.
      errors.push(sameIdMessage(state.rowOf.get(existing.id)));
    } else if (existing) {
      const metAt = -state.rowOf.get(existing.id);
      if (existing.org_id !== record[at.org]) {
        errors.push(
          `身份证号已由“${existing.org_name}”登记：如是同一人，请办理组织关系转接或在“重复与更正”中处理；否则请核对身份证号`,
        );
        duplicate = true;
      } else {
        if (existing.full_name !== record[at.name]) {
          errors.push(`该身份证号在本支部已登记为“${existing.full_name}”：姓名须通过更正申请修改`);
        }
        if (existing.joined_on !== record[at.joinedOn]) {
          errors.push(`入团日期与已登记的 ${existing.joined_on} 不一致：须通过更正申请修改`);
        }
        if (existing.member_no && memberNo && existing.member_no !== memberNo) {
          errors.push(`团员编号与已登记的 ${existing.member_no} 不一致：须通过更正申请修改`);
        }
      }
      if (holder !== undefined && holder !== existing.id && state.rowOf.get(holder) === 0) {
        errors.push(`团员编号 ${memberNo} 已由其他团员使用`);
      }
      if (metAt > 0) errors.push(sameIdMessage(metAt));
      else state.rowOf.set(existing.id, -row);
    } else if (holder === undefined) {
      // Neither index holds it now: the register changed under the import (a member deleted meanwhile).
      throw new JobFailure('导入期间团员名册有变动，未导入任何数据，请重新导入');
    } else if (state.rowOf.get(holder) === 0) {
      errors.push(`团员编号 ${memberNo} 已由其他团员使用`);
    }
    if (holder !== undefined && state.rowOf.get(holder) !== 0 && holder !== existing?.id) {
      errors.push(`团员编号与第 ${Math.abs(state.rowOf.get(holder))} 行相同`);
    }
    if (errors.length > 0) {
      outcomes[i] = { errors, duplicate };
      continue;
    }
    // The same record, in the same branch: what the sheet says anew (an empty cell erases nothing).
    const current = existing!;
    const changes: Record<string, string | number | null> = {};
    const fields: string[] = [];
    for (const column of profileColumns) {
      const value = record[profileIndex[column]];
      if (value !== null && value !== current[column]) {
        changes[column] = value;
        fields.push(fieldNames[column]);
      }
    }
    if (record[at.phoneIndex] && record[at.phoneIndex] !== current.phone_index) {
      Object.assign(changes, {
        phone_cipher: record[at.phoneCipher],
        phone_index: record[at.phoneIndex],
        phone_masked: record[at.phoneIndex + 1],
      });
      fields.push(fieldNames.phone);
    }
    if (memberNo && current.member_no === null) {
      changes.member_no = memberNo;
      fields.push(fieldNames.member_no);
    }
    if (fields.length === 0) {
      outcomes[i] = { action: 'unchanged' };
      continue;
    }
    outcomes[i] = { action: 'update' };
    await db
      .updateTable('members')
      .set({ ...changes, updated_at: state.at })
      .where('id', '=', current.id)
      .execute();
    updatedEvents.push({ member_id: current.id, org_id: current.org_id, fields });
  }
  await insertRows(
    db,
    'member_events',
    eventTypes,
    updatedEvents.map((u) => ({
      member_id: u.member_id,
      at: state.at,
      kind: 'updated',
      org_id: u.org_id,
      actor_id: state.actor.userId,
      actor_name: state.actor.username,
      details: JSON.stringify({ fields: u.fields, source: 'import', jobId: state.jobId }),
    })),
  );
}

const sameIdMessage = (first: number) => `身份证号与第 ${first} 行相同：同一人只能登记一次`;

/** After the last batch, in the same transaction: the counts of the branches that gained members. */
export async function finishMembers(trx: Executor, state: MemberImportState): Promise<void> {
  await refreshMemberCounts(trx, state.touchedOrgs);
}
