import {
  DisconnectOutlined,
  EditOutlined,
  KeyOutlined,
  PlusOutlined,
  SafetyCertificateOutlined,
  UnlockOutlined,
} from '@ant-design/icons';
import { App, Button, Card, Input, Space, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import type { Role } from '../../../../common/domain.js';
import type { UserItem } from '../../../../common/users.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { PagedTable } from '../../app/PagedTable.js';
import { PageHeader } from '../../app/PageHeader.js';
import { useCurrentSession, useSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { usePaging } from '../../app/usePaging.js';
import { OrgPicker } from '../orgs/OrgPicker.js';
import { userApi, type UserWithPassword } from './api.js';
import { PasswordModal } from './PasswordModal.js';
import { UserFormModal } from './UserFormModal.js';

const roleColors: Record<Role, string> = {
  org_admin: 'red',
  org_editor: 'blue',
  inspector: 'cyan',
  system_admin: 'purple',
  security_admin: 'magenta',
  audit_admin: 'geekblue',
};

export function UsersPage() {
  const t = useT();
  const { modal, message } = App.useApp();
  const session = useCurrentSession();
  const { can } = useSession();
  const me = session.user;
  const [q, setQ] = useState('');
  const [orgId, setOrgId] = useState<number | null>(null);
  const paging = usePaging();
  const { page } = paging;
  const [editing, setEditing] = useState<UserItem | 'new' | null>(null);
  const [password, setPassword] = useState<UserWithPassword | null>(null);
  const { data, loading, reload } = useLoad(
    () => userApi.list({ q: q || undefined, orgId, offset: (page.current - 1) * page.pageSize, limit: page.pageSize }),
    [q, orgId, page.current, page.pageSize],
  );
  const defaultOrg = useMemo(
    () => (me.orgId !== null && me.orgName ? { id: me.orgId, name: me.orgName } : null),
    [me.orgId, me.orgName],
  );

  // The server says per account what the actor may do; buttons it would refuse are not shown.
  const mayEdit = (user: UserItem) => user.abilities.update;
  const mayReset = (user: UserItem) => user.abilities.resetPassword;
  const mayUnlock = (user: UserItem) => user.abilities.unlock;
  const mayResetTotp = (user: UserItem) => user.abilities.resetTotp;
  const mayEndSessions = (user: UserItem) => user.abilities.endSessions;

  const reset = (user: UserItem) =>
    modal.confirm({
      title: t('users.resetPassword'),
      content: t('users.resetConfirm', { name: user.displayName }),
      okText: t('users.resetPassword'),
      okButtonProps: { danger: true },
      onOk: async () => {
        const result = await userApi.resetPassword(user.id);
        setPassword(result);
        reload();
      },
    });

  const endSessions = (user: UserItem) =>
    modal.confirm({
      title: t('users.endSessions'),
      content: t('users.endSessionsConfirm', { name: user.displayName }),
      okText: t('users.endSessions'),
      okButtonProps: { danger: true },
      onOk: async () => {
        const { ended } = await userApi.endSessions(user.id);
        void message.success(t('users.sessionsEnded', { count: ended }));
      },
    });

  const resetTotp = (user: UserItem) =>
    modal.confirm({
      title: t('users.resetTotp'),
      content: t('users.resetTotpConfirm', { name: user.displayName }),
      okText: t('users.resetTotp'),
      okButtonProps: { danger: true },
      onOk: async () => {
        await userApi.resetTotp(user.id);
        void message.success(t('users.totpReset'));
        reload();
      },
    });

  const unlock = async (user: UserItem) => {
    try {
      await userApi.unlock(user.id);
      void message.success(t('users.unlocked'));
      reload();
    } catch {
      // The API client has shown the server's message.
    }
  };

  const columns: TableColumnsType<UserItem> = [
    {
      title: t('users.col.username'),
      dataIndex: 'username',
      render: (value: string) => <span className="tj-mono">{value}</span>,
    },
    { title: t('users.col.displayName'), dataIndex: 'displayName' },
    {
      title: t('users.col.role'),
      dataIndex: 'role',
      render: (role: Role) => <Tag color={roleColors[role]}>{t(`role.${role}`)}</Tag>,
    },
    {
      title: t('users.col.org'),
      dataIndex: 'orgName',
      responsive: ['md'],
      render: (_v, user) =>
        user.orgId === null ? (
          <Typography.Text type="secondary">{t('common.none')}</Typography.Text>
        ) : can('org.read') ? (
          <Link to={`/orgs/${user.orgId}`}>{user.orgName}</Link>
        ) : (
          user.orgName
        ),
    },
    { title: t('users.col.status'), key: 'status', render: (_v, user) => <UserStatus user={user} /> },
    {
      title: t('users.col.lastLogin'),
      dataIndex: 'lastLoginAt',
      responsive: ['lg'],
      render: (value: string | null) =>
        value ? formatDateTime(value) : <Typography.Text type="secondary">{t('users.neverLoggedIn')}</Typography.Text>,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_v, user) => (
        <Space size={0} wrap>
          {mayEdit(user) && (
            <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(user)}>
              {t('common.edit')}
            </Button>
          )}
          {mayReset(user) && (
            <Button type="link" size="small" icon={<KeyOutlined />} onClick={() => void reset(user)}>
              {t('users.resetPassword')}
            </Button>
          )}
          {mayUnlock(user) && (
            <Button type="link" size="small" icon={<UnlockOutlined />} onClick={() => void unlock(user)}>
              {t('users.unlock')}
            </Button>
          )}
          {mayEndSessions(user) && (
            <Button
              type="link"
              size="small"
              icon={<DisconnectOutlined />}
              onClick={() => void endSessions(user)}
              data-testid={`end-sessions-${user.username}`}
            >
              {t('users.endSessions')}
            </Button>
          )}
          {mayResetTotp(user) && (
            <Button
              type="link"
              size="small"
              icon={<SafetyCertificateOutlined />}
              onClick={() => void resetTotp(user)}
              data-testid={`reset-totp-${user.username}`}
            >
              {t('users.resetTotp')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('users.title')}
        subtitle={t('users.subtitle')}
        extra={
          can('user.manage') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="create-user">
              {t('users.create')}
            </Button>
          )
        }
      />
      <div className="tj-page-body">
        <Card variant="borderless">
          <div className="tj-toolbar" style={{ justifyContent: 'flex-start' }}>
            <Input.Search
              allowClear
              placeholder={t('users.search')}
              style={{ width: 260, maxWidth: '100%' }}
              onSearch={(value) => {
                setQ(value.trim());
                paging.toFirstPage();
              }}
            />
            {can('org.read') && (
              <OrgPicker
                value={orgId}
                placeholder={t('users.filterOrg')}
                style={{ width: 280, maxWidth: '100%' }}
                onChange={(value) => {
                  setOrgId(value);
                  paging.toFirstPage();
                }}
              />
            )}
          </div>
          <PagedTable<UserItem>
            columns={columns}
            data={data}
            loading={loading}
            paging={paging}
            emptyText={t('common.empty')}
          />
        </Card>
      </div>
      {editing !== null && (
        <UserFormModal
          user={editing === 'new' ? null : editing}
          self={editing !== 'new' && editing.id === me.id}
          defaultOrg={defaultOrg}
          onClose={() => setEditing(null)}
          onCreated={(result) => {
            setEditing(null);
            void message.success(t('users.created', { name: result.user.displayName }));
            setPassword(result);
            reload();
          }}
          onUpdated={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      <PasswordModal result={password} onClose={() => setPassword(null)} />
    </>
  );
}

function UserStatus({ user }: { user: UserItem }) {
  const t = useT();
  const tags = [
    user.disabled && <Tag key="disabled">{t('users.status.disabled')}</Tag>,
    user.locked && (
      <Tag key="locked" color="error">
        {t('users.status.locked')}
      </Tag>
    ),
    user.mustChangePassword && (
      <Tooltip key="must" title={t('password.forced')}>
        <Tag color="warning">{t('users.status.mustChange')}</Tag>
      </Tooltip>
    ),
  ].filter(Boolean);
  return (
    <Space size={4} wrap>
      {tags.length > 0 ? tags : <Tag color="success">{t('users.status.active')}</Tag>}
      {user.totpEnabled && (
        <Tag color="blue" icon={<SafetyCertificateOutlined />}>
          {t('users.status.totp')}
        </Tag>
      )}
    </Space>
  );
}
