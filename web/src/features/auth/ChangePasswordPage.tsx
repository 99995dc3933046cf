import { LockOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { SessionResponse } from '../../../../common/auth.js';
import { api, errorMessage } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import { useCurrentSession, useSession } from '../../app/session.js';
import { AuthFrame } from './AuthFrame.js';

type PasswordForm = { currentPassword: string; newPassword: string; confirm: string };

export function ChangePasswordPage() {
  const t = useT();
  const session = useCurrentSession();
  const { accept, logout } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const forced = session.user.mustChangePassword;
  const mlps = session.passwordProfile === 'mlps';

  const submit = async ({ currentPassword, newPassword }: PasswordForm) => {
    setSubmitting(true);
    setError(null);
    try {
      // The server rotates the session and its CSRF token on a password change.
      const next = await api.post<SessionResponse>(
        '/api/auth/password',
        { currentPassword, newPassword },
        { quiet: true },
      );
      accept(next);
      void message.success(t('password.done'));
      void navigate('/', { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <AuthFrame>
      <Card className="tj-auth-card" variant="borderless">
        <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>
          {t('password.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 20 }}>
          {session.user.displayName}（{session.user.username}）
        </Typography.Paragraph>
        {forced && <Alert type="warning" showIcon title={t('password.forcedOrExpired')} style={{ marginBottom: 16 }} />}
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Form<PasswordForm> layout="vertical" requiredMark={false} onFinish={(values) => void submit(values)}>
          <Form.Item
            name="currentPassword"
            label={t('password.current')}
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password
              id="currentPassword"
              prefix={<LockOutlined />}
              autoComplete="current-password"
              maxLength={128}
            />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t('password.new')}
            extra={t(mlps ? 'password.ruleMlps' : 'password.rule')}
            rules={[
              { required: true, message: t('password.newRequired') },
              mlps ? { min: 10, message: t('password.tooShortMlps') } : { min: 8, message: t('password.tooShort') },
            ]}
          >
            <Input.Password id="newPassword" prefix={<LockOutlined />} autoComplete="new-password" maxLength={128} />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('password.confirm')}
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('password.newRequired') },
              ({ getFieldValue }) => ({
                validator: (_rule, value: string | undefined) =>
                  !value || getFieldValue('newPassword') === value
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('password.mismatch'))),
              }),
            ]}
          >
            <Input.Password
              id="confirmPassword"
              prefix={<LockOutlined />}
              autoComplete="new-password"
              maxLength={128}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting} size="large">
            {t('password.submit')}
          </Button>
        </Form>
        <Flex justify="center" style={{ marginTop: 16 }}>
          {forced ? (
            <Button type="link" onClick={() => void logout()}>
              {t('header.logout')}
            </Button>
          ) : (
            <Button type="link" onClick={() => void navigate(-1)}>
              {t('common.cancel')}
            </Button>
          )}
        </Flex>
      </Card>
    </AuthFrame>
  );
}
