import {
  AuditOutlined,
  BranchesOutlined,
  CheckSquareOutlined,
  ClusterOutlined,
  DashboardOutlined,
  WechatOutlined,
  DownOutlined,
  GlobalOutlined,
  IdcardOutlined,
  KeyOutlined,
  LogoutOutlined,
  MenuOutlined,
  NotificationOutlined,
  SafetyOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
  UserAddOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { App, Avatar, Button, Drawer, Dropdown, Grid, Layout, Menu, Tag, type MenuProps } from 'antd';
import { useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { ApprovalsMenuLabel } from '../features/approvals/summary.js';
import { NotificationBell } from '../features/notifications/NotificationBell.js';
import { OrgNavigator } from '../features/orgs/OrgNavigator.js';
import { useI18n } from './i18n.js';
import { LogoMark } from './Logo.js';
import { useCurrentSession, useSession } from './session.js';

// Room for the org tree's full names; operators without the tree get a plain, narrower menu.
const treeSiderWidth = 320;
const menuSiderWidth = 220;

export function AppLayout() {
  const screens = Grid.useBreakpoint();
  // Until the first measurement, assume a desktop: a phone corrects it before anything is painted twice.
  const narrow = screens.lg === false;
  const [drawerOpen, setDrawerOpen] = useState(false);
  const { can } = useSession();
  const siderWidth = can('org.read') ? treeSiderWidth : menuSiderWidth;

  return (
    <Layout className="tj-shell">
      <AppHeader onMenu={narrow ? () => setDrawerOpen(true) : undefined} />
      <Layout>
        {!narrow && (
          <Layout.Sider width={siderWidth} theme="light" className="tj-sider">
            <SideContent />
          </Layout.Sider>
        )}
        <Layout.Content className="tj-content">
          <Outlet />
        </Layout.Content>
      </Layout>
      {narrow && (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          size={siderWidth}
          closable={false}
          styles={{ body: { padding: 0, display: 'flex', flexDirection: 'column' } }}
        >
          <SideContent onNavigate={() => setDrawerOpen(false)} />
        </Drawer>
      )}
    </Layout>
  );
}

function SideContent({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useI18n();
  const { can } = useSession();
  const location = useLocation();
  const section = '/' + (location.pathname.split('/')[1] ?? '');
  // A group's page is selected by its first two segments (/publishing/series).
  const page = '/' + location.pathname.split('/').slice(1, 3).join('/');

  const items: MenuProps['items'] = [
    can('org.read') && { key: '/orgs', icon: <ClusterOutlined />, label: <Link to="/orgs">{t('nav.orgs')}</Link> },
    can('ledger.read') && {
      key: '/campaigns',
      icon: <DashboardOutlined />,
      label: <Link to="/campaigns">{t('nav.campaigns')}</Link>,
    },
    can('ledger.read') && {
      key: '/ledger',
      icon: <WechatOutlined />,
      label: <Link to="/ledger">{t('nav.ledger')}</Link>,
    },
    can('publishing.read') && {
      key: '/publishing',
      icon: <NotificationOutlined />,
      label: t('nav.publishing'),
      children: [
        {
          key: '/publishing/bulletins',
          label: <Link to="/publishing/bulletins">{t('nav.publishing.bulletins')}</Link>,
        },
        { key: '/publishing/series', label: <Link to="/publishing/series">{t('nav.publishing.series')}</Link> },
        {
          key: '/publishing/deliveries',
          label: <Link to="/publishing/deliveries">{t('nav.publishing.deliveries')}</Link>,
        },
      ],
    },
    can('people.read') && {
      key: '/people',
      icon: <IdcardOutlined />,
      label: <Link to="/people">{t('nav.people')}</Link>,
    },
    can('people.read') && {
      key: '/admission',
      icon: <UserAddOutlined />,
      label: <Link to="/admission">{t('nav.admission')}</Link>,
    },
    can('people.read') && {
      key: '/approvals',
      icon: <CheckSquareOutlined />,
      label: (
        <Link to="/approvals">
          <ApprovalsMenuLabel label={t('nav.approvals')} />
        </Link>
      ),
    },
    can('personal.rights') && {
      key: '/personal-rights',
      icon: <SafetyOutlined />,
      label: <Link to="/personal-rights">{t('nav.personalRights')}</Link>,
    },
    can('org.move') && { key: '/moves', icon: <BranchesOutlined />, label: <Link to="/moves">{t('nav.moves')}</Link> },
    can('user.read') && { key: '/users', icon: <TeamOutlined />, label: <Link to="/users">{t('nav.users')}</Link> },
    can('audit.read') && { key: '/audit', icon: <AuditOutlined />, label: <Link to="/audit">{t('nav.audit')}</Link> },
  ].filter((item) => item !== false);

  return (
    <div className="tj-side">
      <Menu
        mode="inline"
        selectedKeys={[section, page]}
        defaultOpenKeys={section === '/publishing' ? ['/publishing'] : []}
        items={items}
        className="tj-side-menu"
        onClick={onNavigate}
      />
      {can('org.read') && (
        <>
          <div className="tj-side-label">{t('nav.orgTree')}</div>
          <OrgNavigator onNavigate={onNavigate} />
        </>
      )}
    </div>
  );
}

function AppHeader({ onMenu }: { onMenu?: () => void }) {
  const { t, lang, setLang } = useI18n();
  const session = useCurrentSession();
  const { logout, can } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const { user } = session;
  const roleText = t(`role.${user.role}`);
  const orgText = user.orgName ?? t('header.noOrg');

  const menu: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: (
        <div className="tj-user-card">
          <div className="tj-user-card-name">{user.displayName}</div>
          <div className="tj-user-card-meta">
            {roleText} · {orgText}
          </div>
        </div>
      ),
    },
    { type: 'divider' },
    { key: 'password', icon: <KeyOutlined />, label: t('header.changePassword') },
    { key: 'two-factor', icon: <SafetyCertificateOutlined />, label: t('header.twoFactor') },
    { key: 'logout', icon: <LogoutOutlined />, label: t('header.logout'), danger: true },
  ];

  const onMenuClick: MenuProps['onClick'] = ({ key }) => {
    if (key === 'password') void navigate('/change-password');
    if (key === 'two-factor') void navigate('/two-factor');
    if (key === 'logout') {
      void logout().then(() => message.success(t('header.loggedOut')));
    }
  };

  return (
    <Layout.Header className="tj-header">
      <div className="tj-header-left">
        {onMenu && (
          <Button
            type="text"
            className="tj-header-btn"
            icon={<MenuOutlined />}
            onClick={onMenu}
            aria-label={t('nav.menu')}
          />
        )}
        <Link to="/" className="tj-brand">
          <LogoMark />
          <span className="tj-brand-name">{t('app.name')}</span>
          {screens.md && <span className="tj-brand-sub">{t('app.fullName').split(' · ')[1]}</span>}
        </Link>
      </div>
      <div className="tj-header-right">
        {can('ledger.read') && <NotificationBell />}
        <Button
          type="text"
          className="tj-header-btn"
          icon={<GlobalOutlined />}
          onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
        >
          {screens.sm ? t('header.language') : null}
        </Button>
        <Dropdown menu={{ items: menu, onClick: onMenuClick }} placement="bottomRight" trigger={['click']}>
          <Button type="text" className="tj-header-btn tj-user-btn" data-testid="user-menu">
            <Avatar size="small" icon={<UserOutlined />} className="tj-avatar" />
            {screens.md && (
              <span className="tj-user-inline">
                <span className="tj-user-name">{user.displayName}</span>
                <Tag variant="filled" className="tj-role-tag">
                  {roleText}
                </Tag>
                {screens.xl && <span className="tj-user-org">{orgText}</span>}
              </span>
            )}
            <DownOutlined style={{ fontSize: 10 }} />
          </Button>
        </Dropdown>
      </div>
    </Layout.Header>
  );
}
