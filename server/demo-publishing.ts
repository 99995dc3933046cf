import { addDays, chinaToday } from '../common/dates.js';
import type { Db } from './db/schema.js';
import { nowIso } from './db/tree.js';
import { refreshOrgMetrics } from './features/campaigns/engine.js';
import { insertDelivery } from './features/deliveries/repo.js';
import { sanitizeBulletinHtml } from './features/publishing/sanitize.js';

// The demo county's publishing: articles sent over the last weeks to its news pages and its official account (the
// weekly chart and the campaign's posts-per-channel indicator have something to show), one waiting for review,
// one draft, and a weekly 手机报 series. Written once. Nothing here reached WeChat: the deliveries are history.

const sentArticles = [
  {
    title: '周至县团委开展“青春助农”直播带货活动',
    digest: '12 名青年主播走进猕猴桃园，一场直播销售农产品 3.2 万元。',
    paragraphs: [
      '11 月 20 日，周至县团委联合县电商服务中心，在楼观镇猕猴桃种植基地开展“青春助农”直播带货活动。',
      '12 名返乡青年主播分组走进果园、分拣车间，向网友介绍周至猕猴桃的种植和储运，一场直播销售农产品 3.2 万元。',
      '县团委负责人表示，下一步将把直播培训纳入“乡村振兴青春行动”，每个乡镇至少培养 2 名青年电商带头人。',
    ],
  },
  {
    title: '全县团青群“两群一号”建设推进会召开',
    digest: '各镇街汇报团青群、青农群和公众号建设进度，明确年底前全覆盖。',
    paragraphs: [
      '县团委召开农村共青团微信体系建设推进会，各镇街团委书记逐一汇报团青群、青农群和公众号的建设进度。',
      '会议要求：每个镇街年底前至少建成 10 个团青群、1 个青农群，公众号每周至少发布 1 次。',
    ],
  },
  {
    title: '“学习二十大 永远跟党走”主题团日活动走进村团支部',
    digest: '全县 23 个镇街的 160 余个村团支部同步开展主题团日。',
    paragraphs: [
      '本月，全县 160 余个村团支部同步开展“学习二十大 永远跟党走”主题团日活动。',
      '团员青年通过集中学习、交流发言、志愿服务等形式，把学习成果转化为服务家乡的实际行动。',
    ],
  },
  {
    title: '周至县青年志愿者走进社区开展冬季防火宣传',
    digest: '80 余名青年志愿者入户发放宣传资料 2000 余份。',
    paragraphs: [
      '入冬以来，县团委组织 80 余名青年志愿者走进城区社区和农村集镇，开展冬季防火安全宣传。',
      '志愿者入户发放宣传资料 2000 余份，帮助独居老人检查用电用火隐患 150 余处。',
    ],
  },
  {
    title: '2026 年度“周至好青年”推选结果公示',
    digest: '经各镇街推荐、评审委员会评审，拟推选 10 名“周至好青年”，现予公示。',
    paragraphs: [
      '经各镇街团委推荐、评审委员会评审，拟推选 10 名同志为 2026 年度“周至好青年”，现予公示。',
      '公示期为 7 天。如有异议，请在公示期内向县团委反映。',
    ],
  },
];

const toHtml = (paragraphs: string[]) => sanitizeBulletinHtml(paragraphs.map((p) => `<p>${p}</p>`).join(''));

/** Answers how many bulletins were written, or null when the county already has some. */
export async function generateDemoPublishing(db: Db, countyStatCode: string): Promise<number | null> {
  const county = await db
    .selectFrom('orgs')
    .select(['id', 'name'])
    .where('stat_code', '=', countyStatCode)
    .executeTakeFirstOrThrow();
  if (await db.selectFrom('bulletins').select('id').where('org_id', '=', county.id).limit(1).executeTakeFirst()) {
    return null;
  }
  const account = await db
    .selectFrom('channels')
    .select('id')
    .where('org_id', '=', county.id)
    .where('kind', '=', 'official_account')
    .where('status', '=', 'active')
    .orderBy('id')
    .executeTakeFirst();
  const today = chinaToday();
  const now = nowIso();

  return db.transaction().execute(async (trx) => {
    const insertBulletin = async (values: {
      title: string;
      digest: string;
      html: string;
      status: 'sent' | 'in_review' | 'draft';
      at: string;
    }) => {
      const { id } = await trx
        .insertInto('bulletins')
        .values({
          org_id: county.id,
          kind: 'article',
          series_id: null,
          issue_number: null,
          title: values.title,
          author: `${county.name}团委`,
          digest: values.digest,
          content_html: values.html,
          cover_sha256: null,
          status: values.status,
          send_at: null,
          review_note: null,
          created_by: null,
          updated_by: null,
          submitted_by: null,
          submitted_at: values.status === 'draft' ? null : values.at,
          decided_by: null,
          decided_at: values.status === 'sent' ? values.at : null,
          published_at: values.status === 'sent' ? values.at : null,
          created_at: values.at,
          updated_at: values.at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return id;
    };

    const deliver = async (bulletinId: number, kind: 'web' | 'official_account', at: string) => {
      const target = await trx
        .insertInto('bulletin_targets')
        .values({
          bulletin_id: bulletinId,
          kind,
          channel_id: kind === 'web' ? null : account!.id,
          oa_mode: kind === 'web' ? null : 'mass_send',
          tag_id: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = await insertDelivery(trx, {
        bulletinId,
        target: { id: target.id, kind, channel_id: kind === 'web' ? null : account!.id },
        orgId: county.id,
        status: 'sent',
        at,
      });
      await trx
        .insertInto('delivery_log')
        .values([
          { delivery_id: id, at, event: 'queued', errcode: null, message: null },
          {
            delivery_id: id,
            at,
            event: 'sent',
            errcode: null,
            message: kind === 'web' ? '已发布到新闻网页' : '演示数据',
          },
        ])
        .execute();
    };

    // One article a week, the newest this week, each at 10:00 China time.
    for (const [index, article] of sentArticles.entries()) {
      const day = addDays(today, -7 * (sentArticles.length - 1 - index) - 1);
      const at = new Date(`${day}T10:00:00+08:00`).toISOString();
      const id = await insertBulletin({ ...article, html: toHtml(article.paragraphs), status: 'sent', at });
      await deliver(id, 'web', at);
      if (account) await deliver(id, 'official_account', at);
    }
    await insertBulletin({
      title: '关于开展寒假“返家乡”社会实践活动的通知',
      digest: '面向在外就读的周至籍大学生，寒假期间到镇村、企业开展社会实践。',
      html: toHtml([
        '为引导在外就读的周至籍大学生了解家乡、服务家乡，县团委决定在寒假期间开展“返家乡”社会实践活动。',
        '实践岗位包括镇村基层治理、企业生产经营、社区志愿服务等，请有意向的同学于 1 月 10 日前报名。',
      ]),
      status: 'in_review',
      at: now,
    });
    await insertBulletin({
      title: '（草稿）青年夜校第一期课程安排',
      digest: '',
      html: toHtml(['青年夜校第一期开设短视频制作、摄影、电商运营三门课程，具体时间待定。']),
      status: 'draft',
      at: now,
    });
    await trx
      .insertInto('bulletin_series')
      .values({
        org_id: county.id,
        name: `${county.name}青年手机报`,
        cron: '0 9 * * 1',
        targets: JSON.stringify(
          account
            ? [{ kind: 'web' }, { kind: 'official_account', channelId: account.id, oaMode: 'mass_send' }]
            : [{ kind: 'web' }],
        ),
        active: 1,
        created_by: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await refreshOrgMetrics(trx, [county.id], ['posts_per_channel']);
    return sentArticles.length + 2;
  });
}
