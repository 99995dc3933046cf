import { Typography } from 'antd';
import type { SearchHit } from '../../../../common/orgs.js';

/** A search hit as a person recognises it: its name, then where it sits in the tree and its codes. */
export function OrgHitLabel({ hit }: { hit: SearchHit }) {
  const path = hit.pathNames.slice(0, -1).join(' / ');
  const code = hit.statCode ?? hit.regionCode;
  return (
    <div style={{ lineHeight: 1.4, padding: '2px 0', whiteSpace: 'normal' }}>
      <div style={{ fontWeight: 500 }}>{hit.name}</div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {path}
        {path && code ? ' · ' : ''}
        {code}
      </Typography.Text>
    </div>
  );
}
