import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Input, Result, Segmented, Space, Spin, Switch, Tag } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { OrgDetail } from '../../../../common/orgs.js';
import { formatCount } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { PageHeader } from '../../app/PageHeader.js';
import { Pending } from '../../app/Pending.js';
import { useCurrentSession, useSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { orgApi } from '../orgs/api.js';
import { OrgPicker } from '../orgs/OrgPicker.js';
import { OrgTags } from '../orgs/OrgTags.js';
import type { Scope } from './api.js';
import { ApplicantDrawer } from './ApplicantDrawer.js';
import { ApplicantFormModal } from './ApplicantFormModal.js';
import { Board } from './Board.js';
import { useBoard } from './useBoard.js';
import './admission.css';

const branchTypes = new Set(['branch', 'joint_branch']);

/** Applicants are registered in branches (团支部, 联合团支部) only. */
export function isBranch(org: Pick<OrgDetail, 'type'>): boolean {
  return branchTypes.has(org.type);
}

/**
 * `/admission?org=&applicant=`: the admission board of a branch, or of every branch under a committee. The org
 * comes from the address (so a link and a reload keep it), else the actor's own; `applicant` opens its drawer.
 */
export function AdmissionPage() {
  const t = useT();
  const { user } = useCurrentSession();
  const [search, setSearch] = useSearchParams();
  const param = Number(search.get('org'));
  const requested = Number.isInteger(param) && param > 0 ? param : null;
  const { data, error } = useLoad(async () => {
    const id = requested ?? user.orgId ?? (await orgApi.roots()).items[0]?.id;
    return id === undefined ? null : orgApi.detail(id);
  }, [requested, user.orgId]);
  const org = data && (requested === null || data.id === requested) ? data : undefined;

  if (error && !org) {
    return (
      <Result
        status="404"
        title={t('admission.orgNotFound')}
        subTitle={error.message}
        extra={
          <Link to="/admission">
            <Button type="primary">{t('admission.backToOwn')}</Button>
          </Link>
        }
      />
    );
  }
  if (data === null) return <Result status="info" title={t('org.noRoots')} />;
  if (!org) {
    return (
      <div className="tj-center-block" style={{ minHeight: 360 }}>
        <Spin size="large" />
      </div>
    );
  }
  const openId = Number(search.get('applicant')) || null;
  return (
    <AdmissionBoard
      key={org.id}
      org={org}
      onOrgChange={(id) => setSearch({ org: String(id) })}
      openId={openId}
      onOpen={(id) => {
        const next = new URLSearchParams(search);
        if (id === null) next.delete('applicant');
        else next.set('applicant', String(id));
        setSearch(next, { replace: id === null });
      }}
    />
  );
}

type BoardProps = {
  org: OrgDetail;
  onOrgChange: (id: number) => void;
  openId: number | null;
  onOpen: (id: number | null) => void;
};

function AdmissionBoard({ org, onOrgChange, openId, onOpen }: BoardProps) {
  const t = useT();
  const { can } = useSession();
  const branch = isBranch(org);
  const [scope, setScope] = useState<Scope>('subtree');
  const [q, setQ] = useState<string | undefined>(undefined);
  const [overdue, setOverdue] = useState(false);
  const [creating, setCreating] = useState(false);
  const board = useBoard(org.id, { scope, q, overdue });
  const { data } = board;

  return (
    <>
      <PageHeader
        breadcrumb={[
          { title: t('admission.title') },
          ...org.ancestors.map((a) => ({ title: a.name, to: `/admission?org=${a.id}` })),
          { title: org.name },
        ]}
        title={org.name}
        titleTestId="admission-title"
        tags={<OrgTags org={org} />}
        subtitle={t('admission.subtitle')}
        extra={
          <>
            <div className="tj-admission-org-picker" data-testid="admission-org-picker">
              <OrgPicker
                value={org.id}
                initialName={org.name}
                allowClear={false}
                placeholder={t('admission.pickOrg')}
                onChange={(id) => {
                  if (id !== null) onOrgChange(id);
                }}
                style={{ width: '100%' }}
              />
            </div>
            {can('people.write') && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCreating(true)}
                data-testid="admission-create"
              >
                {t('admission.create')}
              </Button>
            )}
          </>
        }
      />
      <div className="tj-page-body">
        {!branch && <Alert type="info" showIcon title={t('admission.notBranch', { org: org.name })} />}
        <Card variant="borderless" className="tj-admission-card">
          <div className="tj-toolbar">
            <Space wrap size={12}>
              {!branch && (
                <Segmented<Scope>
                  value={scope}
                  onChange={setScope}
                  options={[
                    { value: 'subtree', label: t('ledger.scope.subtree') },
                    { value: 'own', label: t('ledger.scope.own') },
                  ]}
                />
              )}
              <Input.Search
                allowClear
                placeholder={t('admission.searchName')}
                style={{ width: 180 }}
                onSearch={(v) => setQ(v.trim() || undefined)}
                data-testid="admission-search"
              />
              <Space size={6}>
                <Switch checked={overdue} onChange={setOverdue} data-testid="admission-overdue" />
                <span>{t('admission.overdueOnly')}</span>
                {data && data.overdue > 0 && !overdue && (
                  <Tag color="error" className="tj-admission-overdue-count">
                    {t('admission.overdueCount', { n: formatCount(data.overdue) })}
                  </Tag>
                )}
              </Space>
            </Space>
            <Button icon={<ReloadOutlined />} onClick={board.reload} loading={board.loading && data !== undefined}>
              {t('common.refresh')}
            </Button>
          </div>
          {data ? (
            <Board
              columns={data.columns}
              filtered={Boolean(q) || overdue}
              showOrg={!branch && scope === 'subtree'}
              onOpen={onOpen}
            />
          ) : (
            <Pending error={board.error} reload={board.reload} />
          )}
          {data && (data.closed.withdrawn ?? 0) + (data.closed.rejected ?? 0) > 0 && (
            <div className="tj-board-summary">
              {t('admission.closedCount', {
                withdrawn: formatCount(data.closed.withdrawn ?? 0),
                rejected: formatCount(data.closed.rejected ?? 0),
              })}
            </div>
          )}
        </Card>
      </div>
      {creating && (
        <ApplicantFormModal
          defaultOrg={branch ? { id: org.id, name: org.name } : null}
          onClose={() => setCreating(false)}
          onDone={(id) => {
            setCreating(false);
            board.reload();
            onOpen(id);
          }}
        />
      )}
      {openId !== null && (
        <ApplicantDrawer applicantId={openId} onClose={() => onOpen(null)} onChanged={board.reload} />
      )}
    </>
  );
}
