import { SafetyCertificateOutlined, SearchOutlined, TeamOutlined } from '@ant-design/icons';
import {
  Alert,
  AutoComplete,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import type { AuditItem } from '../../../../common/audit.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { PageHeader } from '../../app/PageHeader.js';
import { auditApi, isKnownAction, knownActions, type AuditFilter, type AuditVerify } from './api.js';

type FilterForm = {
  range?: [Dayjs | null, Dayjs | null] | null;
  action?: string;
  actor?: string;
  result?: 'success' | 'failure';
};

/** The audit log, newest first, a page at a time by keyset (`before`), and a check of its hash chain. */
export function AuditPage() {
  const t = useT();
  const [form] = Form.useForm<FilterForm>();
  const [filter, setFilter] = useState<AuditFilter>({});
  const [items, setItems] = useState<AuditItem[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [verifying, setVerifying] = useState(false);
  const [verify, setVerify] = useState<AuditVerify | null>(null);
  const ticket = useRef(0);

  const load = useCallback(async (current: AuditFilter, before?: number) => {
    const mine = ++ticket.current;
    setLoading(true);
    try {
      const page = await auditApi.list(current, before);
      if (mine !== ticket.current) return;
      setItems((existing) => (before ? [...existing, ...page.items] : page.items));
      setNextBefore(page.nextBefore);
    } catch {
      // The API client has shown the server's message.
    } finally {
      if (mine === ticket.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(filter);
  }, [filter, load]);

  const apply = (values: FilterForm) => {
    const [from, to] = values.range ?? [];
    setFilter({
      from: from ? from.startOf('minute').toISOString() : undefined,
      to: to ? to.endOf('minute').toISOString() : undefined,
      action: values.action?.trim() || undefined,
      actor: values.actor?.trim() || undefined,
      result: values.result,
    });
  };

  const runVerify = async () => {
    setVerifying(true);
    try {
      setVerify(await auditApi.verify());
    } catch {
      setVerify(null);
    } finally {
      setVerifying(false);
    }
  };

  const columns: TableColumnsType<AuditItem> = [
    { title: t('audit.col.time'), dataIndex: 'at', width: 150, render: (value: string) => formatDateTime(value) },
    {
      title: t('audit.col.actor'),
      dataIndex: 'actorName',
      render: (value: string | null) => value ?? t('org.history.system'),
    },
    {
      title: t('audit.col.action'),
      dataIndex: 'action',
      render: (action: string) => (
        <div>
          <div>{isKnownAction(action) ? t(`auditAction.${action}`) : action}</div>
          <Typography.Text type="secondary" className="tj-mono" style={{ fontSize: 12 }}>
            {action}
          </Typography.Text>
        </div>
      ),
    },
    {
      title: t('audit.col.object'),
      key: 'object',
      responsive: ['md'],
      render: (_v, item) =>
        item.objectType ? (
          <span className="tj-mono">{`${item.objectType}#${item.objectId ?? ''}`}</span>
        ) : (
          t('common.none')
        ),
    },
    {
      title: t('audit.col.org'),
      dataIndex: 'orgId',
      responsive: ['lg'],
      render: (value: number | null) => value ?? t('common.none'),
    },
    {
      title: t('audit.col.result'),
      dataIndex: 'result',
      width: 90,
      render: (result: AuditItem['result']) => (
        <Tag color={result === 'success' ? 'success' : 'error'}>{t(`audit.result.${result}`)}</Tag>
      ),
    },
    {
      title: t('audit.col.ip'),
      dataIndex: 'ip',
      responsive: ['lg'],
      render: (value: string | null) => <span className="tj-mono">{value ?? t('common.none')}</span>,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('audit.title')}
        subtitle={t('audit.subtitle')}
        extra={
          <Space>
            <Link to="/audit/minors-report">
              <Button icon={<TeamOutlined />} data-testid="audit-minors-report">
                {t('minors.open')}
              </Button>
            </Link>
            <Button
              icon={<SafetyCertificateOutlined />}
              loading={verifying}
              onClick={() => void runVerify()}
              data-testid="audit-verify"
            >
              {t('audit.verify')}
            </Button>
          </Space>
        }
      />
      <div className="tj-page-body">
        {verify &&
          (verify.ok ? (
            <Alert
              type="success"
              showIcon
              closable={{ onClose: () => setVerify(null) }}
              title={t('audit.verifyOk', { n: verify.checked.toLocaleString('zh-CN') })}
              data-testid="audit-verify-result"
            />
          ) : (
            <Alert
              type="error"
              showIcon
              title={t('audit.verifyBroken', { id: verify.firstBrokenId ?? '?' })}
              description={t('audit.verifyBrokenHint', { n: verify.checked.toLocaleString('zh-CN') })}
              data-testid="audit-verify-result"
            />
          ))}
        <Card variant="borderless">
          <Form<FilterForm>
            form={form}
            layout="inline"
            className="tj-filter-form"
            onFinish={apply}
            style={{ rowGap: 12, marginBottom: 16 }}
          >
            <Form.Item name="range" label={t('audit.range')}>
              <DatePicker.RangePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                allowEmpty={[true, true]}
              />
            </Form.Item>
            <Form.Item name="action" label={t('audit.action')}>
              <AutoComplete
                style={{ width: 200 }}
                placeholder={t('audit.actionHint')}
                options={knownActions.map((action) => ({
                  value: action,
                  label: `${action} · ${t(`auditAction.${action}`)}`,
                }))}
                showSearch={{ filterOption: (input, option) => (option?.value ?? '').startsWith(input.trim()) }}
                popupMatchSelectWidth={300}
                allowClear
              />
            </Form.Item>
            <Form.Item name="actor" label={t('audit.actor')}>
              <Input allowClear placeholder={t('audit.actorHint')} style={{ width: 140 }} />
            </Form.Item>
            <Form.Item name="result" label={t('audit.result')}>
              <Select
                allowClear
                style={{ width: 110 }}
                options={[
                  { value: 'success', label: t('audit.result.success') },
                  { value: 'failure', label: t('audit.result.failure') },
                ]}
              />
            </Form.Item>
            <Form.Item>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                {t('audit.filter')}
              </Button>
            </Form.Item>
            <Form.Item>
              <Button
                onClick={() => {
                  form.resetFields();
                  setFilter({});
                }}
              >
                {t('common.reset')}
              </Button>
            </Form.Item>
          </Form>
          <Table<AuditItem>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={items}
            loading={loading && items.length === 0}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.empty')} /> }}
            expandable={{
              expandedRowRender: (item) =>
                item.details ? (
                  <pre className="tj-details-json">{JSON.stringify(item.details, null, 2)}</pre>
                ) : (
                  <Typography.Text type="secondary">{t('audit.noDetails')}</Typography.Text>
                ),
              rowExpandable: (item) => item.details !== null && Object.keys(item.details).length > 0,
            }}
          />
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            {nextBefore !== null ? (
              <Button
                loading={loading && items.length > 0}
                onClick={() => void load(filter, nextBefore)}
                data-testid="audit-more"
              >
                {t('common.loadMore')}
              </Button>
            ) : (
              items.length > 0 && <Typography.Text type="secondary">{t('audit.end')}</Typography.Text>
            )}
          </div>
        </Card>
      </div>
    </>
  );
}
