import { PlusOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Popover, Select, Space, Tag, Typography, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { recommendationMaxShare, recommendationMinMemberYears } from '../../../../common/people-rules.js';
import type { OrgDetail } from '../../../../common/orgs.js';
import type { RecommendationItem } from '../../../../common/reviews.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { useLoad } from '../../app/useLoad.js';
import { usePaging } from '../../app/usePaging.js';
import { recommendationApi } from './api.js';
import { RecommendModal } from './RecommendModal.js';
import { holdsMembers } from './usePeopleOrg.js';

type Filter = 'valid' | 'expired' | 'uncertified' | undefined;

/** 推优入党: the rounds of a branch (or every branch below), their validity and the upper committee's certification. */
export function Recommendations({ org }: { org: OrgDetail }) {
  const t = useT();
  const paging = usePaging();
  const { page } = paging;
  const branch = holdsMembers(org);
  const [filter, setFilter] = useState<Filter>(undefined);
  const [version, setVersion] = useState(0);
  const [recommending, setRecommending] = useState(false);
  const { data, loading } = useLoad(
    () =>
      recommendationApi.list({
        orgId: org.id,
        scope: branch ? 'own' : 'subtree',
        valid: filter === 'valid' ? true : filter === 'expired' ? false : undefined,
        certified: filter === 'uncertified' ? false : undefined,
        page: page.current,
        pageSize: page.pageSize,
      }),
    [org.id, filter, page.current, page.pageSize, version],
  );

  const columns: TableColumnsType<RecommendationItem> = [
    {
      title: t('member.col.name'),
      dataIndex: 'fullName',
      render: (name: string, row) => <Link to={`/people/members/${row.memberId}`}>{name}</Link>,
    },
    {
      title: t('member.col.idNumber'),
      dataIndex: 'idMasked',
      responsive: ['md'],
      render: (v: string) => <span className="tj-mono">{v}</span>,
    },
    ...(branch ? [] : [{ title: t('member.col.branch'), dataIndex: 'orgName', responsive: ['md' as const] }]),
    { title: t('recommend.col.on'), dataIndex: 'recommendedOn' },
    {
      title: t('recommend.col.validUntil'),
      dataIndex: 'validUntil',
      render: (until: string, row) => (
        <Space size={4}>
          {until}
          <Tag color={row.valid ? 'success' : 'default'}>{t(row.valid ? 'recommend.valid' : 'recommend.expired')}</Tag>
        </Space>
      ),
    },
    {
      title: t('recommend.col.certified'),
      key: 'certified',
      render: (_v, row) =>
        row.certifiedOn ? (
          <span>
            <SafetyCertificateOutlined style={{ color: '#389e0d' }} /> {row.certifiedOn}
            {row.certifiedBy && <span className="tj-secondary"> · {row.certifiedBy}</span>}
          </span>
        ) : row.abilities.certify ? (
          <CertifyButton item={row} onDone={() => setVersion((v) => v + 1)} />
        ) : (
          <Typography.Text type="warning">{t('recommend.awaitingCertify')}</Typography.Text>
        ),
    },
  ];

  const quota = data?.branch;
  return (
    <>
      {quota && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="recommend-quota"
          title={t('recommend.quota', {
            members: quota.normalMembers,
            share: Math.round(recommendationMaxShare * 100),
            quota: quota.quota,
          })}
          description={t('recommend.rules', { years: recommendationMinMemberYears })}
        />
      )}
      {!branch && <Alert type="info" showIcon title={t('recommend.branchOnly')} style={{ marginBottom: 16 }} />}
      <div className="tj-toolbar">
        <Select<Filter>
          allowClear
          placeholder={t('recommend.filter')}
          style={{ width: 150 }}
          value={filter}
          onChange={(value) => {
            setFilter(value);
            paging.toFirstPage();
          }}
          options={[
            { value: 'valid', label: t('recommend.valid') },
            { value: 'expired', label: t('recommend.expired') },
            { value: 'uncertified', label: t('recommend.awaitingCertify') },
          ]}
        />
        {data?.abilities.recommend && quota && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setRecommending(true)}
            data-testid="recommend-create"
          >
            {t('recommend.create')}
          </Button>
        )}
      </div>
      <PagedTable<RecommendationItem>
        data-testid="recommend-table"
        columns={columns}
        data={data}
        loading={loading}
        paging={paging}
        size="middle"
        emptyText={branch ? t('recommend.empty') : t('recommend.emptyAbove')}
      />
      {recommending && quota && (
        <RecommendModal
          org={org}
          quota={quota.quota}
          onClose={() => setRecommending(false)}
          onDone={() => {
            setRecommending(false);
            setVersion((v) => v + 1);
          }}
        />
      )}
    </>
  );
}

/** 认定: the upper committee confirms a recommendation, on a date. */
function CertifyButton({ item, onDone }: { item: RecommendationItem; onDone: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [on, setOn] = useState<Dayjs>(dayjs());
  const [saving, setSaving] = useState(false);
  const certify = async () => {
    setSaving(true);
    try {
      await recommendationApi.certify(item.id, on.format('YYYY-MM-DD'));
      void message.success(t('recommend.certified', { name: item.fullName }));
      setOpen(false);
      onDone();
    } catch {
      // The API client has shown the server's message.
    } finally {
      setSaving(false);
    }
  };
  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      title={t('recommend.certifyTitle', { name: item.fullName })}
      content={
        <Space>
          <DatePicker
            value={on}
            allowClear={false}
            onChange={(d) => d && setOn(d)}
            disabledDate={(d) => d.isAfter(dayjs(), 'day') || d.isBefore(dayjs(item.recommendedOn), 'day')}
          />
          <Button type="primary" loading={saving} onClick={() => void certify()}>
            {t('common.ok')}
          </Button>
        </Space>
      }
    >
      <Button size="small" type="link" icon={<SafetyCertificateOutlined />}>
        {t('recommend.certify')}
      </Button>
    </Popover>
  );
}
