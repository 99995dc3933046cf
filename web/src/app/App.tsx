import { App as AntApp, ConfigProvider, theme as antdTheme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useNavigate } from 'react-router-dom';
import { ChangePasswordPage } from '../features/auth/ChangePasswordPage.js';
import { LoginPage } from '../features/auth/LoginPage.js';
import { TwoFactorPage } from '../features/auth/TwoFactorPage.js';
import { AdmissionPage } from '../features/admission/AdmissionPage.js';
import { ApprovalsPage } from '../features/approvals/ApprovalsPage.js';
import { AuditPage } from '../features/audit/AuditPage.js';
import { MinorsReportPage } from '../features/audit/MinorsReportPage.js';
import { CampaignDetailPage } from '../features/campaigns/CampaignDetailPage.js';
import { CampaignListPage } from '../features/campaigns/CampaignListPage.js';
import { DashboardPage, DashboardRedirect } from '../features/campaigns/DashboardPage.js';
import { PlansPage } from '../features/campaigns/PlansPage.js';
import { LedgerHome, LedgerPage } from '../features/ledger/LedgerPage.js';
import { MovesPage } from '../features/orgs/MovesPage.js';
import { OrgHome, OrgPage } from '../features/orgs/OrgPage.js';
import { OrgTreeProvider } from '../features/orgs/treeStore.js';
import { CadreDetailPage } from '../features/people/CadreDetailPage.js';
import { CadreListPage } from '../features/people/CadreListPage.js';
import { MemberDetailPage } from '../features/people/MemberDetailPage.js';
import { MemberListPage } from '../features/people/MemberListPage.js';
import { QualityPage } from '../features/people/QualityPage.js';
import { ReviewsPage } from '../features/people/ReviewsPage.js';
import { PersonalRightsPage } from '../features/personal-rights/PersonalRightsPage.js';
import { BulletinDetailPage } from '../features/publishing/BulletinDetailPage.js';
import { BulletinEditPage } from '../features/publishing/BulletinEditPage.js';
import { BulletinListPage } from '../features/publishing/BulletinListPage.js';
import { DeliveriesPage } from '../features/publishing/DeliveriesPage.js';
import { SeriesPage } from '../features/publishing/SeriesPage.js';
import { UsersPage } from '../features/users/UsersPage.js';
import { configureApi } from './api.js';
import { HomeRedirect, RequireAbility, RequireSession } from './guards.js';
import { I18nProvider, useI18n } from './i18n.js';
import { AppLayout } from './Layout.js';
import { NotFound } from './NotFound.js';
import { SessionProvider, useSession } from './session.js';

// League red for the brand; everything else stays close to Ant Design's defaults so it reads as a
// familiar admin product.
const theme = {
  algorithm: antdTheme.defaultAlgorithm,
  token: {
    colorPrimary: '#c8161d',
    colorLink: '#c8161d',
    colorInfo: '#1677ff',
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { headerBg: '#b7141b', headerHeight: 56, headerPadding: '0 16px', siderBg: '#ffffff', bodyBg: '#f5f6f8' },
    Menu: { itemBorderRadius: 6 },
  },
};

export function App() {
  return (
    <I18nProvider>
      <Themed />
    </I18nProvider>
  );
}

function Themed() {
  const { lang } = useI18n();
  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={theme}>
      <AntApp>
        <SessionProvider>
          <BrowserRouter>
            <ApiBridge />
            <AppRoutes />
          </BrowserRouter>
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}

/** Connects the API client to antd's message and the router, which exist only inside the providers. */
function ApiBridge() {
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const { accept, requirePasswordChange, session } = useSession();
  const { t } = useI18n();
  const loggedIn = Boolean(session);

  useEffect(() => {
    configureApi({
      notify: (error) => {
        // An expired session leads to the login page, which explains itself; no toast on top.
        if (error.code === 'unauthenticated' && !loggedIn) return;
        void message.error({ content: error.message, key: `${error.code}:${error.message}` });
      },
      onUnauthenticated: () => accept(null),
      onPasswordChangeRequired: () => {
        requirePasswordChange();
        void navigate('/change-password', { replace: true });
      },
      fallbackMessage: (code) => t(code === 'network_error' ? 'common.networkError' : 'common.unexpected'),
    });
  }, [message, navigate, accept, requirePasswordChange, t, loggedIn]);
  return null;
}

function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        path="/change-password"
        element={
          <RequireSession>
            <ChangePasswordPage />
          </RequireSession>
        }
      />
      <Route
        path="/two-factor"
        element={
          <RequireSession>
            <TwoFactorPage />
          </RequireSession>
        }
      />
      <Route
        element={
          <RequireSession>
            <OrgTreeProvider>
              <AppLayout />
            </OrgTreeProvider>
          </RequireSession>
        }
      >
        <Route index element={<HomeRedirect />} />
        <Route
          path="orgs"
          element={
            <RequireAbility permission="org.read">
              <OrgHome />
            </RequireAbility>
          }
        />
        <Route
          path="orgs/:id"
          element={
            <RequireAbility permission="org.read">
              <OrgPage />
            </RequireAbility>
          }
        />
        <Route
          path="moves"
          element={
            <RequireAbility permission="org.move">
              <MovesPage />
            </RequireAbility>
          }
        />
        <Route
          path="users"
          element={
            <RequireAbility permission="user.read">
              <UsersPage />
            </RequireAbility>
          }
        />
        <Route
          path="campaigns"
          element={
            <RequireAbility permission="ledger.read">
              <CampaignListPage />
            </RequireAbility>
          }
        />
        <Route
          path="campaigns/:id"
          element={
            <RequireAbility permission="ledger.read">
              <CampaignDetailPage />
            </RequireAbility>
          }
        />
        <Route
          path="campaigns/:id/dashboard"
          element={
            <RequireAbility permission="ledger.read">
              <DashboardRedirect />
            </RequireAbility>
          }
        />
        <Route
          path="campaigns/:id/dashboard/:orgId"
          element={
            <RequireAbility permission="ledger.read">
              <DashboardPage />
            </RequireAbility>
          }
        />
        <Route
          path="campaigns/:id/plans"
          element={
            <RequireAbility permission="ledger.read">
              <PlansPage />
            </RequireAbility>
          }
        />
        <Route
          path="ledger"
          element={
            <RequireAbility permission="ledger.read">
              <LedgerHome />
            </RequireAbility>
          }
        />
        <Route
          path="ledger/:orgId"
          element={
            <RequireAbility permission="ledger.read">
              <LedgerPage />
            </RequireAbility>
          }
        />
        <Route
          path="people"
          element={
            <RequireAbility permission="people.read">
              <MemberListPage />
            </RequireAbility>
          }
        />
        <Route
          path="people/quality"
          element={
            <RequireAbility permission="people.read">
              <QualityPage />
            </RequireAbility>
          }
        />
        <Route
          path="people/reviews"
          element={
            <RequireAbility permission="people.read">
              <ReviewsPage />
            </RequireAbility>
          }
        />
        <Route
          path="people/cadres"
          element={
            <RequireAbility permission="ledger.read">
              <CadreListPage />
            </RequireAbility>
          }
        />
        <Route
          path="people/cadres/:id"
          element={
            <RequireAbility permission="ledger.read">
              <CadreDetailPage />
            </RequireAbility>
          }
        />
        <Route
          path="people/members/:id"
          element={
            <RequireAbility permission="people.read">
              <MemberDetailPage />
            </RequireAbility>
          }
        />
        <Route
          path="admission"
          element={
            <RequireAbility permission="people.read">
              <AdmissionPage />
            </RequireAbility>
          }
        />
        <Route
          path="approvals"
          element={
            <RequireAbility permission="people.read">
              <ApprovalsPage />
            </RequireAbility>
          }
        />
        <Route path="publishing" element={<Navigate to="/publishing/bulletins" replace />} />
        <Route
          path="publishing/bulletins"
          element={
            <RequireAbility permission="publishing.read">
              <BulletinListPage />
            </RequireAbility>
          }
        />
        <Route
          path="publishing/bulletins/new"
          element={
            <RequireAbility permission="publishing.write">
              <BulletinEditPage />
            </RequireAbility>
          }
        />
        <Route
          path="publishing/bulletins/:id"
          element={
            <RequireAbility permission="publishing.read">
              <BulletinDetailPage />
            </RequireAbility>
          }
        />
        <Route
          path="publishing/bulletins/:id/edit"
          element={
            <RequireAbility permission="publishing.write">
              <BulletinEditPage />
            </RequireAbility>
          }
        />
        <Route
          path="publishing/series"
          element={
            <RequireAbility permission="publishing.read">
              <SeriesPage />
            </RequireAbility>
          }
        />
        <Route
          path="publishing/deliveries"
          element={
            <RequireAbility permission="publishing.read">
              <DeliveriesPage />
            </RequireAbility>
          }
        />
        <Route
          path="personal-rights"
          element={
            <RequireAbility permission="personal.rights">
              <PersonalRightsPage />
            </RequireAbility>
          }
        />
        <Route
          path="audit"
          element={
            <RequireAbility permission="audit.read">
              <AuditPage />
            </RequireAbility>
          }
        />
        <Route
          path="audit/minors-report"
          element={
            <RequireAbility permission="audit.read">
              <MinorsReportPage />
            </RequireAbility>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
