import type { ChannelKind, ChannelStatus } from '../../../common/domain.js';
import type { ChannelReadingsTable, ChannelsTable, Executor } from '../../db/schema.js';
import { contains, scopeCondition, type LedgerScope } from '../ledger/shared.js';

export type ChannelRow = Omit<ChannelsTable, 'id'> & { id: number };
export type ChannelWithOrg = ChannelRow & {
  org_name: string;
  org_path: string;
  cadre_name: string | null;
  cadre_phone_masked: string | null;
};

function withOrg(db: Executor) {
  return db
    .selectFrom('channels')
    .innerJoin('orgs', 'orgs.id', 'channels.org_id')
    .leftJoin('cadres', 'cadres.id', 'channels.responsible_cadre_id')
    .selectAll('channels')
    .select([
      'orgs.name as org_name',
      'orgs.path as org_path',
      'cadres.full_name as cadre_name',
      'cadres.phone_masked as cadre_phone_masked',
    ]);
}

export function findChannel(db: Executor, id: number): Promise<ChannelWithOrg | undefined> {
  return withOrg(db).where('channels.id', '=', id).executeTakeFirst();
}

/** The channel an org already has under that kind and name (the natural key), other than `exceptId`. */
export async function findSameNamed(
  db: Executor,
  key: { orgId: number; kind: ChannelKind; name: string },
  exceptId?: number,
): Promise<number | undefined> {
  let query = db
    .selectFrom('channels')
    .select('id')
    .where('org_id', '=', key.orgId)
    .where('kind', '=', key.kind)
    .where('name', '=', key.name);
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst())?.id;
}

export type ChannelFilter = {
  scope: LedgerScope;
  kind?: ChannelKind;
  status?: ChannelStatus;
  namingIssue?: boolean;
  q?: string;
};

function filtered(db: Executor, filter: ChannelFilter) {
  let query = db
    .selectFrom('channels')
    .innerJoin('orgs', 'orgs.id', 'channels.org_id')
    .where(scopeCondition(filter.scope, 'channels.org_id', 'orgs.path'));
  if (filter.kind) query = query.where('channels.kind', '=', filter.kind);
  if (filter.status) query = query.where('channels.status', '=', filter.status);
  if (filter.namingIssue !== undefined) {
    query = query.where('channels.naming_issue', filter.namingIssue ? 'is not' : 'is', null);
  }
  if (filter.q) query = query.where(contains('channels.name', filter.q));
  return query;
}

export async function listChannels(
  db: Executor,
  filter: ChannelFilter & { offset: number; limit: number },
): Promise<{ rows: ChannelWithOrg[]; total: number }> {
  const rows = await filtered(db, filter)
    .leftJoin('cadres', 'cadres.id', 'channels.responsible_cadre_id')
    .selectAll('channels')
    .select([
      'orgs.name as org_name',
      'orgs.path as org_path',
      'cadres.full_name as cadre_name',
      'cadres.phone_masked as cadre_phone_masked',
    ])
    .orderBy('orgs.path')
    .orderBy('channels.kind')
    .orderBy('channels.id')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  const { total } = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total) };
}

/** Inserts unless the org already has a channel of that kind and name; undefined then. */
export async function insertChannel(db: Executor, values: Omit<ChannelsTable, 'id'>): Promise<number | undefined> {
  const row = await db
    .insertInto('channels')
    .values(values)
    .onConflict((oc) => oc.columns(['org_id', 'kind', 'name']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function updateChannel(
  db: Executor,
  id: number,
  values: Partial<Omit<ChannelsTable, 'id'>>,
): Promise<void> {
  await db.updateTable('channels').set(values).where('id', '=', id).execute();
}

/**
 * One reading per channel and day: a second reading of the same day replaces the first, other days stay. By hand
 * unless said otherwise; the WeChat callbacks record theirs with source 'wechat' and no user.
 */
export async function upsertReading(
  db: Executor,
  values: { channel_id: number; on_date: string; count: number; recorded_by: number | null; created_at: string },
  source: ChannelReadingsTable['source'] = 'manual',
): Promise<void> {
  await db
    .insertInto('channel_readings')
    .values({ ...values, source })
    .onConflict((oc) =>
      oc.columns(['channel_id', 'on_date']).doUpdateSet({
        count: values.count,
        source,
        recorded_by: values.recorded_by,
        created_at: values.created_at,
      }),
    )
    .execute();
}

export function latestReading(db: Executor, channelId: number) {
  return db
    .selectFrom('channel_readings')
    .select(['on_date', 'count'])
    .where('channel_id', '=', channelId)
    .orderBy('on_date', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function listReadings(db: Executor, channelId: number, limit: number) {
  return db
    .selectFrom('channel_readings')
    .select(['on_date', 'count', 'source'])
    .where('channel_id', '=', channelId)
    .orderBy('on_date', 'desc')
    .limit(limit)
    .execute();
}

export async function upsertPosts(
  db: Executor,
  values: { channel_id: number; on_date: string; count: number; recorded_by: number; created_at: string },
): Promise<void> {
  await db
    .insertInto('channel_posts')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['channel_id', 'on_date']).doUpdateSet({
        count: values.count,
        recorded_by: values.recorded_by,
        created_at: values.created_at,
      }),
    )
    .execute();
}

export function listPosts(db: Executor, channelId: number, limit: number) {
  return db
    .selectFrom('channel_posts')
    .select(['on_date', 'count'])
    .where('channel_id', '=', channelId)
    .orderBy('on_date', 'desc')
    .limit(limit)
    .execute();
}

export async function insertEvidence(
  db: Executor,
  values: { channel_id: number; file_sha256: string; file_name: string; uploaded_by: number; uploaded_at: string },
): Promise<number> {
  const { id } = await db.insertInto('channel_evidence').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

function evidenceWithFile(db: Executor) {
  return db
    .selectFrom('channel_evidence as e')
    .innerJoin('files', 'files.sha256', 'e.file_sha256')
    .leftJoin('users', 'users.id', 'e.uploaded_by')
    .select([
      'e.id',
      'e.channel_id',
      'e.file_sha256',
      'e.file_name',
      'e.uploaded_at',
      'files.mime',
      'files.size',
      'users.display_name as uploaded_by_name',
    ]);
}

export function listEvidence(db: Executor, channelId: number) {
  return evidenceWithFile(db).where('e.channel_id', '=', channelId).orderBy('e.id', 'desc').execute();
}

/** One piece of evidence with the path of its channel's org, for the subtree check. */
export function findEvidence(db: Executor, id: number) {
  return evidenceWithFile(db)
    .innerJoin('channels', 'channels.id', 'e.channel_id')
    .innerJoin('orgs', 'orgs.id', 'channels.org_id')
    .select('orgs.path as org_path')
    .where('e.id', '=', id)
    .executeTakeFirst();
}
