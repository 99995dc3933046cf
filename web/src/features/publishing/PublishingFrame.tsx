import { Button, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { OrgDetail } from '../../../../common/orgs.js';
import { useT } from '../../app/i18n.js';
import { PageHeader } from '../../app/PageHeader.js';
import { OrgPicker } from '../orgs/OrgPicker.js';
import { usePeopleOrg } from '../people/usePeopleOrg.js';
import './publishing.css';

export const publishingSections = ['bulletins', 'series', 'deliveries'] as const;
export type PublishingSection = (typeof publishingSections)[number];

/** The address of a publishing page for an org. */
export function publishingPath(section: PublishingSection, orgId: number): string {
  return `/publishing/${section}?org=${orgId}`;
}

type Props = {
  section: PublishingSection;
  /** Buttons beside the org picker (写稿件, 新建手机报), for the org shown. */
  actions?: (org: OrgDetail) => ReactNode;
  children: (org: OrgDetail) => ReactNode;
};

/**
 * A publishing page for one org (`?org=`, else the actor's own): the header with its org picker, then the page,
 * or why there is none. The org's bulletins include those of the orgs below it.
 */
export function PublishingFrame({ section, actions, children }: Props) {
  const t = useT();
  const { org, error, reload, setOrgId } = usePeopleOrg();
  if (error && !org) {
    return error.status === 404 || error.status === 403 ? (
      <Result
        status="404"
        title={t('people.orgNotFound')}
        subTitle={error.message}
        extra={
          <Link to={`/publishing/${section}`}>
            <Button type="primary">{t('people.backToOwn')}</Button>
          </Link>
        }
      />
    ) : (
      <Result status="error" title={error.message} extra={<Button onClick={reload}>{t('common.refresh')}</Button>} />
    );
  }
  if (!org) {
    return (
      <div className="tj-center-block" style={{ minHeight: 360 }}>
        <Spin size="large" />
      </div>
    );
  }
  return (
    <>
      <PageHeader
        breadcrumb={[
          { title: t('nav.publishing') },
          { title: t(`nav.publishing.${section}`) },
          ...org.ancestors.map((a) => ({ title: a.name, to: publishingPath(section, a.id) })),
          { title: org.name },
        ]}
        title={t(`pub.${section}.title`)}
        titleTestId="publishing-title"
        subtitle={t(`pub.${section}.subtitle`, { org: org.name })}
        extra={
          <>
            <div className="tj-pub-org-picker" data-testid="publishing-org-picker">
              <OrgPicker
                key={org.id}
                value={org.id}
                initialName={org.name}
                allowClear={false}
                placeholder={t('people.pickOrg')}
                onChange={(id) => {
                  if (id !== null) setOrgId(id);
                }}
                style={{ width: '100%' }}
              />
            </div>
            {actions?.(org)}
          </>
        }
      />
      <div className="tj-page-body" key={org.id}>
        {children(org)}
      </div>
    </>
  );
}
