import { Form, Input, Typography } from 'antd';
import { FormModal } from '../../app/FormModal.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { seriesApi, type BulletinDetail, type SeriesItem } from './api.js';
import { ArticlePicker } from './ArticlePicker.js';

type Values = { articleIds: number[]; title?: string };

type Props = { series: SeriesItem; onClose: () => void; onDone: (issue: BulletinDetail) => void };

/** 编排下一期: the articles of the series' next issue, due at its next run; it becomes a draft to review. */
export function IssueModal({ series, onClose, onDone }: Props) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const number = (series.lastIssueNumber ?? 0) + 1;
  const next = series.nextRuns[0];
  return (
    <FormModal<Values>
      form={form}
      title={t('pub.series.issueTitle', { name: series.name, n: number })}
      width={640}
      initialValues={{ articleIds: [], title: '' }}
      fields={['articleIds', 'title']}
      submitTestId="issue-create"
      onCancel={onClose}
      onSave={async (values) => {
        onDone(
          await seriesApi.createIssue(
            series.id,
            { articleIds: values.articleIds, title: values.title?.trim() || undefined },
            { quiet: true },
          ),
        );
      }}
    >
      <Typography.Paragraph type="secondary">
        {next ? t('pub.series.issueWhen', { at: formatDateTime(next) }) : t('pub.series.issueNoRun')}
      </Typography.Paragraph>
      <Form.Item
        name="articleIds"
        label={t('pub.issue.articles')}
        extra={t('pub.issue.help')}
        rules={[{ required: true, type: 'array', min: 1, message: t('pub.issue.required') }]}
      >
        <ArticlePicker orgId={series.orgId} />
      </Form.Item>
      <Form.Item
        name="title"
        label={t('pub.series.issueName')}
        extra={t('pub.series.issueNameHelp', { name: series.name, n: number })}
      >
        <Input maxLength={120} />
      </Form.Item>
    </FormModal>
  );
}
