import { Badge } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useLocation } from 'react-router-dom';
import type { ApprovalsSummary } from '../../../../common/approvals.js';
import { approvalsApi } from './api.js';

// What awaits the actor's decision, for the menu badge and the tab counts. Read again on every page change, every
// few minutes, and right after a decision (notifyApprovalsChanged), so the badge never lags a person's own action.

const changedEvent = 'tj:approvals-changed';
const refreshMs = 180_000;

export function notifyApprovalsChanged(): void {
  window.dispatchEvent(new Event(changedEvent));
}

export function useApprovalsSummary(): ApprovalsSummary | null {
  const location = useLocation();
  const [summary, setSummary] = useState<ApprovalsSummary | null>(null);
  const load = useCallback(() => {
    approvalsApi.summary().then(setSummary, () => undefined);
  }, []);
  useEffect(load, [load, location.pathname]);
  useEffect(() => {
    window.addEventListener(changedEvent, load);
    const timer = window.setInterval(load, refreshMs);
    return () => {
      window.removeEventListener(changedEvent, load);
      window.clearInterval(timer);
    };
  }, [load]);
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
