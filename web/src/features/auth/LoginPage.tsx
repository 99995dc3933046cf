import {
  ApartmentOutlined,
  AuditOutlined,
  LockOutlined,
  SafetyCertificateOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import type { SessionResponse } from '../../../../common/auth.js';
import { api, errorMessage } from '../../app/api.js';
import { FullPageSpin } from '../../app/guards.js';
import { useT } from '../../app/i18n.js';
import { LogoMark } from '../../app/Logo.js';
import { useSession } from '../../app/session.js';
import { AuthFrame } from './AuthFrame.js';

type LoginForm = { username: string; password: string };

/** Where to go after logging in: back to the page that asked for the login, never off-site. */
function returnPath(state: unknown): string {
  const from = typeof state === 'object' && state !== null && 'from' in state ? state.from : null;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && from !== '/login' ? from : '/';
}

export function LoginPage() {
  const t = useT();
  const { session, accept } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  if (session === undefined) return <FullPageSpin />;
  if (session) return <Navigate to={returnPath(location.state)} replace />;

  const submit = async (values: LoginForm) => {
    setSubmitting(true);
    setError(null);
    try {
      // The login carries the fixed CSRF value `login`: a header no cross-site form can send.
      const next = await api.post<SessionResponse>('/api/auth/login', values, { quiet: true, csrf: 'login' });
      accept(next);
      void navigate(next.user.mustChangePassword ? '/change-password' : returnPath(location.state), { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSubmitting(false);
    }
  };

  const intro = (
    <div className="tj-auth-intro">
      <LogoMark size={56} />
      <h1>{t('app.name')}</h1>
      <div className="tj-auth-intro-sub">{t('app.fullName').split(' · ')[1]}</div>
      <div className="tj-auth-feature">
        <ApartmentOutlined /> {t('login.feature1')}
      </div>
      <div className="tj-auth-feature">
        <SafetyCertificateOutlined /> {t('login.feature2')}
      </div>
      <div className="tj-auth-feature">
        <AuditOutlined /> {t('login.feature3')}
      </div>
    </div>
  );

  return (
    <AuthFrame aside={intro}>
      <Card className="tj-auth-card" variant="borderless">
        <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>
          {t('login.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 24 }}>
          {t('app.fullName')}
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 20 }} data-testid="login-error" />}
        <Form<LoginForm> layout="vertical" size="large" requiredMark={false} onFinish={(values) => void submit(values)}>
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
          >
            <Input id="username" prefix={<UserOutlined />} autoComplete="username" autoFocus maxLength={64} />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password id="password" prefix={<LockOutlined />} autoComplete="current-password" maxLength={128} />
          </Form.Item>
          <Form.Item style={{ marginBottom: 12 }}>
            <Button type="primary" htmlType="submit" block loading={submitting}>
              {t('login.submit')}
            </Button>
          </Form.Item>
        </Form>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
          {t('login.hint')}
        </Typography.Paragraph>
      </Card>
    </AuthFrame>
  );
}
