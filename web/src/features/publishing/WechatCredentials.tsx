import { CheckCircleFilled, ThunderboltOutlined } from '@ant-design/icons';
import { Alert, App, Button, Divider, Form, Input, Radio, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { encryptionModes, type EncryptionMode } from '../../../../common/domain.js';
import { errorMessage } from '../../app/api.js';
import { applyServerErrors } from '../../app/formErrors.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { wechatApi, type WechatSettings, type WechatSettingsBody } from './wechatApi.js';

type Values = {
  appId?: string;
  appSecret?: string;
  callbackToken?: string;
  encodingAesKey?: string;
  encryptionMode: EncryptionMode;
  webhookKey?: string;
};
const fields = ['appId', 'appSecret', 'callbackToken', 'encodingAesKey', 'encryptionMode', 'webhookKey'] as const;

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Letters and digits from the browser's CSPRNG, as WeChat's own 随机生成 makes them. */
function randomText(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

type Props = { settings: WechatSettings; ledgerAppId: string | null; onSaved: (next: WechatSettings) => void };

/**
 * 接入设置: an official account's AppID, AppSecret and server configuration (URL, Token, EncodingAESKey, 加解密方式),
 * or a robot's webhook. Secrets are write-only: a set one shows 已设置, and an empty field keeps it.
 */
export function WechatCredentials({ settings, ledgerAppId, onSaved }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A generated value is shown, so that it can be copied into the WeChat platform.
  const [shown, setShown] = useState<Record<string, boolean>>({});
  const official = settings.channelKind === 'official_account';
  const editable = settings.abilities.update;
  const set = settings.secretsSet;

  const save = async (values: Values) => {
    const body: WechatSettingsBody = {};
    const put = <K extends keyof WechatSettingsBody>(key: K, value: WechatSettingsBody[K] | undefined) => {
      if (typeof value === 'string' ? value.trim() !== '' : value !== undefined) body[key] = value;
    };
    if (official) {
      if (values.appId?.trim() !== (settings.appId ?? '')) put('appId', values.appId?.trim());
      put('appSecret', values.appSecret?.trim());
      put('callbackToken', values.callbackToken?.trim());
      put('encodingAesKey', values.encodingAesKey?.trim());
      if (values.encryptionMode !== settings.encryptionMode) put('encryptionMode', values.encryptionMode);
    } else {
      put('webhookKey', values.webhookKey?.trim());
    }
    if (Object.keys(body).length === 0) {
      void message.info(t('wechat.nothingChanged'));
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const next = await wechatApi.update(settings.channelId, body, { quiet: true });
      form.setFieldsValue({ appSecret: '', callbackToken: '', encodingAesKey: '', webhookKey: '' });
      void message.success(t('wechat.saved'));
      onSaved(next);
    } catch (err) {
      if (!applyServerErrors(form, err, fields)) setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  const secretLabel = (label: string, isSet: boolean) => (
    <Space size={6}>
      {label}
      {isSet && (
        <Tag color="success" icon={<CheckCircleFilled />} style={{ marginInlineEnd: 0 }}>
          {t('wechat.secretSet')}
        </Tag>
      )}
    </Space>
  );
  const secretPlaceholder = (isSet: boolean) => (isSet ? t('wechat.keepSecret') : t('wechat.enterSecret'));
  const generate = (name: 'callbackToken' | 'encodingAesKey', length: number) => (
    <Button
      size="small"
      type="link"
      icon={<ThunderboltOutlined />}
      disabled={!editable}
      onClick={() => {
        form.setFieldValue(name, randomText(length));
        setShown((s) => ({ ...s, [name]: true }));
      }}
    >
      {t('wechat.generate')}
    </Button>
  );

  return (
    <>
      {!editable && <Alert type="info" showIcon title={t('wechat.readOnly')} style={{ marginBottom: 16 }} />}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<Values>
        form={form}
        layout="vertical"
        disabled={!editable}
        initialValues={{ appId: settings.appId ?? ledgerAppId ?? '', encryptionMode: settings.encryptionMode }}
        onFinish={(values) => void save(values)}
        data-testid="wechat-credentials"
      >
        {official ? (
          <>
            <Form.Item name="appId" label="AppID" extra={t('wechat.appIdHelp')}>
              <Input className="tj-mono" placeholder="wx…" maxLength={18} autoComplete="off" />
            </Form.Item>
            <Form.Item name="appSecret" label={secretLabel('AppSecret', set.appSecret)}>
              <Input.Password
                className="tj-mono"
                placeholder={secretPlaceholder(set.appSecret)}
                autoComplete="new-password"
              />
            </Form.Item>
            <Divider titlePlacement="start">{t('wechat.serverConfig')}</Divider>
            <Typography.Paragraph type="secondary">{t('wechat.serverConfigHelp')}</Typography.Paragraph>
            <Form.Item label={t('wechat.callbackUrl')}>
              <Typography.Text
                copyable={{ text: settings.callbackUrl ?? '' }}
                className="tj-mono"
                data-testid="callback-url"
              >
                {settings.callbackUrl}
              </Typography.Text>
            </Form.Item>
            <Form.Item
              name="callbackToken"
              label={
                <Space size={0}>
                  {secretLabel(t('wechat.token'), set.callbackToken)}
                  {generate('callbackToken', 32)}
                </Space>
              }
              extra={t('wechat.tokenHelp')}
            >
              <Input.Password
                className="tj-mono"
                placeholder={secretPlaceholder(set.callbackToken)}
                visibilityToggle={{
                  visible: shown.callbackToken ?? false,
                  onVisibleChange: (v) => setShown((s) => ({ ...s, callbackToken: v })),
                }}
                autoComplete="new-password"
              />
            </Form.Item>
            <Form.Item
              name="encodingAesKey"
              label={
                <Space size={0}>
                  {secretLabel('EncodingAESKey', set.encodingAesKey)}
                  {generate('encodingAesKey', 43)}
                </Space>
              }
              extra={t('wechat.aesKeyHelp')}
            >
              <Input.Password
                className="tj-mono"
                placeholder={secretPlaceholder(set.encodingAesKey)}
                visibilityToggle={{
                  visible: shown.encodingAesKey ?? false,
                  onVisibleChange: (v) => setShown((s) => ({ ...s, encodingAesKey: v })),
                }}
                autoComplete="new-password"
              />
            </Form.Item>
            <Form.Item name="encryptionMode" label={t('wechat.encryptionMode')} extra={t('wechat.encryptionHelp')}>
              <Radio.Group>
                {encryptionModes.map((mode) => (
                  <Radio key={mode} value={mode}>
                    {t(`encryptionMode.${mode}`)}
                  </Radio>
                ))}
              </Radio.Group>
            </Form.Item>
          </>
        ) : (
          <Form.Item
            name="webhookKey"
            label={secretLabel(t('wechat.webhook'), set.webhookKey)}
            extra={t('wechat.webhookHelp')}
          >
            <Input.Password
              className="tj-mono"
              placeholder={
                set.webhookKey ? t('wechat.keepSecret') : 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…'
              }
              autoComplete="new-password"
            />
          </Form.Item>
        )}
        <Space align="center" wrap>
          <Button type="primary" htmlType="submit" loading={saving} data-testid="wechat-save">
            {t('wechat.save')}
          </Button>
          {settings.updatedAt && (
            <Typography.Text type="secondary">
              {t('wechat.updatedAt', { at: formatDateTime(settings.updatedAt) })}
            </Typography.Text>
          )}
        </Space>
      </Form>
    </>
  );
}
