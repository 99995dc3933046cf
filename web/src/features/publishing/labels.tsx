import { Tag } from 'antd';
import type { BulletinStatus, DeliveryStatus, OaMode, TargetKind } from '../../../../common/domain.js';
import { useT } from '../../app/i18n.js';

// The tags of publishing, coloured alike on every page: a status reads the same in the list, the detail and the log.

export const bulletinStatusColors: Record<BulletinStatus, string> = {
  draft: 'default',
  in_review: 'processing',
  approved: 'cyan',
  rejected: 'error',
  sending: 'blue',
  sent: 'success',
  withdrawn: 'default',
};

export const deliveryStatusColors: Record<DeliveryStatus, string> = {
  queued: 'default',
  sending: 'processing',
  sent: 'success',
  failed: 'error',
  uncertain: 'warning',
  cancelled: 'default',
};

const targetColors: Record<TargetKind, string> = { web: 'volcano', official_account: 'blue', wecom_robot: 'geekblue' };

export function BulletinStatusTag({ status }: { status: BulletinStatus }) {
  const t = useT();
  return (
    <Tag color={bulletinStatusColors[status]} style={{ marginInlineEnd: 0 }} data-testid="bulletin-status">
      {t(`bulletinStatus.${status}`)}
    </Tag>
  );
}

export function DeliveryStatusTag({ status }: { status: DeliveryStatus }) {
  const t = useT();
  return (
    <Tag color={deliveryStatusColors[status]} style={{ marginInlineEnd: 0 }} data-testid="delivery-status">
      {t(`deliveryStatus.${status}`)}
    </Tag>
  );
}

/** Where a delivery or a target goes: 新闻网页, or the channel's name with its kind. */
export function TargetLabel({
  kind,
  channelName,
  oaMode,
}: {
  kind: TargetKind;
  channelName: string | null;
  oaMode?: OaMode | null;
}) {
  const t = useT();
  return (
    <span className="tj-pub-target">
      <Tag color={targetColors[kind]} style={{ marginInlineEnd: 4 }}>
        {t(`targetKind.${kind}`)}
      </Tag>
      {kind === 'web' ? t('pub.target.webName') : (channelName ?? t('common.none'))}
      {oaMode && <span className="tj-secondary"> · {t(`oaMode.${oaMode}`)}</span>}
    </span>
  );
}
