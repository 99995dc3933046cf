import { Alert, Form, Modal, type FormInstance, type FormProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { errorMessage } from './api.js';
import { applyServerErrors } from './formErrors.js';
import { useT } from './i18n.js';

type Props<T> = {
  form: FormInstance<T>;
  title: ReactNode;
  width: number;
  initialValues: FormProps<T>['initialValues'];
  /** Fields a server validation error can be shown next to; any other error shows above the form. */
  fields: readonly (keyof T & string)[];
  /** Saves the valid values; what it throws (an API call sent `quiet`) is shown in the form. */
  onSave: (values: T) => Promise<void>;
  onCancel: () => void;
  onValuesChange?: FormProps<T>['onValuesChange'];
  submitTestId?: string;
  children: ReactNode;
};

/** A modal holding one vertical form: 保存 submits it, and a refusal lands next to its field or above the form. */
export function FormModal<T>({
  form,
  title,
  width,
  initialValues,
  fields,
  onSave,
  onCancel,
  onValuesChange,
  submitTestId,
  children,
}: Props<T>) {
  const t = useT();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (values: T) => {
    setSaving(true);
    setError(null);
    try {
      await onSave(values);
    } catch (err) {
      if (!applyServerErrors(form, err, fields)) setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={title}
      okText={t('common.save')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onCancel}
      width={width}
      okButtonProps={submitTestId ? { 'data-testid': submitTestId } : undefined}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<T>
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onFinish={(v) => void submit(v)}
        onValuesChange={onValuesChange}
      >
        {children}
      </Form>
    </Modal>
  );
}
