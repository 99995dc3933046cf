import type { IndicatorInput } from '../../../common/campaigns.js';

/**
 * The seed's rural WeChat programme (农村共青团微信体系), exactly: every grassroots cadre in contact with at least
 * 20 rural youth, at least 10 tuanqing groups per township, at least one qingnong group per leadership body from
 * the township up, all by 30 September; at least 90% of the planned tuanqing groups by 31 October.
 */
export function ruralWechatIndicators(year: number): IndicatorInput[] {
  return [
    {
      name: '每名基层团干部联系农村青年不少于 20 人',
      metric: 'cadre_contact_share',
      minContacts: 20,
      channelKind: null,
      levels: ['township', 'village'],
      types: ['committee', 'working_committee', 'general_branch', 'branch', 'joint_branch'],
      threshold: 1,
      deadline: `${year}-09-30`,
    },
    {
      name: '每个乡镇建立团青微信群不少于 10 个',
      metric: 'channel_count',
      channelKind: 'tuanqing_group',
      levels: ['township'],
      types: ['committee', 'working_committee'],
      threshold: 10,
      deadline: `${year}-09-30`,
    },
    {
      name: '乡镇及以上团的领导机构各建立青农微信群',
      metric: 'channel_count',
      channelKind: 'qingnong_group',
      levels: ['township', 'county', 'city', 'province'],
      types: ['committee', 'working_committee'],
      threshold: 1,
      deadline: `${year}-09-30`,
    },
    {
      name: '团青微信群建成数达到计划数的 90%',
      metric: 'plan_completion',
      channelKind: 'tuanqing_group',
      levels: ['township'],
      types: ['committee', 'working_committee'],
      threshold: 0.9,
      deadline: `${year}-10-31`,
    },
  ];
}
