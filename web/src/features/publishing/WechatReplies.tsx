import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Popconfirm,
  Select,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { replyTriggers, type ReplyTrigger } from '../../../../common/domain.js';
import { errorMessage } from '../../app/api.js';
import { applyServerErrors } from '../../app/formErrors.js';
import { useT } from '../../app/i18n.js';
import { useLoad } from '../../app/useLoad.js';
import { wechatApi, type WechatReply, type WechatReplyBody } from './wechatApi.js';

const triggerColors: Record<ReplyTrigger, string> = { keyword: 'blue', click: 'purple', subscribe: 'green' };

type Values = { trigger: ReplyTrigger; matchKey?: string; replyText: string };

/** 自动回复: keyword replies, menu-click replies and the welcome on subscribe, answered by the callback server. */
export function WechatReplies({ channelId, manage }: { channelId: number; manage: boolean }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const trigger = Form.useWatch('trigger', form) ?? 'keyword';
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { data, loading, reload } = useLoad(() => wechatApi.replies(channelId), [channelId]);

  const add = async (values: Values) => {
    const body: WechatReplyBody =
      values.trigger === 'subscribe'
        ? { trigger: 'subscribe', replyText: values.replyText }
        : { trigger: values.trigger, matchKey: values.matchKey ?? '', replyText: values.replyText };
    setSaving(true);
    setError(null);
    try {
      await wechatApi.addReply(channelId, body, { quiet: true });
      form.resetFields(['matchKey', 'replyText']);
      void message.success(t('wechat.reply.added'));
      reload();
    } catch (err) {
      if (!applyServerErrors(form, err, ['trigger', 'matchKey', 'replyText'])) setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };
  const remove = async (reply: WechatReply) => {
    try {
      await wechatApi.removeReply(channelId, reply.id);
      void message.success(t('wechat.reply.removed'));
      reload();
    } catch {
      // Shown by the API client.
    }
  };

  const columns: TableColumnsType<WechatReply> = [
    {
      title: t('wechat.reply.trigger'),
      dataIndex: 'trigger',
      render: (value: ReplyTrigger) => <Tag color={triggerColors[value]}>{t(`replyTrigger.${value}`)}</Tag>,
    },
    {
      title: t('wechat.reply.matchKey'),
      dataIndex: 'matchKey',
      render: (value: string | null) => (value ? <span className="tj-mono">{value}</span> : t('common.none')),
    },
    {
      title: t('wechat.reply.text'),
      dataIndex: 'replyText',
      render: (value: string) => (
        <Typography.Paragraph ellipsis={{ rows: 2, tooltip: value }} style={{ marginBottom: 0, maxWidth: 320 }}>
          {value}
        </Typography.Paragraph>
      ),
    },
    ...(manage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_v: unknown, row: WechatReply) => (
              <Popconfirm
                title={t('wechat.reply.removeConfirm')}
                onConfirm={() => void remove(row)}
                okText={t('common.ok')}
                cancelText={t('common.cancel')}
              >
                <Button type="link" size="small" danger icon={<DeleteOutlined />}>
                  {t('wechat.reply.remove')}
                </Button>
              </Popconfirm>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <Typography.Paragraph type="secondary">{t('wechat.reply.help')}</Typography.Paragraph>
      <Table<WechatReply>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={data?.items ?? []}
        loading={loading}
        pagination={false}
        locale={{ emptyText: t('wechat.reply.empty') }}
        data-testid="wechat-replies"
        style={{ marginBottom: 16 }}
      />
      {manage && (
        <Card size="small" title={t('wechat.reply.addTitle')}>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
          <Form<Values>
            form={form}
            layout="vertical"
            initialValues={{ trigger: 'keyword' }}
            onFinish={(values) => void add(values)}
          >
            <Form.Item name="trigger" label={t('wechat.reply.trigger')}>
              <Select<ReplyTrigger>
                options={replyTriggers.map((value) => ({ value, label: t(`replyTrigger.${value}`) }))}
                style={{ width: 200 }}
              />
            </Form.Item>
            {trigger !== 'subscribe' && (
              <Form.Item
                name="matchKey"
                label={t(trigger === 'click' ? 'wechat.reply.clickKey' : 'wechat.reply.keyword')}
                extra={t(trigger === 'click' ? 'wechat.reply.clickHelp' : 'wechat.reply.keywordHelp')}
                rules={[{ required: true, whitespace: true, message: t('wechat.reply.matchKeyRequired') }]}
              >
                <Input maxLength={trigger === 'click' ? 64 : 30} />
              </Form.Item>
            )}
            <Form.Item
              name="replyText"
              label={t('wechat.reply.text')}
              rules={[{ required: true, whitespace: true, message: t('wechat.reply.textRequired') }]}
            >
              <Input.TextArea maxLength={600} showCount autoSize={{ minRows: 3, maxRows: 6 }} />
            </Form.Item>
            <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={saving}>
              {t('wechat.reply.add')}
            </Button>
          </Form>
        </Card>
      )}
    </>
  );
}
