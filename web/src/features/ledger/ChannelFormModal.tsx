import { App, DatePicker, Form, Input, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { ChannelItem } from '../../../../common/ledger.js';
import {
  accountTypes,
  channelKinds,
  channelStatuses,
  type AccountType,
  type ChannelKind,
  type ChannelStatus,
} from '../../../../common/domain.js';
import { FormModal } from '../../app/FormModal.js';
import { useT } from '../../app/i18n.js';
import { channelApi, type UpdateChannel } from './api.js';
import { CadrePicker } from './CadrePicker.js';
import { OrgField } from './OrgField.js';

type Values = {
  orgId: number;
  kind: ChannelKind;
  name: string;
  status: ChannelStatus;
  responsibleCadreId: number | null;
  createdOn: Dayjs | null;
  accountType: AccountType | null;
  appId: string | null;
  originalId: string | null;
};

type Props = {
  channel: ChannelItem | null;
  defaultOrg: { id: number; name: string };
  onClose: () => void;
  onDone: () => void;
};

const fields = [
  'orgId',
  'kind',
  'name',
  'status',
  'responsibleCadreId',
  'createdOn',
  'accountType',
  'appId',
  'originalId',
] as const;
const blank = (value: string | null | undefined) => (value && value.trim() ? value.trim() : null);

/** 登记 / 编辑 a group, account or other channel. Mounted only while open. */
export function ChannelFormModal({ channel, defaultOrg, onClose, onDone }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('kind', form);
  const orgId = Form.useWatch('orgId', form);
  const official = kind === 'official_account';

  const initialValues: Partial<Values> = channel
    ? {
        orgId: channel.orgId,
        kind: channel.kind,
        name: channel.name,
        status: channel.status,
        responsibleCadreId: channel.responsibleCadre?.id ?? null,
        createdOn: channel.createdOn ? dayjs(channel.createdOn) : null,
        accountType: channel.accountType,
        appId: channel.appId,
        originalId: channel.originalId,
      }
    : { orgId: defaultOrg.id, kind: 'tuanqing_group', status: 'active', responsibleCadreId: null, createdOn: null };

  const save = async (values: Values) => {
    const body = {
      orgId: values.orgId,
      kind: values.kind,
      name: values.name.trim(),
      status: values.status,
      responsibleCadreId: values.responsibleCadreId ?? null,
      createdOn: values.createdOn ? values.createdOn.format('YYYY-MM-DD') : null,
      accountType: values.kind === 'official_account' ? (values.accountType ?? null) : null,
      appId: values.kind === 'official_account' ? blank(values.appId) : null,
      originalId: values.kind === 'official_account' ? blank(values.originalId) : null,
    };
    let saved;
    if (channel) {
      // Only what changed: the server refuses an empty patch and audits each field.
      const before: Record<string, unknown> = {
        orgId: channel.orgId,
        kind: channel.kind,
        name: channel.name,
        status: channel.status,
        responsibleCadreId: channel.responsibleCadre?.id ?? null,
        createdOn: channel.createdOn,
        accountType: channel.accountType,
        appId: channel.appId,
        originalId: channel.originalId,
      };
      const patch = Object.fromEntries(
        Object.entries(body).filter(([key, value]) => before[key] !== value),
      ) as UpdateChannel;
      if (Object.keys(patch).length === 0) {
        onClose();
        return;
      }
      saved = await channelApi.update(channel.id, patch, { quiet: true });
    } else {
      saved = await channelApi.create(body, { quiet: true });
    }
    if (saved.namingIssue) void message.warning(t('channel.savedWithIssue', { issue: saved.namingIssue }));
    else void message.success(channel ? t('ledger.saved') : t('channel.created', { name: saved.name }));
    onDone();
  };

  return (
    <FormModal<Values>
      form={form}
      title={channel ? t('channel.editTitle') : t('channel.create')}
      width={600}
      submitTestId="channel-submit"
      initialValues={initialValues}
      fields={fields}
      onSave={save}
      onCancel={onClose}
    >
      <OrgField initialName={channel ? channel.orgName : defaultOrg.name} />
      <div className="tj-form-row">
        <Form.Item name="kind" label={t('channel.col.kind')} rules={[{ required: true }]} style={{ flex: 1 }}>
          <Select
            options={channelKinds.map((k) => ({ value: k, label: t(`channelKind.${k}`) }))}
            data-testid="channel-kind"
          />
        </Form.Item>
        <Form.Item name="status" label={t('channel.col.status')} style={{ width: 140 }}>
          <Select options={channelStatuses.map((s) => ({ value: s, label: t(`channelStatus.${s}`) }))} />
        </Form.Item>
      </div>
      <Form.Item
        name="name"
        label={t('channel.field.name')}
        extra={kind === 'qingnong_group' ? t('channel.field.namingHelp') : undefined}
        rules={[{ required: true, whitespace: true, message: t('channel.field.nameRequired') }]}
      >
        <Input
          maxLength={100}
          placeholder={t(`channel.field.namePlaceholder.${kind === 'qingnong_group' ? 'qingnong' : 'other'}`)}
          data-testid="channel-name"
        />
      </Form.Item>
      <div className="tj-form-row">
        <Form.Item name="responsibleCadreId" label={t('channel.col.cadre')} style={{ flex: 1 }}>
          <CadrePicker
            orgId={orgId ?? defaultOrg.id}
            initial={channel?.responsibleCadre ?? null}
            style={{ width: '100%' }}
          />
        </Form.Item>
        <Form.Item name="createdOn" label={t('channel.col.createdOn')} style={{ width: 180 }}>
          <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} style={{ width: '100%' }} />
        </Form.Item>
      </div>
      {official && (
        <>
          <Form.Item name="accountType" label={t('channel.field.accountType')}>
            <Select
              allowClear
              options={accountTypes.map((a) => ({ value: a, label: t(`accountType.${a}`) }))}
              style={{ width: 200 }}
            />
          </Form.Item>
          <div className="tj-form-row">
            <Form.Item name="appId" label="AppID" style={{ flex: 1 }}>
              <Input className="tj-mono" placeholder="wx0123456789abcdef" maxLength={18} />
            </Form.Item>
            <Form.Item name="originalId" label={t('channel.field.originalId')} style={{ flex: 1 }}>
              <Input className="tj-mono" placeholder="gh_0123456789ab" maxLength={15} />
            </Form.Item>
          </div>
        </>
      )}
    </FormModal>
  );
}
