import { Tabs } from 'antd';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import type { OrgDetail } from '../../../../common/orgs.js';
import { useT } from '../../app/i18n.js';
import { PageHeader } from '../../app/PageHeader.js';
import { OrgPicker } from '../orgs/OrgPicker.js';
import { OrgTags } from '../orgs/OrgTags.js';
import './people.css';

export const peopleSections = ['members', 'cadres', 'reviews', 'quality'] as const;
export type PeopleSection = (typeof peopleSections)[number];

const sectionPaths: Record<PeopleSection, string> = {
  members: '/people',
  cadres: '/people/cadres',
  reviews: '/people/reviews',
  quality: '/people/quality',
};

/** The address of a people page for an org. */
export function peoplePath(section: PeopleSection, orgId: number): string {
  return `${sectionPaths[section]}?org=${orgId}`;
}

type Props = {
  section: PeopleSection;
  org: OrgDetail;
  onOrgChange: (id: number) => void;
  subtitle?: ReactNode;
};

/**
 * The top of the people pages: which org (picked from the actor's subtree, as on the ledger forms) and the
 * section tabs — 名册, 团干部, 评议与推优, 数据质量 — that keep the org when switching.
 */
export function PeopleHeader({ section, org, onOrgChange, subtitle }: Props) {
  const t = useT();
  const navigate = useNavigate();
  return (
    <div className="tj-people-head">
      <PageHeader
        breadcrumb={[
          { title: t('nav.people') },
          { title: t(`people.nav.${section}`) },
          ...org.ancestors.map((a) => ({ title: a.name, to: peoplePath(section, a.id) })),
          { title: org.name },
        ]}
        title={org.name}
        titleTestId="people-org-title"
        tags={<OrgTags org={org} />}
        subtitle={subtitle}
        extra={
          <div className="tj-people-org-picker" data-testid="people-org-picker">
            <OrgPicker
              key={org.id}
              value={org.id}
              initialName={org.name}
              allowClear={false}
              placeholder={t('people.pickOrg')}
              onChange={(id) => {
                if (id !== null) onOrgChange(id);
              }}
              style={{ width: '100%' }}
            />
          </div>
        }
      />
      <div className="tj-people-tabs">
        <Tabs
          activeKey={section}
          onChange={(key) => void navigate(peoplePath(key as PeopleSection, org.id))}
          items={peopleSections.map((key) => ({ key, label: t(`people.nav.${key}`) }))}
        />
      </div>
    </div>
  );
}
