import { Empty, Timeline, Typography } from 'antd';
import {
  membershipStatuses,
  politicalStatuses,
  reviewGrades,
  transferReasons,
  transferSteps,
} from '../../../../common/domain.js';
import { formatDateTime } from '../../app/format.js';
import { useT, type MessageKey, type Translate } from '../../app/i18n.js';
import { Pending } from '../../app/Pending.js';
import { useLoad } from '../../app/useLoad.js';
import { memberApi, type MemberEvent } from './api.js';
import { eventColor, eventKindLabel } from './labels.js';

// Names of the fields and details the server records, in the words of the member form.
const fieldNames: Record<string, MessageKey> = {
  politicalStatus: 'member.form.political',
  ethnicity: 'member.form.ethnicity',
  education: 'member.form.education',
  occupation: 'member.form.occupation',
  workplace: 'member.form.workplace',
  phone: 'member.form.phone',
  wechat: 'member.form.wechat',
  household: 'member.form.household',
  isMobile: 'member.form.isMobile',
  mobileOrigin: 'member.form.mobileOrigin',
  mobileCurrent: 'member.form.mobileCurrent',
  mobileContact: 'member.form.mobileContact',
  lastReachedOn: 'member.form.lastReachedOn',
  fullName: 'member.form.fullName',
  idNumber: 'member.form.idNumber',
  joinedOn: 'member.form.joinedOn',
  memberNo: 'member.form.memberNo',
  birthDate: 'member.col.birthDate',
  sex: 'member.col.sex',
};

const detailNames: Record<string, MessageKey> = {
  from: 'member.timeline.detail.from',
  to: 'member.timeline.detail.to',
  status: 'member.col.status',
  fromStatus: 'member.timeline.detail.from',
  toStatus: 'member.timeline.detail.to',
  reason: 'member.timeline.detail.reason',
  note: 'member.timeline.detail.note',
  grade: 'member.timeline.detail.grade',
  year: 'member.timeline.detail.year',
  fromOrg: 'member.timeline.detail.fromOrg',
  toOrg: 'member.timeline.detail.toOrg',
  claimantOrg: 'member.timeline.detail.claimantOrg',
  step: 'member.timeline.detail.step',
  decision: 'member.timeline.detail.decision',
  caseId: 'member.timeline.detail.caseId',
  validUntil: 'member.timeline.detail.validUntil',
  resolution: 'member.timeline.detail.resolution',
  recommendedOn: 'member.timeline.detail.recommendedOn',
  certifiedOn: 'member.timeline.detail.certifiedOn',
  ceremonyOn: 'member.timeline.detail.ceremonyOn',
  memberNo: 'member.timeline.detail.memberNo',
  newIdMasked: 'member.timeline.detail.newIdMasked',
  previous: 'member.timeline.detail.previous',
};

/** Detail values that are codes of a closed vocabulary, by the key they are recorded under. */
const codeKeys: Record<string, { values: readonly string[]; prefix: string }> = {
  reason: { values: transferReasons, prefix: 'people.transferReason' },
  step: { values: transferSteps, prefix: 'people.transferStep' },
  decision: { values: ['approved', 'rejected', 'withdrawn'], prefix: 'people.decision' },
  resolution: { values: ['transfer', 'merge', 'reject'], prefix: 'people.resolution' },
};

/** A recorded value in words: statuses and grades translated, booleans as 是/否. */
function valueText(t: Translate, value: unknown): string | null {
  if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string' || value === '') return null;
  if ((membershipStatuses as readonly string[]).includes(value)) return t(`people.status.${value}` as MessageKey);
  if ((politicalStatuses as readonly string[]).includes(value)) return t(`people.political.${value}` as MessageKey);
  if ((reviewGrades as readonly string[]).includes(value)) return t(`people.grade.${value}` as MessageKey);
  if (value === 'entry') return t('member.timeline.source.entry');
  if (value === 'import') return t('member.timeline.source.import');
  return value;
}

/** One line of what an event recorded; unknown keys are left out rather than shown as code. */
function eventSummary(t: Translate, event: MemberEvent): string[] {
  const lines: string[] = [];
  const { details } = event;
  const fields = details.fields;
  if (Array.isArray(fields) && fields.length > 0) {
    const names = fields.map((f) => (typeof f === 'string' && fieldNames[f] ? t(fieldNames[f]) : String(f)));
    lines.push(t('member.timeline.fields', { fields: names.join('、') }));
  }
  const parts: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    const name = detailNames[key];
    const code = codeKeys[key];
    const text =
      code && typeof value === 'string' && code.values.includes(value)
        ? t(`${code.prefix}.${value}` as MessageKey)
        : valueText(t, value);
    if (name && text !== null) parts.push(`${t(name)}：${text}`);
  }
  if (details.source === 'import') parts.push(t('member.timeline.source.import'));
  if (parts.length > 0) lines.push(parts.join('；'));
  return lines;
}

/** 档案记录: the member's history from the server, newest first, each kind in words. */
export function MemberTimeline({ memberId, version }: { memberId: number; version: number }) {
  const t = useT();
  const { data, error, reload } = useLoad(() => memberApi.events(memberId), [memberId, version]);
  if (!data) return <Pending error={error} reload={reload} />;
  if (data.items.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('member.timeline.empty')} />;
  }
  const items = [...data.items].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id - a.id));
  return (
    <Timeline
      data-testid="member-timeline"
      items={items.map((event) => ({
        key: event.id,
        color: eventColor(event.kind),
        content: (
          <div data-testid={`member-event-${event.kind}`}>
            <Typography.Text strong>{eventKindLabel(t, event.kind)}</Typography.Text>
            <span className="tj-secondary" style={{ marginLeft: 8, fontSize: 12 }}>
              {formatDateTime(event.at)}
            </span>
            {eventSummary(t, event).map((line) => (
              <div key={line} style={{ fontSize: 13 }}>
                {line}
              </div>
            ))}
            <div className="tj-secondary" style={{ fontSize: 12 }}>
              {[event.orgName, event.actorName ? t('member.timeline.by', { actor: event.actorName }) : null]
                .filter(Boolean)
                .join(' · ')}
            </div>
          </div>
        ),
      }))}
    />
  );
}
