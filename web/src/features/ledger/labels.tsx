import { Tag } from 'antd';
import type { ChannelKind, ChannelStatus } from '../../../../common/domain.js';
import { useT } from '../../app/i18n.js';

const kindColors: Record<ChannelKind, string> = {
  tuanqing_group: 'red',
  qingnong_group: 'green',
  other_group: 'default',
  official_account: 'blue',
  qq_group: 'cyan',
  weibo: 'orange',
  douyin: 'magenta',
  wecom_robot: 'geekblue',
};

const statusColors: Record<ChannelStatus, string> = { active: 'success', inactive: 'warning', closed: 'default' };

export function ChannelKindTag({ kind }: { kind: ChannelKind }) {
  const t = useT();
  return <Tag color={kindColors[kind]}>{t(`channelKind.${kind}`)}</Tag>;
}

export function ChannelStatusTag({ status }: { status: ChannelStatus }) {
  const t = useT();
  return <Tag color={statusColors[status]}>{t(`channelStatus.${status}`)}</Tag>;
}
