import { CheckOutlined, CloseOutlined, RollbackOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Divider, Drawer, Grid, Space, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { ApplicantDetail } from '../../../../common/applicants.js';
import type { ApplicantStage } from '../../../../common/domain.js';
import { useT } from '../../app/i18n.js';
import { Pending } from '../../app/Pending.js';
import { useLoad } from '../../app/useLoad.js';
import { applicantApi } from './api.js';
import { ApplicantDocuments, ApplicantLectures, ApplicantProgress } from './ApplicantSections.js';
import {
  ApproveAdmissionModal,
  DateStepModal,
  LectureModal,
  ReasonModal,
  VoteModal,
  type DateStep,
} from './StepModals.js';

const stageColors: Record<ApplicantStage, string> = {
  applied: 'default',
  activist: 'blue',
  candidate: 'purple',
  voted: 'orange',
  admitted: 'red',
  withdrawn: 'default',
  rejected: 'error',
};

export function StageTag({ stage }: { stage: ApplicantStage }) {
  const t = useT();
  return <Tag color={stageColors[stage]}>{t(`applicantStage.${stage}`)}</Tag>;
}

type Action = DateStep | 'lecture' | 'vote' | 'withdraw' | 'reject' | 'approve';

/** The forward steps in pipeline order: the first one the applicant's abilities allow is the primary button. */
const forward: readonly Action[] = ['talk', 'activist', 'lecture', 'candidate', 'vote', 'approve', 'ceremony'];

type Props = { applicantId: number; onClose: () => void; onChanged: () => void };

/** One applicant: dates of every step, lectures, introducers and vote, documents, and the next steps allowed. */
export function ApplicantDrawer({ applicantId, onClose, onChanged }: Props) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const { message } = App.useApp();
  const [fresh, setFresh] = useState<ApplicantDetail | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  const { data, error, reload } = useLoad(() => applicantApi.detail(applicantId), [applicantId]);
  const applicant = fresh?.id === applicantId ? fresh : data;

  const update = (next: ApplicantDetail, done?: Action) => {
    setFresh(next);
    setAction(null);
    if (done) void message.success(t(`applicant.done.${done}`));
    onChanged();
  };

  // The most advanced step allowed leads (列为发展对象 rather than 登记团课); lectures go on until the vote.
  const allowed = applicant ? forward.filter((a) => applicant.abilities[a]) : [];
  const primary = allowed.filter((a) => a !== 'lecture').at(-1) ?? allowed[0];
  const actions = primary ? [primary, ...allowed.filter((a) => a !== primary)] : allowed;

  return (
    <Drawer
      open
      onClose={onClose}
      size={screens.md ? 640 : '100%'}
      title={
        applicant ? (
          <Space size={8} wrap>
            <span>{applicant.fullName}</span>
            <StageTag stage={applicant.stage} />
          </Space>
        ) : (
          t('applicant.detail')
        )
      }
      data-testid="applicant-drawer"
      footer={
        applicant && (
          <div className="tj-applicant-actions" data-testid="applicant-actions">
            {actions.map((a) => (
              <Button
                key={a}
                type={a === primary ? 'primary' : 'default'}
                icon={a === 'approve' ? <CheckOutlined /> : undefined}
                onClick={() => setAction(a)}
                data-testid={`applicant-action-${a}`}
              >
                {t(`applicant.action.${a}`)}
              </Button>
            ))}
            {applicant.abilities.reject && (
              <Button
                danger
                icon={<CloseOutlined />}
                onClick={() => setAction('reject')}
                data-testid="applicant-action-reject"
              >
                {t('applicant.action.reject')}
              </Button>
            )}
            {applicant.abilities.withdraw && (
              <Button
                icon={<RollbackOutlined />}
                onClick={() => setAction('withdraw')}
                data-testid="applicant-action-withdraw"
              >
                {t('applicant.action.withdraw')}
              </Button>
            )}
            {actions.length === 0 && !applicant.abilities.reject && !applicant.abilities.withdraw && (
              <span className="tj-secondary">{t('applicant.noActions')}</span>
            )}
          </div>
        )
      }
    >
      {!applicant ? (
        <Pending error={error} reload={reload} />
      ) : (
        <>
          {applicant.overdue.map((item) => (
            <Alert
              key={item.reason}
              type="warning"
              showIcon
              title={t(`overdueReason.${item.reason}`)}
              description={item.message}
              style={{ marginBottom: 12 }}
              data-testid="applicant-overdue"
            />
          ))}
          {applicant.closedReason && (
            <Alert
              type={applicant.stage === 'rejected' ? 'error' : 'info'}
              showIcon
              title={t('applicant.closedReason')}
              description={applicant.closedReason}
              style={{ marginBottom: 12 }}
            />
          )}
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2 }}
            items={[
              {
                key: 'id',
                label: t('applicant.idMasked'),
                children: <span className="tj-mono">{applicant.idMasked}</span>,
              },
              {
                key: 'age',
                label: t('applicant.age'),
                children: `${t(`applicant.sex.${applicant.sex}`)} · ${t('applicant.ageValue', { n: applicant.age })}`,
              },
              {
                key: 'phone',
                label: t('applicant.phone'),
                children: <span className="tj-mono">{applicant.phoneMasked ?? t('common.none')}</span>,
              },
              { key: 'org', label: t('applicant.org'), children: applicant.orgName },
              ...(applicant.guardianConsent
                ? [
                    {
                      key: 'guardian',
                      label: t('applicant.guardian'),
                      span: 2,
                      children: t('applicant.guardianValue', {
                        name: applicant.guardianConsent.guardianName,
                        relation: applicant.guardianConsent.relation,
                        date: applicant.guardianConsent.signedOn,
                      }),
                    },
                  ]
                : []),
              ...(applicant.memberId !== null
                ? [
                    {
                      key: 'member',
                      label: t('applicant.memberNo'),
                      span: 2,
                      children: (
                        <Space size={8} wrap>
                          <span className="tj-mono">{applicant.memberNo ?? t('common.none')}</span>
                          <Link to={`/people/members/${applicant.memberId}`} data-testid="applicant-member-link">
                            {t('applicant.openMember')}
                          </Link>
                        </Space>
                      ),
                    },
                  ]
                : []),
            ]}
          />
          <Divider titlePlacement="start">{t('applicant.progress')}</Divider>
          <ApplicantProgress applicant={applicant} />
          <Divider titlePlacement="start">{t('applicant.lectures')}</Divider>
          <ApplicantLectures applicant={applicant} />
          <Divider titlePlacement="start">{t('applicant.documents')}</Divider>
          <ApplicantDocuments
            applicant={applicant}
            onUploaded={() => void applicantApi.detail(applicantId).then(setFresh, reload)}
          />
        </>
      )}
      {applicant && action !== null && (
        <ActionModal action={action} applicant={applicant} onClose={() => setAction(null)} onDone={update} />
      )}
    </Drawer>
  );
}

type ActionProps = {
  action: Action;
  applicant: ApplicantDetail;
  onClose: () => void;
  onDone: (next: ApplicantDetail, done: Action) => void;
};

function ActionModal({ action, applicant, onClose, onDone }: ActionProps) {
  const done = (next: ApplicantDetail) => onDone(next, action);
  switch (action) {
    case 'talk':
    case 'activist':
    case 'candidate':
    case 'ceremony':
      return <DateStepModal step={action} applicant={applicant} onClose={onClose} onDone={done} />;
    case 'lecture':
      return <LectureModal applicant={applicant} onClose={onClose} onDone={done} />;
    case 'vote':
      return <VoteModal applicant={applicant} onClose={onClose} onDone={done} />;
    case 'withdraw':
    case 'reject':
      return <ReasonModal kind={action} applicant={applicant} onClose={onClose} onDone={done} />;
    case 'approve':
      return (
        <ApproveAdmissionModal
          applicants={[applicant]}
          onClose={onClose}
          onDone={() => {
            // The approval answers with member numbers only: read the applicant again for its new state.
            void applicantApi.detail(applicant.id).then(done, onClose);
          }}
        />
      );
  }
}
