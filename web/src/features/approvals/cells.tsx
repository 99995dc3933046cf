import { Grid, Typography } from 'antd';
import type { ReactNode } from 'react';
import { formatDateTime } from '../../app/format.js';

/** A person in one cell: the name (a link when the actor may open the record), the masked ID number, the branch. */
export function PersonCell({
  name,
  idMasked,
  org,
  extra,
}: {
  name: ReactNode;
  idMasked: string;
  org?: string;
  extra?: ReactNode;
}) {
  return (
    <div className="tj-approvals-person">
      <div>
        {name}
        {extra}
      </div>
      <div className="tj-mono tj-secondary" style={{ fontSize: 12 }}>
        {idMasked}
      </div>
      {org && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {org}
        </Typography.Text>
      )}
    </div>
  );
}

/** Who asked and when, in one table cell. */
export function RequestedCell({ by, at }: { by: string | null; at: string }) {
  return (
    <div>
      <div>{by ?? '—'}</div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {formatDateTime(at)}
      </Typography.Text>
    </div>
  );
}

/** The actions column stays in view on a wide screen; on a phone it scrolls with the row, after the person. */
export function useActionsFixed(): 'right' | undefined {
  return Grid.useBreakpoint().md ? 'right' : undefined;
}
