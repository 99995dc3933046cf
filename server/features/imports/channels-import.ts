import type { AccountType, ChannelKind, ChannelStatus, Metric } from '../../../common/domain.js';
import { accountTypeLabels, channelKindLabels, channelStatusLabels, type RowAction } from '../../../common/imports.js';
import type { ChannelsTable, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { refreshOrgMetrics } from '../campaigns/engine.js';
import { namingIssue } from '../channels/naming.js';
import { channelColumns, type ChannelColumn } from './columns.js';
import { displayCell, labelsOf, RowChecker, type Checked, type ImportContext, type KindRun } from './checks.js';
import { JobFailure } from '../../jobs/runner.js';

// 两群一号 from a sheet: a channel is (org, kind, name), an official account with an AppID is that AppID. A member
// count becomes a dated reading — history, not an overwrite — and the channel keeps its newest one.

type ChannelRecord = {
  name: string;
  kind: ChannelKind;
  cadreId: number | null;
  createdOn: string | null;
  members: number | null;
  countedOn: string;
  accountType: AccountType | null;
  appId: string | null;
  originalId: string | null;
  status: ChannelStatus | null;
};

const labels = labelsOf(channelColumns);
const metrics: readonly Metric[] = ['channel_count', 'plan_completion', 'posts_per_channel'];
const kindSpellings: Record<string, ChannelKind> = {
  团青微信群: 'tuanqing_group',
  青农微信群: 'qingnong_group',
  微信群: 'other_group',
  微信公众号: 'official_account',
  服务号: 'official_account',
  订阅号: 'official_account',
  QQ群聊: 'qq_group',
  企业微信机器人: 'wecom_robot',
};
const statusSpellings: Record<string, ChannelStatus> = { 启用: 'active', 在用: 'active', 关闭: 'closed' };
export const channelKey = (kind: ChannelKind, name: string) => `${kind}\u0001${name}`;

export function channelImport(ctx: ImportContext): KindRun<ChannelColumn> {
  /** "org:name" → the active cadre of that name in that org, 'none' or 'many'. */
  const cadreNames = new Map<string, number | 'none' | 'many'>();
  const touchedOrgs = new Set<number>();

  async function loadCadreNames(keys: { orgId: number; name: string }[]) {
    const unknown = keys.filter((k) => !cadreNames.has(`${k.orgId}:${k.name}`));
    if (unknown.length === 0) return;
    const rows = await ctx.db
      .selectFrom('cadres')
      .select(['id', 'org_id', 'full_name'])
      .where('org_id', 'in', [...new Set(unknown.map((k) => k.orgId))])
      .where('full_name', 'in', [...new Set(unknown.map((k) => k.name))])
      .where('status', '=', 'active')
      .execute();
    for (const k of unknown) cadreNames.set(`${k.orgId}:${k.name}`, 'none');
    for (const row of rows) {
      const key = `${row.org_id}:${row.full_name}`;
      cadreNames.set(key, cadreNames.get(key) === 'none' ? row.id : 'many');
    }
  }

  return {
    columns: channelColumns,

    async check(rows) {
      const pending: { checked: Checked; record: ChannelRecord | null; orgId: number | null; cadre: string | null }[] =
        [];
      for (const { values } of rows) {
        const row = new RowChecker(values, labels, ctx.today);
        const name = row.text('name', 100, true);
        const kind = row.choice('kind', channelKindLabels, kindSpellings);
        if (kind === null && row.errors.length === 0) row.errors.push('请填写类型');
        const org = row.org('org', ctx.orgs);
        const cadre = row.text('cadre', 50);
        const createdOn = row.date('createdOn', { notAfterToday: true });
        const members = row.integer('members', 0, 100_000_000);
        const countedOn = row.date('countedOn', { notAfterToday: true }) ?? ctx.today;
        const accountType = row.choice('accountType', accountTypeLabels);
        const appId = row.text('appId', 40)?.toLowerCase() ?? null;
        if (appId !== null && !/^wx[0-9a-f]{16}$/.test(appId)) row.errors.push('AppID 应为 wx 加 16 位十六进制字符');
        const originalId = row.text('originalId', 40)?.toLowerCase() ?? null;
        if (originalId !== null && !/^gh_[0-9a-f]{12}$/.test(originalId)) {
          row.errors.push('原始ID 应为 gh_ 加 12 位十六进制字符');
        }
        const status = row.choice('status', channelStatusLabels, statusSpellings);
        if (kind !== null && kind !== 'official_account' && (accountType || appId || originalId)) {
          row.errors.push('只有公众号可以填写公众号类型、AppID 和原始ID');
        }
        const ok = row.errors.length === 0 && name !== null && kind !== null && org !== null;
        pending.push({
          checked: {
            orgId: org?.id ?? null,
            key: name && kind ? channelKey(kind, name) : null,
            alt: appId,
            errors: row.errors,
            record: null,
          },
          record: ok
            ? { name, kind, cadreId: null, createdOn, members, countedOn, accountType, appId, originalId, status }
            : null,
          orgId: org?.id ?? null,
          cadre,
        });
      }
      await loadCadreNames(
        pending.filter((p) => p.cadre && p.orgId !== null).map((p) => ({ orgId: p.orgId!, name: p.cadre! })),
      );
      const appIds = pending.flatMap((p) => (p.record?.appId ? [p.record.appId] : []));
      const registered = new Map(
        appIds.length === 0
          ? []
          : (
              await ctx.db.selectFrom('channels').select(['app_id', 'org_id']).where('app_id', 'in', appIds).execute()
            ).map((c) => [c.app_id!, c.org_id]),
      );
      for (const p of pending) {
        if (p.cadre && p.orgId !== null) {
          const found = cadreNames.get(`${p.orgId}:${p.cadre}`);
          if (found === 'none') p.checked.errors.push(`负责团干部“${p.cadre}”未在所属组织登记，请先录入团干部`);
          else if (found === 'many') p.checked.errors.push(`所属组织有多名在任团干部叫“${p.cadre}”，请在系统中指定`);
          else if (p.record) p.record.cadreId = found ?? null;
        }
        const owner = p.record?.appId ? registered.get(p.record.appId) : undefined;
        if (owner !== undefined && owner !== p.orgId) {
          const org = ctx.orgs.byId(owner);
          p.checked.errors.push(org ? `AppID 已登记在“${org.name}”` : 'AppID 已被其他组织登记');
        }
        p.checked.record = p.checked.errors.length === 0 ? p.record : null;
      }
      return pending.map((p) => p.checked);
    },

    display: (values) => Object.fromEntries(channelColumns.map((c) => [c.key, displayCell(values[c.key])])),

    spoolRules: {
      duplicateMessage: (first) => `与第 ${first} 行是同一组织的同类型、同名称渠道`,
      altMessage: (first) => `AppID 与第 ${first} 行相同`,
    },

    async apply(db, rows, write) {
      const items = rows.map((r) => ({ row: r.row, orgId: r.orgId, record: JSON.parse(r.record) as ChannelRecord }));
      const at = nowIso();
      const found = await db
        .selectFrom('channels')
        .selectAll()
        .where('org_id', 'in', [...new Set(items.map((i) => i.orgId))])
        .where('name', 'in', [...new Set(items.map((i) => i.record.name))])
        .execute();
      const appIds = items.flatMap((i) => (i.record.appId ? [i.record.appId] : []));
      const byApp =
        appIds.length === 0 ? [] : await db.selectFrom('channels').selectAll().where('app_id', 'in', appIds).execute();
      const byName = new Map(found.map((c) => [`${c.org_id}:${channelKey(c.kind, c.name)}`, c]));
      const byAppId = new Map(byApp.map((c) => [c.app_id!, c]));
      const matched = items.map(
        (i) =>
          (i.record.appId ? byAppId.get(i.record.appId) : undefined) ??
          byName.get(`${i.orgId}:${channelKey(i.record.kind, i.record.name)}`),
      );
      const readings = await existingReadings(
        db,
        matched.flatMap((m) => (m ? [m.id] : [])),
        items.flatMap((i) => (i.record.members === null ? [] : [i.record.countedOn])),
      );

      const actions: RowAction[] = [];
      const creates: { item: (typeof items)[number] }[] = [];
      for (const [n, item] of items.entries()) {
        const { record, orgId } = item;
        const current = matched[n];
        if (!current) {
          actions.push('create');
          creates.push({ item });
          touchedOrgs.add(orgId);
          continue;
        }
        const changes: Partial<Omit<ChannelsTable, 'id'>> = {};
        const set = <F extends keyof Omit<ChannelsTable, 'id'>>(field: F, value: ChannelsTable[F] | null) => {
          if (value !== null && value !== current[field]) changes[field] = value;
        };
        if (record.name !== current.name) {
          if (byName.has(`${orgId}:${channelKey(record.kind, record.name)}`)) {
            throw new JobFailure(
              `第 ${item.row} 行：本组织已有同类型、同名称的渠道“${record.name}”，不能把该 AppID 的公众号改成此名称`,
            );
          }
          set('name', record.name);
          changes.naming_issue = namingIssue(record.kind, record.name, ctx.orgs.byId(orgId)!);
        }
        set('responsible_cadre_id', record.cadreId);
        set('created_on', record.createdOn);
        set('account_type', record.accountType);
        set('app_id', record.appId);
        set('original_id', record.originalId);
        set('status', record.status);
        const reading = record.members === null ? null : { onDate: record.countedOn, count: record.members };
        const readingNew = reading !== null && readings.get(`${current.id}:${reading.onDate}`) !== reading.count;
        if (readingNew && (current.latest_count_on === null || reading.onDate >= current.latest_count_on)) {
          changes.latest_count = reading.count;
          changes.latest_count_on = reading.onDate;
        }
        const changed = Object.keys(changes).length > 0 || readingNew;
        actions.push(changed ? 'update' : 'unchanged');
        if (!changed) continue;
        touchedOrgs.add(current.org_id);
        if (!write) continue;
        await db
          .updateTable('channels')
          .set({ ...changes, updated_at: at })
          .where('id', '=', current.id)
          .execute();
        if (readingNew) await upsertImportReading(db, current.id, reading, ctx.actor.userId, at);
      }
      if (write && creates.length > 0) {
        const inserted = await db
          .insertInto('channels')
          .values(
            creates.map(({ item: { orgId, record } }) => ({
              org_id: orgId,
              kind: record.kind,
              name: record.name,
              account_type: record.accountType,
              app_id: record.appId,
              original_id: record.originalId,
              responsible_cadre_id: record.cadreId,
              created_on: record.createdOn,
              status: record.status ?? 'active',
              naming_issue: namingIssue(record.kind, record.name, ctx.orgs.byId(orgId)!),
              latest_count: record.members,
              latest_count_on: record.members === null ? null : record.countedOn,
              created_at: at,
              updated_at: at,
            })),
          )
          .returning(['id', 'org_id', 'kind', 'name'])
          .execute();
        const ids = new Map(inserted.map((c) => [`${c.org_id}:${channelKey(c.kind, c.name)}`, c.id]));
        const newReadings = creates.flatMap(({ item: { orgId, record } }) =>
          record.members === null
            ? []
            : [
                {
                  channel_id: ids.get(`${orgId}:${channelKey(record.kind, record.name)}`)!,
                  on_date: record.countedOn,
                  count: record.members,
                  source: 'import' as const,
                  recorded_by: ctx.actor.userId,
                  created_at: at,
                },
              ],
        );
        if (newReadings.length > 0) await db.insertInto('channel_readings').values(newReadings).execute();
      }
      return actions;
    },

    finish: (trx) => refreshOrgMetrics(trx, [...touchedOrgs], metrics),
    extra: () => ({}),
    tables: ['channels', 'channel_readings'],
  };
}

/** The readings already recorded on the days a chunk reports, by "channel:day". */
async function existingReadings(db: Executor, channelIds: number[], days: string[]): Promise<Map<string, number>> {
  if (channelIds.length === 0 || days.length === 0) return new Map();
  const rows = await db
    .selectFrom('channel_readings')
    .select(['channel_id', 'on_date', 'count'])
    .where('channel_id', 'in', [...new Set(channelIds)])
    .where('on_date', 'in', [...new Set(days)])
    .execute();
  return new Map(rows.map((r) => [`${r.channel_id}:${r.on_date}`, r.count]));
}

/** The day's reading of an existing channel: a second count on the same day replaces the first. */
async function upsertImportReading(
  db: Executor,
  channelId: number,
  reading: { onDate: string; count: number },
  userId: number,
  at: string,
) {
  await db
    .insertInto('channel_readings')
    .values({
      channel_id: channelId,
      on_date: reading.onDate,
      count: reading.count,
      source: 'import',
      recorded_by: userId,
      created_at: at,
    })
    .onConflict((oc) =>
      oc
        .columns(['channel_id', 'on_date'])
        .doUpdateSet({ count: reading.count, source: 'import', recorded_by: userId, created_at: at }),
    )
    .execute();
}
