import { Alert, App, Col, Form, Input, Modal, Row, Select, Switch, Typography } from 'antd';
import { useState } from 'react';
import { orgLevels, orgTypes, type OrgLevel, type OrgType } from '../../../../common/domain.js';
import type { CreateOrgBody, OrgDetail, OrgSummary, UpdateOrgBody } from '../../../../common/orgs.js';
import { errorMessage } from '../../app/api.js';
import { applyServerErrors } from '../../app/formErrors.js';
import { useT } from '../../app/i18n.js';
import { orgApi } from './api.js';

type OrgForm = {
  name: string;
  shortName: string;
  type: OrgType;
  level: OrgLevel;
  isDirect: boolean;
  regionCode: string;
  statCode: string;
  phone: string;
  email: string;
  industry: string;
};
const formFields = [
  'name',
  'shortName',
  'type',
  'level',
  'isDirect',
  'regionCode',
  'statCode',
  'phone',
  'email',
  'industry',
] as const;

// Mounted only while open, so every opening starts from fresh values (and no two forms share input ids).
type Props =
  | {
      mode: 'create';
      parent: Pick<OrgDetail, 'id' | 'name' | 'level'> | null;
      onClose: () => void;
      onDone: (org: OrgSummary) => void;
    }
  | { mode: 'edit'; org: OrgDetail; onClose: () => void; onDone: (org: OrgSummary) => void };

/** The levels a child may take: its parent's level or any below it (the server refuses a higher one). */
function allowedLevels(parentLevel: OrgLevel | null): OrgLevel[] {
  return parentLevel ? orgLevels.slice(orgLevels.indexOf(parentLevel)) : [...orgLevels];
}

function defaultsFor(parentLevel: OrgLevel | null): Pick<OrgForm, 'level' | 'type'> {
  const levels = allowedLevels(parentLevel);
  const level = parentLevel ? (levels[1] ?? levels[0]) : 'province';
  return { level, type: level === 'village' ? 'branch' : 'committee' };
}

const blank = (value: string | null | undefined) => (value && value.trim() ? value.trim() : null);

export function OrgFormModal(props: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<OrgForm>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editing = props.mode === 'edit' ? props.org : null;
  const parentLevel = props.mode === 'create' ? (props.parent?.level ?? null) : null;

  const initialValues: Partial<OrgForm> = editing
    ? {
        name: editing.name,
        shortName: editing.shortName ?? '',
        type: editing.type,
        level: editing.level,
        isDirect: editing.isDirect,
        regionCode: editing.regionCode ?? '',
        statCode: editing.statCode ?? '',
        phone: editing.phone ?? '',
        email: editing.email ?? '',
        industry: editing.industry ?? '',
      }
    : { ...defaultsFor(parentLevel), isDirect: false };

  const submit = async (values: OrgForm) => {
    setSaving(true);
    setError(null);
    try {
      let saved: OrgSummary;
      if (props.mode === 'create') {
        const body: CreateOrgBody = {
          parentId: props.parent?.id ?? null,
          name: values.name.trim(),
          shortName: blank(values.shortName),
          type: values.type,
          level: values.level,
          isDirect: values.isDirect,
          regionCode: blank(values.regionCode),
          statCode: blank(values.statCode),
          phone: blank(values.phone),
          email: blank(values.email),
          industry: blank(values.industry),
        };
        saved = await orgApi.create(body, { quiet: true });
        void message.success(t('org.created', { name: saved.name }));
      } else {
        const body = changedFields(props.org, values);
        if (Object.keys(body).length === 0) {
          void message.info(t('org.noChanges'));
          props.onClose();
          return;
        }
        saved = await orgApi.update(props.org.id, body, { quiet: true });
        void message.success(t('org.updated'));
      }
      props.onDone(saved);
    } catch (err) {
      if (!applyServerErrors(form, err, formFields)) setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  const levels = editing ? [...orgLevels] : allowedLevels(parentLevel);
  const title =
    props.mode === 'edit' ? t('org.editTitle') : props.parent ? t('org.createTitle') : t('org.createTopTitle');

  return (
    <Modal
      open
      title={title}
      width={680}
      okText={t('common.save')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={props.onClose}
    >
      {props.mode === 'create' && props.parent && (
        <Typography.Paragraph type="secondary">
          {t('org.createUnder', { name: props.parent.name })}
        </Typography.Paragraph>
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<OrgForm>
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onFinish={(values) => void submit(values)}
        requiredMark
      >
        <Row gutter={16}>
          <Col xs={24} sm={16}>
            <Form.Item
              name="name"
              label={t('org.field.name')}
              rules={[
                { required: true, whitespace: true, message: t('org.field.nameRequired') },
                { min: 2, max: 60 },
              ]}
            >
              <Input maxLength={60} placeholder={t('org.field.namePlaceholder')} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item name="shortName" label={t('org.field.shortName')} rules={[{ max: 30 }]}>
              <Input maxLength={30} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item
              name="type"
              label={t('org.field.type')}
              rules={[{ required: true, message: t('org.field.typeRequired') }]}
            >
              <Select options={orgTypes.map((type) => ({ value: type, label: t(`orgType.${type}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item
              name="level"
              label={t('org.field.level')}
              rules={[{ required: true, message: t('org.field.levelRequired') }]}
            >
              <Select options={levels.map((level) => ({ value: level, label: t(`orgLevel.${level}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item
              name="isDirect"
              label={t('org.field.isDirect')}
              valuePropName="checked"
              tooltip={t('org.field.isDirectHelp')}
            >
              <Switch />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="regionCode"
              label={t('org.field.regionCode')}
              extra={t('org.field.regionCodeHelp')}
              rules={[{ pattern: /^\d{6}$/, message: t('org.field.regionCodeInvalid') }]}
            >
              <Input maxLength={6} inputMode="numeric" className="tj-mono" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="statCode"
              label={t('org.field.statCode')}
              extra={t('org.field.statCodeHelp')}
              dependencies={['regionCode']}
              rules={[
                { pattern: /^\d{12}$/, message: t('org.field.statCodeInvalid') },
                ({ getFieldValue }) => ({
                  validator: (_rule, value: string | undefined) => {
                    const region = String(getFieldValue('regionCode') ?? '');
                    return !value || !region || value.startsWith(region)
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('org.field.statCodeMismatch')));
                  },
                }),
              ]}
            >
              <Input maxLength={12} inputMode="numeric" className="tj-mono" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item name="phone" label={t('org.field.phone')} rules={[{ max: 30 }]}>
              <Input maxLength={30} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item
              name="email"
              label={t('org.field.email')}
              rules={[{ type: 'email', message: t('org.field.emailInvalid') }]}
            >
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item name="industry" label={t('org.field.industry')} rules={[{ max: 30 }]}>
              <Input maxLength={30} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

/** Only what the person changed goes to PATCH, so the history records exactly that. */
function changedFields(org: OrgDetail, values: OrgForm): UpdateOrgBody {
  const body: UpdateOrgBody = {};
  const name = values.name.trim();
  if (name !== org.name) body.name = name;
  if (blank(values.shortName) !== org.shortName) body.shortName = blank(values.shortName);
  if (values.type !== org.type) body.type = values.type;
  if (values.level !== org.level) body.level = values.level;
  if (values.isDirect !== org.isDirect) body.isDirect = values.isDirect;
  if (blank(values.regionCode) !== org.regionCode) body.regionCode = blank(values.regionCode);
  if (blank(values.statCode) !== org.statCode) body.statCode = blank(values.statCode);
  if (blank(values.phone) !== org.phone) body.phone = blank(values.phone);
  if (blank(values.email) !== org.email) body.email = blank(values.email);
  if (blank(values.industry) !== org.industry) body.industry = blank(values.industry);
  return body;
}
