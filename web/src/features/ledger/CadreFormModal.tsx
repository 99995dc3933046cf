import { Alert, App, AutoComplete, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import type { CadreItem } from '../../../../common/ledger.js';
import { cadreKinds, type CadreKind } from '../../../../common/domain.js';
import { errorMessage } from '../../app/api.js';
import { applyServerErrors } from '../../app/formErrors.js';
import { useT } from '../../app/i18n.js';
import { OrgPicker } from '../orgs/OrgPicker.js';
import { cadreApi, type CadreStatus, type UpdateCadre } from './api.js';

type Values = { orgId: number; fullName: string; post: string; kind: CadreKind; phone: string; status: CadreStatus };

type Props = {
  cadre: CadreItem | null;
  defaultOrg: { id: number; name: string };
  onClose: () => void;
  onDone: () => void;
};

const posts = ['书记', '副书记', '组织委员', '宣传委员', '委员'];

/**
 * 登记 / 编辑 a cadre. The phone is never sent back in full: on edit the field starts empty and an empty field
 * keeps the stored number.
 */
export function CadreFormModal({ cadre, defaultOrg, onClose, onDone }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const initialValues: Partial<Values> = cadre
    ? {
        orgId: cadre.orgId,
        fullName: cadre.fullName,
        post: cadre.post,
        kind: cadre.kind,
        phone: '',
        status: cadre.status,
      }
    : { orgId: defaultOrg.id, kind: 'part_time', post: '书记', phone: '' };

  const submit = async (values: Values) => {
    setSaving(true);
    setError(null);
    const phone = values.phone.trim();
    try {
      if (cadre) {
        const patch: UpdateCadre = {};
        if (values.orgId !== cadre.orgId) patch.orgId = values.orgId;
        if (values.fullName.trim() !== cadre.fullName) patch.fullName = values.fullName.trim();
        if (values.post.trim() !== cadre.post) patch.post = values.post.trim();
        if (values.kind !== cadre.kind) patch.kind = values.kind;
        if (values.status !== cadre.status) patch.status = values.status;
        if (phone) patch.phone = phone;
        if (Object.keys(patch).length === 0) {
          onClose();
          return;
        }
        await cadreApi.update(cadre.id, patch, { quiet: true });
        void message.success(t('ledger.saved'));
      } else {
        const created = await cadreApi.create(
          {
            orgId: values.orgId,
            fullName: values.fullName.trim(),
            post: values.post.trim(),
            kind: values.kind,
            phone: phone || null,
          },
          { quiet: true },
        );
        void message.success(t('cadre.created', { name: created.fullName }));
      }
      onDone();
    } catch (err) {
      if (!applyServerErrors(form, err, ['orgId', 'fullName', 'post', 'kind', 'phone', 'status']))
        setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={cadre ? t('cadre.editTitle') : t('cadre.create')}
      okText={t('common.save')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={520}
      okButtonProps={{ 'data-testid': 'cadre-submit' }}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<Values> form={form} layout="vertical" initialValues={initialValues} onFinish={(v) => void submit(v)}>
        <Form.Item
          name="orgId"
          label={t('ledger.field.org')}
          rules={[{ required: true, message: t('ledger.field.orgRequired') }]}
        >
          <OrgPicker
            initialName={cadre ? cadre.orgName : defaultOrg.name}
            allowClear={false}
            style={{ width: '100%' }}
          />
        </Form.Item>
        <div className="tj-form-row">
          <Form.Item
            name="fullName"
            label={t('cadre.col.name')}
            rules={[{ required: true, whitespace: true, message: t('cadre.nameRequired') }]}
            style={{ flex: 1 }}
          >
            <Input maxLength={50} data-testid="cadre-name" />
          </Form.Item>
          <Form.Item
            name="post"
            label={t('cadre.col.post')}
            rules={[{ required: true, whitespace: true, message: t('cadre.postRequired') }]}
            style={{ flex: 1 }}
          >
            <AutoComplete options={posts.map((p) => ({ value: p }))} maxLength={30} />
          </Form.Item>
        </div>
        <div className="tj-form-row">
          <Form.Item name="kind" label={t('cadre.col.kind')} style={{ flex: 1 }}>
            <Select options={cadreKinds.map((k) => ({ value: k, label: t(`cadreKind.${k}`) }))} />
          </Form.Item>
          {cadre && (
            <Form.Item name="status" label={t('cadre.col.status')} style={{ flex: 1 }}>
              <Select
                options={(['active', 'left'] as const).map((s) => ({ value: s, label: t(`cadreStatus.${s}`) }))}
              />
            </Form.Item>
          )}
        </div>
        <Form.Item
          name="phone"
          label={t('ledger.col.phone')}
          extra={
            cadre ? t('ledger.phoneKeep', { masked: cadre.phoneMasked ?? t('common.none') }) : t('ledger.phoneHelp')
          }
        >
          <Input maxLength={30} inputMode="tel" autoComplete="off" data-testid="cadre-phone" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
