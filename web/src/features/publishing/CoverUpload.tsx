import { DeleteOutlined, PictureOutlined, SwapOutlined } from '@ant-design/icons';
import { App, Button, Space, Spin } from 'antd';
import { useRef, useState } from 'react';
import { useT } from '../../app/i18n.js';
import { bulletinApi } from './api.js';
import { imageAccept, imageTooLarge } from './images.js';

export const imageUrlOf = (sha256: string) => `/news/images/${sha256}`;

type Props = {
  orgId: number;
  /** The stored image's sha256, or null for none. */
  value?: string | null;
  onChange?: (sha256: string | null) => void;
  id?: string;
};

/** 封面: uploads one picture and shows it as WeChat crops it (2.35 : 1); change or remove it. */
export function CoverUpload({ orgId, value, onChange, id }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const input = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState(false);

  const upload = async (file: File) => {
    if (!file.type.startsWith('image/')) return void message.error(t('pub.image.notImage'));
    if (imageTooLarge(file)) return void message.error(t('pub.image.tooLarge'));
    setUploading(true);
    try {
      const { sha256 } = await bulletinApi.uploadImage(orgId, file);
      onChange?.(sha256);
    } catch {
      // The API client has shown why.
    } finally {
      setUploading(false);
    }
  };

  return (
    <div className="tj-pub-cover" id={id}>
      <input
        ref={input}
        type="file"
        accept={imageAccept}
        style={{ display: 'none' }}
        aria-label={t('pub.field.coverFile')}
        data-testid="cover-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void upload(file);
        }}
      />
      <Spin spinning={uploading}>
        {value ? (
          <div className="tj-pub-cover-box">
            <img src={imageUrlOf(value)} alt={t('pub.field.cover')} data-testid="cover-preview" />
          </div>
        ) : (
          <button type="button" className="tj-pub-cover-empty" onClick={() => input.current?.click()}>
            <PictureOutlined style={{ fontSize: 28 }} />
            <span>{t('pub.field.coverUpload')}</span>
            <span className="tj-secondary">{t('pub.field.coverHint')}</span>
          </button>
        )}
      </Spin>
      {value && (
        <Space size={8} style={{ marginTop: 8 }}>
          <Button size="small" icon={<SwapOutlined />} onClick={() => input.current?.click()}>
            {t('pub.field.coverChange')}
          </Button>
          <Button size="small" danger icon={<DeleteOutlined />} onClick={() => onChange?.(null)}>
            {t('pub.field.coverRemove')}
          </Button>
        </Space>
      )}
    </div>
  );
}
