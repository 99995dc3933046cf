import { Descriptions } from 'antd';
import { Link } from 'react-router-dom';
import type { OrgDetail } from '../../../../common/orgs.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { OrgTags, StatusTag } from './OrgTags.js';

export function OrgInfo({ org }: { org: OrgDetail }) {
  const t = useT();
  const none = t('common.none');
  const parent = org.ancestors[org.ancestors.length - 1];
  const mono = (value: string | null) => (value ? <span className="tj-mono">{value}</span> : none);
  return (
    <Descriptions
      bordered
      size="middle"
      column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 3, xxl: 3 }}
      items={[
        { key: 'name', label: t('org.field.name'), children: org.name },
        { key: 'shortName', label: t('org.field.shortName'), children: org.shortName ?? none },
        {
          key: 'parent',
          label: t('org.field.parent'),
          children: parent ? <Link to={`/orgs/${parent.id}`}>{parent.name}</Link> : none,
        },
        { key: 'type', label: t('org.field.type'), children: <OrgTags org={org} showStatus={false} /> },
        { key: 'status', label: t('org.field.status'), children: <StatusTag status={org.status} /> },
        { key: 'isDirect', label: t('org.field.isDirect'), children: org.isDirect ? t('common.yes') : t('common.no') },
        { key: 'regionCode', label: t('org.field.regionCode'), children: mono(org.regionCode) },
        { key: 'statCode', label: t('org.field.statCode'), children: mono(org.statCode) },
        { key: 'industry', label: t('org.field.industry'), children: org.industry ?? none },
        { key: 'phone', label: t('org.field.phone'), children: org.phone ?? none },
        { key: 'email', label: t('org.field.email'), children: org.email ?? none },
        { key: 'createdAt', label: t('org.field.createdAt'), children: formatDateTime(org.createdAt) },
        { key: 'updatedAt', label: t('org.field.updatedAt'), children: formatDateTime(org.updatedAt) },
        ...(org.dissolvedAt
          ? [{ key: 'dissolvedAt', label: t('org.field.dissolvedAt'), children: formatDateTime(org.dissolvedAt) }]
          : []),
      ]}
    />
  );
}
