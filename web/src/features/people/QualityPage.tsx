import {
  ApartmentOutlined,
  CopyOutlined,
  DisconnectOutlined,
  ExceptionOutlined,
  UserSwitchOutlined,
} from '@ant-design/icons';
import { Alert, Card, Col, Empty, Row, Statistic, Typography, type TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { dataQualityChecks, type DataQualityCheck, type DataQualityRow } from '../../../../common/data-quality.js';
import type { OrgDetail } from '../../../../common/orgs.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { Pending } from '../../app/Pending.js';
import { useLoad } from '../../app/useLoad.js';
import { qualityApi } from './api.js';
import { PeopleFrame } from './PeopleFrame.js';
import { useUrlPaging } from './useUrlPaging.js';

const icons: Record<DataQualityCheck, ReactNode> = {
  small_branches: <ApartmentOutlined />,
  unreachable_members: <DisconnectOutlined />,
  cadres_below_target: <UserSwitchOutlined />,
  invalid_records: <ExceptionOutlined />,
  pending_duplicates: <CopyOutlined />,
};

/** `/people/quality?org=&check=`: what makes the ledger hollow, counted for the subtree, each with its list. */
export function QualityPage() {
  const t = useT();
  return (
    <PeopleFrame section="quality" subtitle={t('quality.subtitle')}>
      {(org) => <Quality org={org} />}
    </PeopleFrame>
  );
}

function Quality({ org }: { org: OrgDetail }) {
  const t = useT();
  const [search, setSearch] = useSearchParams();
  const { data, error, reload } = useLoad(() => qualityApi.figures(org.id), [org.id]);
  const checkParam = dataQualityChecks.find((c) => c === search.get('check'));
  const pick = (check: DataQualityCheck) =>
    setSearch(
      (prev) => {
        const next = new URLSearchParams(prev);
        next.set('check', check);
        next.delete('page');
        return next;
      },
      { replace: true },
    );
  if (!data || data.orgId !== org.id) return <Pending error={error} reload={reload} />;
  const figures = new Map(data.figures.map((f) => [f.check, f]));
  // Without a choice, the first figure that has something to fix.
  const check = checkParam ?? data.figures.find((f) => f.count > 0)?.check ?? null;

  return (
    <>
      <Row gutter={[12, 12]} className="tj-people-stats" data-testid="quality-figures">
        {dataQualityChecks.map((key) => {
          const figure = figures.get(key);
          const count = figure?.count ?? 0;
          return (
            <Col xs={12} md={8} xl={{ flex: '20%' }} key={key}>
              <Card
                variant="borderless"
                className={`tj-people-stat-clickable ${check === key ? 'tj-people-stat-active' : ''}`}
                onClick={() => pick(key)}
                data-testid={`quality-${key}`}
                style={{ height: '100%' }}
              >
                <Statistic
                  title={t(`quality.check.${key}`)}
                  value={count}
                  groupSeparator=","
                  prefix={<span style={{ marginRight: 4 }}>{icons[key]}</span>}
                  styles={{ content: { color: count > 0 ? '#d46b08' : '#389e0d' } }}
                />
              </Card>
            </Col>
          );
        })}
      </Row>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('quality.asOf', { date: data.asOf })}
      </Typography.Text>
      {check === null ? (
        <Card variant="borderless">
          <Empty description={t('quality.allClear')} />
        </Card>
      ) : (
        <QualityList key={check} org={org} check={check} />
      )}
    </>
  );
}

function subjectLink(row: DataQualityRow): string {
  switch (row.subject) {
    case 'member':
      return `/people/members/${row.id}`;
    case 'org':
      return `/people?org=${row.id}`;
    case 'cadre':
      return `/people/cadres/${row.id}`;
    case 'duplicate':
      return '/approvals?tab=duplicates';
  }
}

function QualityList({ org, check }: { org: OrgDetail; check: DataQualityCheck }) {
  const t = useT();
  const paging = useUrlPaging();
  const { page } = paging;
  const { data, loading } = useLoad(
    () => qualityApi.list(org.id, check, { page: page.current, pageSize: page.pageSize }),
    [org.id, check, page.current, page.pageSize],
  );
  const people = check !== 'small_branches';
  const columns: TableColumnsType<DataQualityRow> = [
    {
      title: t(`quality.col.name.${check}`),
      dataIndex: 'name',
      render: (name: string, row) => <Link to={subjectLink(row)}>{name}</Link>,
    },
    // A small branch is its own org: the column would repeat the name.
    ...(people ? [{ title: t('quality.col.org'), dataIndex: 'orgName', responsive: ['md' as const] }] : []),
    ...(check === 'cadres_below_target' || check === 'small_branches'
      ? []
      : [
          {
            title: t('member.col.idNumber'),
            dataIndex: 'idMasked',
            responsive: ['lg' as const],
            render: (v: string | null) => (v ? <span className="tj-mono">{v}</span> : t('common.none')),
          },
        ]),
    ...(people
      ? [
          {
            title: t('member.col.phone'),
            dataIndex: 'phoneMasked',
            responsive: ['lg' as const],
            render: (v: string | null) => (v ? <span className="tj-mono">{v}</span> : t('common.none')),
          },
        ]
      : []),
    {
      title: t('quality.col.reason'),
      dataIndex: 'reason',
      render: (reason: string) => <Typography.Text>{reason}</Typography.Text>,
    },
  ];
  return (
    <Card
      variant="borderless"
      title={
        <span>
          {icons[check]} {t(`quality.check.${check}`)}
        </span>
      }
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t(`quality.hint.${check}`)} />
      <PagedTable<DataQualityRow & { key?: string }>
        data-testid="quality-table"
        rowKey={(row) => `${row.subject}-${row.id}`}
        columns={columns}
        data={data}
        loading={loading}
        paging={paging}
        emptyText={t('quality.empty')}
        size="middle"
      />
    </Card>
  );
}
