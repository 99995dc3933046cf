import { Button, Result, Spin } from 'antd';
import type { ApiError } from './api.js';
import { useT } from './i18n.js';

/** What stands in for a record that has not loaded: the error with a retry when loading failed, else a spinner. */
export function Pending({ error, reload }: { error: ApiError | null; reload: () => void }) {
  const t = useT();
  if (error)
    return (
      <Result status="warning" title={error.message} extra={<Button onClick={reload}>{t('common.refresh')}</Button>} />
    );
  return (
    <div className="tj-center-block">
      <Spin />
    </div>
  );
}
