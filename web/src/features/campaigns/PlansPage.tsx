import { CloudUploadOutlined, SaveOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Empty,
  Input,
  InputNumber,
  Progress,
  Result,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { useT } from '../../app/i18n.js';
import { NotFound } from '../../app/NotFound.js';
import { PageHeader } from '../../app/PageHeader.js';
import { useCurrentSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { ImportDialog } from '../imports/ImportDialog.js';
import { orgApi } from '../orgs/api.js';
import { OrgPicker } from '../orgs/OrgPicker.js';
import { campaignApi, type PlanResponse } from './api.js';
import { startingOrg } from './campaignOrg.js';
import { formatShare, shareColor } from './format.js';

type PlanRow = PlanResponse['items'][number];

/** `/campaigns/:id/plans?orgId=`: the plan table a county files for its townships (计划建群数), beside what exists. */
export function PlansPage() {
  const t = useT();
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const { user } = useCurrentSession();
  const [search, setSearch] = useSearchParams();
  const orgParam = Number(search.get('orgId')) || null;
  const campaign = useLoad(() => (valid ? campaignApi.detail(id) : Promise.resolve(undefined)), [id]);
  const org = useLoad(async () => {
    const id = orgParam ?? (campaign.data ? await startingOrg(campaign.data, user) : undefined);
    // The picker shows the org's name before any search.
    return id === undefined ? undefined : { id, name: (await orgApi.detail(id)).name };
  }, [orgParam, campaign.data, user]);
  const orgId = org.data?.id;

  if (!valid) return <NotFound />;
  if (campaign.error) return <Result status="404" title={t('campaign.notFound')} subTitle={campaign.error.message} />;
  if (!campaign.data || orgId === undefined) {
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
          { title: t('nav.campaigns'), to: '/campaigns' },
          { title: campaign.data.name, to: `/campaigns/${id}` },
          { title: t('plans.title') },
        ]}
        title={t('plans.title')}
        subtitle={t('plans.subtitle')}
        extra={
          <OrgPicker
            key={orgId}
            value={orgId}
            initialName={org.data?.name}
            allowClear={false}
            style={{ width: 300 }}
            placeholder={t('plans.pickOrg')}
            onChange={(value) => value && setSearch({ orgId: String(value) }, { replace: true })}
          />
        }
      />
      <div className="tj-page-body">
        <PlanTable key={orgId} campaignId={id} orgId={orgId} />
      </div>
    </>
  );
}

function PlanTable({ campaignId, orgId }: { campaignId: number; orgId: number }) {
  const t = useT();
  const { message } = App.useApp();
  const { data, loading, reload } = useLoad(() => campaignApi.plans(campaignId, orgId), [campaignId, orgId]);
  const [edits, setEdits] = useState<Map<number, number | null>>(new Map());
  const [saving, setSaving] = useState(false);
  const [importing, setImporting] = useState(false);
  const [q, setQ] = useState('');

  const rows = useMemo(
    () =>
      (data?.items ?? []).map((row) =>
        edits.has(row.orgId) ? { ...row, planned: edits.get(row.orgId) ?? null } : row,
      ),
    [data, edits],
  );
  const totals = useMemo(
    () =>
      rows.reduce((sum, r) => ({ planned: sum.planned + (r.planned ?? 0), actual: sum.actual + r.actual }), {
        planned: 0,
        actual: 0,
      }),
    [rows],
  );
  const canEdit = data?.canEdit ?? false;

  const save = async () => {
    const changed = rows.filter((r) => edits.has(r.orgId) && r.planned !== null);
    if (changed.length === 0) {
      void message.info(t('plans.nothingToSave'));
      return;
    }
    setSaving(true);
    try {
      const result = await campaignApi.savePlans(
        campaignId,
        changed.map((r) => ({ orgId: r.orgId, planned: r.planned ?? 0 })),
      );
      void message.success(t('plans.saved', { n: result.saved }));
      setEdits(new Map());
      reload();
    } catch {
      // The API client has shown the server's message.
    } finally {
      setSaving(false);
    }
  };

  const columns: TableColumnsType<PlanRow> = [
    { title: '#', key: 'n', width: 56, render: (_v, _r, index) => index + 1 },
    { title: t('plans.col.org'), dataIndex: 'orgName' },
    {
      title: t('plans.col.statCode'),
      dataIndex: 'statCode',
      render: (v: string | null) => <span className="tj-mono">{v ?? t('common.none')}</span>,
    },
    {
      title: t('plans.col.planned'),
      key: 'planned',
      width: 150,
      render: (_v, row) =>
        canEdit ? (
          <InputNumber<number>
            min={0}
            max={10000}
            precision={0}
            value={row.planned}
            placeholder={t('plans.notFiled')}
            data-testid={`plan-input-${row.orgId}`}
            status={edits.has(row.orgId) ? 'warning' : undefined}
            onChange={(value) => setEdits((current) => new Map(current).set(row.orgId, value))}
            style={{ width: 120 }}
          />
        ) : (
          (row.planned ?? <Typography.Text type="secondary">{t('plans.notFiled')}</Typography.Text>)
        ),
    },
    { title: t('plans.col.actual'), dataIndex: 'actual', width: 90, align: 'right' },
    {
      title: t('plans.col.completion'),
      key: 'completion',
      width: 200,
      render: (_v, row) => {
        if (!row.planned) return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
        const share = row.actual / row.planned;
        return (
          <Space size={8}>
            <Progress
              percent={Math.min(100, Math.round(share * 100))}
              size="small"
              showInfo={false}
              strokeColor={shareColor(Math.min(1, share / 0.9))}
              style={{ width: 90, margin: 0 }}
            />
            <span>{formatShare(share)}</span>
          </Space>
        );
      },
    },
  ];

  return (
    <Card
      variant="borderless"
      title={
        <Space>
          <span>{t('plans.tableTitle')}</span>
          {data?.channelKind && <Tag>{t(`channelKind.${data.channelKind}`)}</Tag>}
          {rows.length > 20 && (
            <Input.Search
              allowClear
              size="small"
              placeholder={t('plans.search')}
              style={{ width: 180 }}
              onChange={(event) => setQ(event.target.value.trim())}
            />
          )}
        </Space>
      }
      extra={
        canEdit && (
          <Space>
            <Button icon={<CloudUploadOutlined />} onClick={() => setImporting(true)} data-testid="plans-import">
              {t('import.fromExcel')}
            </Button>
            <Button
              type="primary"
              icon={<SaveOutlined />}
              loading={saving}
              disabled={edits.size === 0}
              onClick={() => void save()}
              data-testid="save-plans"
            >
              {t('plans.save')}
            </Button>
          </Space>
        )
      }
    >
      <Table<PlanRow>
        data-testid="plans-table"
        rowKey="orgId"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={q ? rows.filter((r) => r.orgName.includes(q) || (r.statCode ?? '').startsWith(q)) : rows}
        // A county has a few dozen townships; a province filing for all of them gets pages.
        pagination={rows.length > 100 ? { pageSize: 50, showSizeChanger: false, size: 'small' } : false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('plans.empty')} /> }}
        summary={() =>
          rows.length > 0 && (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={2}>
                <strong>{t('plans.total')}</strong>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={2} />
              <Table.Summary.Cell index={3}>
                <strong data-testid="plans-total-planned">{totals.planned}</strong>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={4} align="right">
                <strong>{totals.actual}</strong>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={5}>
                {totals.planned > 0 ? formatShare(totals.actual / totals.planned) : t('common.none')}
              </Table.Summary.Cell>
            </Table.Summary.Row>
          )
        }
      />
      {importing && (
        <ImportDialog
          kind="plans"
          orgId={orgId}
          campaignId={campaignId}
          onClose={() => setImporting(false)}
          onImported={() => {
            setEdits(new Map());
            reload();
          }}
        />
      )}
    </Card>
  );
}
