import { App, DatePicker, Form, Input, InputNumber, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { CampaignDetail, IndicatorInput, IndicatorItem } from '../../../../common/campaigns.js';
import {
  channelKinds,
  metrics,
  orgLevels,
  orgTypes,
  type ChannelKind,
  type Metric,
  type OrgLevel,
  type OrgType,
} from '../../../../common/domain.js';
import { FormModal } from '../../app/FormModal.js';
import { useT } from '../../app/i18n.js';
import { campaignApi } from './api.js';
import { isShareMetric } from './format.js';

type Values = {
  name: string;
  metric: Metric;
  channelKind: ChannelKind | null;
  minContacts: number | null;
  windowStart: Dayjs | null;
  levels: OrgLevel[];
  types: OrgType[];
  /** A percentage for share metrics (90 for 0.9), a count otherwise. */
  threshold: number;
  deadline: Dayjs | null;
};

const needsKind = (metric: Metric | undefined) =>
  metric === 'channel_count' || metric === 'plan_completion' || metric === 'posts_per_channel';
const needsWindow = (metric: Metric | undefined) => metric === 'posts_per_channel' || metric === 'activities_held';

type Props = {
  campaignId: number;
  /** null adds an indicator. */
  indicator: IndicatorItem | null;
  onClose: () => void;
  onDone: (campaign: CampaignDetail) => void;
};

/** Adds or edits one indicator; share thresholds are typed as percentages and sent as shares. */
export function IndicatorFormModal({ campaignId, indicator, onClose, onDone }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const metric = Form.useWatch('metric', form);
  const share = metric ? isShareMetric(metric) : false;

  const initialValues: Partial<Values> = indicator
    ? {
        name: indicator.name,
        metric: indicator.metric,
        channelKind: indicator.channelKind,
        minContacts: indicator.minContacts,
        windowStart: indicator.windowStart ? dayjs(indicator.windowStart) : null,
        levels: indicator.levels,
        types: indicator.types,
        threshold: isShareMetric(indicator.metric) ? Math.round(indicator.threshold * 1000) / 10 : indicator.threshold,
        deadline: indicator.deadline ? dayjs(indicator.deadline) : null,
      }
    : {
        metric: 'channel_count',
        channelKind: 'tuanqing_group',
        levels: ['township'],
        types: ['committee', 'working_committee'],
        threshold: 1,
      };

  const save = async (values: Values) => {
    const body: IndicatorInput = {
      name: values.name.trim(),
      metric: values.metric,
      channelKind: needsKind(values.metric) ? values.channelKind : null,
      minContacts: values.metric === 'cadre_contact_share' ? values.minContacts : null,
      windowStart: needsWindow(values.metric) && values.windowStart ? values.windowStart.format('YYYY-MM-DD') : null,
      levels: values.levels,
      types: values.types,
      threshold: isShareMetric(values.metric) ? values.threshold / 100 : values.threshold,
      deadline: values.deadline ? values.deadline.format('YYYY-MM-DD') : null,
    };
    const saved = indicator
      ? await campaignApi.updateIndicator(indicator.id, body, { quiet: true })
      : await campaignApi.addIndicator(campaignId, body, { quiet: true });
    void message.success(indicator ? t('indicator.updated') : t('indicator.added'));
    onDone(saved);
  };

  return (
    <FormModal<Values>
      form={form}
      title={indicator ? t('indicator.editTitle') : t('indicator.addTitle')}
      width={600}
      initialValues={initialValues}
      fields={['name', 'metric', 'channelKind', 'minContacts', 'levels', 'types', 'threshold']}
      onSave={save}
      onCancel={onClose}
      onValuesChange={(changed: Partial<Values>) => {
        // A share and a count do not read alike: a new metric starts from its own sensible threshold.
        if (changed.metric) form.setFieldValue('threshold', isShareMetric(changed.metric) ? 100 : 1);
      }}
    >
      <Form.Item
        name="name"
        label={t('indicator.field.name')}
        rules={[{ required: true, whitespace: true, min: 2, message: t('indicator.field.nameRequired') }]}
      >
        <Input maxLength={100} placeholder={t('indicator.field.namePlaceholder')} />
      </Form.Item>
      <Form.Item name="metric" label={t('indicator.field.metric')} extra={metric && t(`metricHelp.${metric}`)}>
        <Select options={metrics.map((m) => ({ value: m, label: t(`metric.${m}`) }))} />
      </Form.Item>
      {needsKind(metric) && (
        <Form.Item
          name="channelKind"
          label={t('indicator.field.channelKind')}
          rules={[{ required: true, message: t('indicator.field.channelKindRequired') }]}
        >
          <Select options={channelKinds.map((k) => ({ value: k, label: t(`channelKind.${k}`) }))} />
        </Form.Item>
      )}
      {metric === 'cadre_contact_share' && (
        <Form.Item
          name="minContacts"
          label={t('indicator.field.minContacts')}
          rules={[{ required: true, message: t('indicator.field.minContactsRequired') }]}
        >
          <InputNumber min={1} max={10000} precision={0} suffix={t('indicator.unit.people')} style={{ width: 160 }} />
        </Form.Item>
      )}
      {needsWindow(metric) && (
        <Form.Item name="windowStart" label={t('indicator.field.windowStart')} extra={t('indicator.field.windowHelp')}>
          <DatePicker />
        </Form.Item>
      )}
      <Form.Item
        name="levels"
        label={t('indicator.field.levels')}
        rules={[{ required: true, type: 'array', min: 1, message: t('indicator.field.levelsRequired') }]}
      >
        <Select mode="multiple" options={orgLevels.map((l) => ({ value: l, label: t(`orgLevel.${l}`) }))} />
      </Form.Item>
      <Form.Item
        name="types"
        label={t('indicator.field.types')}
        rules={[{ required: true, type: 'array', min: 1, message: t('indicator.field.typesRequired') }]}
      >
        <Select mode="multiple" options={orgTypes.map((o) => ({ value: o, label: t(`orgType.${o}`) }))} />
      </Form.Item>
      <Form.Item
        name="threshold"
        label={share ? t('indicator.field.thresholdShare') : t('indicator.field.threshold')}
        rules={[{ required: true, message: t('indicator.field.thresholdRequired') }]}
      >
        <InputNumber
          min={0}
          max={share ? 100 : 1_000_000}
          precision={share ? undefined : metric === 'posts_per_channel' ? 1 : 0}
          suffix={share ? '%' : metric ? t(`metricUnit.${metric}`) || undefined : undefined}
          style={{ width: 180 }}
          data-testid="indicator-threshold"
        />
      </Form.Item>
      <Form.Item name="deadline" label={t('indicator.field.deadline')}>
        <DatePicker />
      </Form.Item>
    </FormModal>
  );
}
