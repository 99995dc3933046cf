import type { Metric } from '../../../common/domain.js';
import type { Executor } from '../../db/schema.js';

/**
 * Keeps indicator_status and indicator_rollup true. Every ledger write calls refreshOrgMetrics in its own
 * transaction, after the write, with the orgs whose figures it may have changed.
 */
export async function refreshOrgMetrics(
  _trx: Executor,
  _orgIds: readonly number[],
  _metrics: readonly Metric[],
): Promise<void> {
  // Implemented next (campaign engine).
}
