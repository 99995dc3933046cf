import type { RefusedMember } from '../../../../common/approvals.js';
import { ApiError } from '../../app/api.js';

/** The members a refused batch names (`details.refused` of its 409), or null for any other error. */
export function refusedMembersOf(error: unknown): RefusedMember[] | null {
  if (!(error instanceof ApiError) || typeof error.details !== 'object' || error.details === null) return null;
  const refused = (error.details as { refused?: unknown }).refused;
  return Array.isArray(refused) ? (refused as RefusedMember[]) : null;
}
