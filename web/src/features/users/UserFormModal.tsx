import { Alert, App, Form, Input, Modal, Select, Switch } from 'antd';
import { useState } from 'react';
import { orgRoles, type Role } from '../../../../common/domain.js';
import type { UserItem } from '../../../../common/users.js';
import { errorMessage } from '../../app/api.js';
import { applyServerErrors } from '../../app/formErrors.js';
import { useT } from '../../app/i18n.js';
import { OrgPicker } from '../orgs/OrgPicker.js';
import { userApi, type UpdateUser, type UserWithPassword } from './api.js';

type UserForm = { username: string; displayName: string; role: Role; orgId: number | null; disabled: boolean };

type Props = {
  /** null creates a user; a user edits that one. */
  user: UserItem | null;
  /** Editing oneself: the server refuses changes to one's own role, org and status. */
  self: boolean;
  /** New users start in the creator's own org, the usual case for a league committee. */
  defaultOrg: { id: number; name: string } | null;
  onClose: () => void;
  onCreated: (result: UserWithPassword) => void;
  onUpdated: (user: UserItem) => void;
};

/** Mounted only while open, so every opening starts from fresh values. */
export function UserFormModal({ user, self, defaultOrg, onClose, onCreated, onUpdated }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<UserForm>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const initialValues: Partial<UserForm> = user
    ? {
        username: user.username,
        displayName: user.displayName,
        role: user.role,
        orgId: user.orgId,
        disabled: user.disabled,
      }
    : { role: 'org_editor', orgId: defaultOrg?.id ?? null, disabled: false };

  const submit = async (values: UserForm) => {
    setSaving(true);
    setError(null);
    try {
      if (!user) {
        const result = await userApi.create(
          {
            username: values.username.trim(),
            displayName: values.displayName.trim(),
            role: values.role,
            orgId: values.orgId,
          },
          { quiet: true },
        );
        onCreated(result);
        return;
      }
      const body: UpdateUser = {};
      if (values.displayName.trim() !== user.displayName) body.displayName = values.displayName.trim();
      if (!self) {
        if (values.role !== user.role) body.role = values.role;
        if (values.orgId !== user.orgId) body.orgId = values.orgId;
        if (values.disabled !== user.disabled) body.disabled = values.disabled;
      }
      if (Object.keys(body).length === 0) {
        onClose();
        return;
      }
      const updated = await userApi.update(user.id, body, { quiet: true });
      void message.success(t('users.updated'));
      onUpdated(updated);
    } catch (err) {
      if (!applyServerErrors(form, err, ['username', 'displayName', 'role', 'orgId'])) setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={user ? t('users.editTitle') : t('users.createTitle')}
      okText={t('common.save')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={520}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<UserForm>
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onFinish={(values) => void submit(values)}
      >
        <Form.Item
          name="username"
          label={t('users.field.username')}
          extra={user ? undefined : t('users.field.usernameHelp')}
          rules={[{ required: true, pattern: /^[a-zA-Z0-9_.-]{3,32}$/, message: t('users.field.usernameInvalid') }]}
        >
          <Input disabled={user !== null} autoComplete="off" maxLength={32} className="tj-mono" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('users.field.displayName')}
          rules={[{ required: true, whitespace: true, message: t('users.field.displayNameRequired') }]}
        >
          <Input maxLength={30} />
        </Form.Item>
        {/* Only org roles are handed out here; operator accounts are managed from the server's command line. */}
        <Form.Item
          name="role"
          label={t('users.field.role')}
          rules={[{ required: true, message: t('users.field.roleRequired') }]}
        >
          <Select disabled={self} options={orgRoles.map((role) => ({ value: role, label: t(`role.${role}`) }))} />
        </Form.Item>
        {self ? (
          <Form.Item label={t('users.field.org')}>
            <Input disabled value={user?.orgName ?? ''} />
          </Form.Item>
        ) : (
          <Form.Item
            name="orgId"
            label={t('users.field.org')}
            rules={[{ required: true, message: t('users.field.orgRequired') }]}
          >
            <OrgPicker
              initialName={user ? user.orgName : defaultOrg?.name}
              allowClear={false}
              style={{ width: '100%' }}
            />
          </Form.Item>
        )}
        {user && !self && (
          <Form.Item name="disabled" label={t('users.field.disabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
