import { App, Form, Input, Select } from 'antd';
import type { ContactItem } from '../../../../common/ledger.js';
import { contactCategories, type ContactCategory } from '../../../../common/domain.js';
import { FormModal } from '../../app/FormModal.js';
import { useT } from '../../app/i18n.js';
import { contactApi, type UpdateContact } from './api.js';
import { OrgField } from './OrgField.js';

type Values = {
  orgId: number;
  fullName: string;
  phone: string;
  village: string;
  category: ContactCategory;
  note: string;
};

type Props = {
  contact: ContactItem | null;
  defaultOrg: { id: number; name: string };
  onClose: () => void;
  onDone: () => void;
};

/** 登记 / 编辑 a young person. On edit the phone starts empty: the full number never comes back from the server. */
export function ContactFormModal({ contact, defaultOrg, onClose, onDone }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();

  const initialValues: Partial<Values> = contact
    ? {
        orgId: contact.orgId,
        fullName: contact.fullName,
        phone: '',
        village: contact.village ?? '',
        category: contact.category,
        note: contact.note ?? '',
      }
    : { orgId: defaultOrg.id, category: 'returnee', phone: '', village: '', note: '' };

  const save = async (values: Values) => {
    if (contact) {
      const patch: UpdateContact = {};
      if (values.orgId !== contact.orgId) patch.orgId = values.orgId;
      if (values.fullName.trim() !== contact.fullName) patch.fullName = values.fullName.trim();
      if (values.phone.trim()) patch.phone = values.phone.trim();
      if (values.village.trim() !== (contact.village ?? '')) patch.village = values.village.trim();
      if (values.category !== contact.category) patch.category = values.category;
      if (values.note.trim() !== (contact.note ?? '')) patch.note = values.note.trim();
      if (Object.keys(patch).length === 0) {
        onClose();
        return;
      }
      await contactApi.update(contact.id, patch, { quiet: true });
      void message.success(t('ledger.saved'));
    } else {
      const created = await contactApi.create(
        {
          orgId: values.orgId,
          fullName: values.fullName.trim(),
          phone: values.phone.trim(),
          village: values.village.trim(),
          category: values.category,
          note: values.note.trim(),
        },
        { quiet: true },
      );
      void message.success(t('contact.created', { name: created.fullName }));
    }
    onDone();
  };

  return (
    <FormModal<Values>
      form={form}
      title={contact ? t('contact.editTitle') : t('contact.create')}
      width={560}
      submitTestId="contact-submit"
      initialValues={initialValues}
      fields={['orgId', 'fullName', 'phone', 'village', 'category', 'note']}
      onSave={save}
      onCancel={onClose}
    >
      <OrgField initialName={contact ? contact.orgName : defaultOrg.name} />
      <div className="tj-form-row">
        <Form.Item
          name="fullName"
          label={t('contact.col.name')}
          rules={[{ required: true, whitespace: true, message: t('contact.nameRequired') }]}
          style={{ flex: 1 }}
        >
          <Input maxLength={50} data-testid="contact-name" />
        </Form.Item>
        <Form.Item name="category" label={t('contact.col.category')} style={{ width: 160 }}>
          <Select options={contactCategories.map((c) => ({ value: c, label: t(`contactCategory.${c}`) }))} />
        </Form.Item>
      </div>
      <Form.Item
        name="phone"
        label={t('ledger.col.phone')}
        extra={contact ? t('ledger.phoneKeep', { masked: contact.phoneMasked }) : undefined}
        rules={contact ? [] : [{ required: true, whitespace: true, message: t('contact.phoneRequired') }]}
      >
        <Input maxLength={30} inputMode="tel" autoComplete="off" data-testid="contact-phone" />
      </Form.Item>
      <Form.Item name="village" label={t('contact.col.village')}>
        <Input maxLength={60} />
      </Form.Item>
      <Form.Item name="note" label={t('contact.field.note')}>
        <Input.TextArea maxLength={200} rows={2} showCount />
      </Form.Item>
    </FormModal>
  );
}
