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
import type { LoginResponse, SessionResponse } from '../../../../common/auth.js';
import { api, ApiError, errorMessage } from '../../app/api.js';
import { FullPageSpin } from '../../app/guards.js';
import { useT } from '../../app/i18n.js';
import { LogoMark } from '../../app/Logo.js';
import { useSession } from '../../app/session.js';
import { AuthFrame } from './AuthFrame.js';

type LoginForm = { username: string; password: string };
/** The password was right and the account has a second factor: the code step, with the token it needs. */
type CodeStep = { username: string; pendingToken: string };

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
  const [codeStep, setCodeStep] = useState<CodeStep | null>(null);

  if (session === undefined) return <FullPageSpin />;
  if (session) return <Navigate to={returnPath(location.state)} replace />;

  const enter = (next: SessionResponse) => {
    accept(next);
    const first = next.user.mustChangePassword ? '/change-password' : next.user.mustEnrolTotp ? '/two-factor' : null;
    void navigate(first ?? returnPath(location.state), { replace: true });
  };

  const submit = async (values: LoginForm) => {
    setSubmitting(true);
    setError(null);
    try {
      // The login carries the fixed CSRF value `login`: a header no cross-site form can send.
      const next = await api.post<LoginResponse>('/api/auth/login', values, { quiet: true, csrf: 'login' });
      if ('status' in next) setCodeStep({ username: values.username.trim(), pendingToken: next.pendingToken });
      else enter(next);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSubmitting(false);
    }
  };

  const submitCode = async ({ code }: { code: string }) => {
    if (!codeStep) return;
    setSubmitting(true);
    setError(null);
    try {
      const next = await api.post<SessionResponse>(
        '/api/auth/login/totp',
        { pendingToken: codeStep.pendingToken, code: code.trim() },
        { quiet: true, csrf: 'login' },
      );
      enter(next);
    } catch (err) {
      // A login that took too long, or an account locked by wrong codes, starts again from the password.
      if (err instanceof ApiError && err.code === 'login_expired') setCodeStep(null);
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
        {codeStep ? (
          <CodeForm
            username={codeStep.username}
            submitting={submitting}
            onSubmit={(values) => void submitCode(values)}
            onBack={() => {
              setCodeStep(null);
              setError(null);
            }}
          />
        ) : (
          <PasswordForm submitting={submitting} onSubmit={(values) => void submit(values)} />
        )}
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
          {t('login.hint')}
        </Typography.Paragraph>
      </Card>
    </AuthFrame>
  );
}

function PasswordForm({ submitting, onSubmit }: { submitting: boolean; onSubmit: (values: LoginForm) => void }) {
  const t = useT();
  return (
    <Form<LoginForm> layout="vertical" size="large" requiredMark={false} onFinish={onSubmit}>
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
  );
}

/** The second step: the 6 digits of the authenticator app. */
function CodeForm(props: {
  username: string;
  submitting: boolean;
  onSubmit: (values: { code: string }) => void;
  onBack: () => void;
}) {
  const t = useT();
  return (
    <Form<{ code: string }> layout="vertical" size="large" requiredMark={false} onFinish={props.onSubmit}>
      <Alert
        type="info"
        showIcon
        icon={<SafetyCertificateOutlined />}
        title={t('login.totpTitle')}
        description={t('login.totpPrompt', { username: props.username })}
        style={{ marginBottom: 20 }}
      />
      <Form.Item
        name="code"
        label={t('login.totpCode')}
        rules={[{ required: true, pattern: /^\s*\d{3} ?\d{3}\s*$/, message: t('login.totpRequired') }]}
      >
        <Input
          id="totpCode"
          prefix={<SafetyCertificateOutlined />}
          autoComplete="one-time-code"
          inputMode="numeric"
          autoFocus
          maxLength={7}
          className="tj-mono"
          style={{ letterSpacing: 4 }}
        />
      </Form.Item>
      <Form.Item style={{ marginBottom: 4 }}>
        <Button type="primary" htmlType="submit" block loading={props.submitting}>
          {t('login.totpSubmit')}
        </Button>
      </Form.Item>
      <Button type="link" block onClick={props.onBack} style={{ marginBottom: 8 }}>
        {t('login.totpBack')}
      </Button>
    </Form>
  );
}
