import { Button, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { OrgDetail } from '../../../../common/orgs.js';
import { useT } from '../../app/i18n.js';
import { PeopleHeader, type PeopleSection } from './PeopleHeader.js';
import { usePeopleOrg } from './usePeopleOrg.js';

type Props = {
  section: PeopleSection;
  /** A fixed line, or one that depends on the org (a branch reads differently from a committee). */
  subtitle?: ReactNode | ((org: OrgDetail) => ReactNode);
  /** The page under the header, for the org in the address (remounted when the org changes). */
  children: (org: OrgDetail) => ReactNode;
};

/** A people page for one org: the header with its org picker and tabs, then the page, or why there is none. */
export function PeopleFrame({ section, subtitle, children }: Props) {
  const t = useT();
  const { org, error, reload, setOrgId } = usePeopleOrg();
  if (error && !org) {
    return error.status === 404 || error.status === 403 ? (
      <Result
        status="404"
        title={t('people.orgNotFound')}
        subTitle={error.message}
        extra={
          <Link to={section === 'members' ? '/people' : `/people/${section}`}>
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
      <PeopleHeader
        section={section}
        org={org}
        onOrgChange={setOrgId}
        subtitle={typeof subtitle === 'function' ? subtitle(org) : subtitle}
      />
      <div className="tj-page-body" key={org.id}>
        {children(org)}
      </div>
    </>
  );
}
