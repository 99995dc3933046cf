import { WarningOutlined } from '@ant-design/icons';
import { Alert, Checkbox, Radio, Spin, Tag, Typography } from 'antd';
import type { OaMode } from '../../../../common/domain.js';
import { useT } from '../../app/i18n.js';
import { useLoad } from '../../app/useLoad.js';
import { bulletinApi, type TargetChannel, type TargetInput } from './api.js';

type Props = {
  orgId: number;
  value?: TargetInput[];
  onChange?: (targets: TargetInput[]) => void;
  id?: string;
};

/**
 * 投放渠道: the org's news pages, and the official accounts and WeCom group robots of the org and below it. An
 * official account asks 群发 (pushed to followers, counts against WeChat's quota) or 发布 (on the account only).
 */
export function TargetsField({ orgId, value = [], onChange, id }: Props) {
  const t = useT();
  const { data, error } = useLoad(() => bulletinApi.targetChannels(orgId), [orgId]);
  const web = value.some((target) => target.kind === 'web');
  const chosen = (channelId: number) => value.find((target) => target.kind !== 'web' && target.channelId === channelId);

  const setWeb = (on: boolean) =>
    onChange?.(
      on ? [{ kind: 'web' }, ...value.filter((x) => x.kind !== 'web')] : value.filter((x) => x.kind !== 'web'),
    );
  const toggle = (channel: TargetChannel, on: boolean) => {
    const rest = value.filter((x) => x.kind === 'web' || x.channelId !== channel.id);
    if (!on) return onChange?.(rest);
    onChange?.([
      ...rest,
      channel.kind === 'official_account'
        ? { kind: 'official_account', channelId: channel.id, oaMode: 'mass_send' }
        : { kind: 'wecom_robot', channelId: channel.id },
    ]);
  };
  const setMode = (channelId: number, oaMode: OaMode) =>
    onChange?.(value.map((x) => (x.kind === 'official_account' && x.channelId === channelId ? { ...x, oaMode } : x)));

  const accounts = data?.items.filter((c) => c.kind === 'official_account') ?? [];
  const robots = data?.items.filter((c) => c.kind === 'wecom_robot') ?? [];
  const unconfiguredChosen = data?.items.some((c) => !c.configured && chosen(c.id));

  const channelRow = (channel: TargetChannel) => {
    const target = chosen(channel.id);
    return (
      <div key={channel.id} className="tj-pub-target-row" data-testid={`target-${channel.id}`}>
        <Checkbox checked={Boolean(target)} onChange={(e) => toggle(channel, e.target.checked)}>
          <span className="tj-pub-target-name">{channel.name}</span>
        </Checkbox>
        <span className="tj-pub-target-meta">
          {channel.accountType && <Tag>{t(`accountType.${channel.accountType}`)}</Tag>}
          {channel.orgId !== orgId && <Typography.Text type="secondary">{channel.orgName}</Typography.Text>}
          {!channel.configured && (
            <Tag color="warning" icon={<WarningOutlined />}>
              {t('pub.target.unconfigured')}
            </Tag>
          )}
        </span>
        {target?.kind === 'official_account' && (
          <Radio.Group
            className="tj-pub-target-mode"
            value={target.oaMode}
            onChange={(e) => setMode(channel.id, e.target.value as OaMode)}
            aria-label={t('pub.target.modeOf', { name: channel.name })}
          >
            <Radio value="mass_send">{t('oaMode.mass_send')}</Radio>
            <Radio value="freepublish">{t('oaMode.freepublish')}</Radio>
          </Radio.Group>
        )}
      </div>
    );
  };

  return (
    <div className="tj-pub-targets" id={id} data-testid="targets-field">
      <div className="tj-pub-target-group">
        <div className="tj-pub-target-row">
          <Checkbox checked={web} onChange={(e) => setWeb(e.target.checked)} data-testid="target-web">
            <span className="tj-pub-target-name">{t('pub.target.web')}</span>
          </Checkbox>
          <Typography.Text type="secondary" className="tj-pub-target-help">
            {t('pub.target.webHelp')}
          </Typography.Text>
        </div>
      </div>
      {!data ? (
        error ? (
          <Alert type="warning" showIcon title={error.message} />
        ) : (
          <Spin size="small" />
        )
      ) : (
        <>
          <div className="tj-pub-target-group">
            <div className="tj-pub-target-heading">{t('pub.target.accounts')}</div>
            {accounts.length === 0 ? (
              <Typography.Text type="secondary">{t('pub.target.noAccounts')}</Typography.Text>
            ) : (
              accounts.map(channelRow)
            )}
            {accounts.length > 0 && (
              <Typography.Text type="secondary" className="tj-pub-target-help">
                {t('pub.target.modeHelp')}
              </Typography.Text>
            )}
          </div>
          <div className="tj-pub-target-group">
            <div className="tj-pub-target-heading">{t('pub.target.robots')}</div>
            {robots.length === 0 ? (
              <Typography.Text type="secondary">{t('pub.target.noRobots')}</Typography.Text>
            ) : (
              robots.map(channelRow)
            )}
          </div>
          {unconfiguredChosen && (
            <Alert type="warning" showIcon title={t('pub.target.unconfiguredHelp')} style={{ marginTop: 8 }} />
          )}
        </>
      )}
    </div>
  );
}
