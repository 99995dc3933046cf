import { CopyOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Flex, Form, Input, QRCode, Result, Spin, Steps, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { SessionResponse, TotpEnrolment } from '../../../../common/auth.js';
import { api, errorMessage } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import { useCurrentSession, useSession } from '../../app/session.js';
import { AuthFrame } from './AuthFrame.js';

/** The secret in groups of four, as people copy it into an app by hand. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * Enrolling the TOTP second factor: the QR code of the otpauth:// URI and the same secret as text, then a first
 * code that proves the app has it. An account whose role needs the factor lands here after its password and can go
 * nowhere else until it is done.
 */
export function TwoFactorPage() {
  const t = useT();
  const session = useCurrentSession();
  const { accept, logout } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const forced = session.user.mustEnrolTotp;
  const enabled = session.user.totpEnabled;
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  useEffect(() => {
    if (enabled) return;
    // Asking twice (a remount) hands out the same pending secret, so the QR code shown is the one that works.
    api.post<TotpEnrolment>('/api/auth/totp/enrolment', undefined, { quiet: true }).then(setEnrolment, (err) => {
      setLoadError(errorMessage(err));
    });
  }, [enabled]);

  const confirm = async ({ code }: { code: string }) => {
    setSubmitting(true);
    setError(null);
    try {
      // The server ends the sessions opened without the factor and opens a new one for this browser.
      const next = await api.post<SessionResponse>('/api/auth/totp/confirm', { code: code.trim() }, { quiet: true });
      accept(next);
      void message.success(t('totp.done'));
      void navigate('/', { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSubmitting(false);
    }
  };

  const copy = async (secret: string) => {
    try {
      await navigator.clipboard.writeText(secret);
      void message.success(t('common.copied'));
    } catch {
      void message.warning(t('common.copyFailed'));
    }
  };

  const leave = forced ? (
    <Button type="link" onClick={() => void logout()}>
      {t('header.logout')}
    </Button>
  ) : (
    <Button type="link" onClick={() => void navigate(-1)}>
      {t('common.cancel')}
    </Button>
  );

  if (enabled) {
    return (
      <AuthFrame>
        <Card className="tj-auth-card" variant="borderless">
          <Result
            status="success"
            icon={<SafetyCertificateOutlined />}
            title={t('totp.enabledTitle')}
            subTitle={t('totp.enabledHelp')}
            extra={
              <Button type="primary" onClick={() => void navigate('/', { replace: true })}>
                {t('totp.back')}
              </Button>
            }
          />
        </Card>
      </AuthFrame>
    );
  }

  return (
    <AuthFrame>
      <Card className="tj-auth-card" variant="borderless" style={{ width: 460 }}>
        <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>
          {t('totp.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 16 }}>
          {t('totp.subtitle')}
        </Typography.Paragraph>
        {forced && <Alert type="warning" showIcon title={t('totp.forced')} style={{ marginBottom: 16 }} />}
        {loadError && <Alert type="error" showIcon title={`${t('totp.loadFailed')}：${loadError}`} />}
        {!enrolment && !loadError && (
          <Flex justify="center" style={{ padding: 32 }}>
            <Spin />
          </Flex>
        )}
        {enrolment && (
          <Steps
            orientation="vertical"
            size="small"
            current={2}
            items={[
              { title: t('totp.step1'), content: t('totp.step1Help') },
              {
                title: t('totp.step2'),
                content: (
                  <div>
                    <QRCode value={enrolment.uri} size={176} bordered data-testid="totp-qr" />
                    <Typography.Paragraph type="secondary" style={{ margin: '8px 0 4px' }}>
                      {t('totp.step2Help', { account: enrolment.account })}
                    </Typography.Paragraph>
                    <Flex gap={8} align="center">
                      <Typography.Text code className="tj-mono" data-testid="totp-secret">
                        {grouped(enrolment.secret)}
                      </Typography.Text>
                      <Button
                        size="small"
                        icon={<CopyOutlined />}
                        aria-label={t('common.copy')}
                        onClick={() => void copy(enrolment.secret)}
                      />
                    </Flex>
                  </div>
                ),
              },
              {
                title: t('totp.step3'),
                content: (
                  <Form<{ code: string }>
                    layout="vertical"
                    requiredMark={false}
                    onFinish={(values) => void confirm(values)}
                    style={{ marginTop: 8 }}
                  >
                    <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                      {t('totp.step3Help')}
                    </Typography.Paragraph>
                    {error && (
                      <Alert
                        type="error"
                        showIcon
                        title={error}
                        style={{ marginBottom: 12 }}
                        data-testid="totp-error"
                      />
                    )}
                    <Flex gap={8} align="start">
                      <Form.Item
                        name="code"
                        style={{ flex: 1, marginBottom: 0 }}
                        rules={[{ required: true, pattern: /^\s*\d{3} ?\d{3}\s*$/, message: t('login.totpRequired') }]}
                      >
                        <Input
                          id="totpCode"
                          autoComplete="one-time-code"
                          inputMode="numeric"
                          maxLength={7}
                          className="tj-mono"
                          style={{ letterSpacing: 4 }}
                          placeholder="000000"
                        />
                      </Form.Item>
                      <Button type="primary" htmlType="submit" loading={submitting}>
                        {t('totp.confirm')}
                      </Button>
                    </Flex>
                  </Form>
                ),
              },
            ]}
          />
        )}
        <Flex justify="center" style={{ marginTop: 8 }}>
          {leave}
        </Flex>
      </Card>
    </AuthFrame>
  );
}
