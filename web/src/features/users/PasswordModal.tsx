import { CopyOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, App, Button, Flex, Input, Modal, Typography } from 'antd';
import { useT } from '../../app/i18n.js';
import type { UserWithPassword } from './api.js';

/**
 * A generated password, shown once: the server keeps only its hash, so closing this is final. The modal
 * does not close on a click outside it, so it cannot be lost by accident.
 */
export function PasswordModal({ result, onClose }: { result: UserWithPassword | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();

  const copy = async () => {
    if (!result) return;
    try {
      await navigator.clipboard.writeText(result.initialPassword);
      void message.success(t('common.copied'));
    } catch {
      void message.warning(t('common.copyFailed'));
    }
  };

  return (
    <Modal
      open={result !== null}
      title={
        <Flex align="center" gap={8}>
          <SafetyCertificateOutlined style={{ color: '#52c41a' }} />
          {t('users.passwordTitle')}
        </Flex>
      }
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      footer={
        <Button type="primary" onClick={onClose} data-testid="password-done">
          {t('users.passwordDone')}
        </Button>
      }
    >
      {result && (
        <>
          <Typography.Paragraph>
            {t('users.passwordFor', { username: result.user.username, name: result.user.displayName })}
          </Typography.Paragraph>
          <Flex gap={8} style={{ marginBottom: 16 }}>
            <Input
              readOnly
              value={result.initialPassword}
              className="tj-mono"
              style={{ fontSize: 18, letterSpacing: 1 }}
              data-testid="initial-password"
              onFocus={(e) => e.target.select()}
            />
            <Button icon={<CopyOutlined />} onClick={() => void copy()} size="large">
              {t('common.copy')}
            </Button>
          </Flex>
          <Alert type="warning" showIcon title={t('users.passwordOnce')} />
        </>
      )}
    </Modal>
  );
}
