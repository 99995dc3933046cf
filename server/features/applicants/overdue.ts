import { addDays } from '../../../common/dates.js';
import { approvalDueDays, ceremonyDueDays, type OverdueItem } from '../../../common/applicants.js';
import type { ApplicantStage } from '../../../common/domain.js';
import { addMonths } from '../../../common/id-number.js';
import { observationMaxMonths, talkDueMonths } from '../../../common/people-rules.js';

// When a step of the pipeline is late. One rule per step, each "the step started on S and was due on
// due(S)"; a step is overdue once today is past due(S). The list filter and the board count use the same rules
// turned into cut-off dates (every S up to the cut-off is overdue), so a row flagged here is a row the filter finds.

type Rule = {
  reason: OverdueItem['reason'];
  stage: ApplicantStage;
  /** The date the step started; null when the step does not apply (already talked, ceremony held). */
  start: (row: OverdueFacts) => string | null;
  due: (start: string) => string;
  message: (start: string, due: string) => string;
};

export type OverdueFacts = {
  stage: ApplicantStage;
  applied_on: string;
  talked_on: string | null;
  activist_on: string | null;
  vote_on: string | null;
  approved_on: string | null;
  ceremony_on: string | null;
};

const rules: readonly Rule[] = [
  {
    reason: 'talk_due',
    stage: 'applied',
    start: (row) => (row.talked_on === null ? row.applied_on : null),
    due: (start) => addMonths(start, talkDueMonths),
    message: (start, due) => `${start} 提交申请，应在 ${due} 前完成谈话`,
  },
  {
    reason: 'observation_long',
    stage: 'activist',
    start: (row) => row.activist_on,
    due: (start) => addMonths(start, observationMaxMonths),
    message: (start, due) => `${start} 确定为入团积极分子，培养考察已超过 ${observationMaxMonths} 个月（${due}）`,
  },
  {
    reason: 'approval_waiting',
    stage: 'voted',
    start: (row) => row.vote_on,
    due: (start) => addDays(start, approvalDueDays),
    message: (start, due) => `${start} 支部大会表决通过，上级团委应在 ${due} 前审批`,
  },
  {
    reason: 'ceremony_due',
    stage: 'admitted',
    start: (row) => (row.ceremony_on === null ? row.approved_on : null),
    due: (start) => addDays(start, ceremonyDueDays),
    message: (start, due) => `${start} 批准入团，应在 ${due} 前举行入团仪式`,
  },
];

/** Why an applicant is late today (empty when on time). */
export function overdueReasonsOf(row: OverdueFacts, today: string): OverdueItem[] {
  const items: OverdueItem[] = [];
  for (const rule of rules) {
    if (row.stage !== rule.stage) continue;
    const start = rule.start(row);
    if (start === null) continue;
    const dueOn = rule.due(start);
    if (today > dueOn) items.push({ reason: rule.reason, dueOn, message: rule.message(start, dueOn) });
  }
  return items;
}

/**
 * The latest start date that is overdue today: the largest S with due(S) < today. due() is non-decreasing (a
 * month later, clamped to the month's end), so every earlier start is overdue too and a stage's overdue rows
 * are exactly "start ≤ cut-off".
 */
function cutoff(due: (start: string) => string, today: string): string {
  let start = addDays(today, -1);
  // Walk down by months first, then by days: the answer lies within a month and a few days of the first guess.
  while (due(start) >= today) start = addDays(start, due(start) > addDays(today, 40) ? -28 : -1);
  return start;
}

export type OverdueCutoff = {
  stage: ApplicantStage;
  /** The column holding the step's start date. */
  column: 'applied_on' | 'activist_on' | 'vote_on' | 'approved_on';
  /** A column that must be null for the rule to apply (no talk, no ceremony). */
  nullColumn: 'talked_on' | 'ceremony_on' | null;
  onOrBefore: string;
};

/** The rules of overdueReasonsOf as conditions on the columns, for the list filter and the board. */
export function overdueCutoffs(today: string): OverdueCutoff[] {
  const columns: Record<Rule['reason'], Pick<OverdueCutoff, 'column' | 'nullColumn'>> = {
    talk_due: { column: 'applied_on', nullColumn: 'talked_on' },
    observation_long: { column: 'activist_on', nullColumn: null },
    approval_waiting: { column: 'vote_on', nullColumn: null },
    ceremony_due: { column: 'approved_on', nullColumn: 'ceremony_on' },
  };
  return rules.map((rule) => ({ stage: rule.stage, ...columns[rule.reason], onOrBefore: cutoff(rule.due, today) }));
}
