import { GlobalOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../../app/i18n.js';
import { LogoMark } from '../../app/Logo.js';

/** The frame of the pages seen before the app proper: a light background, a language switch, a footer. */
export function AuthFrame({ children, aside }: { children: ReactNode; aside?: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  return (
    <div className="tj-auth-page">
      <div className="tj-auth-top">
        <span style={{ display: 'flex', alignItems: 'center', gap: 10, fontWeight: 600, fontSize: 18 }}>
          <LogoMark size={30} />
          {t('app.name')}
        </span>
        <Button type="text" icon={<GlobalOutlined />} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
          {t('header.language')}
        </Button>
      </div>
      <div className="tj-auth-main">
        {aside}
        {children}
      </div>
      <div className="tj-auth-footer">{t('app.footer')}</div>
    </div>
  );
}
