import { ageOn } from '../../../common/id-number.js';
import { chinaToday } from '../../../common/dates.js';
import type { MinorsAccessReport, MinorsAccessRow } from '../../../common/audit.js';
import type { Db } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { createXlsxStream } from '../../spreadsheets/writer.js';
import { recordAudit } from './service.js';

// The yearly report of who accessed minors' records (Regulations on the Protection of Minors Online, art. 37-38;
// PIPL art. 54 compliance audits). An access is an audit row about a member or an applicant who was under 18 on
// the day of it, in China time: a full ID number or phone revealed, or the record entered or changed. Member
// register exports are listed beside them: an export shows every member of the scope (masked), minors included.
// Youth contacts carry no birth date, so they cannot be told apart and are not in the report.

const subjectTypes = ['member', 'applicant'] as const;
type SubjectType = (typeof subjectTypes)[number];
const batchSize = 5_000;
/** Detail rows in the JSON answer; the Excel file holds all of them. */
export const reportRowLimit = 500;

type Subject = { fullName: string; birthDate: string };

/** The year in China time as UTC instants: [from, to). */
function yearBounds(year: number): { from: string; to: string } {
  const start = (y: number) => new Date(Date.UTC(y, 0, 1) - 8 * 3600_000).toISOString();
  return { from: start(year), to: start(year + 1) };
}

function chinaDate(iso: string): string {
  return chinaToday(new Date(iso));
}

/** 王** : enough for the audit administrator to tell rows apart, no more. */
function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? name : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

async function loadSubjects(db: Db, type: SubjectType, ids: number[]): Promise<Map<number, Subject>> {
  const found = new Map<number, Subject>();
  if (ids.length === 0) return found;
  const table = type === 'member' ? 'members' : 'applicants';
  const rows = await db.selectFrom(table).select(['id', 'full_name', 'birth_date']).where('id', 'in', ids).execute();
  for (const row of rows) found.set(row.id, { fullName: row.full_name, birthDate: row.birth_date });
  return found;
}

/**
 * Walks the year's audit rows about members and applicants, a batch at a time, and hands on those whose subject
 * was a minor on the day. Subjects erased since (their rows are gone) are counted apart: their age is unknown.
 */
async function eachMinorAccess(
  db: Db,
  year: number,
  visit: (row: MinorsAccessRow) => void | Promise<void>,
): Promise<{ unknownSubjects: number }> {
  const { from, to } = yearBounds(year);
  const unknown = new Set<string>();
  for (let after = 0; ;) {
    const batch = await db
      .selectFrom('audit_log')
      .leftJoin('orgs', 'orgs.id', 'audit_log.org_id')
      .select([
        'audit_log.id',
        'audit_log.at',
        'audit_log.actor_id',
        'audit_log.actor_name',
        'audit_log.org_id',
        'orgs.name as org_name',
        'audit_log.action',
        'audit_log.object_type',
        'audit_log.object_id',
        'audit_log.result',
        'audit_log.ip',
      ])
      .where('audit_log.at', '>=', from)
      .where('audit_log.at', '<', to)
      .where('audit_log.object_type', 'in', [...subjectTypes])
      .where('audit_log.id', '>', after)
      .orderBy('audit_log.id')
      .limit(batchSize)
      .execute();
    if (batch.length === 0) break;
    after = batch[batch.length - 1].id;
    const idsOf = (type: SubjectType) =>
      [...new Set(batch.filter((r) => r.object_type === type).map((r) => Number(r.object_id)))].filter(
        Number.isSafeInteger,
      );
    const subjects = {
      member: await loadSubjects(db, 'member', idsOf('member')),
      applicant: await loadSubjects(db, 'applicant', idsOf('applicant')),
    };
    for (const row of batch) {
      const type = row.object_type as SubjectType;
      const subject = subjects[type].get(Number(row.object_id));
      if (!subject) {
        unknown.add(`${type}:${row.object_id}`);
        continue;
      }
      const age = ageOn(subject.birthDate, chinaDate(row.at));
      if (age >= 18) continue;
      await visit({
        at: row.at,
        actorId: row.actor_id,
        actorName: row.actor_name,
        orgId: row.org_id,
        orgName: row.org_name,
        action: row.action,
        kind: row.action === 'personal.reveal' ? 'reveal' : 'change',
        subjectType: type,
        subjectId: Number(row.object_id),
        subjectName: maskName(subject.fullName),
        age,
        result: row.result,
        ip: row.ip,
      });
    }
  }
  return { unknownSubjects: unknown.size };
}

async function memberExports(db: Db, year: number): Promise<MinorsAccessReport['exports']> {
  const { from, to } = yearBounds(year);
  const rows = await db
    .selectFrom('audit_log')
    .leftJoin('orgs', 'orgs.id', 'audit_log.org_id')
    .select(['audit_log.at', 'audit_log.actor_name', 'orgs.name as org_name', 'audit_log.details'])
    .where('audit_log.action', '=', 'member.export')
    .where('audit_log.at', '>=', from)
    .where('audit_log.at', '<', to)
    .orderBy('audit_log.id', 'desc')
    .execute();
  return rows.map((row) => ({ at: row.at, actorName: row.actor_name, orgName: row.org_name ?? '全部' }));
}

export async function minorsAccessReport(db: Db, year: number): Promise<MinorsAccessReport> {
  const rows: MinorsAccessRow[] = [];
  const months = Array.from({ length: 12 }, (_, index) => ({ month: index + 1, reveals: 0, changes: 0 }));
  const actors = new Map<string, MinorsAccessReport['actors'][number] & { subjects: Set<string> }>();
  const minors = new Set<string>();
  let reveals = 0;
  let changes = 0;
  const { unknownSubjects } = await eachMinorAccess(db, year, (row) => {
    const month = months[Number(chinaDate(row.at).slice(5, 7)) - 1];
    const subject = `${row.subjectType}:${row.subjectId}`;
    minors.add(subject);
    if (row.kind === 'reveal') {
      reveals += 1;
      month.reveals += 1;
    } else {
      changes += 1;
      month.changes += 1;
    }
    const key = String(row.actorId ?? row.actorName ?? '');
    const actor = actors.get(key) ?? {
      actorId: row.actorId,
      actorName: row.actorName,
      orgName: null,
      reveals: 0,
      changes: 0,
      minors: 0,
      lastAt: row.at,
      subjects: new Set<string>(),
    };
    actor[row.kind === 'reveal' ? 'reveals' : 'changes'] += 1;
    actor.subjects.add(subject);
    actor.minors = actor.subjects.size;
    actor.lastAt = row.at;
    actors.set(key, actor);
    rows.push(row);
    // Only the newest rows are answered: a province's year holds many more than the page shows.
    if (rows.length > reportRowLimit) rows.shift();
  });
  const exports = await memberExports(db, year);
  const actorIds = [...actors.values()].flatMap((a) => (a.actorId === null ? [] : [a.actorId]));
  if (actorIds.length > 0) {
    const users = await db
      .selectFrom('users')
      .leftJoin('orgs', 'orgs.id', 'users.org_id')
      .select(['users.id', 'orgs.name'])
      .where('users.id', 'in', actorIds)
      .execute();
    const orgOf = new Map(users.map((u) => [u.id, u.name]));
    for (const actor of actors.values()) if (actor.actorId !== null) actor.orgName = orgOf.get(actor.actorId) ?? null;
  }
  return {
    year,
    totals: {
      accesses: reveals + changes,
      reveals,
      changes,
      exports: exports.length,
      actors: actors.size,
      minors: minors.size,
      unknownSubjects,
    },
    months,
    actors: [...actors.values()]
      .map(({ subjects: _subjects, ...actor }) => actor)
      .sort((a, b) => b.reveals + b.changes - (a.reveals + a.changes)),
    exports,
    rows: rows.reverse(),
  };
}

const kindLabels = { reveal: '查看完整号码', change: '录入或修改' } as const;
const subjectLabels = { member: '团员', applicant: '入团申请人' } as const;

/** The report as an Excel workbook: a summary per person, every access, the register exports. Audited. */
export async function minorsAccessWorkbook(db: Db, actor: Actor, year: number) {
  await recordAudit(db, actor, { action: 'audit.minors_report_export', objectType: 'audit_log', details: { year } });
  const report = await minorsAccessReport(db, year);
  const { writer, stream } = createXlsxStream();
  const produce = async () => {
    const summary = writer.addSheet('按人员汇总', [
      { header: '操作人', width: 16 },
      { header: '操作人所属组织', width: 28 },
      { header: '查看完整号码（次）', width: 18 },
      { header: '录入或修改（次）', width: 18 },
      { header: '涉及未成年人（人）', width: 18 },
      { header: '最近一次', width: 22 },
    ]);
    for (const a of report.actors) {
      summary.addRow([a.actorName, a.orgName, a.reveals, a.changes, a.minors, a.lastAt]);
    }
    summary.commit();
    const detail = writer.addSheet('访问明细', [
      { header: '时间', width: 22 },
      { header: '操作人', width: 16 },
      { header: '记录所在组织', width: 28 },
      { header: '类别', width: 14 },
      { header: '操作', width: 22 },
      { header: '对象', width: 12 },
      { header: '对象编号', width: 10 },
      { header: '姓名（脱敏）', width: 12 },
      { header: '当时年龄', width: 10 },
      { header: '结果', width: 8 },
      { header: 'IP', width: 16 },
    ]);
    await eachMinorAccess(db, year, async (row) => {
      if (detail.rowCount % 1000 === 999) await detail.drained();
      detail.addRow([
        row.at,
        row.actorName,
        row.orgName,
        kindLabels[row.kind],
        row.action,
        subjectLabels[row.subjectType],
        row.subjectId,
        row.subjectName,
        row.age,
        row.result === 'success' ? '成功' : '失败',
        row.ip,
      ]);
    });
    detail.commit();
    const exportSheet = writer.addSheet('团员名册导出', [
      { header: '时间', width: 22 },
      { header: '操作人', width: 16 },
      { header: '导出范围', width: 28 },
    ]);
    for (const e of report.exports) exportSheet.addRow([e.at, e.actorName, e.orgName]);
    exportSheet.commit();
    await writer.finish();
  };
  return { stream, fileName: `未成年人信息访问年度报告-${year}.xlsx`, done: produce() };
}
