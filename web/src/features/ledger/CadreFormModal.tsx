import { App, AutoComplete, Form, Input, Select } from 'antd';
import type { CadreItem } from '../../../../common/ledger.js';
import { cadreKinds, type CadreKind } from '../../../../common/domain.js';
import { FormModal } from '../../app/FormModal.js';
import { useT } from '../../app/i18n.js';
import { cadreApi, type CadreStatus, type UpdateCadre } from './api.js';
import { OrgField } from './OrgField.js';

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

  const save = async (values: Values) => {
    const phone = values.phone.trim();
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
  };

  return (
    <FormModal<Values>
      form={form}
      title={cadre ? t('cadre.editTitle') : t('cadre.create')}
      width={520}
      submitTestId="cadre-submit"
      initialValues={initialValues}
      fields={['orgId', 'fullName', 'post', 'kind', 'phone', 'status']}
      onSave={save}
      onCancel={onClose}
    >
      <OrgField initialName={cadre ? cadre.orgName : defaultOrg.name} />
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
            <Select options={(['active', 'left'] as const).map((s) => ({ value: s, label: t(`cadreStatus.${s}`) }))} />
          </Form.Item>
        )}
      </div>
      <Form.Item
        name="phone"
        label={t('ledger.col.phone')}
        extra={cadre ? t('ledger.phoneKeep', { masked: cadre.phoneMasked ?? t('common.none') }) : t('ledger.phoneHelp')}
      >
        <Input maxLength={30} inputMode="tel" autoComplete="off" data-testid="cadre-phone" />
      </Form.Item>
    </FormModal>
  );
}
