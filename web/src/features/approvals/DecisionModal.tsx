import { CheckOutlined } from '@ant-design/icons';
import { Button, Form, Input, Segmented, Space } from 'antd';
import type { ReactNode } from 'react';
import { FormModal } from '../../app/FormModal.js';
import { useT } from '../../app/i18n.js';

export type Decision = 'approve' | 'reject';

type Props = {
  decision: Decision;
  title: ReactNode;
  /** What is decided, shown above the note (who, from where to where). */
  summary?: ReactNode;
  /** Sends the decision (quiet); what it throws is shown in the modal. */
  onSubmit: (note: string | null) => Promise<void>;
  onClose: () => void;
};

type Values = { note: string };

/** 批准 with an optional 审批意见, or 驳回 with the reason the requester will read. */
export function DecisionModal({ decision, title, summary, onSubmit, onClose }: Props) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const reject = decision === 'reject';
  return (
    <FormModal<Values>
      form={form}
      title={title}
      width={500}
      submitTestId={`decision-submit-${decision}`}
      initialValues={{ note: '' }}
      fields={['note']}
      onSave={({ note }) => onSubmit(note.trim() || null)}
      onCancel={onClose}
    >
      {summary && <div style={{ marginBottom: 16 }}>{summary}</div>}
      <Form.Item
        name="note"
        label={reject ? t('approvals.rejectNote') : t('approvals.note')}
        rules={reject ? [{ required: true, whitespace: true, message: t('approvals.rejectNoteRequired') }] : []}
      >
        <Input.TextArea rows={3} maxLength={400} showCount data-testid="decision-note" />
      </Form.Item>
    </FormModal>
  );
}

type ToolbarProps = {
  /** 待我审批 / 全部, for the lists that keep a history. */
  awaiting?: { value: boolean; onChange: (awaiting: boolean) => void; allLabel?: string; awaitingLabel?: string };
  onSearch: (q: string | undefined) => void;
  testId: string;
  /** The right side, shown once rows are ticked: how many, clear them, approve them all. */
  batch?: { selected: number; onClear: () => void; onApprove: () => void };
};

/** The top of every approval list: which requests, a name search (the issue requires it in every list), actions. */
export function ApprovalsToolbar({ awaiting, onSearch, testId, batch }: ToolbarProps) {
  const t = useT();
  return (
    <div className="tj-toolbar">
      <Space wrap size={8}>
        {awaiting && (
          <Segmented<'awaiting' | 'all'>
            value={awaiting.value ? 'awaiting' : 'all'}
            onChange={(v) => awaiting.onChange(v === 'awaiting')}
            options={[
              { value: 'awaiting', label: awaiting.awaitingLabel ?? t('approvals.scope.awaiting') },
              { value: 'all', label: awaiting.allLabel ?? t('approvals.scope.all') },
            ]}
            data-testid={`${testId}-scope`}
          />
        )}
        <Input.Search
          allowClear
          placeholder={t('approvals.searchName')}
          style={{ width: 180 }}
          onSearch={(v) => onSearch(v.trim() || undefined)}
          data-testid={`${testId}-search`}
        />
      </Space>
      {batch && batch.selected > 0 && (
        <Space wrap>
          <span className="tj-secondary">{t('approvals.selected', { n: batch.selected })}</span>
          <Button onClick={batch.onClear}>{t('approvals.clearSelection')}</Button>
          <Button
            type="primary"
            icon={<CheckOutlined />}
            onClick={batch.onApprove}
            data-testid={`${testId}-batch-approve`}
          >
            {t('approvals.batchApprove')}
          </Button>
        </Space>
      )}
    </div>
  );
}
