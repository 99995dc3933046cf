import { EyeOutlined } from '@ant-design/icons';
import { Button, Space, Tooltip } from 'antd';
import { useState } from 'react';
import { useT } from '../../app/i18n.js';

type Props = {
  masked: string | null;
  /** From the row's abilities: the server would refuse the reveal otherwise. */
  mayReveal: boolean;
  reveal: () => Promise<{ phone: string }>;
  testId?: string;
};

/** A phone as the server sends it (138****1234); "显示完整号码" asks for it in full, which the server audits. */
export function PhoneText({ masked, mayReveal, reveal, testId }: Props) {
  const t = useT();
  const [full, setFull] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  if (!masked) return <span>{t('common.none')}</span>;

  const show = async () => {
    setLoading(true);
    try {
      setFull((await reveal()).phone);
    } catch {
      // The API client has shown the server's message.
    } finally {
      setLoading(false);
    }
  };

  return (
    <Space size={4} wrap={false}>
      <span className="tj-mono" data-testid={testId}>
        {full ?? masked}
      </span>
      {mayReveal && full === null && (
        <Tooltip title={t('ledger.revealHint')}>
          <Button
            type="link"
            size="small"
            icon={<EyeOutlined />}
            loading={loading}
            onClick={(event) => {
              event.stopPropagation();
              void show();
            }}
            data-testid={testId ? `${testId}-reveal` : 'reveal-phone'}
            style={{ paddingInline: 4 }}
          >
            {t('ledger.revealPhone')}
          </Button>
        </Tooltip>
      )}
    </Space>
  );
}
