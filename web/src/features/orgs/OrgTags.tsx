import { Tag } from 'antd';
import type { OrgSummary } from '../../../../common/orgs.js';
import { useT } from '../../app/i18n.js';

/** Type, level, direct and status of an org as tags, the same everywhere they appear. */
export function OrgTags({
  org,
  showStatus = true,
}: {
  org: Pick<OrgSummary, 'type' | 'level' | 'status' | 'isDirect'>;
  showStatus?: boolean;
}) {
  const t = useT();
  return (
    <span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: 4 }}>
      <Tag color="red" style={{ marginInlineEnd: 0 }}>
        {t(`orgType.${org.type}`)}
      </Tag>
      <Tag color="blue" style={{ marginInlineEnd: 0 }}>
        {t(`orgLevel.${org.level}`)}
      </Tag>
      {org.isDirect && (
        <Tag color="gold" style={{ marginInlineEnd: 0 }}>
          {t('org.direct')}
        </Tag>
      )}
      {showStatus && <StatusTag status={org.status} />}
    </span>
  );
}

export function StatusTag({ status }: { status: OrgSummary['status'] }) {
  const t = useT();
  return (
    <Tag color={status === 'active' ? 'success' : 'default'} style={{ marginInlineEnd: 0 }}>
      {t(`orgStatus.${status}`)}
    </Tag>
  );
}
