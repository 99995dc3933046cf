import { WarningOutlined } from '@ant-design/icons';
import { Alert, Checkbox, Radio, Select, Spin, Tag, Typography } from 'antd';
import type { OaMode } from '../../../../common/domain.js';
import { formatCount } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { useLoad } from '../../app/useLoad.js';
import { bulletinApi, type TargetChannel, type TargetInput } from './api.js';
import { wechatApi } from './wechatApi.js';

type Props = {
  orgId: number;
  value?: TargetInput[];
  onChange?: (targets: TargetInput[]) => void;
  id?: string;
};

/**
 * 投放渠道: the org's news pages, and the official accounts and WeCom group robots of the org and below it. An
 * official account asks 群发 (pushed to followers, counts against WeChat's quota) or 发布 (on the account only); a
 * 群发 goes to all followers or to those of one of the account's tags.
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
  // A tag chooses whom a mass send reaches; a publish reaches nobody, so it keeps none.
  const setMode = (channelId: number, oaMode: OaMode) =>
    onChange?.(
      value.map((x) =>
        x.kind === 'official_account' && x.channelId === channelId
          ? { ...x, oaMode, tagId: oaMode === 'mass_send' ? x.tagId : null }
          : x,
      ),
    );
  const setTag = (channelId: number, tagId: number | null) =>
    onChange?.(value.map((x) => (x.kind === 'official_account' && x.channelId === channelId ? { ...x, tagId } : x)));

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
        {target?.kind === 'official_account' && target.oaMode === 'mass_send' && (
          <AudienceSelect
            channel={channel}
            tagId={target.tagId ?? null}
            onChange={(tagId) => setTag(channel.id, tagId)}
          />
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

const allFollowers = 'all';

/**
 * 发送对象 of a mass send: all followers, or one of the account's tags as WeChat has them now (name and followers).
 * Without credentials there are no tags to ask for; when WeChat cannot be asked, all followers remains.
 */
function AudienceSelect({
  channel,
  tagId,
  onChange,
}: {
  channel: TargetChannel;
  tagId: number | null;
  onChange: (tagId: number | null) => void;
}) {
  const t = useT();
  const { data, error, loading } = useLoad(
    () => (channel.configured ? wechatApi.tags(channel.id, { quiet: true }) : Promise.resolve({ items: [] })),
    [channel.id, channel.configured],
  );
  const tags = data?.items ?? [];
  const options: { value: number | typeof allFollowers; label: string }[] = [
    { value: allFollowers, label: t('pub.target.allFollowers') },
    ...tags.map((tag) => ({
      value: tag.id,
      label: t('pub.target.tagOption', { name: tag.name, count: formatCount(tag.count) }),
    })),
  ];
  // A tag chosen earlier that WeChat no longer lists (or not yet: still loading) keeps a name of its own.
  if (tagId !== null && !tags.some((tag) => tag.id === tagId)) {
    options.push({
      value: tagId,
      label: t(loading ? 'pub.target.tagPending' : 'pub.target.tagMissing', { id: tagId }),
    });
  }
  return (
    <div className="tj-pub-target-mode" data-testid={`audience-${channel.id}`}>
      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
        {t('pub.target.audience')}
      </Typography.Text>
      <Select
        size="small"
        style={{ width: '100%', maxWidth: 360 }}
        value={tagId ?? allFollowers}
        options={options}
        loading={loading}
        onChange={(next: number | typeof allFollowers) => onChange(next === allFollowers ? null : next)}
        aria-label={t('pub.target.audienceOf', { name: channel.name })}
        popupMatchSelectWidth={false}
      />
      {error && (
        <Typography.Text type="danger" className="tj-pub-target-help" style={{ paddingLeft: 0, marginTop: 4 }}>
          {t('pub.target.tagsFailed', { message: error.message })}
        </Typography.Text>
      )}
    </div>
  );
}
