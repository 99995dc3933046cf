import { PlusOutlined } from '@ant-design/icons';
import { App, Empty, Image, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import type { ChannelDetail } from '../../../../common/ledger.js';
import { errorMessage } from '../../app/api.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { channelApi } from './api.js';

/** Screenshots proving the group exists (its member list, its QR card): a thumbnail grid and an upload. */
export function ChannelEvidence({ channel, onUploaded }: { channel: ChannelDetail; onUploaded: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [uploading, setUploading] = useState(false);

  return (
    <Space wrap size={12} align="start" data-testid="evidence-list">
      <Image.PreviewGroup>
        {channel.evidence.map((item) => (
          <div key={item.id} className="tj-evidence">
            <Image
              src={channelApi.evidenceUrl(item.id)}
              alt={item.fileName}
              width={104}
              height={104}
              style={{ objectFit: 'cover', borderRadius: 6 }}
              data-testid={`evidence-${item.id}`}
            />
            <Typography.Text
              type="secondary"
              className="tj-evidence-caption"
              ellipsis={{ tooltip: `${item.fileName} · ${item.uploadedBy ?? ''}` }}
            >
              {formatDateTime(item.uploadedAt)}
            </Typography.Text>
          </div>
        ))}
      </Image.PreviewGroup>
      {channel.abilities.update && (
        <Upload
          accept="image/*"
          listType="picture-card"
          showUploadList={false}
          disabled={uploading}
          customRequest={({ file, onSuccess, onError }) => {
            if (!(file instanceof File)) return;
            setUploading(true);
            channelApi
              .uploadEvidence(channel.id, file)
              .then(
                (item) => {
                  onSuccess?.(item);
                  void message.success(t('channel.evidenceUploaded'));
                  onUploaded();
                },
                (error: unknown) => onError?.(new Error(errorMessage(error))),
              )
              .finally(() => setUploading(false));
          }}
          data-testid="evidence-upload"
        >
          <div>
            <PlusOutlined />
            <div style={{ marginTop: 8 }}>{uploading ? t('channel.uploading') : t('channel.uploadEvidence')}</div>
          </div>
        </Upload>
      )}
      {!channel.abilities.update && channel.evidence.length === 0 && (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('channel.noEvidence')} />
      )}
    </Space>
  );
}
