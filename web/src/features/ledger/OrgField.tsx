import { Form } from 'antd';
import { useT } from '../../app/i18n.js';
import { OrgPicker } from '../orgs/OrgPicker.js';

/** 所属组织 of a ledger record: required, picked from the tree; `initialName` labels the starting org. */
export function OrgField({ initialName }: { initialName: string }) {
  const t = useT();
  return (
    <Form.Item
      name="orgId"
      label={t('ledger.field.org')}
      rules={[{ required: true, message: t('ledger.field.orgRequired') }]}
    >
      <OrgPicker initialName={initialName} allowClear={false} style={{ width: '100%' }} />
    </Form.Item>
  );
}
