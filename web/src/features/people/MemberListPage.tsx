import { ClearOutlined, ImportOutlined, PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Input, Segmented, Select, Space, Tag, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { chinaToday } from '../../../../common/dates.js';
import { ageBands, type AgeBand } from '../../../../common/members.js';
import {
  membershipStatuses,
  type MembershipStatus,
  type PoliticalStatus,
  type Sex,
} from '../../../../common/domain.js';
import type { OrgDetail } from '../../../../common/orgs.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { useSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { memberApi, type MemberItem, type MemberQuery } from './api.js';
import { AgeOutBatchModal } from './AgeOutBatchModal.js';
import { TransferInModal } from './TransferInModal.js';
import { MembershipStatusTag } from './labels.js';
import { MemberFormModal } from './MemberFormModal.js';
import { MemberListActions } from './MemberListActions.js';
import { MemberStatsCards, type StatFilter } from './MemberStatsCards.js';
import { PeopleFrame } from './PeopleFrame.js';
import { holdsMembers } from './usePeopleOrg.js';
import { useUrlPaging } from './useUrlPaging.js';

/** `/people?org=`: 团员名册, the members of an org and the orgs below it. */
export function MemberListPage() {
  const t = useT();
  return (
    <PeopleFrame
      section="members"
      subtitle={(org) => t(holdsMembers(org) ? 'member.list.subtitleBranch' : 'member.list.subtitle')}
    >
      {(org) => <MemberList org={org} />}
    </PeopleFrame>
  );
}

type Filters = Omit<MemberQuery, 'orgId' | 'page' | 'pageSize'>;
const filterKeys = ['q', 'status', 'age', 'mobile', 'scope'] as const;

/** The filters live in the address, so that the back button from a member's record finds the same list. */
function useFilters(): [Filters, (next: Partial<Filters>) => void] {
  const [search, setSearch] = useSearchParams();
  const status = membershipStatuses.find((s) => s === search.get('status'));
  const ageBand = ageBands.find((b) => b === search.get('age'));
  const mobile = search.get('mobile');
  const filters: Filters = {
    scope: search.get('scope') === 'own' ? 'own' : 'subtree',
    q: search.get('q') ?? undefined,
    status,
    ageBand,
    mobile: mobile === 'true' ? true : mobile === 'false' ? false : undefined,
  };
  const update = (next: Partial<Filters>) => {
    const merged = { ...filters, ...next };
    setSearch(
      (prev) => {
        const params = new URLSearchParams(prev);
        for (const key of filterKeys) params.delete(key);
        params.delete('page');
        if (merged.q) params.set('q', merged.q);
        if (merged.status) params.set('status', merged.status);
        if (merged.ageBand) params.set('age', merged.ageBand);
        if (merged.mobile !== undefined) params.set('mobile', String(merged.mobile));
        if (merged.scope === 'own') params.set('scope', 'own');
        return params;
      },
      { replace: true },
    );
  };
  return [filters, update];
}

function MemberList({ org }: { org: OrgDetail }) {
  const t = useT();
  const { can } = useSession();
  const [filters, setFilters] = useFilters();
  const paging = useUrlPaging();
  const { page } = paging;
  const [creating, setCreating] = useState(false);
  const [version, setVersion] = useState(0);
  const [qText, setQText] = useState(filters.q ?? '');
  const [chosen, setChosen] = useState<MemberItem[]>([]);
  const [ageOutBatch, setAgeOutBatch] = useState(false);
  const [transferIn, setTransferIn] = useState(false);
  const { data, loading } = useLoad(
    () => memberApi.list({ orgId: org.id, ...filters, page: page.current, pageSize: page.pageSize }),
    [
      org.id,
      filters.q,
      filters.status,
      filters.ageBand,
      filters.mobile,
      filters.scope,
      page.current,
      page.pageSize,
      version,
    ],
  );
  const branch = holdsMembers(org);
  const today = chinaToday();
  const mayRegister = branch && org.status === 'active' && can('people.write');
  const filtered = Boolean(filters.q || filters.status || filters.ageBand || filters.mobile !== undefined);
  // Those about to turn 28 are chosen in the list and their leaving requested together.
  const batchAgeOut = filters.ageBand === 'age_out_due' && can('people.write');
  const listKey = [filters.q, filters.status, filters.ageBand, filters.mobile, filters.scope, page.current].join('|');
  useEffect(() => setChosen([]), [listKey]);

  const columns: TableColumnsType<MemberItem> = [
    {
      title: t('member.col.name'),
      dataIndex: 'fullName',
      fixed: 'left',
      render: (name: string, row) => (
        <Link to={`/people/members/${row.id}`} data-testid={`member-open-${row.id}`}>
          {name}
        </Link>
      ),
    },
    { title: t('member.col.sex'), dataIndex: 'sex', render: (s: Sex) => t(`people.sex.${s}`) },
    {
      title: t('member.col.age'),
      dataIndex: 'age',
      align: 'right',
      render: (age: number, row) =>
        row.ageOutDue ? (
          <Space size={4} wrap={false}>
            <span className="tj-people-age-due">{age}</span>
            <Tag
              color={row.ageOutOn <= today ? 'red' : 'orange'}
              icon={<WarningOutlined />}
              style={{ marginInlineEnd: 0 }}
            >
              {t(row.ageOutOn <= today ? 'people.agedOutTag' : 'people.ageOutTag')}
            </Tag>
          </Space>
        ) : (
          age
        ),
    },
    {
      title: t('member.col.idNumber'),
      dataIndex: 'idMasked',
      responsive: ['sm'],
      render: (v: string) => <span className="tj-mono">{v}</span>,
    },
    {
      title: t('member.col.memberNo'),
      dataIndex: 'memberNo',
      responsive: ['lg'],
      render: (v: string | null) => (v ? <span className="tj-mono">{v}</span> : t('common.none')),
    },
    { title: t('member.col.joinedOn'), dataIndex: 'joinedOn', responsive: ['md'] },
    ...(branch && filters.scope === 'subtree'
      ? []
      : [{ title: t('member.col.branch'), dataIndex: 'orgName', responsive: ['md' as const] }]),
    {
      title: t('member.col.status'),
      dataIndex: 'membershipStatus',
      render: (s: MembershipStatus, row) => (
        <Space size={0} wrap={false}>
          <MembershipStatusTag status={s} />
          {row.isMobile && <Tag color="purple">{t('people.mobileTag')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('member.col.political'),
      dataIndex: 'politicalStatus',
      responsive: ['xxl'],
      render: (p: PoliticalStatus) => t(`people.political.${p}`),
    },
    {
      title: t('member.col.phone'),
      dataIndex: 'phoneMasked',
      responsive: ['md'],
      render: (v: string | null) => (v ? <span className="tj-mono">{v}</span> : t('common.none')),
    },
  ];

  const pickStat = (pick: StatFilter) => setFilters({ status: pick.status, ageBand: pick.ageBand });
  const emptyText = filtered ? t('member.emptyFiltered') : branch ? t('member.emptyBranch') : t('member.empty');

  return (
    <>
      <MemberStatsCards
        orgId={org.id}
        version={version}
        active={{ status: filters.status, ageBand: filters.ageBand === 'age_out_due' ? 'age_out_due' : undefined }}
        onPick={pickStat}
      />
      <Card variant="borderless">
        <div className="tj-toolbar">
          <Space wrap size={8}>
            {!branch && (
              <Segmented<'subtree' | 'own'>
                value={filters.scope}
                onChange={(scope) => setFilters({ scope })}
                options={[
                  { value: 'subtree', label: t('people.scope.subtree') },
                  { value: 'own', label: t('people.scope.own') },
                ]}
              />
            )}
            <Input.Search
              allowClear
              className="tj-people-toolbar-search"
              placeholder={t('member.search')}
              style={{ width: 280 }}
              value={qText}
              onChange={(e) => setQText(e.target.value)}
              onSearch={(v) => setFilters({ q: v.trim() || undefined })}
              data-testid="members-search"
            />
            <Select<MembershipStatus | undefined>
              allowClear
              placeholder={t('member.filter.status')}
              style={{ width: 140 }}
              value={filters.status}
              onChange={(status) => setFilters({ status })}
              options={membershipStatuses.map((s) => ({ value: s, label: t(`people.status.${s}`) }))}
              data-testid="members-status"
            />
            <Select<AgeBand | undefined>
              allowClear
              placeholder={t('member.filter.ageBand')}
              style={{ width: 160 }}
              value={filters.ageBand}
              onChange={(ageBand) => setFilters({ ageBand })}
              options={ageBands.map((b) => ({
                value: b,
                label:
                  b === 'age_out_due' ? (
                    <span className="tj-people-age-due">
                      <WarningOutlined /> {t('member.stats.ageOutDue')}
                    </span>
                  ) : (
                    t(`people.ageBand.${b}`)
                  ),
              }))}
              data-testid="members-age"
            />
            <Select<'true' | 'false' | undefined>
              allowClear
              placeholder={t('member.filter.mobile')}
              style={{ width: 130 }}
              value={filters.mobile === undefined ? undefined : filters.mobile ? 'true' : 'false'}
              onChange={(v) => setFilters({ mobile: v === undefined ? undefined : v === 'true' })}
              options={[
                { value: 'true', label: t('member.filter.mobileOnly') },
                { value: 'false', label: t('member.filter.notMobile') },
              ]}
            />
            {filtered && (
              <Button
                type="link"
                icon={<ClearOutlined />}
                onClick={() => {
                  setQText('');
                  setFilters({ q: undefined, status: undefined, ageBand: undefined, mobile: undefined });
                }}
              >
                {t('member.filter.reset')}
              </Button>
            )}
          </Space>
          <Space wrap size={8}>
            <MemberListActions
              org={org}
              scope={filters.scope}
              status={filters.status}
              onImported={() => setVersion((v) => v + 1)}
            />
            {batchAgeOut && (
              <Button disabled={chosen.length === 0} onClick={() => setAgeOutBatch(true)} data-testid="age-out-batch">
                {t('member.ageOutBatch.button', { n: chosen.length })}
              </Button>
            )}
            {mayRegister && (
              <Button icon={<ImportOutlined />} onClick={() => setTransferIn(true)} data-testid="transfer-in">
                {t('member.transferIn.button')}
              </Button>
            )}
            {mayRegister && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCreating(true)}
                data-testid="create-member"
              >
                {t('member.create')}
              </Button>
            )}
          </Space>
        </div>
        {!branch && can('people.write') && !filtered && data?.total === 0 && (
          <Alert type="info" showIcon title={t('people.branchOnlyHint')} style={{ marginBottom: 16 }} />
        )}
        <PagedTable<MemberItem>
          data-testid="members-table"
          columns={columns}
          data={data}
          loading={loading}
          paging={paging}
          emptyText={emptyText}
          size="middle"
          rowSelection={
            batchAgeOut
              ? {
                  selectedRowKeys: chosen.map((m) => m.id),
                  onChange: (_keys, rows) => setChosen(rows),
                  // The request is made once the member has turned 28; until then the row shows the date.
                  getCheckboxProps: (row) => ({ disabled: row.membershipStatus !== 'normal' || row.ageOutOn > today }),
                }
              : undefined
          }
        />
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
          {t('member.maskedHint')}
        </Typography.Paragraph>
      </Card>
      {ageOutBatch && (
        <AgeOutBatchModal
          members={chosen}
          onClose={() => setAgeOutBatch(false)}
          onDone={() => {
            setAgeOutBatch(false);
            setChosen([]);
            setVersion((v) => v + 1);
          }}
        />
      )}
      {transferIn && (
        <TransferInModal branch={org} onClose={() => setTransferIn(false)} onDone={() => setTransferIn(false)} />
      )}
      {creating && (
        <MemberFormModal
          branch={org}
          onClose={() => setCreating(false)}
          onDone={() => {
            setCreating(false);
            setVersion((v) => v + 1);
          }}
        />
      )}
    </>
  );
}
