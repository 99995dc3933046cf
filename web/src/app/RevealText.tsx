import { EyeOutlined } from '@ant-design/icons';
import { Button, Space, Tooltip } from 'antd';
import { useState } from 'react';
import { useT } from './i18n.js';

type Props = {
  /** The value as the server sends it (6101**********1234, 138****1234). */
  masked: string | null;
  /** From the record's abilities: the server would refuse the reveal otherwise. */
  mayReveal: boolean;
  /** The audited reveal route; its answer is shown in this view only and never stored. */
  reveal: () => Promise<string>;
  testId?: string;
  /** The link's words and tooltip; a member's 查看 by default. */
  label?: string;
  hint?: string;
  /** Test id of the link when the value has none. */
  revealTestId?: string;
};

/** A masked ID number or phone with a 查看 link for those allowed to see it in full (each use is audited). */
export function RevealText({ masked, mayReveal, reveal, testId, label, hint, revealTestId }: Props) {
  const t = useT();
  const [full, setFull] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  if (!masked) return <span className="tj-secondary">{t('common.none')}</span>;

  const show = async () => {
    setLoading(true);
    try {
      setFull(await reveal());
    } catch {
      // The API client has shown the server's message.
    } finally {
      setLoading(false);
    }
  };

  return (
    // On a phone the 查看 link wraps under the number rather than pushing the page sideways.
    <Space size={4} wrap>
      <span className="tj-mono" style={{ whiteSpace: 'nowrap' }} data-testid={testId}>
        {full ?? masked}
      </span>
      {mayReveal && full === null && (
        <Tooltip title={hint ?? t('member.revealHint')}>
          <Button
            type="link"
            size="small"
            icon={<EyeOutlined />}
            loading={loading}
            onClick={(event) => {
              event.stopPropagation();
              void show();
            }}
            data-testid={testId ? `${testId}-reveal` : revealTestId}
            style={{ paddingInline: 4 }}
          >
            {label ?? t('member.reveal')}
          </Button>
        </Tooltip>
      )}
    </Space>
  );
}
