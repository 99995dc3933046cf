import { Alert, App, DatePicker, Form, Input, InputNumber, Modal, Radio, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import type { CampaignDetail, CampaignItem, CampaignTemplate } from '../../../../common/campaigns.js';
import { errorMessage } from '../../app/api.js';
import { applyServerErrors } from '../../app/formErrors.js';
import { useT } from '../../app/i18n.js';
import { OrgPicker } from '../orgs/OrgPicker.js';
import { campaignApi } from './api.js';

type Values = {
  rootOrgId: number | null;
  name: string;
  period: [Dayjs, Dayjs];
  reminderDays: number;
  template: CampaignTemplate;
  status: CampaignItem['status'];
};

type Props = {
  /** null starts a new campaign; a campaign edits its name, dates, reminder and status. */
  campaign: CampaignItem | null;
  defaultOrg: { id: number; name: string } | null;
  onClose: () => void;
  onDone: (campaign: CampaignDetail) => void;
};

/** 发起工作任务 / 修改工作任务. Mounted only while open. */
export function CampaignFormModal({ campaign, defaultOrg, onClose, onDone }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const year = dayjs().year();

  const initialValues: Partial<Values> = campaign
    ? {
        name: campaign.name,
        period: [dayjs(campaign.startsOn), dayjs(campaign.endsOn)],
        reminderDays: campaign.reminderDays,
        status: campaign.status,
      }
    : {
        rootOrgId: defaultOrg?.id ?? null,
        name: t('campaigns.form.defaultName', { year }),
        // The seed's timetable: survey from July, groups by the end of October, inspection in November.
        period: [dayjs(`${year}-07-01`), dayjs(`${year}-11-30`)],
        reminderDays: 7,
        template: 'rural_wechat',
      };

  const submit = async (values: Values) => {
    setSaving(true);
    setError(null);
    const [from, to] = values.period;
    try {
      const saved = campaign
        ? await campaignApi.update(
            campaign.id,
            {
              name: values.name.trim(),
              startsOn: from.format('YYYY-MM-DD'),
              endsOn: to.format('YYYY-MM-DD'),
              reminderDays: values.reminderDays,
              status: values.status,
            },
            { quiet: true },
          )
        : await campaignApi.create(
            {
              rootOrgId: values.rootOrgId ?? 0,
              name: values.name.trim(),
              startsOn: from.format('YYYY-MM-DD'),
              endsOn: to.format('YYYY-MM-DD'),
              reminderDays: values.reminderDays,
              template: values.template,
            },
            { quiet: true },
          );
      void message.success(campaign ? t('campaigns.updated') : t('campaigns.created', { name: saved.name }));
      onDone(saved);
    } catch (err) {
      if (!applyServerErrors(form, err, ['rootOrgId', 'name', 'reminderDays'])) setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={campaign ? t('campaigns.editTitle') : t('campaigns.create')}
      okText={campaign ? t('common.save') : t('campaigns.form.submit')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={560}
      okButtonProps={{ 'data-testid': 'campaign-submit' }}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<Values> form={form} layout="vertical" initialValues={initialValues} onFinish={(v) => void submit(v)}>
        {!campaign && (
          <Form.Item
            name="rootOrgId"
            label={t('campaigns.form.rootOrg')}
            extra={t('campaigns.form.rootOrgHelp')}
            rules={[{ required: true, message: t('campaigns.form.rootOrgRequired') }]}
          >
            <OrgPicker initialName={defaultOrg?.name} allowClear={false} style={{ width: '100%' }} />
          </Form.Item>
        )}
        <Form.Item
          name="name"
          label={t('campaigns.form.name')}
          rules={[{ required: true, whitespace: true, min: 2, message: t('campaigns.form.nameRequired') }]}
        >
          <Input maxLength={100} data-testid="campaign-name" />
        </Form.Item>
        <Form.Item
          name="period"
          label={t('campaigns.form.period')}
          rules={[{ required: true, message: t('campaigns.form.periodRequired') }]}
        >
          <DatePicker.RangePicker style={{ width: '100%' }} allowClear={false} />
        </Form.Item>
        <Form.Item
          name="reminderDays"
          label={t('campaigns.form.reminderDays')}
          extra={t('campaigns.form.reminderHelp')}
        >
          <InputNumber min={0} max={60} precision={0} suffix={t('campaigns.form.days')} style={{ width: 160 }} />
        </Form.Item>
        {campaign ? (
          <Form.Item name="status" label={t('campaigns.form.status')}>
            <Select
              style={{ width: 160 }}
              options={(['active', 'closed'] as const).map((s) => ({ value: s, label: t(`campaignStatus.${s}`) }))}
            />
          </Form.Item>
        ) : (
          <Form.Item name="template" label={t('campaigns.form.template')} extra={<TemplateHelp form={form} />}>
            <Radio.Group
              data-testid="campaign-template"
              options={(['rural_wechat', 'empty'] as const).map((v) => ({
                value: v,
                label: t(`campaignTemplate.${v}`),
              }))}
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

function TemplateHelp({ form }: { form: ReturnType<typeof Form.useForm<Values>>[0] }) {
  const t = useT();
  const template = Form.useWatch('template', form);
  return <>{template === 'empty' ? t('campaigns.form.emptyHelp') : t('campaigns.form.templateHelp')}</>;
}
