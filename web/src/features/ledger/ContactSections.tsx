import { DisconnectOutlined, LinkOutlined } from '@ant-design/icons';
import { Button, DatePicker, Empty, Form, Input, List, Popconfirm, Select, Space, Timeline, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import type { ContactDetail } from '../../../../common/ledger.js';
import { contactChannels, type ContactChannel } from '../../../../common/domain.js';
import { useT } from '../../app/i18n.js';
import { contactApi } from './api.js';
import { CadrePicker } from './CadrePicker.js';

type Props = { contact: ContactDetail; onSaved: (next: ContactDetail) => void };

/** The cadres in contact with this young person ("1 + N"); link another or unlink one. */
export function ContactCadres({ contact, onSaved }: Props) {
  const t = useT();
  const [cadreId, setCadreId] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<ContactDetail>) => {
    setBusy(true);
    try {
      onSaved(await action());
      setCadreId(null);
    } catch {
      // The API client has shown the server's message.
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <List
        size="small"
        data-testid="linked-cadres"
        dataSource={contact.linkedCadres}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('contact.noCadre')} /> }}
        renderItem={(cadre) => (
          <List.Item
            actions={
              contact.abilities.update
                ? [
                    <Popconfirm
                      key="unlink"
                      title={t('contact.unlinkConfirm', { name: cadre.fullName })}
                      onConfirm={() => void run(() => contactApi.unlinkCadre(contact.id, cadre.id))}
                    >
                      <Button
                        type="link"
                        size="small"
                        danger
                        icon={<DisconnectOutlined />}
                        data-testid={`unlink-cadre-${cadre.id}`}
                      >
                        {t('contact.unlink')}
                      </Button>
                    </Popconfirm>,
                  ]
                : undefined
            }
          >
            <List.Item.Meta
              title={`${cadre.fullName}（${cadre.post}）`}
              description={
                <Space size={8}>
                  <span>{cadre.orgName}</span>
                  {cadre.phoneMasked && <span className="tj-mono">{cadre.phoneMasked}</span>}
                </Space>
              }
            />
          </List.Item>
        )}
      />
      {contact.abilities.update && (
        <Space.Compact style={{ width: '100%', marginTop: 8 }}>
          <CadrePicker
            orgId={contact.orgId}
            value={cadreId}
            onChange={setCadreId}
            excludeIds={contact.linkedCadres.map((c) => c.id)}
            style={{ flex: 1 }}
          />
          <Button
            icon={<LinkOutlined />}
            disabled={cadreId === null}
            loading={busy}
            onClick={() => cadreId !== null && void run(() => contactApi.linkCadre(contact.id, cadreId))}
            data-testid="link-cadre"
          >
            {t('contact.link')}
          </Button>
        </Space.Compact>
      )}
    </>
  );
}

type LogValues = { onDate: Dayjs; channel: ContactChannel; cadreId: number | null; note: string };

/** Every contact made, newest first, and a form to record one. */
export function ContactLog({ contact, onSaved }: Props) {
  const t = useT();
  const [form] = Form.useForm<LogValues>();
  const [saving, setSaving] = useState(false);
  const submit = async (values: LogValues) => {
    setSaving(true);
    try {
      onSaved(
        await contactApi.addLog(contact.id, {
          onDate: values.onDate.format('YYYY-MM-DD'),
          channel: values.channel,
          cadreId: values.cadreId ?? null,
          note: values.note?.trim() ?? '',
        }),
      );
      form.resetFields(['note']);
    } catch {
      // The API client has shown the server's message.
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      {contact.abilities.update && (
        <Form<LogValues>
          form={form}
          layout="vertical"
          initialValues={{ onDate: dayjs(), channel: 'wechat', cadreId: contact.linkedCadres[0]?.id ?? null, note: '' }}
          onFinish={(v) => void submit(v)}
          className="tj-log-form"
        >
          <div className="tj-form-row">
            <Form.Item
              name="onDate"
              label={t('contact.logDate')}
              rules={[{ required: true, message: t('ledger.dateRequired') }]}
            >
              <DatePicker allowClear={false} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
            </Form.Item>
            <Form.Item name="channel" label={t('contact.logChannel')} style={{ width: 120 }}>
              <Select options={contactChannels.map((c) => ({ value: c, label: t(`contactChannel.${c}`) }))} />
            </Form.Item>
            <Form.Item name="cadreId" label={t('contact.logCadre')} style={{ flex: 1, minWidth: 160 }}>
              <Select
                allowClear
                placeholder={t('contact.logCadreNone')}
                options={contact.linkedCadres.map((c) => ({ value: c.id, label: c.fullName }))}
              />
            </Form.Item>
          </div>
          <Form.Item name="note" label={t('contact.logNote')}>
            <Input.TextArea rows={2} maxLength={500} showCount data-testid="log-note" />
          </Form.Item>
          <Button htmlType="submit" type="primary" ghost loading={saving} data-testid="add-log">
            {t('contact.addLog')}
          </Button>
        </Form>
      )}
      {contact.logs.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('contact.noLogs')} />
      ) : (
        <Timeline
          style={{ marginTop: 24 }}
          data-testid="contact-log"
          items={contact.logs.map((log) => ({
            key: log.id,
            content: (
              <>
                <Space size={8}>
                  <strong>{log.onDate}</strong>
                  <span>{t(`contactChannel.${log.channel}`)}</span>
                  {log.cadreName && <Typography.Text type="secondary">{log.cadreName}</Typography.Text>}
                </Space>
                {log.note && <div>{log.note}</div>}
              </>
            ),
          }))}
        />
      )}
    </>
  );
}
