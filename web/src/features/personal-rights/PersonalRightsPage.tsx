import { DeleteOutlined, DownloadOutlined, SearchOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  Result,
  Segmented,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import type {
  CopyFormat,
  PersonErasureResult,
  PersonQuery,
  PersonRecord,
  PersonSummary,
} from '../../../../common/personal-rights.js';
import { ApiError, errorMessage } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import { PageHeader } from '../../app/PageHeader.js';
import { rightsApi } from './api.js';
import { EraseModal } from './EraseModal.js';

type Mode = 'idNumber' | 'phone';
type FindForm = { idNumber?: string; phone?: string; fullName?: string };

const kindColors: Record<PersonRecord['kind'], string> = {
  member: 'red',
  applicant: 'orange',
  cadre: 'blue',
  contact: 'green',
};

/**
 * 个人信息权利请求: an org admin finds a person by ID number (or phone and name), hands them their copy, or erases
 * everything held about them. The person is named in request bodies only; the page shows masks only.
 */
export function PersonalRightsPage() {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<FindForm>();
  const [mode, setMode] = useState<Mode>('idNumber');
  const [who, setWho] = useState<PersonQuery | null>(null);
  const [summary, setSummary] = useState<PersonSummary | null>(null);
  const [notFound, setNotFound] = useState(false);
  const [searching, setSearching] = useState(false);
  const [downloading, setDownloading] = useState<CopyFormat | null>(null);
  const [erasing, setErasing] = useState(false);
  const [erased, setErased] = useState<{ name: string; result: PersonErasureResult } | null>(null);

  const reset = () => {
    form.resetFields();
    setWho(null);
    setSummary(null);
    setNotFound(false);
    setErased(null);
  };

  const search = async (values: FindForm) => {
    const query: PersonQuery =
      mode === 'idNumber'
        ? { idNumber: values.idNumber!.trim() }
        : { phone: values.phone!.trim(), fullName: values.fullName!.trim() };
    setSearching(true);
    setErased(null);
    try {
      setSummary(await rightsApi.lookup(query));
      setWho(query);
      setNotFound(false);
    } catch (error) {
      setSummary(null);
      setWho(null);
      if (error instanceof ApiError && error.code === 'not_found') setNotFound(true);
      else void message.error(errorMessage(error));
    } finally {
      setSearching(false);
    }
  };

  const copy = async (format: CopyFormat) => {
    if (!who) return;
    setDownloading(format);
    try {
      await rightsApi.copy(who, format);
      void message.success(t('rights.copied'));
    } catch {
      // The API client has shown the server's message.
    } finally {
      setDownloading(null);
    }
  };

  const columns: TableColumnsType<PersonRecord> = [
    {
      title: t('rights.kind'),
      dataIndex: 'kind',
      width: 120,
      render: (kind: PersonRecord['kind']) => <Tag color={kindColors[kind]}>{t(`rights.kind.${kind}`)}</Tag>,
    },
    { title: t('rights.fullName'), dataIndex: 'fullName', width: 110 },
    { title: t('rights.org'), dataIndex: 'orgName' },
    { title: t('rights.idMasked'), dataIndex: 'idMasked', render: (v: string | null) => v ?? t('common.none') },
    { title: t('rights.phoneMasked'), dataIndex: 'phoneMasked', render: (v: string | null) => v ?? t('common.none') },
    { title: t('rights.status'), dataIndex: 'status' },
  ];

  return (
    <>
      <PageHeader title={t('rights.title')} subtitle={t('rights.subtitle')} titleTestId="rights-title" />
      <div className="tj-page-body">
        <Card title={t('rights.find')} variant="borderless">
          <Segmented<Mode>
            value={mode}
            onChange={(next) => {
              setMode(next);
              form.resetFields();
            }}
            options={[
              { value: 'idNumber', label: t('rights.by.idNumber') },
              { value: 'phone', label: t('rights.by.phone') },
            ]}
            style={{ marginBottom: 16 }}
          />
          <Form form={form} layout="inline" onFinish={(values) => void search(values)} autoComplete="off">
            {mode === 'idNumber' ? (
              <Form.Item
                name="idNumber"
                label={t('rights.idNumber')}
                rules={[{ required: true, whitespace: true, message: t('rights.idNumberRequired') }]}
              >
                <Input maxLength={40} style={{ width: 260 }} data-testid="rights-id-number" />
              </Form.Item>
            ) : (
              <>
                <Form.Item
                  name="phone"
                  label={t('rights.phone')}
                  rules={[{ required: true, whitespace: true, message: t('rights.phoneRequired') }]}
                >
                  <Input maxLength={30} style={{ width: 180 }} />
                </Form.Item>
                <Form.Item
                  name="fullName"
                  label={t('rights.fullName')}
                  rules={[{ required: true, whitespace: true, message: t('rights.fullNameRequired') }]}
                >
                  <Input maxLength={50} style={{ width: 140 }} />
                </Form.Item>
              </>
            )}
            <Form.Item>
              <Flex gap={8}>
                <Button type="primary" htmlType="submit" icon={<SearchOutlined />} loading={searching}>
                  {t('rights.search')}
                </Button>
                <Button onClick={reset}>{t('rights.clear')}</Button>
              </Flex>
            </Form.Item>
          </Form>
          {mode === 'phone' && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
              {t('rights.phoneHint')}
            </Typography.Paragraph>
          )}
          {notFound && <Empty style={{ marginTop: 24 }} description={t('rights.notFound')} />}
        </Card>

        {erased && (
          <Card variant="borderless">
            <Result
              status="success"
              title={t('rights.erased', { name: erased.name })}
              subTitle={t('rights.erasedDetail', {
                rows: Object.values(erased.result.removed).reduce((a, b) => a + b, 0),
                files: erased.result.files,
                jobs: erased.result.importJobs,
              })}
              extra={<Button onClick={reset}>{t('rights.newRequest')}</Button>}
            />
          </Card>
        )}

        {summary && who && (
          <>
            <Card title={t('rights.person')} variant="borderless">
              <Descriptions
                size="small"
                column={{ xs: 1, sm: 2 }}
                items={[
                  { key: 'name', label: t('rights.fullName'), children: summary.fullName },
                  { key: 'id', label: t('rights.idMasked'), children: summary.idMasked ?? t('common.none') },
                ]}
              />
              <Typography.Title level={5}>{t('rights.records')}</Typography.Title>
              <Table<PersonRecord>
                rowKey={(r) => `${r.kind}:${r.id}`}
                size="small"
                columns={columns}
                dataSource={summary.records}
                pagination={false}
                scroll={{ x: 720 }}
              />
              <Typography.Title level={5} style={{ marginTop: 16 }}>
                {t('rights.sections')}
              </Typography.Title>
              <Flex wrap gap={8} data-testid="rights-sections">
                {summary.sections.map((s) => (
                  <Tag key={s.key} color={s.rows > 0 ? 'processing' : 'default'}>
                    {s.title} · {s.rows > 0 ? t('rights.sectionRows', { n: s.rows }) : t('rights.sectionNone')}
                  </Tag>
                ))}
              </Flex>
            </Card>

            <Card title={t('rights.copy')} variant="borderless">
              <Typography.Paragraph type="secondary">{t('rights.copyHint')}</Typography.Paragraph>
              <Flex gap={8} wrap>
                {(['xlsx', 'csv', 'json'] as const).map((format) => (
                  <Button
                    key={format}
                    type={format === 'xlsx' ? 'primary' : 'default'}
                    icon={<DownloadOutlined />}
                    loading={downloading === format}
                    onClick={() => void copy(format)}
                  >
                    {t(`rights.copy.${format}`)}
                  </Button>
                ))}
              </Flex>
            </Card>

            <Card title={t('rights.erase')} variant="borderless">
              <Typography.Paragraph type="secondary">{t('rights.eraseHint')}</Typography.Paragraph>
              {summary.erasure.allowed ? (
                <Button danger icon={<DeleteOutlined />} onClick={() => setErasing(true)} data-testid="rights-erase">
                  {t('rights.eraseButton')}
                </Button>
              ) : (
                <Alert
                  type="warning"
                  showIcon
                  title={t('rights.eraseBlocked')}
                  description={
                    <ul style={{ margin: 0, paddingLeft: 20 }}>
                      {summary.erasure.blockers.map((b) => (
                        <li key={b}>{b}</li>
                      ))}
                    </ul>
                  }
                />
              )}
            </Card>
            {erasing && (
              <EraseModal
                who={who}
                name={summary.erasure.confirmation}
                onClose={() => setErasing(false)}
                onErased={(result) => {
                  setErasing(false);
                  setErased({ name: summary.fullName, result });
                  setSummary(null);
                  setWho(null);
                  form.resetFields();
                }}
              />
            )}
          </>
        )}
      </div>
    </>
  );
}
