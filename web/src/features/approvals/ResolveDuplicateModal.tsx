import { Alert, App, Form, Input, Modal, Radio, Space, Table, Tag, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import type { DuplicateDetail, DuplicateItem, DuplicateResolution } from '../../../../common/duplicates.js';
import type { MemberDetail } from '../../../../common/members.js';
import { errorMessage } from '../../app/api.js';
import { applyServerErrors } from '../../app/formErrors.js';
import { useT, type MessageKey } from '../../app/i18n.js';
import { Pending } from '../../app/Pending.js';
import { useLoad } from '../../app/useLoad.js';
import { duplicateApi } from './api.js';

type Props = { item: DuplicateItem; onClose: () => void; onDone: () => void };
type Loaded = { detail: DuplicateDetail; member: MemberDetail | null };
type Values = { resolution?: DuplicateResolution; note: string };

/** The fields compared, in the order of the member form; `mergeAs` names the field a merge would fill. */
const rows: { key: string; mergeAs?: string }[] = [
  { key: 'org' },
  { key: 'fullName' },
  { key: 'idMasked' },
  { key: 'birthDate' },
  { key: 'sex' },
  { key: 'joinedOn' },
  { key: 'membershipStatus' },
  { key: 'memberNo', mergeAs: 'memberNo' },
  { key: 'politicalStatus' },
  { key: 'ethnicity', mergeAs: 'ethnicity' },
  { key: 'education', mergeAs: 'education' },
  { key: 'occupation', mergeAs: 'occupation' },
  { key: 'workplace', mergeAs: 'workplace' },
  { key: 'phone', mergeAs: 'phone' },
  { key: 'wechat', mergeAs: 'wechat' },
  { key: 'household', mergeAs: 'household' },
  { key: 'mobileOrigin', mergeAs: 'mobileOrigin' },
  { key: 'mobileCurrent', mergeAs: 'mobileCurrent' },
  { key: 'mobileContact', mergeAs: 'mobileContact' },
  { key: 'lastReachedOn', mergeAs: 'lastReachedOn' },
  { key: 'guardianName' },
];

/**
 * One duplicate case: the holder's record beside what the other org entered (both masked), and, for a side that may,
 * the resolution — 转接 (start a transfer to the claimant), 合并 (fill the record's empty fields), 驳回 (with a note).
 */
export function ResolveDuplicateModal({ item, onClose, onDone }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const resolution = Form.useWatch('resolution', form);
  const {
    data,
    error: loadError,
    reload,
  } = useLoad<Loaded>(async () => {
    const detail = await duplicateApi.detail(item.id);
    // The holder side sees the member record in full (masked); the claimant side only what the case shows.
    const member = detail.side !== 'claimant' ? await duplicateApi.member(detail.memberId).catch(() => null) : null;
    return { detail, member };
  }, [item.id]);

  const abilities = item.abilities;
  const options = (['transfer', 'merge', 'reject'] as const).filter((r) => abilities[r]);
  const mayResolve = item.status === 'pending' && options.length > 0;

  const submit = async (values: Values) => {
    setSaving(true);
    setError(null);
    try {
      const result = await duplicateApi.resolve(
        item.id,
        { resolution: values.resolution ?? 'reject', note: values.note.trim() || null },
        { quiet: true },
      );
      void message.success(
        result.case.status === 'merged'
          ? t('approvals.duplicates.done.merge', { n: result.filledFields.length })
          : result.transferId !== null
            ? t('approvals.duplicates.done.transfer')
            : t('approvals.duplicates.done.reject'),
      );
      onDone();
    } catch (err) {
      if (!applyServerErrors(form, err, ['note', 'resolution'])) setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      width={760}
      title={t('approvals.duplicates.title', { id: item.idMasked })}
      onCancel={onClose}
      okText={t('common.save')}
      onOk={() => form.submit()}
      confirmLoading={saving}
      okButtonProps={{ disabled: !mayResolve, 'data-testid': 'duplicate-submit' }}
      footer={mayResolve ? undefined : null}
    >
      <div data-testid="duplicate-modal">
        {!data ? (
          <Pending error={loadError} reload={reload} />
        ) : (
          <>
            <Comparison loaded={data} />
            {data.detail.note && (
              <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
                {t('approvals.duplicates.resolvedNote', { note: data.detail.note })}
              </Typography.Paragraph>
            )}
            {item.status === 'pending' && !mayResolve && (
              <Alert type="info" showIcon title={t('approvals.duplicates.nothingAllowed')} style={{ marginTop: 16 }} />
            )}
            {mayResolve && (
              <Form<Values>
                form={form}
                layout="vertical"
                initialValues={{ note: '' }}
                onFinish={(v) => void submit(v)}
                style={{ marginTop: 16 }}
              >
                {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
                <Form.Item
                  name="resolution"
                  label={t('approvals.duplicates.resolution')}
                  rules={[{ required: true, message: t('approvals.duplicates.resolutionRequired') }]}
                >
                  <Radio.Group>
                    <Space orientation="vertical">
                      {options.map((r) => (
                        <Radio key={r} value={r} data-testid={`duplicate-resolution-${r}`}>
                          <strong>{t(`approvals.duplicates.resolution.${r}`)}</strong>
                          <span className="tj-secondary">
                            {' '}
                            — {t(`approvals.duplicates.help.${r}`, { org: item.claimantOrgName })}
                          </span>
                        </Radio>
                      ))}
                    </Space>
                  </Radio.Group>
                </Form.Item>
                {resolution === 'merge' && data.detail.mergeableFields.length === 0 && (
                  <Alert
                    type="warning"
                    showIcon
                    title={t('approvals.duplicates.noMergeable')}
                    style={{ marginBottom: 16 }}
                  />
                )}
                <Form.Item
                  name="note"
                  label={t('approvals.duplicates.note')}
                  rules={
                    resolution === 'reject'
                      ? [{ required: true, whitespace: true, message: t('approvals.duplicates.noteRequired') }]
                      : []
                  }
                >
                  <Input.TextArea rows={2} maxLength={400} showCount data-testid="duplicate-note" />
                </Form.Item>
              </Form>
            )}
          </>
        )}
      </div>
    </Modal>
  );
}

type Row = { key: string; label: string; holder: ReactNode; entry: ReactNode; mergeable: boolean };

/** The holder's record and the entry side by side; the fields a merge would fill are marked. */
function Comparison({ loaded }: { loaded: Loaded }) {
  const t = useT();
  const { detail, member } = loaded;
  const { entry } = detail;
  const none = t('common.none');
  const show = (v: string | boolean | null | undefined): ReactNode =>
    v === null || v === undefined || v === '' ? (
      <span className="tj-secondary">{none}</span>
    ) : typeof v === 'boolean' ? (
      v ? (
        t('common.yes')
      ) : (
        t('common.no')
      )
    ) : (
      v
    );
  const sex = (v: string | null | undefined) => (v === 'male' || v === 'female' ? t(`applicant.sex.${v}`) : v);
  const political = (v: string | null | undefined) =>
    v === 'member' || v === 'probationary_party' || v === 'party' ? t(`approvals.politicalStatus.${v}`) : v;

  const holderValues: Record<string, string | boolean | null | undefined> = {
    org: detail.holderOrgName,
    fullName: detail.holder.fullName,
    idMasked: detail.idMasked,
    joinedOn: detail.holder.joinedOn,
    membershipStatus: t(`approvals.memberStatus.${detail.holder.membershipStatus}`),
    ...(member && {
      birthDate: member.birthDate,
      sex: sex(member.sex),
      memberNo: member.memberNo,
      politicalStatus: political(member.politicalStatus),
      ethnicity: member.ethnicity,
      education: member.education,
      occupation: member.occupation,
      workplace: member.workplace,
      phone: member.phoneMasked,
      wechat: member.wechat,
      household: member.household,
      mobileOrigin: member.mobileOrigin,
      mobileCurrent: member.mobileCurrent,
      mobileContact: member.mobileContact,
      lastReachedOn: member.lastReachedOn,
      guardianName: member.guardianConsent?.guardianName,
    }),
  };
  const entryValues: Record<string, string | boolean | null | undefined> = {
    ...entry,
    org: detail.claimantOrgName,
    sex: sex(entry.sex),
    politicalStatus: political(entry.politicalStatus),
    phone: entry.phoneMasked,
    membershipStatus: undefined,
  };
  const data: Row[] = rows
    .map(({ key, mergeAs }) => ({
      key,
      label: t(`dupField.${key}` as MessageKey),
      holder: show(holderValues[key]),
      entry: show(entryValues[key]),
      mergeable: mergeAs !== undefined && detail.mergeableFields.includes(mergeAs),
      empty: (holderValues[key] ?? null) === null && (entryValues[key] ?? null) === null,
    }))
    // A field neither side has says nothing; the claimant side does not see the holder's profile at all.
    .filter((row) => !row.empty);

  return (
    <Table<Row>
      size="small"
      pagination={false}
      rowKey="key"
      dataSource={data}
      scroll={{ y: 360 }}
      columns={[
        { title: t('approvals.duplicates.compareField'), dataIndex: 'label', width: 130 },
        {
          title: t('approvals.duplicates.holderRecord', { org: detail.holderOrgName }),
          dataIndex: 'holder',
        },
        {
          title: t('approvals.duplicates.claimantEntry', { org: detail.claimantOrgName }),
          dataIndex: 'entry',
          render: (value: ReactNode, row) => (
            <Space size={6} wrap>
              {value}
              {row.mergeable && <Tag color="green">{t('approvals.duplicates.mergeable')}</Tag>}
            </Space>
          ),
        },
      ]}
    />
  );
}
