import { EditOutlined, SwapOutlined, AuditOutlined, FormOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Result, Row, Spin, Tag, type DescriptionsProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { chinaToday } from '../../../../common/dates.js';
import { needsGuardianConsent } from '../../../../common/people-rules.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { NotFound } from '../../app/NotFound.js';
import { PageHeader } from '../../app/PageHeader.js';
import { useSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { memberApi, type MemberDetail } from './api.js';
import { MembershipStatusTag } from './labels.js';
import { MemberEditModal } from './MemberEditModal.js';
import { MemberTimeline } from './MemberTimeline.js';
import { peoplePath } from './PeopleHeader.js';
import { RevealText } from '../../app/RevealText.js';
import { memberActionModals, type MemberAction } from './memberActions.js';
import './people.css';

/** `/people/members/:id`: one member's record, what may be done with it, and its history. */
export function MemberDetailPage() {
  const t = useT();
  const { can } = useSession();
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const [version, setVersion] = useState(0);
  const [fresh, setFresh] = useState<MemberDetail | null>(null);
  const { data, error } = useLoad(() => (valid ? memberApi.detail(id) : Promise.resolve(undefined)), [id, version]);
  const member = fresh?.id === id ? fresh : data?.id === id ? data : undefined;
  const [dialog, setDialog] = useState<'edit' | MemberAction | null>(null);
  const changed = (next?: MemberDetail) => {
    setFresh(next ?? null);
    setVersion((v) => v + 1);
  };

  if (!valid) return <NotFound />;
  if (error && !member) {
    return (
      <Result
        status="404"
        title={t('member.detail.notFound')}
        subTitle={error.message}
        extra={
          <Link to="/people">
            <Button type="primary">{t('member.detail.back')}</Button>
          </Link>
        }
      />
    );
  }
  if (!member) {
    return (
      <div className="tj-center-block" style={{ minHeight: 360 }}>
        <Spin size="large" />
      </div>
    );
  }

  const { abilities } = member;
  const modals = memberActionModals();
  const actions: ReactNode[] = [];
  if (abilities.update && member.membershipStatus === 'normal') {
    actions.push(
      <Button key="edit" icon={<EditOutlined />} onClick={() => setDialog('edit')} data-testid="member-edit">
        {t('member.detail.edit')}
      </Button>,
    );
  }
  const actionButton = (action: MemberAction, allowed: boolean, icon: ReactNode, label: string) => {
    if (!allowed || !modals[action]) return;
    actions.push(
      <Button key={action} icon={icon} onClick={() => setDialog(action)} data-testid={`member-${action}`}>
        {label}
      </Button>,
    );
  };
  actionButton('status', abilities.requestStatus, <AuditOutlined />, t('member.detail.requestStatus'));
  actionButton('correction', abilities.requestCorrection, <FormOutlined />, t('member.detail.requestCorrection'));
  actionButton('transfer', abilities.transfer, <SwapOutlined />, t('member.detail.transfer'));
  const ActionModal = dialog && dialog !== 'edit' ? modals[dialog] : undefined;
  const pending = member.pending.requests + member.pending.transfers + member.pending.duplicates;

  return (
    <>
      <PageHeader
        breadcrumb={[
          { title: t('nav.people') },
          { title: t('member.detail.back'), to: peoplePath('members', member.orgId) },
          { title: member.orgName, to: peoplePath('members', member.orgId) },
          { title: member.fullName },
        ]}
        title={member.fullName}
        titleTestId="member-title"
        tags={
          <span style={{ display: 'inline-flex', gap: 4, flexWrap: 'wrap' }}>
            <MembershipStatusTag status={member.membershipStatus} />
            {member.isMobile && <Tag color="purple">{t('people.mobileTag')}</Tag>}
            {member.ageOutDue && (
              <Tag color={member.ageOutOn <= chinaToday() ? 'red' : 'orange'}>
                {t(member.ageOutOn <= chinaToday() ? 'people.agedOutTag' : 'people.ageOutTag')}
              </Tag>
            )}
          </span>
        }
        subtitle={`${member.orgName} · ${t(`people.sex.${member.sex}`)} · ${t('member.ageValue', { n: member.age })}`}
        extra={actions.length > 0 ? actions : undefined}
      />
      <div className="tj-page-body">
        {member.ageOutDue && (
          <Alert
            type="warning"
            showIcon
            data-testid="member-age-out"
            title={t(member.ageOutOn <= chinaToday() ? 'member.detail.agedOutPast' : 'member.detail.ageOut', {
              date: member.ageOutOn,
            })}
          />
        )}
        {pending > 0 && (
          <Alert
            type="info"
            showIcon
            data-testid="member-pending"
            title={t('member.detail.pending', {
              items: (['requests', 'transfers', 'duplicates'] as const)
                .filter((key) => member.pending[key] > 0)
                .map((key) => t(`member.detail.pending.${key}`, { n: member.pending[key] }))
                .join('，'),
            })}
            action={can('people.approve') ? <Link to="/approvals">{t('member.detail.pendingOpen')}</Link> : undefined}
          />
        )}
        <Row gutter={[16, 16]}>
          <Col xs={24} xxl={16}>
            <Card variant="borderless" title={t('member.detail.profile')}>
              <MemberProfile member={member} />
            </Card>
          </Col>
          <Col xs={24} xxl={8}>
            <Card variant="borderless" title={t('member.detail.timeline')}>
              <MemberTimeline memberId={member.id} version={version} />
            </Card>
          </Col>
        </Row>
      </div>
      {dialog === 'edit' && (
        <MemberEditModal
          member={member}
          onClose={() => setDialog(null)}
          onDone={(next) => {
            setDialog(null);
            changed(next);
          }}
        />
      )}
      {ActionModal && (
        <ActionModal
          member={member}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            changed();
          }}
        />
      )}
    </>
  );
}

function MemberProfile({ member }: { member: MemberDetail }) {
  const t = useT();
  const none = t('common.none');
  const or = (value: string | null) => value ?? none;
  const minor = needsGuardianConsent(member.birthDate, chinaToday());
  const consent = member.guardianConsent;
  const items: DescriptionsProps['items'] = [
    { key: 'name', label: t('member.col.name'), children: member.fullName },
    { key: 'sex', label: t('member.col.sex'), children: t(`people.sex.${member.sex}`) },
    {
      key: 'birth',
      label: t('member.col.birthDate'),
      children: `${member.birthDate}（${t('member.ageValue', { n: member.age })}）`,
    },
    {
      key: 'id',
      label: t('member.col.idNumber'),
      children: (
        <RevealText
          masked={member.idMasked}
          mayReveal={member.abilities.revealIdNumber}
          reveal={async () => (await memberApi.revealId(member.id)).idNumber}
          testId="member-id"
        />
      ),
    },
    { key: 'ethnicity', label: t('member.form.ethnicity'), children: or(member.ethnicity) },
    { key: 'political', label: t('member.col.political'), children: t(`people.political.${member.politicalStatus}`) },
    {
      key: 'no',
      label: t('member.col.memberNo'),
      children: member.memberNo ? <span className="tj-mono">{member.memberNo}</span> : none,
    },
    { key: 'joined', label: t('member.col.joinedOn'), children: member.joinedOn },
    {
      key: 'branch',
      label: t('member.col.branch'),
      children: <Link to={peoplePath('members', member.orgId)}>{member.orgName}</Link>,
    },
    {
      key: 'status',
      label: t('member.col.status'),
      children: <MembershipStatusTag status={member.membershipStatus} />,
    },
    { key: 'ageOut', label: t('member.detail.ageOutOn'), children: member.ageOutOn },
    { key: 'education', label: t('member.form.education'), children: or(member.education) },
    { key: 'occupation', label: t('member.form.occupation'), children: or(member.occupation) },
    { key: 'workplace', label: t('member.form.workplace'), children: or(member.workplace), span: 2 },
    { key: 'household', label: t('member.form.household'), children: or(member.household) },
    {
      key: 'phone',
      label: t('member.col.phone'),
      children: (
        <RevealText
          masked={member.phoneMasked}
          mayReveal={member.abilities.revealPhone}
          reveal={async () => (await memberApi.revealPhone(member.id)).phone}
          testId="member-phone"
        />
      ),
    },
    { key: 'wechat', label: t('member.form.wechat'), children: or(member.wechat) },
    { key: 'reached', label: t('member.form.lastReachedOn'), children: or(member.lastReachedOn) },
    {
      key: 'mobile',
      label: t('member.detail.mobile'),
      span: 'filled',
      children: member.isMobile
        ? [
            member.mobileOrigin && `${t('member.form.mobileOrigin')}：${member.mobileOrigin}`,
            member.mobileCurrent && `${t('member.form.mobileCurrent')}：${member.mobileCurrent}`,
            member.mobileContact && `${t('member.form.mobileContact')}：${member.mobileContact}`,
          ]
            .filter(Boolean)
            .join('；') || t('people.mobileTag')
        : t('member.detail.notMobile'),
    },
    ...(consent || minor
      ? [
          {
            key: 'guardian',
            label: t('member.detail.guardian'),
            span: 'filled' as const,
            children: consent ? (
              <span data-testid="member-guardian">
                {consent.guardianName}（{consent.relation}）
                {consent.phoneMasked && <span className="tj-mono"> {consent.phoneMasked}</span>}
                <span className="tj-secondary">
                  {' · '}
                  {t('member.detail.guardianVersion', { version: consent.consentVersion, date: consent.signedOn })}
                </span>
              </span>
            ) : (
              <Tag color="error">{t('member.detail.noGuardian')}</Tag>
            ),
          },
        ]
      : []),
    { key: 'created', label: t('member.detail.createdAt'), children: formatDateTime(member.createdAt) },
    { key: 'updated', label: t('member.detail.updatedAt'), children: formatDateTime(member.updatedAt) },
  ];
  return (
    <Descriptions
      bordered
      size="small"
      column={{ xs: 1, sm: 2 }}
      styles={{ label: { whiteSpace: 'nowrap' } }}
      items={items}
      data-testid="member-profile"
    />
  );
}
