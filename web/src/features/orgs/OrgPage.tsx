import {
  ApartmentOutlined,
  BranchesOutlined,
  ClusterOutlined,
  DeleteOutlined,
  EditOutlined,
  PlusOutlined,
  TeamOutlined,
  WechatOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Result, Row, Spin, Statistic, Tabs } from 'antd';
import { useEffect, useState } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router-dom';
import type { OrgSummary } from '../../../../common/orgs.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { NotFound } from '../../app/NotFound.js';
import { PageHeader } from '../../app/PageHeader.js';
import { useSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { orgApi } from './api.js';
import { ChildrenTable } from './ChildrenTable.js';
import { DissolveModal, MoveRequestModal } from './OrgActionModals.js';
import { OrgFormModal } from './OrgFormModal.js';
import { OrgHistory } from './OrgHistory.js';
import { OrgInfo } from './OrgInfo.js';
import { OrgTags } from './OrgTags.js';
import { useOrgTree } from './treeStore.js';

type Dialog = 'create' | 'edit' | 'move' | 'dissolve' | null;
type TabKey = 'children' | 'info' | 'history';

/** `/orgs`: opens the first org at the top of the actor's scope, or explains that there is none yet. */
export function OrgHome() {
  const t = useT();
  const { loadRoots, refresh } = useOrgTree();
  const { session, can } = useSession();
  const navigate = useNavigate();
  const [first, setFirst] = useState<number | null | undefined>(undefined);
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    loadRoots().then(
      (roots) => setFirst(roots[0]?.id ?? null),
      () => setFirst(null),
    );
  }, [loadRoots]);

  if (first === undefined) {
    return (
      <div className="tj-center-block" style={{ minHeight: 360 }}>
        <Spin size="large" />
      </div>
    );
  }
  if (first !== null) return <Navigate to={`/orgs/${first}`} replace />;
  // Only an actor whose scope is everything (no org of their own) may create a top-level org.
  const mayCreateTop = can('org.write') && session?.user.orgId === null;
  return (
    <>
      <PageHeader title={t('nav.orgs')} />
      <div className="tj-page-body">
        <Card variant="borderless">
          <Empty description={t('org.noRoots')} style={{ padding: '48px 0' }}>
            {mayCreateTop && (
              <>
                <p style={{ color: 'rgba(0,0,0,.45)' }}>{t('org.noRootsHint')}</p>
                <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                  {t('org.action.createTop')}
                </Button>
              </>
            )}
          </Empty>
        </Card>
        {creating && (
          <OrgFormModal
            mode="create"
            parent={null}
            onClose={() => setCreating(false)}
            onDone={(org: OrgSummary) => {
              setCreating(false);
              void refresh(null).then(() => navigate(`/orgs/${org.id}`));
            }}
          />
        )}
      </div>
    </>
  );
}

export function OrgPage() {
  const t = useT();
  const { can } = useSession();
  const params = useParams();
  const id = Number(params.id);
  const valid = Number.isInteger(id) && id > 0;
  const tree = useOrgTree();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [tab, setTab] = useState<TabKey>('children');
  // Bumped after every change so the tabs reload what they show.
  const [version, setVersion] = useState(0);
  const {
    data: org,
    error,
    loading,
    reload,
  } = useLoad(() => (valid ? orgApi.detail(id) : Promise.resolve(undefined)), [id, version]);
  const { reveal } = tree;

  const ancestorKey = org?.id === id ? org.ancestors.map((a) => a.id).join(',') : null;
  useEffect(() => {
    if (ancestorKey === null) return;
    reveal(ancestorKey ? ancestorKey.split(',').map(Number) : []).catch(() => undefined);
  }, [ancestorKey, reveal]);

  if (!valid) return <NotFound />;
  if (error && (!org || org.id !== id)) {
    return error.status === 404 || error.status === 403 ? (
      <Result
        status="404"
        title={t('org.notFound')}
        subTitle={t('org.notFoundHint')}
        extra={
          <Link to="/orgs">
            <Button type="primary">{t('org.backToTop')}</Button>
          </Link>
        }
      />
    ) : (
      <Result status="error" title={error.message} extra={<Button onClick={reload}>{t('common.refresh')}</Button>} />
    );
  }
  if (!org || (loading && org.id !== id)) {
    return (
      <div className="tj-center-block" style={{ minHeight: 360 }}>
        <Spin size="large" />
      </div>
    );
  }

  const parentId = org.parentId;
  const changed = async (parents: (number | null)[]) => {
    setDialog(null);
    setVersion((v) => v + 1);
    await Promise.all(parents.map((p) => tree.refresh(p)));
  };

  const actions = [
    can('ledger.read') && (
      <Link key="ledger" to={`/ledger/${org.id}`}>
        <Button icon={<WechatOutlined />} data-testid="open-ledger">
          {t('nav.ledger')}
        </Button>
      </Link>
    ),
    org.abilities.createChild && (
      <Button
        key="create"
        type="primary"
        icon={<PlusOutlined />}
        data-testid="create-child"
        onClick={() => setDialog('create')}
      >
        {t('org.action.createChild')}
      </Button>
    ),
    org.abilities.update && (
      <Button key="edit" icon={<EditOutlined />} data-testid="edit-org" onClick={() => setDialog('edit')}>
        {t('org.action.edit')}
      </Button>
    ),
    org.abilities.requestMove && (
      <Button key="move" icon={<BranchesOutlined />} data-testid="request-move" onClick={() => setDialog('move')}>
        {t('org.action.move')}
      </Button>
    ),
    org.abilities.dissolve && (
      <Button
        key="dissolve"
        danger
        icon={<DeleteOutlined />}
        data-testid="dissolve-org"
        onClick={() => setDialog('dissolve')}
      >
        {t('org.action.dissolve')}
      </Button>
    ),
  ].filter(Boolean);

  const stats = [
    {
      key: 'children',
      title: t('org.stat.children'),
      value: org.counts.children,
      icon: <ClusterOutlined />,
      unit: t('org.stat.unit'),
      color: '#c8161d',
    },
    {
      key: 'descendants',
      title: t('org.stat.descendants'),
      value: org.counts.descendants,
      icon: <ApartmentOutlined />,
      unit: t('org.stat.unit'),
      color: '#1677ff',
    },
    {
      key: 'members',
      title: t('org.stat.members'),
      value: org.counts.members,
      icon: <TeamOutlined />,
      unit: t('org.stat.memberUnit'),
      color: '#fa8c16',
    },
  ];

  return (
    <>
      <PageHeader
        breadcrumb={[
          { title: t('nav.orgs') },
          ...org.ancestors.map((a) => ({ title: a.name, to: `/orgs/${a.id}` })),
          { title: org.name },
        ]}
        title={org.name}
        titleTestId="org-title"
        tags={<OrgTags org={org} />}
        subtitle={[org.statCode ?? org.regionCode, org.shortName].filter(Boolean).join(' · ') || undefined}
        extra={actions.length > 0 ? actions : undefined}
      />
      <div className="tj-page-body">
        {org.pendingMove && (
          <Alert
            type="info"
            showIcon
            data-testid="pending-move"
            title={t('org.pendingMove', {
              to: org.pendingMove.toParentName,
              status: t(`moveStatus.${org.pendingMove.status}`),
            })}
            action={<Link to="/moves">{t('org.pendingMoveLink')}</Link>}
          />
        )}
        {org.status === 'dissolved' && (
          <Alert type="warning" showIcon title={t('org.dissolvedBanner', { at: formatDateTime(org.dissolvedAt) })} />
        )}
        <Row gutter={[16, 16]}>
          {stats.map((stat) => (
            <Col xs={8} key={stat.key}>
              <Card className="tj-stat-card" variant="borderless">
                <Statistic
                  title={stat.title}
                  value={stat.value}
                  groupSeparator=","
                  prefix={<span style={{ color: stat.color, marginRight: 4 }}>{stat.icon}</span>}
                  suffix={
                    stat.unit ? <span style={{ fontSize: 14, color: 'rgba(0,0,0,.45)' }}>{stat.unit}</span> : undefined
                  }
                />
              </Card>
            </Col>
          ))}
        </Row>
        <Card variant="borderless" styles={{ body: { paddingTop: 4 } }}>
          <Tabs
            activeKey={tab}
            onChange={(key) => setTab(key as TabKey)}
            items={[
              {
                key: 'children',
                label: t('org.tab.children'),
                children: <ChildrenTable key={org.id} orgId={org.id} version={version} />,
              },
              { key: 'info', label: t('org.tab.info'), children: <OrgInfo org={org} /> },
              {
                key: 'history',
                label: t('org.tab.history'),
                children: <OrgHistory orgId={org.id} version={version} />,
              },
            ]}
          />
        </Card>
      </div>

      {dialog === 'create' && (
        <OrgFormModal
          mode="create"
          parent={org}
          onClose={() => setDialog(null)}
          onDone={() =>
            // The new child shows at once: the org's own branch opens in the tree, whether it was open or not.
            void changed([org.id, parentId]).then(() => tree.reveal([...org.ancestors.map((a) => a.id), org.id]))
          }
        />
      )}
      {dialog === 'edit' && (
        <OrgFormModal mode="edit" org={org} onClose={() => setDialog(null)} onDone={() => void changed([parentId])} />
      )}
      {dialog === 'move' && (
        <MoveRequestModal org={org} onClose={() => setDialog(null)} onDone={() => void changed([])} />
      )}
      {dialog === 'dissolve' && (
        <DissolveModal
          org={org}
          onClose={() => setDialog(null)}
          // Stays on the org: the page then shows it as dissolved, with the reason in its history.
          onDone={() => void changed([parentId, org.ancestors[org.ancestors.length - 2]?.id ?? null])}
        />
      )}
    </>
  );
}
