import { ClockCircleOutlined } from '@ant-design/icons';
import { Empty, Tag, Tooltip, Typography } from 'antd';
import type { ApplicantItem } from '../../../../common/applicants.js';
import { formatCount } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import type { BoardColumn, BoardStage } from './useBoard.js';

type Props = {
  columns: BoardColumn[];
  /** Whether a name search or the overdue filter narrows the columns (their empty text says so). */
  filtered: boolean;
  /** Cards show their branch when the board covers several. */
  showOrg: boolean;
  onOpen: (id: number) => void;
};

/** The kanban: one column per stage with its count, one card per applicant; a card opens the drawer. */
export function Board({ columns, filtered, showOrg, onOpen }: Props) {
  const t = useT();
  return (
    <div className="tj-board" data-testid="admission-board">
      {columns.map((column) => (
        <section key={column.stage} className={`tj-board-col tj-board-col-${column.stage}`}>
          <header className="tj-board-col-head">
            <span className="tj-board-col-title">{t(`applicantStage.${column.stage}`)}</span>
            <span className="tj-board-col-count" data-testid={`board-count-${column.stage}`}>
              {formatCount(column.total)}
            </span>
          </header>
          <div className="tj-board-col-body" data-testid={`board-column-${column.stage}`}>
            {column.items.length === 0 ? (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={filtered ? t('admission.columnEmptyFiltered') : t(`admission.columnEmpty.${column.stage}`)}
              />
            ) : (
              column.items.map((applicant) => (
                <ApplicantCard
                  key={applicant.id}
                  applicant={applicant}
                  stage={column.stage}
                  showOrg={showOrg}
                  onOpen={onOpen}
                />
              ))
            )}
            {column.total > column.items.length && (
              <Typography.Text type="secondary" className="tj-board-more">
                {t('admission.columnMore', { n: formatCount(column.total - column.items.length) })}
              </Typography.Text>
            )}
          </div>
        </section>
      ))}
    </div>
  );
}

/** 共青团哑柏镇东风村支部委员会 → 哑柏镇东风村支部: what tells branches apart fits on a card. */
function shortOrgName(name: string): string {
  return name.replace(/^共青团/, '').replace(/委员会$/, '') || name;
}

/** The date a card shows: when the applicant entered the column. */
function stageDate(applicant: ApplicantItem, stage: BoardStage): string | null {
  switch (stage) {
    case 'applied':
      return applicant.appliedOn;
    case 'activist':
      return applicant.activistOn;
    case 'candidate':
      return applicant.candidateOn;
    case 'voted':
      return applicant.voteOn;
    case 'admitted':
      return applicant.approvedOn;
  }
}

type CardProps = { applicant: ApplicantItem; stage: BoardStage; showOrg: boolean; onOpen: (id: number) => void };

function ApplicantCard({ applicant, stage, showOrg, onOpen }: CardProps) {
  const t = useT();
  const late = applicant.overdue.length > 0;
  const date = stageDate(applicant, stage);
  const note =
    stage === 'applied'
      ? applicant.talkedOn
        ? t('admission.card.talked')
        : t('admission.card.notTalked')
      : stage === 'admitted'
        ? applicant.ceremonyOn
          ? t('admission.card.ceremonyDone')
          : t('admission.card.ceremonyPending')
        : t('admission.card.hours', { n: applicant.lectureHours });
  return (
    <button
      type="button"
      className={`tj-board-card${late ? ' tj-board-card-late' : ''}`}
      onClick={() => onOpen(applicant.id)}
      data-testid={`applicant-card-${applicant.id}`}
    >
      <span className="tj-board-card-top">
        <span className="tj-board-card-name">{applicant.fullName}</span>
        {late &&
          applicant.overdue.map((item) => (
            <Tooltip key={item.reason} title={item.message}>
              <Tag color="error" icon={<ClockCircleOutlined />} className="tj-board-card-tag">
                {t(`overdueReason.${item.reason}`)}
              </Tag>
            </Tooltip>
          ))}
      </span>
      <span className="tj-mono tj-board-card-id">{applicant.idMasked}</span>
      <span className="tj-board-card-line">
        <span className="tj-secondary">{t(`admission.card.date.${stage}`)}</span>{' '}
        <span className="tj-mono">{date ?? t('common.none')}</span>
      </span>
      <span className="tj-board-card-line tj-secondary">{note}</span>
      {showOrg && (
        <span className="tj-board-card-org" title={applicant.orgName}>
          {shortOrgName(applicant.orgName)}
        </span>
      )}
    </button>
  );
}
