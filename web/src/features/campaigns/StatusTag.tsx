import { Tag } from 'antd';
import type { IndicatorStatus } from '../../../../common/domain.js';
import { useT } from '../../app/i18n.js';
import { statusColors } from './format.js';

/** 已达标 / 未到期 / 已逾期 / 未达标, coloured as everywhere in the app. */
export function IndicatorStatusTag({ status, testId }: { status: IndicatorStatus; testId?: string }) {
  const t = useT();
  return (
    <Tag color={statusColors[status]} data-testid={testId} style={{ marginInlineEnd: 0 }}>
      {t(`indicatorStatus.${status}`)}
    </Tag>
  );
}
