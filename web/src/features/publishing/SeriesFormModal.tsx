import { Form, Input, Radio, Space, Typography } from 'antd';
import { isValidCron } from '../../../../common/publishing.js';
import { FormModal } from '../../app/FormModal.js';
import { useI18n } from '../../app/i18n.js';
import { seriesApi, type SeriesItem, type TargetInput } from './api.js';
import { cronPresets, describeCron, type CronPreset } from './format.js';
import { TargetsField } from './TargetsField.js';

type Values = { name: string; preset: CronPreset | 'custom'; cron: string; targets: TargetInput[] };

type Props = {
  orgId: number;
  /** null: a new series. */
  series: SeriesItem | null;
  onClose: () => void;
  onDone: (series: SeriesItem) => void;
};

/** 新建 / 修改手机报: a name, when it goes out (a preset or a cron expression) and where. */
export function SeriesFormModal({ orgId, series, onClose, onDone }: Props) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<Values>();
  const preset = Form.useWatch('preset', form);
  const cron = Form.useWatch('cron', form);
  const presetOf = (value: string) => cronPresets.find((p) => p.cron === value)?.key ?? 'custom';
  const initial: Values = series
    ? { name: series.name, preset: presetOf(series.cron), cron: series.cron, targets: series.targets }
    : { name: '', preset: 'weeklyMon9', cron: '0 9 * * 1', targets: [{ kind: 'web' }] };
  const described = cron ? describeCron(cron, lang) : null;

  return (
    <FormModal<Values>
      form={form}
      title={t(series ? 'pub.series.editTitle' : 'pub.series.createTitle')}
      width={640}
      initialValues={initial}
      fields={['name', 'cron', 'targets']}
      submitTestId="series-save"
      onCancel={onClose}
      onValuesChange={(changed: Partial<Values>) => {
        if (changed.preset && changed.preset !== 'custom') {
          form.setFieldValue('cron', cronPresets.find((p) => p.key === changed.preset)?.cron ?? '');
        }
        if (changed.cron !== undefined) form.setFieldValue('preset', presetOf(changed.cron.trim()));
      }}
      onSave={async (values) => {
        const body = { name: values.name, cron: values.cron.trim(), targets: values.targets };
        onDone(
          series
            ? await seriesApi.update(series.id, body, { quiet: true })
            : await seriesApi.create({ ...body, orgId }, { quiet: true }),
        );
      }}
    >
      <Form.Item
        name="name"
        label={t('pub.series.name')}
        rules={[{ required: true, whitespace: true, message: t('pub.series.nameRequired') }]}
      >
        <Input maxLength={50} placeholder={t('pub.series.namePlaceholder')} />
      </Form.Item>
      <Form.Item name="preset" label={t('pub.series.schedule')}>
        <Radio.Group>
          <Space orientation="vertical" size={4}>
            {cronPresets.map((p) => (
              <Radio key={p.key} value={p.key}>
                {t(`pub.cron.${p.key}`)}
              </Radio>
            ))}
            <Radio value="custom">{t('pub.cron.custom')}</Radio>
          </Space>
        </Radio.Group>
      </Form.Item>
      <Form.Item
        name="cron"
        label={t('pub.series.cron')}
        hidden={preset !== 'custom'}
        extra={
          <>
            <div>{t('pub.series.cronHelp')}</div>
            {described && <Typography.Text type="success">{described}</Typography.Text>}
          </>
        }
        rules={[
          { required: true, whitespace: true, message: t('pub.series.cronRequired') },
          {
            validator: (_rule, value: string | undefined) =>
              !value?.trim() || isValidCron(value.trim())
                ? Promise.resolve()
                : Promise.reject(new Error(t('pub.series.cronInvalid'))),
          },
        ]}
      >
        <Input className="tj-mono" placeholder="0 9 * * 1" />
      </Form.Item>
      <Form.Item name="targets" label={t('pub.field.targets')}>
        <TargetsField orgId={orgId} />
      </Form.Item>
    </FormModal>
  );
}
