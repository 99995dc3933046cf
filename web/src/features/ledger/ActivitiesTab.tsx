import { App, DatePicker, Form, Input, Select, Space, Tag, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { activityKinds, type ActivityItem, type ActivityKind } from '../../../../common/ledger.js';
import { FormModal } from '../../app/FormModal.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { useLoad } from '../../app/useLoad.js';
import { usePaging } from '../../app/usePaging.js';
import { activityApi, type LedgerScope } from './api.js';
import { LedgerCreateButton, ScopeSwitch } from './LedgerToolbar.js';
import { OrgField } from './OrgField.js';

/** Activities held (主题团日, 团课 …), recorded by hand: what "activities held" indicators count. */
export function ActivitiesTab({ orgId, orgName }: { orgId: number; orgName: string }) {
  const t = useT();
  const [scope, setScope] = useState<LedgerScope>('subtree');
  const [range, setRange] = useState<[string, string] | null>(null);
  const paging = usePaging();
  const { page } = paging;
  const [creating, setCreating] = useState(false);
  const { data, loading, reload } = useLoad(
    () =>
      activityApi.list(orgId, {
        includeSubtree: scope === 'subtree',
        from: range?.[0],
        to: range?.[1],
        page: page.current,
        pageSize: page.pageSize,
      }),
    [orgId, scope, range, page.current, page.pageSize],
  );

  const columns: TableColumnsType<ActivityItem> = [
    { title: t('activity.col.heldOn'), dataIndex: 'heldOn', width: 120 },
    { title: t('activity.col.title'), dataIndex: 'title' },
    {
      title: t('activity.col.kind'),
      dataIndex: 'kind',
      render: (k: ActivityKind) => <Tag>{t(`activityKind.${k}`)}</Tag>,
    },
    { title: t('ledger.col.org'), dataIndex: 'orgName', responsive: ['md'] },
  ];

  return (
    <>
      <div className="tj-toolbar">
        <Space wrap size={8}>
          <ScopeSwitch
            value={scope}
            onChange={(value) => {
              setScope(value);
              paging.toFirstPage();
            }}
          />
          <DatePicker.RangePicker
            onChange={(dates) => {
              const [from, to] = dates ?? [];
              setRange(from && to ? [from.format('YYYY-MM-DD'), to.format('YYYY-MM-DD')] : null);
              paging.toFirstPage();
            }}
          />
        </Space>
        <LedgerCreateButton label={t('activity.create')} testId="create-activity" onClick={() => setCreating(true)} />
      </div>
      <PagedTable<ActivityItem>
        data-testid="activities-table"
        columns={columns}
        data={data}
        loading={loading}
        paging={paging}
        emptyText={t('activity.empty')}
      />
      {creating && (
        <ActivityFormModal
          defaultOrg={{ id: orgId, name: orgName }}
          onClose={() => setCreating(false)}
          onDone={() => {
            setCreating(false);
            reload();
          }}
        />
      )}
    </>
  );
}

type Values = { orgId: number; title: string; kind: ActivityKind; heldOn: Dayjs };

function ActivityFormModal({
  defaultOrg,
  onClose,
  onDone,
}: {
  defaultOrg: { id: number; name: string };
  onClose: () => void;
  onDone: () => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = async (values: Values) => {
    await activityApi.create(
      {
        orgId: values.orgId,
        title: values.title.trim(),
        kind: values.kind,
        heldOn: values.heldOn.format('YYYY-MM-DD'),
      },
      { quiet: true },
    );
    void message.success(t('activity.created'));
    onDone();
  };
  return (
    <FormModal<Values>
      form={form}
      title={t('activity.create')}
      width={520}
      submitTestId="activity-submit"
      initialValues={{ orgId: defaultOrg.id, kind: 'theme_day', heldOn: dayjs() }}
      fields={['orgId', 'title', 'kind', 'heldOn']}
      onSave={save}
      onCancel={onClose}
    >
      <OrgField initialName={defaultOrg.name} />
      <Form.Item
        name="title"
        label={t('activity.col.title')}
        rules={[{ required: true, whitespace: true, message: t('activity.titleRequired') }]}
      >
        <Input maxLength={100} data-testid="activity-title" />
      </Form.Item>
      <div className="tj-form-row">
        <Form.Item name="kind" label={t('activity.col.kind')} style={{ flex: 1 }}>
          <Select options={activityKinds.map((k) => ({ value: k, label: t(`activityKind.${k}`) }))} />
        </Form.Item>
        <Form.Item
          name="heldOn"
          label={t('activity.col.heldOn')}
          rules={[{ required: true, message: t('ledger.dateRequired') }]}
        >
          <DatePicker allowClear={false} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
        </Form.Item>
      </div>
    </FormModal>
  );
}
