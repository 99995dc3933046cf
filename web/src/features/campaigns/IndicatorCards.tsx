import { Card, Col, Flex, Progress, Row, Statistic, Tooltip, Typography } from 'antd';
import { daysBetween } from '../../../../common/dates.js';
import { useT } from '../../app/i18n.js';
import type { DashboardIndicator } from './api.js';
import { deadlineText, formatThreshold, formatValue, shareColor } from './format.js';
import { IndicatorStatusTag } from './StatusTag.js';

type Props = {
  indicators: DashboardIndicator[];
  today: string;
  startsOn: string;
  selectedId: number | undefined;
  onSelect: (id: number) => void;
};

/** One card per indicator: the share of applicable orgs that meet it, the org's own standing, the deadline. */
export function IndicatorCards({ indicators, today, startsOn, selectedId, onSelect }: Props) {
  // Four indicators (the built-in template) sit side by side on a laptop; more wrap by four.
  const xl = indicators.length > 0 && indicators.length <= 4 ? 24 / indicators.length : 6;
  return (
    <Row gutter={[16, 16]}>
      {indicators.map((indicator) => (
        <Col key={indicator.id} xs={24} sm={12} xl={xl}>
          <IndicatorCard
            indicator={indicator}
            today={today}
            startsOn={startsOn}
            selected={indicator.id === selectedId}
            onSelect={() => onSelect(indicator.id)}
          />
        </Col>
      ))}
    </Row>
  );
}

function IndicatorCard({
  indicator,
  today,
  startsOn,
  selected,
  onSelect,
}: {
  indicator: DashboardIndicator;
  today: string;
  startsOn: string;
  selected: boolean;
  onSelect: () => void;
}) {
  const t = useT();
  const { total, own, deadline, daysLeft, metric } = indicator;
  const percent = total.share === null ? 0 : Math.round(total.share * 1000) / 10;
  // Time elapsed from the campaign's start to this deadline, to compare with the share already met.
  const span = deadline ? daysBetween(startsOn, deadline) : 0;
  const elapsed = deadline && span > 0 ? Math.min(100, Math.max(0, (daysBetween(startsOn, today) / span) * 100)) : null;
  const late = daysLeft !== null && daysLeft < 0;

  return (
    <Card
      variant="borderless"
      hoverable
      className={`tj-indicator-card${selected ? ' tj-indicator-card-selected' : ''}`}
      onClick={onSelect}
      data-testid={`indicator-card-${indicator.id}`}
      styles={{ body: { padding: 16 } }}
    >
      <Tooltip title={indicator.name} placement="topLeft">
        <Typography.Paragraph className="tj-indicator-name" ellipsis={{ rows: 2 }}>
          {indicator.name}
        </Typography.Paragraph>
      </Tooltip>
      <Flex align="baseline" justify="space-between" gap={8} wrap>
        <Statistic
          value={total.share === null ? t('dashboard.notApplicable') : percent}
          suffix={total.share === null ? undefined : '%'}
          styles={{ content: { fontSize: 26, color: total.share === null ? undefined : shareColor(total.share) } }}
        />
        <Typography.Text type="secondary" data-testid={`indicator-tally-${indicator.id}`}>
          {t('dashboard.metOf', { met: total.met, total: total.applicable })}
        </Typography.Text>
      </Flex>
      <Progress
        percent={percent}
        showInfo={false}
        size="small"
        strokeColor={shareColor(total.share)}
        aria-label={t('dashboard.share')}
      />
      {elapsed !== null && (
        <Tooltip title={t('dashboard.timeProgressHint')}>
          <Flex align="center" gap={8} className="tj-indicator-time">
            <span>{t('dashboard.timeProgress')}</span>
            <Progress
              percent={Math.round(elapsed)}
              size="small"
              strokeColor={late ? '#ff4d4f' : '#1677ff'}
              showInfo={false}
              style={{ flex: 1, margin: 0 }}
            />
          </Flex>
        </Tooltip>
      )}
      <Flex justify="space-between" align="center" gap={8} wrap className="tj-indicator-foot">
        <Typography.Text type={late ? 'danger' : 'secondary'} data-testid={`indicator-deadline-${indicator.id}`}>
          {deadline ? `${t('dashboard.deadline', { date: deadline })} · ` : ''}
          {deadlineText(t, daysLeft)}
        </Typography.Text>
      </Flex>
      <Flex justify="space-between" align="center" gap={8} wrap className="tj-indicator-foot">
        <Typography.Text type="secondary">{formatThreshold(t, metric, indicator.threshold)}</Typography.Text>
        {own ? (
          <Flex align="center" gap={6}>
            <Typography.Text type="secondary">
              {t('dashboard.own')} {formatValue(t, metric, own.value)}
            </Typography.Text>
            <IndicatorStatusTag status={own.status} testId={`own-status-${indicator.id}`} />
          </Flex>
        ) : (
          <Typography.Text type="secondary">{t('dashboard.ownNA')}</Typography.Text>
        )}
      </Flex>
    </Card>
  );
}
