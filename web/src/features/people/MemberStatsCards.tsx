import { Card, Col, Row, Statistic, Tooltip } from 'antd';
import type { MembershipStatus } from '../../../../common/domain.js';
import { useT } from '../../app/i18n.js';
import { useLoad } from '../../app/useLoad.js';
import { memberApi } from './api.js';

export type StatFilter = { status?: MembershipStatus; ageBand?: 'age_out_due' };

type Props = {
  orgId: number;
  /** The filter now applied, so its card shows as selected. */
  active: StatFilter;
  onPick: (filter: StatFilter) => void;
  /** Bumped after a registration so the figures follow. */
  version: number;
};

type Stat = { key: string; title: string; value: number | undefined; color: string; filter: StatFilter };

/**
 * Members of the org's subtree by status (kept as counts, never a scan), plus those about to turn 28; a card
 * filters the list below to its members.
 */
export function MemberStatsCards({ orgId, active, onPick, version }: Props) {
  const t = useT();
  const { data: stats } = useLoad(() => memberApi.stats(orgId), [orgId, version]);
  const { data: due } = useLoad(
    () => memberApi.list({ orgId, scope: 'subtree', ageBand: 'age_out_due', page: 1, pageSize: 1 }),
    [orgId, version],
  );
  const by = stats?.byStatus;
  const others = by ? (by.withdrawn ?? 0) + (by.expelled ?? 0) + (by.disabled ?? 0) : undefined;
  const cards: Stat[] = [
    { key: 'total', title: t('member.stats.total'), value: stats?.total, color: 'rgba(0,0,0,.88)', filter: {} },
    {
      key: 'normal',
      title: t('member.stats.normal'),
      value: by?.normal,
      color: '#389e0d',
      filter: { status: 'normal' },
    },
    {
      key: 'due',
      title: t('member.stats.ageOutDue'),
      value: due?.total,
      color: '#d46b08',
      filter: { ageBand: 'age_out_due' },
    },
    {
      key: 'aged_out',
      title: t('member.stats.ageOut'),
      value: by?.aged_out,
      color: '#1677ff',
      filter: { status: 'aged_out' },
    },
    {
      key: 'lapsed',
      title: t('member.stats.lapsed'),
      value: by?.lapsed,
      color: '#d48806',
      filter: { status: 'lapsed' },
    },
    { key: 'other', title: t('member.stats.other'), value: others, color: 'rgba(0,0,0,.45)', filter: {} },
  ];
  const isActive = (card: Stat) =>
    card.key !== 'other' && card.filter.status === active.status && card.filter.ageBand === active.ageBand;

  return (
    <Row gutter={[12, 12]} className="tj-people-stats" data-testid="member-stats">
      {cards.map((card) => (
        <Col xs={8} md={4} key={card.key}>
          <Card
            variant="borderless"
            className={[
              card.key === 'other' ? '' : 'tj-people-stat-clickable',
              isActive(card) ? 'tj-people-stat-active' : '',
            ].join(' ')}
            onClick={card.key === 'other' ? undefined : () => onPick(card.filter)}
            data-testid={`member-stat-${card.key}`}
          >
            <Statistic
              title={
                card.key === 'other' ? <Tooltip title={t('member.stats.otherHint')}>{card.title}</Tooltip> : card.title
              }
              value={card.value ?? '—'}
              groupSeparator=","
              styles={{ content: { color: card.value ? card.color : 'rgba(0,0,0,.25)' } }}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}
