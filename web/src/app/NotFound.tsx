import { Button, Result } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useT } from './i18n.js';

export function NotFound() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={t('notFound.title')}
      subTitle={t('notFound.subtitle')}
      extra={
        <Button type="primary" onClick={() => void navigate('/')}>
          {t('common.backHome')}
        </Button>
      }
    />
  );
}

export function Forbidden() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Result
      status="403"
      title="403"
      subTitle={t('forbidden.subtitle')}
      extra={
        <Button type="primary" onClick={() => void navigate('/')}>
          {t('common.backHome')}
        </Button>
      }
    />
  );
}
