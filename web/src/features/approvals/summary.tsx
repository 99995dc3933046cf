import { Badge } from 'antd';
import { useEffect, useState } from 'react';
import { useLocation } from 'react-router-dom';
import type { ApprovalsSummary } from '../../../../common/approvals.js';
import { approvalsApi } from './api.js';

const refreshMs = 180_000;

// One summary for the whole page (the menu badge and the inbox's tabs read the same), one request in flight at most.
let current: ApprovalsSummary | null = null;
let inFlight: Promise<void> | null = null;
/** A refresh asked for while one was in flight: its answer may predate a decision, so read once more. */
let again = false;
const listeners = new Set<(summary: ApprovalsSummary | null) => void>();

function refresh(afterDecision = false): void {
  if (inFlight) {
    again ||= afterDecision;
    return;
  }
  inFlight = approvalsApi
    .summary()
    .then(
      (summary) => {
        current = summary;
        for (const listener of listeners) listener(summary);
      },
      () => undefined,
    )
    .finally(() => {
      inFlight = null;
      if (again) {
        again = false;
        refresh();
      }
    });
}

/** Reads the summary again after a decision, so the badge never lags a person's own action. */
export function notifyApprovalsChanged(): void {
  refresh(true);
}

/** What awaits the actor's decision; read again on every page change and every few minutes. */
export function useApprovalsSummary(): ApprovalsSummary | null {
  const location = useLocation();
  const [summary, setSummary] = useState<ApprovalsSummary | null>(current);
  useEffect(() => {
    listeners.add(setSummary);
    const timer = window.setInterval(() => refresh(), refreshMs);
    return () => {
      listeners.delete(setSummary);
      window.clearInterval(timer);
    };
  }, []);
  useEffect(() => refresh(), [location.pathname]);
  return summary;
}

/** 审批 in the side menu, with the number of decisions waiting. */
export function ApprovalsMenuLabel({ label }: { label: string }) {
  const summary = useApprovalsSummary();
  return (
    <span className="tj-approvals-menu" style={{ display: 'inline-flex', alignItems: 'center', gap: 8 }}>
      {label}
      <Badge count={summary?.total ?? 0} overflowCount={999} size="small" data-testid="approvals-badge" />
    </span>
  );
}
