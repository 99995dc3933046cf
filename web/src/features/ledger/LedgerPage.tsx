import { ApartmentOutlined } from '@ant-design/icons';
import { Button, Card, Result, Spin, Tabs } from 'antd';
import { useEffect } from 'react';
import { Link, Navigate, useParams, useSearchParams } from 'react-router-dom';
import { useT } from '../../app/i18n.js';
import { NotFound } from '../../app/NotFound.js';
import { PageHeader } from '../../app/PageHeader.js';
import { useCurrentSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { orgApi } from '../orgs/api.js';
import { useOrgTree } from '../orgs/treeStore.js';
import { ActivitiesTab } from './ActivitiesTab.js';
import { CadresTab } from './CadresTab.js';
import { ChannelsTab } from './ChannelsTab.js';
import { ContactsTab } from './ContactsTab.js';

const tabs = ['channels', 'cadres', 'contacts', 'activities'] as const;
type Tab = (typeof tabs)[number];

function PageSpin() {
  return (
    <div className="tj-center-block" style={{ minHeight: 360 }}>
      <Spin size="large" />
    </div>
  );
}

/** `/ledger`: the ledger of the actor's own org (the first top org for the operators). */
export function LedgerHome() {
  const t = useT();
  const { user } = useCurrentSession();
  const { data, error } = useLoad(async () => user.orgId ?? (await orgApi.roots()).items[0]?.id ?? null, [user.orgId]);
  if (error) return <Result status="error" title={error.message} />;
  if (data === undefined) return <PageSpin />;
  if (data === null) return <Result status="info" title={t('org.noRoots')} />;
  return <Navigate to={`/ledger/${data}`} replace />;
}

/** `/ledger/:orgId?tab=`: the new-media ledger of one org: channels, cadres and youth contacts. */
export function LedgerPage() {
  const t = useT();
  const id = Number(useParams().orgId);
  const valid = Number.isInteger(id) && id > 0;
  const [search, setSearch] = useSearchParams();
  const tabParam = search.get('tab');
  const tab: Tab = tabs.find((x) => x === tabParam) ?? 'channels';
  const { data: org, error } = useLoad(() => (valid ? orgApi.detail(id) : Promise.resolve(undefined)), [id]);
  const { reveal } = useOrgTree();
  // The tree opens down to this org, as on the org page.
  const ancestorKey = org?.id === id ? org.ancestors.map((a) => a.id).join(',') : null;
  useEffect(() => {
    if (ancestorKey === null) return;
    reveal(ancestorKey ? ancestorKey.split(',').map(Number) : []).catch(() => undefined);
  }, [ancestorKey, reveal]);

  if (!valid) return <NotFound />;
  if (error && org?.id !== id) {
    return (
      <Result
        status="404"
        title={t('org.notFound')}
        subTitle={t('org.notFoundHint')}
        extra={
          <Link to="/ledger">
            <Button type="primary">{t('org.backToTop')}</Button>
          </Link>
        }
      />
    );
  }
  if (!org || org.id !== id) return <PageSpin />;

  return (
    <>
      <PageHeader
        breadcrumb={[
          { title: t('nav.ledger') },
          ...org.ancestors.map((a) => ({ title: a.name, to: `/ledger/${a.id}?tab=${tab}` })),
          { title: org.name },
        ]}
        title={org.name}
        titleTestId="ledger-title"
        subtitle={t('ledger.subtitle')}
        extra={
          <Link to={`/orgs/${org.id}`}>
            <Button icon={<ApartmentOutlined />}>{t('ledger.orgPage')}</Button>
          </Link>
        }
      />
      <div className="tj-page-body">
        <Card variant="borderless" styles={{ body: { paddingTop: 4 } }}>
          <Tabs
            activeKey={tab}
            onChange={(key) => setSearch({ tab: key }, { replace: true })}
            destroyOnHidden
            items={[
              {
                key: 'channels',
                label: t('ledger.tab.channels'),
                children: <ChannelsTab key={org.id} orgId={org.id} orgName={org.name} />,
              },
              {
                key: 'cadres',
                label: t('ledger.tab.cadres'),
                children: <CadresTab key={org.id} orgId={org.id} orgName={org.name} />,
              },
              {
                key: 'contacts',
                label: t('ledger.tab.contacts'),
                children: <ContactsTab key={org.id} orgId={org.id} orgName={org.name} />,
              },
              {
                key: 'activities',
                label: t('ledger.tab.activities'),
                children: <ActivitiesTab key={org.id} orgId={org.id} orgName={org.name} />,
              },
            ]}
          />
        </Card>
      </div>
    </>
  );
}
