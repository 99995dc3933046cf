import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays } from '../../../common/dates.js';
import type { ApplicantStage } from '../../../common/domain.js';
import { overdueCutoffs, overdueReasonsOf, type OverdueFacts } from './overdue.js';

const base: OverdueFacts = {
  stage: 'applied',
  applied_on: '2026-01-31',
  talked_on: null,
  activist_on: null,
  vote_on: null,
  approved_on: null,
  ceremony_on: null,
};
const reasons = (row: Partial<OverdueFacts>, today: string) =>
  overdueReasonsOf({ ...base, ...row }, today).map((item) => item.reason);

test('no talk a month after the application is late; the month ends on the last day of a short month', () => {
  assert.deepEqual(reasons({}, '2026-02-28'), []);
  assert.deepEqual(reasons({}, '2026-03-01'), ['talk_due']);
  const [item] = overdueReasonsOf(base, '2026-03-01');
  assert.equal(item.dueOn, '2026-02-28');
  assert.match(item.message, /2026-01-31 提交申请，应在 2026-02-28 前完成谈话/);
  assert.deepEqual(reasons({ talked_on: '2026-03-05' }, '2026-04-01'), [], 'a late talk, once held, is no longer late');
});

test('an activist observed more than six months is late; a candidate is not', () => {
  const activist = { stage: 'activist' as const, talked_on: '2026-01-10', activist_on: '2026-01-15' };
  assert.deepEqual(reasons(activist, '2026-07-15'), []);
  assert.deepEqual(reasons(activist, '2026-07-16'), ['observation_long']);
  assert.deepEqual(reasons({ ...activist, stage: 'candidate' }, '2027-07-16'), []);
});

test('a vote waiting more than 30 days for the upper committee, and an admission without ceremony after 30 days', () => {
  assert.deepEqual(reasons({ stage: 'voted', vote_on: '2026-03-01' }, '2026-03-31'), []);
  assert.deepEqual(reasons({ stage: 'voted', vote_on: '2026-03-01' }, '2026-04-01'), ['approval_waiting']);
  const admitted = { stage: 'admitted' as const, vote_on: '2026-02-01', approved_on: '2026-03-01' };
  assert.deepEqual(reasons(admitted, '2026-03-31'), []);
  assert.deepEqual(reasons(admitted, '2026-04-01'), ['ceremony_due']);
  assert.deepEqual(reasons({ ...admitted, ceremony_on: '2026-04-10' }, '2026-05-01'), []);
  for (const stage of ['withdrawn', 'rejected'] as ApplicantStage[]) {
    assert.deepEqual(reasons({ stage }, '2030-01-01'), [], `${stage} is closed`);
  }
});

test('the cut-offs used by the list filter flag exactly the rows the rule flags, on every day of two years', () => {
  const startColumn = {
    applied_on: 'applied_on',
    activist_on: 'activist_on',
    vote_on: 'vote_on',
    approved_on: 'approved_on',
  };
  for (let today = '2027-01-01'; today < '2029-01-01'; today = addDays(today, 1)) {
    for (const cut of overdueCutoffs(today)) {
      const row = (start: string): OverdueFacts => ({
        ...base,
        stage: cut.stage,
        applied_on: '2000-01-01',
        talked_on: cut.stage === 'applied' ? null : '2000-01-02',
        [startColumn[cut.column]]: start,
      });
      assert.notDeepEqual(
        overdueReasonsOf(row(cut.onOrBefore), today),
        [],
        `${cut.stage} ${today}: the cut-off is late`,
      );
      assert.deepEqual(
        overdueReasonsOf(row(addDays(cut.onOrBefore, 1)), today),
        [],
        `${cut.stage} ${today}: next day is not`,
      );
    }
  }
});
