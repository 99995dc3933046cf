import { DownloadOutlined, QrcodeOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Empty, Row, Space, Spin, Statistic, Typography } from 'antd';
import { useState } from 'react';
import { errorMessage } from '../../app/api.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { useLoad } from '../../app/useLoad.js';
import { OrgPicker } from '../orgs/OrgPicker.js';
import { wechatApi, type QrScene } from './wechatApi.js';

type Props = { channelId: number; orgId: number; orgName: string; manage: boolean; configured: boolean };

/**
 * 关注二维码: one permanent code per org under the account; whoever subscribes by scanning it is counted for that
 * org, which is how a township sees its own followers of the county's account.
 */
export function WechatQrScenes({ channelId, orgId, orgName, manage, configured }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [pick, setPick] = useState<number | null>(orgId);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { data, loading, reload } = useLoad(() => wechatApi.qrScenes(channelId), [channelId]);

  const create = async () => {
    if (pick === null) return;
    setCreating(true);
    setError(null);
    try {
      await wechatApi.createQrScene(channelId, pick, { quiet: true });
      void message.success(t('wechat.qr.created'));
      reload();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setCreating(false);
    }
  };

  return (
    <>
      <Typography.Paragraph type="secondary">{t('wechat.qr.help')}</Typography.Paragraph>
      {manage && (
        <Card size="small" style={{ marginBottom: 16 }}>
          {!configured && (
            <Alert type="warning" showIcon title={t('wechat.qr.needsCredentials')} style={{ marginBottom: 12 }} />
          )}
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
          <Space wrap>
            <div style={{ width: 300, maxWidth: '100%' }}>
              <OrgPicker
                value={pick}
                initialName={orgName}
                onChange={setPick}
                allowClear={false}
                style={{ width: '100%' }}
                placeholder={t('wechat.qr.pickOrg')}
              />
            </div>
            <Button
              type="primary"
              icon={<QrcodeOutlined />}
              loading={creating}
              disabled={pick === null || !configured}
              onClick={() => void create()}
            >
              {t('wechat.qr.create')}
            </Button>
          </Space>
        </Card>
      )}
      {loading && !data ? (
        <div className="tj-center-block">
          <Spin />
        </div>
      ) : (data?.items.length ?? 0) === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('wechat.qr.empty')} />
      ) : (
        <Row gutter={[12, 12]} data-testid="qr-scenes">
          {data!.items.map((scene) => (
            <Col key={scene.id} xs={24} sm={12}>
              <SceneCard scene={scene} />
            </Col>
          ))}
        </Row>
      )}
    </>
  );
}

function SceneCard({ scene }: { scene: QrScene }) {
  const t = useT();
  return (
    <Card size="small" className="tj-wechat-qr-card">
      <div className="tj-wechat-qr">
        <img src={scene.imageUrl} alt={t('wechat.qr.alt', { org: scene.orgName })} width={112} height={112} />
        <div className="tj-wechat-qr-info">
          <Typography.Text strong ellipsis={{ tooltip: scene.orgName }}>
            {scene.orgName}
          </Typography.Text>
          <Statistic title={t('wechat.qr.followers')} value={scene.followers} styles={{ content: { fontSize: 20 } }} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }} title={scene.scene}>
            {t('wechat.qr.createdAt', { at: formatDateTime(scene.createdAt) })}
          </Typography.Text>
          <Button size="small" icon={<DownloadOutlined />} onClick={() => void wechatApi.downloadQr(scene)}>
            {t('wechat.qr.download')}
          </Button>
        </div>
      </div>
    </Card>
  );
}
