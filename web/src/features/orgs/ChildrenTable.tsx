import { Empty, Flex, Switch, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { OrgListItem } from '../../../../common/orgs.js';
import { formatCount } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { useLoad } from '../../app/useLoad.js';
import { usePaging } from '../../app/usePaging.js';
import { orgApi } from './api.js';
import { StatusTag } from './OrgTags.js';

type Props = {
  orgId: number;
  /** Bumped by the page after a change below this org, to reload the list. */
  version: number;
};

/** The direct children of an org, a page at a time (a township may have a hundred villages). Keyed by org id in
 * the page, so that moving to another org starts again at page one. */
export function ChildrenTable({ orgId, version }: Props) {
  const t = useT();
  const [includeDissolved, setIncludeDissolved] = useState(false);
  const paging = usePaging();
  const { page } = paging;

  const { data, loading } = useLoad(
    () =>
      orgApi.children(orgId, {
        includeDissolved,
        offset: (page.current - 1) * page.pageSize,
        limit: page.pageSize,
      }),
    [orgId, includeDissolved, page.current, page.pageSize, version],
  );

  const columns: TableColumnsType<OrgListItem> = [
    {
      title: t('org.field.name'),
      dataIndex: 'name',
      render: (_value, org) => (
        <Link to={`/orgs/${org.id}`} style={org.status === 'dissolved' ? { color: 'rgba(0,0,0,.45)' } : undefined}>
          {org.name}
        </Link>
      ),
    },
    { title: t('org.field.type'), dataIndex: 'type', width: 110, render: (_v, org) => t(`orgType.${org.type}`) },
    {
      title: t('org.field.level'),
      dataIndex: 'level',
      width: 120,
      render: (_v, org) => t(`orgLevel.${org.level}`),
      responsive: ['md'],
    },
    {
      title: t('org.field.regionCode'),
      dataIndex: 'regionCode',
      width: 120,
      responsive: ['lg'],
      render: (value: string | null) => <span className="tj-mono">{value ?? t('common.none')}</span>,
    },
    {
      title: t('org.field.statCode'),
      dataIndex: 'statCode',
      width: 150,
      responsive: ['xl'],
      render: (value: string | null) => <span className="tj-mono">{value ?? t('common.none')}</span>,
    },
    {
      title: t('org.field.children'),
      key: 'children',
      width: 90,
      align: 'right',
      render: (_v, org) => formatCount(org.counts.children),
    },
    {
      title: t('org.field.members'),
      key: 'members',
      width: 90,
      align: 'right',
      responsive: ['sm'],
      render: (_v, org) => formatCount(org.counts.members),
    },
    {
      title: t('org.field.status'),
      dataIndex: 'status',
      width: 90,
      render: (_v, org) => <StatusTag status={org.status} />,
    },
  ];

  return (
    <>
      <Flex justify="flex-end" align="center" gap={8} style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{t('org.children.showDissolved')}</Typography.Text>
        <Switch
          size="small"
          checked={includeDissolved}
          onChange={(checked) => {
            setIncludeDissolved(checked);
            paging.toFirstPage();
          }}
          data-testid="show-dissolved"
        />
      </Flex>
      <Table<OrgListItem>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={data?.items ?? []}
        loading={loading}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('org.children.empty')} /> }}
        pagination={{ ...paging.pagination(data?.total ?? 0), hideOnSinglePage: false }}
        scroll={{ x: 'max-content' }}
      />
    </>
  );
}
