import { Tag } from 'antd';
import type { MembershipStatus } from '../../../../common/domain.js';
import { useT, type MessageKey, type Translate } from '../../app/i18n.js';

// Colours say how a status reads to a branch secretary: green is an active member, orange needs attention
// (lapsed), red an expulsion, blue an honourable leaving at 28, grey the rest.
const statusColors: Record<MembershipStatus, string> = {
  normal: 'success',
  disabled: 'default',
  aged_out: 'blue',
  lapsed: 'warning',
  withdrawn: 'default',
  expelled: 'error',
};

export function MembershipStatusTag({ status }: { status: MembershipStatus }) {
  const t = useT();
  return <Tag color={statusColors[status]}>{t(`people.status.${status}`)}</Tag>;
}

const eventKinds = new Set([
  'created',
  'updated',
  'admitted',
  'status_requested',
  'status_changed',
  'correction_requested',
  'corrected',
  'request_rejected',
  'request_withdrawn',
  'transfer_requested',
  'transfer_step',
  'transfer_rejected',
  'transfer_withdrawn',
  'transferred',
  'duplicate_opened',
  'duplicate_resolved',
  'merged',
  'annual_review',
  'registered',
  'annual_registration',
  'ceremony',
  'party_recommended',
  'recommendation_certified',
  'imported',
]);

/** A timeline kind in words; a kind recorded by a newer server than this page knows reads as 其他记录. */
export function eventKindLabel(t: Translate, kind: string): string {
  return eventKinds.has(kind) ? t(`member.event.${kind}` as MessageKey) : t('member.event.other');
}

/** The timeline dot: green for joining, red for leaving or refusals, blue for the rest. */
export function eventColor(kind: string): string {
  if (['created', 'admitted', 'registered', 'annual_registration', 'transferred', 'ceremony'].includes(kind)) {
    return 'green';
  }
  if (kind.endsWith('rejected') || kind === 'duplicate_opened') return 'red';
  if (kind.endsWith('requested') || kind === 'transfer_step') return 'orange';
  return 'blue';
}
