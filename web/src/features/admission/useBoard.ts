import type { ApplicantItem } from '../../../../common/applicants.js';
import type { ApplicantStage } from '../../../../common/domain.js';
import { useLoad } from '../../app/useLoad.js';
import { applicantApi, type Scope } from './api.js';

/** The five columns of the board, in the order an applicant moves through them. */
export const boardStages = ['applied', 'activist', 'candidate', 'voted', 'admitted'] as const;
export type BoardStage = (typeof boardStages)[number];

export type BoardColumn = { stage: BoardStage; total: number; items: ApplicantItem[] };
export type BoardData = {
  columns: BoardColumn[];
  /** Overdue applicants in the open stages (from the board) or in every column shown (filtered). */
  overdue: number;
  /** The closed applications, which have no column. */
  closed: Partial<Record<ApplicantStage, number>>;
};

export type BoardFilters = { scope: Scope; q?: string; overdue: boolean };

/** Cards shown per column; the rest is reached by searching a name. */
const columnSize = 50;

/**
 * The board of an org: the pipeline endpoint for the open stages plus the latest admitted; a name search or the
 * overdue filter asks the list endpoint per column instead, so that each column's count is that of the filter.
 */
export function useBoard(orgId: number, filters: BoardFilters) {
  return useLoad<BoardData>(async () => {
    const { scope, q, overdue } = filters;
    const list = (stage: BoardStage) =>
      applicantApi.list({
        orgId,
        scope,
        stage,
        q,
        overdue: overdue ? 'true' : undefined,
        pageSize: columnSize,
      });
    if (q || overdue) {
      const pages = await Promise.all(boardStages.map(list));
      const columns = boardStages.map((stage, i) => ({ stage, total: pages[i].total, items: pages[i].items }));
      const overdueCount = columns.reduce((n, c) => n + c.items.filter((a) => a.overdue.length > 0).length, 0);
      return { columns, overdue: overdueCount, closed: {} };
    }
    const [board, admitted] = await Promise.all([applicantApi.board(orgId, scope), list('admitted')]);
    const open = new Map(board.columns.map((c) => [c.stage, c]));
    const columns = boardStages.map((stage) =>
      stage === 'admitted'
        ? { stage, total: admitted.total, items: admitted.items }
        : { stage, total: open.get(stage)?.total ?? 0, items: open.get(stage)?.items ?? [] },
    );
    return {
      columns,
      overdue: board.overdue,
      closed: { withdrawn: board.counts.withdrawn ?? 0, rejected: board.counts.rejected ?? 0 },
    };
  }, [orgId, filters.scope, filters.q, filters.overdue]);
}
