import type { Metric } from '../../../common/domain.js';
import type { CreateChannelBody, UpdateChannelBody } from '../../../common/ledger.js';
import type { Db, Executor } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { assertSees, type Actor } from '../../http/actor.js';
import { conflict, invalid } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { refreshOrgMetrics } from '../campaigns/engine.js';
import { loadActiveCadre } from '../cadres/service.js';
import {
  describeChanges,
  isUniqueViolation,
  loadWritableOrg,
  mayWriteLedger,
  pageWindow,
  resolveLedgerScope,
} from '../ledger/shared.js';
import { findOrg } from '../orgs/repo.js';
import { namingIssue } from './naming.js';
import {
  findChannel,
  findSameNamed,
  insertChannel,
  latestReading,
  listChannels,
  listEvidence,
  listPosts,
  listReadings,
  updateChannel,
  upsertPosts,
  upsertReading,
  type ChannelWithOrg,
} from './repo.js';

/** What a channel's creation or change can move in the campaigns' figures. */
const channelMetrics: readonly Metric[] = ['channel_count', 'plan_completion', 'posts_per_channel'];

export function presentChannel(actor: Actor, row: ChannelWithOrg) {
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    kind: row.kind,
    name: row.name,
    status: row.status,
    accountType: row.account_type,
    appId: row.app_id,
    originalId: row.original_id,
    createdOn: row.created_on,
    namingIssue: row.naming_issue,
    latestCount: row.latest_count,
    latestCountOn: row.latest_count_on,
    responsibleCadre:
      row.responsible_cadre_id === null
        ? null
        : { id: row.responsible_cadre_id, fullName: row.cadre_name ?? '', phoneMasked: row.cadre_phone_masked },
    updatedAt: row.updated_at,
    abilities: { update: mayWriteLedger(actor) },
  };
}

/** A channel whose org lies in the actor's subtree; anything else is "not found", whether it exists or not. */
export async function loadVisibleChannel(db: Executor, actor: Actor, id: number): Promise<ChannelWithOrg> {
  const channel = await findChannel(db, id);
  assertSees(actor, channel?.org_path, '渠道');
  return channel;
}

async function presentDetail(db: Executor, actor: Actor, id: number) {
  const row = (await findChannel(db, id))!;
  // One after another: inside a transaction they share one connection anyway.
  const readings = await listReadings(db, id, 100);
  const evidence = await listEvidence(db, id);
  const posts = await listPosts(db, id, 60);
  return {
    ...presentChannel(actor, row),
    createdAt: row.created_at,
    readings: readings.map((r) => ({ onDate: r.on_date, count: r.count, source: r.source })),
    evidence: evidence.map((e) => ({
      id: e.id,
      fileName: e.file_name,
      mime: e.mime,
      size: e.size,
      uploadedAt: e.uploaded_at,
      uploadedBy: e.uploaded_by_name,
    })),
    recentPosts: posts.map((p) => ({ onDate: p.on_date, count: p.count })),
  };
}

export async function getChannelDetail(db: Db, actor: Actor, id: number) {
  await loadVisibleChannel(db, actor, id);
  return presentDetail(db, actor, id);
}

export async function listVisibleChannels(
  db: Db,
  actor: Actor,
  input: {
    orgId?: number;
    scope: 'own' | 'subtree';
    kind?: ChannelWithOrg['kind'];
    status?: ChannelWithOrg['status'];
    namingIssue?: boolean;
    q?: string;
    page: number;
    pageSize: number;
  },
) {
  const scope = await resolveLedgerScope(db, actor, input);
  const { rows, total } = await listChannels(db, {
    scope,
    kind: input.kind,
    status: input.status,
    namingIssue: input.namingIssue,
    q: input.q || undefined,
    ...pageWindow(input),
  });
  return { items: rows.map((row) => presentChannel(actor, row)), total };
}

const duplicate = (name: string) => conflict(`本组织已有同类型、同名称的渠道“${name}”`, { field: 'name' });

export async function createChannel(db: Db, actor: Actor, body: CreateChannelBody) {
  return db.transaction().execute(async (trx) => {
    const org = await loadWritableOrg(trx, actor, body.orgId);
    if (body.responsibleCadreId) await loadActiveCadre(trx, actor, body.responsibleCadreId);
    const official = body.kind === 'official_account';
    const at = nowIso();
    const id = await insertChannel(trx, {
      org_id: org.id,
      kind: body.kind,
      name: body.name,
      account_type: official ? (body.accountType ?? null) : null,
      app_id: official ? (body.appId ?? null) : null,
      original_id: official ? (body.originalId ?? null) : null,
      responsible_cadre_id: body.responsibleCadreId ?? null,
      created_on: body.createdOn ?? null,
      status: body.status,
      naming_issue: namingIssue(body.kind, body.name, org),
      latest_count: null,
      latest_count_on: null,
      created_at: at,
      updated_at: at,
    });
    if (id === undefined) throw duplicate(body.name);
    await recordAudit(trx, actor, {
      action: 'channel.create',
      objectType: 'channel',
      objectId: id,
      orgId: org.id,
      details: { kind: body.kind, name: body.name, status: body.status },
    });
    await refreshOrgMetrics(trx, [org.id], channelMetrics);
    return presentDetail(trx, actor, id);
  });
}

export async function updateChannelDetails(db: Db, actor: Actor, id: number, body: UpdateChannelBody) {
  try {
    return await db.transaction().execute(async (trx) => {
      const channel = await loadVisibleChannel(trx, actor, id);
      const orgId = body.orgId ?? channel.org_id;
      const org = orgId === channel.org_id ? (await findOrg(trx, orgId))! : await loadWritableOrg(trx, actor, orgId);
      const kind = body.kind ?? channel.kind;
      const official = kind === 'official_account';
      if (!official && (body.accountType || body.appId || body.originalId)) {
        throw invalid('只有公众号可以填写账号类型、AppID 和原始 ID', { field: 'kind' });
      }
      if (body.responsibleCadreId) await loadActiveCadre(trx, actor, body.responsibleCadreId);
      const before = {
        orgId: channel.org_id,
        kind: channel.kind,
        name: channel.name,
        status: channel.status,
        responsibleCadreId: channel.responsible_cadre_id,
        createdOn: channel.created_on,
        accountType: channel.account_type,
        appId: channel.app_id,
        originalId: channel.original_id,
      };
      // A channel that stops being an official account loses what only official accounts have.
      const after = { ...before, ...body, ...(official ? {} : { accountType: null, appId: null, originalId: null }) };
      const details = describeChanges(before, after, []);
      if (details.fields.length === 0) return presentDetail(trx, actor, channel.id);
      const keyChanged = ['orgId', 'kind', 'name'].some((field) => details.fields.includes(field));
      if (keyChanged && (await findSameNamed(trx, { orgId, kind, name: after.name }, channel.id))) {
        throw duplicate(after.name);
      }
      await updateChannel(trx, channel.id, {
        org_id: orgId,
        kind,
        name: after.name,
        status: after.status,
        responsible_cadre_id: after.responsibleCadreId,
        created_on: after.createdOn,
        account_type: after.accountType,
        app_id: after.appId,
        original_id: after.originalId,
        ...(keyChanged ? { naming_issue: namingIssue(kind, after.name, org) } : {}),
        updated_at: nowIso(),
      });
      await recordAudit(trx, actor, {
        action: 'channel.update',
        objectType: 'channel',
        objectId: channel.id,
        orgId,
        details,
      });
      await refreshOrgMetrics(trx, [...new Set([channel.org_id, orgId])], channelMetrics);
      return presentDetail(trx, actor, channel.id);
    });
  } catch (error) {
    // Two editors renaming two channels to the same name at once: the unique index decides.
    if (isUniqueViolation(error)) throw duplicate(body.name ?? '');
    throw error;
  }
}

type DailyCount = { onDate: string; count: number };

/** A dated member or follower count: one row per day, and the channel keeps its newest reading. */
export async function recordReading(db: Db, actor: Actor, id: number, body: DailyCount) {
  return db.transaction().execute(async (trx) => {
    const channel = await loadVisibleChannel(trx, actor, id);
    const at = nowIso();
    await upsertReading(trx, {
      channel_id: channel.id,
      on_date: body.onDate,
      count: body.count,
      recorded_by: actor.userId,
      created_at: at,
    });
    const latest = (await latestReading(trx, channel.id))!;
    await updateChannel(trx, channel.id, {
      latest_count: latest.count,
      latest_count_on: latest.on_date,
      updated_at: at,
    });
    await recordAudit(trx, actor, {
      action: 'channel.reading',
      objectType: 'channel',
      objectId: channel.id,
      orgId: channel.org_id,
      details: { onDate: body.onDate, count: body.count },
    });
    return presentDetail(trx, actor, channel.id);
  });
}

/** Posts sent on a day, recorded by hand until publishing feeds them: one row per day. */
export async function recordPosts(db: Db, actor: Actor, id: number, body: DailyCount) {
  return db.transaction().execute(async (trx) => {
    const channel = await loadVisibleChannel(trx, actor, id);
    await upsertPosts(trx, {
      channel_id: channel.id,
      on_date: body.onDate,
      count: body.count,
      recorded_by: actor.userId,
      created_at: nowIso(),
    });
    await recordAudit(trx, actor, {
      action: 'channel.posts',
      objectType: 'channel',
      objectId: channel.id,
      orgId: channel.org_id,
      details: { onDate: body.onDate, count: body.count },
    });
    await refreshOrgMetrics(trx, [channel.org_id], ['posts_per_channel']);
    return presentDetail(trx, actor, channel.id);
  });
}
