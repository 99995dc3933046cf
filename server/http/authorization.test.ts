import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { orgRoles, roles } from '../../common/domain.js';
import { loginAsFrom, loginFrom, nextAddress, tableCounts } from '../../test/clients.js';
import { makeOrg, makeTree, makeUser, testPassword } from '../../test/factories.js';
import {
  linkContact,
  makeCadre,
  makeChannel,
  makeContact,
  makeEvidence,
  multipartFile,
  nextPhone,
  pngBytes,
} from '../../test/ledger-factories.js';
import {
  get,
  plain,
  scoped,
  type ActorName,
  type Caller,
  type Pair,
  type Response,
  type Row,
  type Where,
} from '../../test/authorization-kit.js';
import { createTestContext } from '../../test/harness.js';
import { enrolDirectly, totpCode } from '../../test/totp.js';
import { peopleIdProbes, peopleRows } from './authorization-people.js';
import { wechatIdProbes, wechatRows } from './authorization-wechat.js';
import { publishingIdProbes, publishingRows } from './authorization-publishing.js';
import { multipartBody, waitForJob } from '../../test/imports.js';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';

// The authorization table of security.md: every route of the route table × every role (org roles held at
// countyA) and anonymous × an object inside (under townA1) and outside (under townB1) the actor's subtree.
// Every cell is written out by hand: deriving expectations from `grants` would test the policy against itself.

const ctx = await createTestContext();
await ctx.app.ready(); // the route table fills while plugins load
const tree = await makeTree(ctx);
const townB2 = await makeOrg(ctx, { parent: tree.countyB, name: '共青团乙二镇委员会' });

const actorNames: readonly ActorName[] = [...roles, 'anonymous'];

async function makeCaller(name: ActorName): Promise<Caller> {
  if (name === 'anonymous') {
    // A logged-out browser, or a forged cross-site request: no session cookie, no CSRF token.
    const anonymous: Caller = { name, request: (options) => ctx.app.inject(options), fresh: async () => anonymous };
    return anonymous;
  }
  const client = await loginAsFrom(ctx, name, orgRoles.includes(name) ? tree.countyA : null);
  return { name, request: client.request, fresh: () => makeCaller(name) };
}

const callers = new Map<ActorName, Caller>();
for (const name of actorNames) callers.set(name, await makeCaller(name));
// Requests the moves that approve/reject act on, so that no actor under test decides its own request.
const requester = await loginAsFrom(ctx, 'system_admin');

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}${++counter}号团支部`;
const parentOf = (where: Where) => (where === 'inside' ? tree.townA1 : tree.townB1);
const moveTargetOf = (where: Where) => (where === 'inside' ? tree.townA2 : townB2);
const freshVillage = (where: Where) => makeOrg(ctx, { parent: parentOf(where), name: uniqueName('表格') });
const freshUser = (where: Where) => makeUser(ctx, { role: 'inspector', org: parentOf(where) });

/** A pending move of a fresh village to the other township; null when `by` may not request it. */
async function pendingMove(by: Pick<Caller, 'request'>, where: Where): Promise<number | null> {
  const village = await freshVillage(where);
  const response = await by.request({
    method: 'POST',
    url: `/api/orgs/${village.id}/moves`,
    payload: { toParentId: moveTargetOf(where).id, reason: '区划调整' },
  });
  return response.statusCode === 201 ? response.json<{ id: number }>().id : null;
}

async function movedBy(by: Pick<Caller, 'request'>, where: Where): Promise<number> {
  const id = await pendingMove(by, where);
  if (id === null) throw new Error('the requester could not request a move');
  return id;
}

// Ledger objects inside (townA1) and outside (townB1) for the ledger rows; fresh ones for cells that change them.
const freshCadre = (where: Where) => makeCadre(ctx, { org: parentOf(where) });
const freshChannel = (where: Where) => makeChannel(ctx, { org: parentOf(where) });
const freshContact = (where: Where) => makeContact(ctx, { org: parentOf(where) });
async function ledgerObjects(where: Where) {
  const channel = await freshChannel(where);
  return {
    cadre: await freshCadre(where),
    channel,
    contact: await freshContact(where),
    evidence: await makeEvidence(ctx, channel),
  };
}
const ledger = { inside: await ledgerObjects('inside'), outside: await ledgerObjects('outside') };

// Import jobs: finished ones written directly (so that no runner picks them up), and one real error report, which
// only the uploader of its job may download.
const uploader = await loginAsFrom(ctx, 'org_admin', tree.countyA);
const csvUpload = (orgId: number, csv = '姓名,手机号码\n某人,13800000000\n') =>
  multipartBody(
    { kind: 'contacts', orgId: String(orgId), dryRun: 'true' },
    { name: '名单.csv', content: Buffer.from(csv) },
  );
const reportJob = await uploader.request({
  method: 'POST',
  url: '/api/imports',
  ...csvUpload(tree.townA1.id, '姓名,手机号码\n错号,123\n'),
});
await waitForJob(uploader, reportJob.json<{ jobId: number }>().jobId);
const reportResult = (
  await ctx.db
    .selectFrom('jobs')
    .select('result')
    .where('id', '=', reportJob.json<{ jobId: number }>().jobId)
    .executeTakeFirstOrThrow()
).result;
async function finishedJob(where: Where, createdBy: number): Promise<number> {
  const at = new Date().toISOString();
  const row = await ctx.db
    .insertInto('jobs')
    .values({
      kind: 'import',
      status: 'done',
      org_id: parentOf(where).id,
      created_by: createdBy,
      input: JSON.stringify({ file: { name: '名单.csv' } }),
      result: reportResult,
      created_at: at,
      finished_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
/** The caller's own user id (anonymous callers get the uploader's: they are refused before it matters). */
async function callerId(c: Caller): Promise<number> {
  const me = await c.request({ method: 'GET', url: '/api/auth/me' });
  return me.statusCode === 200 ? me.json<{ user: { id: number } }>().user.id : uploader.user.id;
}

// Campaigns rooted inside (townA1) and outside (townB1) the org roles' subtree, with the built-in indicators; a
// reminder for the org roles' own org (inside) and for another county (outside).
const campaignBody = (where: Where) => ({
  rootOrgId: parentOf(where).id,
  name: uniqueName('表格任务'),
  startsOn: '2026-07-01',
  endsOn: '2026-11-30',
  template: 'rural_wechat',
});
async function freshCampaign(where: Where): Promise<{ id: number; indicators: { id: number }[] }> {
  const response = await requester.post('/api/campaigns', campaignBody(where));
  if (response.statusCode !== 201) throw new Error(`campaign fixture: ${response.body}`);
  return response.json();
}
const campaigns = { inside: await freshCampaign('inside'), outside: await freshCampaign('outside') };
const campaignOf = (where: Where) => campaigns[where];
const freshIndicator = async (where: Where) => (await freshCampaign(where)).indicators[0].id;
async function reminderFor(org: { id: number }): Promise<number> {
  const row = await ctx.db
    .insertInto('notifications')
    .values({
      org_id: org.id,
      kind: 'deadline_reminder',
      indicator_id: null,
      due_on: '2026-09-30',
      title: '提醒',
      body: '请按期完成',
      created_at: new Date().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
const reminders = { inside: await reminderFor(tree.countyA), outside: await reminderFor(tree.countyB) };

const table: Record<string, Row> = {
  'GET /api/openapi.json': plain(
    {
      org_admin: 200,
      org_editor: 200,
      inspector: 200,
      system_admin: 200,
      security_admin: 200,
      audit_admin: 200,
      anonymous: 200,
    },
    get('/api/openapi.json'),
  ),
  // Logging in from a browser that holds a session replaces that session, hence a fresh one per cell.
  'POST /api/auth/login': plain(
    {
      org_admin: 200,
      org_editor: 200,
      inspector: 200,
      system_admin: 200,
      security_admin: 200,
      audit_admin: 200,
      anonymous: 200,
    },
    async (c) => {
      const user = await makeUser(ctx, { role: 'inspector', org: tree.townA1 });
      return (await c.fresh()).request({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: nextAddress(),
        headers: { 'x-csrf-token': 'login' },
        payload: { username: user.username, password: testPassword },
      });
    },
  ),
  // State changes without a session are refused by the CSRF check, before authentication (guard.ts).
  'POST /api/auth/logout': plain(
    {
      org_admin: 200,
      org_editor: 200,
      inspector: 200,
      system_admin: 200,
      security_admin: 200,
      audit_admin: 200,
      anonymous: 401,
    },
    async (c) => (await c.fresh()).request({ method: 'POST', url: '/api/auth/logout' }),
  ),
  'GET /api/auth/me': plain(
    {
      org_admin: 200,
      org_editor: 200,
      inspector: 200,
      system_admin: 200,
      security_admin: 200,
      audit_admin: 200,
      anonymous: 401,
    },
    get('/api/auth/me'),
  ),
  // The second step of a login with a second factor: the pending token of a right password and a fresh code.
  'POST /api/auth/login/totp': plain(
    {
      org_admin: 200,
      org_editor: 200,
      inspector: 200,
      system_admin: 200,
      security_admin: 200,
      audit_admin: 200,
      anonymous: 200,
    },
    async (c) => {
      const user = await makeUser(ctx, { role: 'inspector', org: tree.townA1 });
      const secret = await enrolDirectly(ctx, user);
      const pending = await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: nextAddress(),
        headers: { 'x-csrf-token': 'login' },
        payload: { username: user.username, password: testPassword },
      });
      return (await c.fresh()).request({
        method: 'POST',
        url: '/api/auth/login/totp',
        remoteAddress: nextAddress(),
        headers: { 'x-csrf-token': 'login' },
        payload: { pendingToken: pending.json<{ pendingToken: string }>().pendingToken, code: totpCode(secret) },
      });
    },
  ),
  // Enrolling one's own second factor: any account (fresh, so that the shared sessions keep none).
  'POST /api/auth/totp/enrolment': plain(
    {
      org_admin: 200,
      org_editor: 200,
      inspector: 200,
      system_admin: 200,
      security_admin: 200,
      audit_admin: 200,
      anonymous: 401,
    },
    async (c) => (await c.fresh()).request({ method: 'POST', url: '/api/auth/totp/enrolment' }),
  ),
  'POST /api/auth/totp/confirm': plain(
    {
      org_admin: 200,
      org_editor: 200,
      inspector: 200,
      system_admin: 200,
      security_admin: 200,
      audit_admin: 200,
      anonymous: 401,
    },
    async (c) => {
      const caller = await c.fresh();
      const started = await caller.request({ method: 'POST', url: '/api/auth/totp/enrolment' });
      const secret = started.statusCode === 200 ? started.json<{ secret: string }>().secret : null;
      return caller.request({
        method: 'POST',
        url: '/api/auth/totp/confirm',
        payload: { code: secret ? totpCode(secret) : '000000' },
      });
    },
  ),
  'POST /api/auth/password': plain(
    {
      org_admin: 200,
      org_editor: 200,
      inspector: 200,
      system_admin: 200,
      security_admin: 200,
      audit_admin: 200,
      anonymous: 401,
    },
    async (c) =>
      (await c.fresh()).request({
        method: 'POST',
        url: '/api/auth/password',
        payload: { currentPassword: testPassword, newPassword: 'Sturdy-Password-2026' },
      }),
  ),
  'GET /api/orgs/roots': plain(
    {
      org_admin: 200,
      org_editor: 200,
      inspector: 200,
      system_admin: 200,
      security_admin: 403,
      audit_admin: 403,
      anonymous: 401,
    },
    get('/api/orgs/roots'),
  ),
  'GET /api/orgs/search': plain(
    {
      org_admin: 200,
      org_editor: 200,
      inspector: 200,
      system_admin: 200,
      security_admin: 403,
      audit_admin: 403,
      anonymous: 401,
    },
    get(`/api/orgs/search?q=${encodeURIComponent('共青团')}`),
  ),
  'GET /api/orgs/:id': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'GET', url: `/api/orgs/${parentOf(where).id}` }),
  ),
  'GET /api/orgs/:id/children': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'GET', url: `/api/orgs/${parentOf(where).id}/children` }),
  ),
  'GET /api/orgs/:id/history': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'GET', url: `/api/orgs/${parentOf(where).id}/history` }),
  ),
  'POST /api/orgs': scoped(
    {
      org_admin: [201, 404],
      org_editor: [201, 404],
      inspector: [403, 403],
      system_admin: [201, 201],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({
        method: 'POST',
        url: '/api/orgs',
        payload: { parentId: parentOf(where).id, name: uniqueName('新建'), type: 'branch', level: 'village' },
      }),
  ),
  'PATCH /api/orgs/:id': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [403, 403],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) =>
      c.request({
        method: 'PATCH',
        url: `/api/orgs/${(await freshVillage(where)).id}`,
        payload: { name: uniqueName('改名') },
      }),
  ),
  'POST /api/orgs/:id/dissolve': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/orgs/${(await freshVillage(where)).id}/dissolve`,
        payload: { reason: '组织调整撤销' },
      }),
  ),
  'POST /api/orgs/:id/moves': scoped(
    {
      org_admin: [201, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [201, 201],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/orgs/${(await freshVillage(where)).id}/moves`,
        payload: { toParentId: moveTargetOf(where).id, reason: '区划调整' },
      }),
  ),
  'GET /api/org-moves': plain(
    {
      org_admin: 200,
      org_editor: 403,
      inspector: 403,
      system_admin: 200,
      security_admin: 403,
      audit_admin: 403,
      anonymous: 401,
    },
    get('/api/org-moves?scope=all'),
  ),
  'POST /api/org-moves/:id/approve': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) => c.request({ method: 'POST', url: `/api/org-moves/${await movedBy(requester, where)}/approve` }),
  ),
  'POST /api/org-moves/:id/reject': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/org-moves/${await movedBy(requester, where)}/reject`,
        payload: { reason: '材料不全' },
      }),
  ),
  // Only the requester may cancel: the actor requests the move itself where it may, else someone else does.
  'POST /api/org-moves/:id/cancel': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) => {
      const id = (await pendingMove(c, where)) ?? (await movedBy(requester, where));
      return c.request({ method: 'POST', url: `/api/org-moves/${id}/cancel` });
    },
  ),
  'GET /api/users': plain(
    {
      org_admin: 200,
      org_editor: 403,
      inspector: 403,
      system_admin: 200,
      security_admin: 200,
      audit_admin: 403,
      anonymous: 401,
    },
    get('/api/users'),
  ),
  'POST /api/users': scoped(
    {
      org_admin: [201, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [201, 201],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({
        method: 'POST',
        url: '/api/users',
        payload: { username: `tbl${++counter}`, displayName: '表格用户', role: 'inspector', orgId: parentOf(where).id },
      }),
  ),
  'PATCH /api/users/:id': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) =>
      c.request({
        method: 'PATCH',
        url: `/api/users/${(await freshUser(where)).id}`,
        payload: { displayName: '改过的名字' },
      }),
  ),
  'POST /api/users/:id/reset-password': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [200, 200],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) => c.request({ method: 'POST', url: `/api/users/${(await freshUser(where)).id}/reset-password` }),
  ),
  'POST /api/users/:id/unlock': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [200, 200],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) => c.request({ method: 'POST', url: `/api/users/${(await freshUser(where)).id}/unlock` }),
  ),
  // A lost phone: whoever may reset the account's password resets its second factor; the security admin any.
  'POST /api/users/:id/reset-totp': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [200, 200],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) => {
      const user = await freshUser(where);
      await enrolDirectly(ctx, user);
      return c.request({ method: 'POST', url: `/api/users/${user.id}/reset-totp` });
    },
  ),
  'POST /api/users/:id/end-sessions': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [200, 200],
      security_admin: [200, 200],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) => c.request({ method: 'POST', url: `/api/users/${(await freshUser(where)).id}/end-sessions` }),
  ),
  // The ledger (cadres, channels, contacts, activities). Writes need ledger.write (org admins and editors, not
  // the system admin), reveals personal.reveal (org admins only); reads are open to every org role and the
  // system admin. Cells that change an object get a fresh one.
  'GET /api/orgs/:id/cadres': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'GET', url: `/api/orgs/${parentOf(where).id}/cadres` }),
  ),
  'POST /api/cadres': scoped(
    {
      org_admin: [201, 404],
      org_editor: [201, 404],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({
        method: 'POST',
        url: '/api/cadres',
        payload: {
          orgId: parentOf(where).id,
          fullName: '表格干部',
          post: '委员',
          kind: 'part_time',
          phone: nextPhone(),
        },
      }),
  ),
  'PATCH /api/cadres/:id': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) =>
      c.request({ method: 'PATCH', url: `/api/cadres/${(await freshCadre(where)).id}`, payload: { post: '副书记' } }),
  ),
  'POST /api/cadres/:id/reveal-phone': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'POST', url: `/api/cadres/${ledger[where].cadre.id}/reveal-phone` }),
  ),
  'GET /api/channels': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'GET', url: `/api/channels?orgId=${parentOf(where).id}` }),
  ),
  'GET /api/channels/:id': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'GET', url: `/api/channels/${ledger[where].channel.id}` }),
  ),
  'POST /api/channels': scoped(
    {
      org_admin: [201, 404],
      org_editor: [201, 404],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({
        method: 'POST',
        url: '/api/channels',
        payload: { orgId: parentOf(where).id, kind: 'tuanqing_group', name: uniqueName('表格群') },
      }),
  ),
  'PATCH /api/channels/:id': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) =>
      c.request({
        method: 'PATCH',
        url: `/api/channels/${(await freshChannel(where)).id}`,
        payload: { name: uniqueName('改名群') },
      }),
  ),
  'POST /api/channels/:id/readings': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/channels/${ledger[where].channel.id}/readings`,
        payload: { onDate: '2025-09-01', count: 120 },
      }),
  ),
  'POST /api/channels/:id/posts': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/channels/${ledger[where].channel.id}/posts`,
        payload: { onDate: '2025-09-01', count: 2 },
      }),
  ),
  'POST /api/channels/:id/evidence': scoped(
    {
      org_admin: [201, 404],
      org_editor: [201, 404],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/channels/${ledger[where].channel.id}/evidence`,
        ...multipartFile(pngBytes(uniqueName('图')), '截图.png'),
      }),
  ),
  'GET /api/channel-evidence/:id': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'GET', url: `/api/channel-evidence/${ledger[where].evidence}` }),
  ),
  'GET /api/orgs/:id/activities': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'GET', url: `/api/orgs/${parentOf(where).id}/activities` }),
  ),
  'POST /api/activities': scoped(
    {
      org_admin: [201, 404],
      org_editor: [201, 404],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({
        method: 'POST',
        url: '/api/activities',
        payload: { orgId: parentOf(where).id, title: '主题团日', kind: 'theme_day', heldOn: '2025-05-04' },
      }),
  ),
  'GET /api/contacts': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'GET', url: `/api/contacts?orgId=${parentOf(where).id}` }),
  ),
  'GET /api/contacts/:id': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'GET', url: `/api/contacts/${ledger[where].contact.id}` }),
  ),
  'POST /api/contacts': scoped(
    {
      org_admin: [201, 404],
      org_editor: [201, 404],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({
        method: 'POST',
        url: '/api/contacts',
        payload: { orgId: parentOf(where).id, fullName: '表格青年', phone: nextPhone(), category: 'returnee' },
      }),
  ),
  'PATCH /api/contacts/:id': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) =>
      c.request({
        method: 'PATCH',
        url: `/api/contacts/${(await freshContact(where)).id}`,
        payload: { category: 'entrepreneur' },
      }),
  ),
  'POST /api/contacts/:id/cadres': scoped(
    {
      org_admin: [201, 404],
      org_editor: [201, 404],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/contacts/${(await freshContact(where)).id}/cadres`,
        payload: { cadreId: ledger[where].cadre.id },
      }),
  ),
  'DELETE /api/contacts/:id/cadres/:cadreId': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) => {
      const contact = await freshContact(where);
      await linkContact(ctx, ledger[where].cadre, contact);
      return c.request({ method: 'DELETE', url: `/api/contacts/${contact.id}/cadres/${ledger[where].cadre.id}` });
    },
  ),
  'POST /api/contacts/:id/logs': scoped(
    {
      org_admin: [201, 404],
      org_editor: [201, 404],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/contacts/${ledger[where].contact.id}/logs`,
        payload: { onDate: '2025-10-01', channel: 'wechat' },
      }),
  ),
  'POST /api/contacts/:id/reveal-phone': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'POST', url: `/api/contacts/${ledger[where].contact.id}/reveal-phone` }),
  ),
  'POST /api/imports': scoped(
    {
      org_admin: [202, 404],
      org_editor: [202, 404],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'POST', url: '/api/imports', ...csvUpload(parentOf(where).id) }),
  ),
  // Anyone who sees the job's org, and its creator; here the creator is someone else.
  'GET /api/jobs/:id': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) => c.request({ method: 'GET', url: `/api/jobs/${await finishedJob(where, uploader.user.id)}` }),
  ),
  // Only the uploader: inside, the caller's own job; outside, someone else's job in the other county.
  'GET /api/jobs/:id/errors.xlsx': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 404],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) => {
      const owner = where === 'inside' ? await callerId(c) : uploader.user.id;
      return c.request({ method: 'GET', url: `/api/jobs/${await finishedJob(where, owner)}/errors.xlsx` });
    },
  ),
  'GET /api/import-templates/:kind.xlsx': plain(
    {
      org_admin: 200,
      org_editor: 200,
      inspector: 200,
      system_admin: 200,
      security_admin: 403,
      audit_admin: 403,
      anonymous: 401,
    },
    get('/api/import-templates/contacts.xlsx'),
  ),
  'GET /api/exports/channels.xlsx': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'GET', url: `/api/exports/channels.xlsx?orgId=${parentOf(where).id}` }),
  ),
  'GET /api/exports/contacts.xlsx': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'GET', url: `/api/exports/contacts.xlsx?orgId=${parentOf(where).id}` }),
  ),
  'GET /api/audit': plain(
    {
      org_admin: 403,
      org_editor: 403,
      inspector: 403,
      system_admin: 403,
      security_admin: 403,
      audit_admin: 200,
      anonymous: 401,
    },
    get('/api/audit'),
  ),
  'GET /api/audit/verify': plain(
    {
      org_admin: 403,
      org_editor: 403,
      inspector: 403,
      system_admin: 403,
      security_admin: 403,
      audit_admin: 200,
      anonymous: 401,
    },
    get('/api/audit/verify'),
  ),
  'GET /api/audit/minors-access': plain(
    {
      org_admin: 403,
      org_editor: 403,
      inspector: 403,
      system_admin: 403,
      security_admin: 403,
      audit_admin: 200,
      anonymous: 401,
    },
    get('/api/audit/minors-access?year=2026'),
  ),
  'GET /api/audit/minors-access.xlsx': plain(
    {
      org_admin: 403,
      org_editor: 403,
      inspector: 403,
      system_admin: 403,
      security_admin: 403,
      audit_admin: 200,
      anonymous: 401,
    },
    get('/api/audit/minors-access.xlsx?year=2026'),
  ),
  'GET /api/campaigns': plain(
    {
      org_admin: 200,
      org_editor: 200,
      inspector: 200,
      system_admin: 200,
      security_admin: 403,
      audit_admin: 403,
      anonymous: 401,
    },
    get('/api/campaigns'),
  ),
  'POST /api/campaigns': scoped(
    {
      org_admin: [201, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [201, 201],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'POST', url: '/api/campaigns', payload: campaignBody(where) }),
  ),
  'GET /api/campaigns/:id': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'GET', url: `/api/campaigns/${campaignOf(where).id}` }),
  ),
  'PATCH /api/campaigns/:id': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({ method: 'PATCH', url: `/api/campaigns/${campaignOf(where).id}`, payload: { reminderDays: 5 } }),
  ),
  'POST /api/campaigns/:id/indicators': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/campaigns/${campaignOf(where).id}/indicators`,
        payload: {
          name: '活动开展',
          metric: 'activities_held',
          levels: ['township'],
          types: ['committee'],
          threshold: 2,
          deadline: '2026-10-31',
        },
      }),
  ),
  'PATCH /api/indicators/:id': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({
        method: 'PATCH',
        url: `/api/indicators/${campaignOf(where).indicators[1].id}`,
        payload: { threshold: 8 },
      }),
  ),
  'DELETE /api/indicators/:id': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    async (c, where) => c.request({ method: 'DELETE', url: `/api/indicators/${await freshIndicator(where)}` }),
  ),
  'GET /api/campaigns/:id/dashboard': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({ method: 'GET', url: `/api/campaigns/${campaignOf(where).id}/dashboard?orgId=${parentOf(where).id}` }),
  ),
  'GET /api/campaigns/:id/rollup.xlsx': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({
        method: 'GET',
        url: `/api/campaigns/${campaignOf(where).id}/rollup.xlsx?orgId=${parentOf(where).id}`,
      }),
  ),
  'GET /api/campaigns/:id/plans': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({ method: 'GET', url: `/api/campaigns/${campaignOf(where).id}/plans?orgId=${parentOf(where).id}` }),
  ),
  'GET /api/campaigns/:id/laggards': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({
        method: 'GET',
        url: `/api/campaigns/${campaignOf(where).id}/laggards?orgId=${parentOf(where).id}&indicatorId=${campaignOf(where).indicators[1].id}`,
      }),
  ),
  'PUT /api/campaigns/:id/plans': scoped(
    {
      org_admin: [200, 404],
      org_editor: [403, 403],
      inspector: [403, 403],
      system_admin: [200, 200],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    },
    (c, where) =>
      c.request({
        method: 'PUT',
        url: `/api/campaigns/${campaignOf(where).id}/plans`,
        payload: { rows: [{ orgId: parentOf(where).id, planned: 12 }] },
      }),
  ),
  'GET /api/notifications': plain(
    {
      org_admin: 200,
      org_editor: 200,
      inspector: 200,
      system_admin: 200,
      security_admin: 200,
      audit_admin: 200,
      anonymous: 401,
    },
    get('/api/notifications'),
  ),
  'POST /api/notifications/:id/read': scoped(
    {
      org_admin: [200, 404],
      org_editor: [200, 404],
      inspector: [200, 404],
      system_admin: [404, 404],
      security_admin: [404, 404],
      audit_admin: [404, 404],
      anonymous: [401, 401],
    },
    (c, where) => c.request({ method: 'POST', url: `/api/notifications/${reminders[where]}/read` }),
  ),
  'POST /api/notifications/read-all': plain(
    {
      org_admin: 200,
      org_editor: 200,
      inspector: 200,
      system_admin: 200,
      security_admin: 200,
      audit_admin: 200,
      anonymous: 401,
    },
    (c) => c.request({ method: 'POST', url: '/api/notifications/read-all' }),
  ),
};

/** A denial must also carry the code a client acts on. */
function expectedCode(status: number): string | null {
  if (status === 401) return 'unauthenticated';
  if (status === 404) return 'not_found';
  if (status === 403) return 'forbidden';
  return null;
}

Object.assign(table, await peopleRows({ ctx, tree }));
Object.assign(table, await wechatRows({ ctx, tree }));
Object.assign(table, await publishingRows({ ctx, tree }));

const routeKeys = ctx.app.routeTable.map((r) => `${r.method} ${r.url}`);

test('every route in the route table has a row in the authorization table, and every row a route', () => {
  assert.deepEqual(
    routeKeys.filter((key) => !(key in table)),
    [],
    'write the expected outcomes of these routes',
  );
  assert.deepEqual(
    Object.keys(table).filter((key) => !routeKeys.includes(key)),
    [],
    'rows of routes that no longer exist',
  );
});

test('only the two login steps and the API document are public; every other route names a permission', () => {
  const publicRoutes = ctx.app.routeTable.filter((r) => r.permission === 'public').map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(publicRoutes.sort(), ['GET /api/openapi.json', 'POST /api/auth/login', 'POST /api/auth/login/totp']);
});

test('a route that declares no permission stops the app from being built', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuanjian-guard-'));
  const config = loadConfig({
    TUANJIAN_DATA_DIR: dataDir,
    TUANJIAN_WEB_DIR: path.join(dataDir, 'no-web'),
    LOG_LEVEL: 'silent',
  });
  const app = await buildApp({ db: ctx.db, config });
  try {
    assert.throws(() => app.get('/api/unguarded', async () => ({ ok: true })), /declares no permission/);
    // The control: the same route with a permission is accepted, so the refusal above is about the permission.
    app.get('/api/guarded', { config: { permission: 'org.read' } }, async () => ({ ok: true }));
    await app.ready();
    assert.ok(app.routeTable.some((r) => r.url === '/api/guarded' && r.permission === 'org.read'));
    assert.ok(!app.routeTable.some((r) => r.url === '/api/unguarded'));
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

for (const key of routeKeys) {
  test(`authorization table: ${key}`, async () => {
    const row = table[key];
    assert.ok(row, `no row for ${key}`);
    const actual: Record<string, number | Pair> = {};
    const wrongCodes: string[] = [];
    const check = (actor: ActorName, response: Response, where: string) => {
      const code = expectedCode(response.statusCode);
      const body = response.statusCode >= 400 ? response.json<{ error?: { code?: string } }>() : null;
      if (code && body?.error?.code !== code)
        wrongCodes.push(`${actor} ${where}: ${response.statusCode} ${response.body}`);
      assert.notEqual(response.statusCode, 500, `${actor} ${where}: ${response.body}`);
      assert.ok(response.statusCode !== 400, `${actor} ${where} sent an invalid request: ${response.body}`);
    };
    for (const name of actorNames) {
      const caller = callers.get(name)!;
      if (row.kind === 'plain') {
        const response = await row.call(caller);
        check(name, response, '');
        actual[name] = response.statusCode;
      } else {
        const inside = await row.call(caller, 'inside');
        check(name, inside, 'inside');
        const outside = await row.call(caller, 'outside');
        check(name, outside, 'outside');
        actual[name] = [inside.statusCode, outside.statusCode];
      }
    }
    assert.deepEqual(actual, row.expect);
    assert.deepEqual(wrongCodes, []);
  });
}

test("another township's ids answer exactly like ids that do not exist", async () => {
  const townAdmin = await loginAsFrom(ctx, 'org_admin', tree.townA1);
  const people = await peopleIdProbes({ ctx, tree });
  const wechat = await wechatIdProbes({ ctx, tree });
  const publishing = await publishingIdProbes({ ctx, tree });
  const ownVillage = await makeOrg(ctx, { parent: tree.townA1, name: uniqueName('本镇') });
  const ownUser = await makeUser(ctx, { role: 'inspector', org: tree.townA1 });
  const theirVillage = await makeOrg(ctx, { parent: tree.townA2, name: uniqueName('邻镇') });
  const movingVillage = await makeOrg(ctx, { parent: tree.townA2, name: uniqueName('邻镇') });
  const move = await requester.post(`/api/orgs/${movingVillage.id}/moves`, {
    toParentId: tree.townB1.id,
    reason: '区划调整',
  });
  assert.equal(move.statusCode, 201);
  const theirs = {
    org: theirVillage.id,
    user: (await makeUser(ctx, { role: 'inspector', org: tree.townA2 })).id,
    move: move.json<{ id: number }>().id,
    ...(await (async () => {
      const channel = await makeChannel(ctx, { org: tree.townA2 });
      return {
        cadre: (await makeCadre(ctx, { org: tree.townA2 })).id,
        channel: channel.id,
        evidence: await makeEvidence(ctx, channel),
        contact: (await makeContact(ctx, { org: tree.townA2 })).id,
      };
    })()),
    job: (
      await ctx.db
        .insertInto('jobs')
        .values({
          kind: 'import',
          status: 'done',
          org_id: tree.townA2.id,
          created_by: uploader.user.id,
          input: '{}',
          result: reportResult,
          created_at: new Date().toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
    ...(await (async () => {
      const body = { ...campaignBody('inside'), rootOrgId: tree.townA2.id };
      const campaign = (await requester.post('/api/campaigns', body)).json<{
        id: number;
        indicators: { id: number }[];
      }>();
      return { campaign: campaign.id, indicator: campaign.indicators[0].id };
    })()),
    notification: await reminderFor(tree.townA2),
    ...people.theirs,
    ...wechat.theirs,
    ...publishing.theirs,
  };
  const ownCadre = await makeCadre(ctx, { org: tree.townA1 });
  const ownChannel = await makeChannel(ctx, { org: tree.townA1 });
  const ownContact = await makeContact(ctx, { org: tree.townA1 });
  type Probe = { kind: keyof typeof theirs; request: (id: number) => InjectOptions };
  const idRoutes: Record<string, Probe> = {
    ...people.idRoutes,
    ...wechat.idRoutes,
    ...publishing.idRoutes,
    'GET /api/orgs/:id': { kind: 'org', request: (id) => ({ method: 'GET', url: `/api/orgs/${id}` }) },
    'GET /api/orgs/:id/children': {
      kind: 'org',
      request: (id) => ({ method: 'GET', url: `/api/orgs/${id}/children` }),
    },
    'GET /api/orgs/:id/history': { kind: 'org', request: (id) => ({ method: 'GET', url: `/api/orgs/${id}/history` }) },
    'PATCH /api/orgs/:id': {
      kind: 'org',
      request: (id) => ({ method: 'PATCH', url: `/api/orgs/${id}`, payload: { name: '改名的团支部' } }),
    },
    'POST /api/orgs/:id/dissolve': {
      kind: 'org',
      request: (id) => ({ method: 'POST', url: `/api/orgs/${id}/dissolve`, payload: { reason: '组织调整撤销' } }),
    },
    'POST /api/orgs/:id/moves': {
      kind: 'org',
      request: (id) => ({
        method: 'POST',
        url: `/api/orgs/${id}/moves`,
        payload: { toParentId: tree.townA1.id, reason: '区划调整' },
      }),
    },
    'POST /api/org-moves/:id/approve': {
      kind: 'move',
      request: (id) => ({ method: 'POST', url: `/api/org-moves/${id}/approve` }),
    },
    'POST /api/org-moves/:id/reject': {
      kind: 'move',
      request: (id) => ({ method: 'POST', url: `/api/org-moves/${id}/reject`, payload: { reason: '材料不全' } }),
    },
    'POST /api/org-moves/:id/cancel': {
      kind: 'move',
      request: (id) => ({ method: 'POST', url: `/api/org-moves/${id}/cancel` }),
    },
    'PATCH /api/users/:id': {
      kind: 'user',
      request: (id) => ({ method: 'PATCH', url: `/api/users/${id}`, payload: { displayName: '改过的名字' } }),
    },
    'POST /api/users/:id/reset-password': {
      kind: 'user',
      request: (id) => ({ method: 'POST', url: `/api/users/${id}/reset-password` }),
    },
    'POST /api/users/:id/unlock': {
      kind: 'user',
      request: (id) => ({ method: 'POST', url: `/api/users/${id}/unlock` }),
    },
    'POST /api/users/:id/reset-totp': {
      kind: 'user',
      request: (id) => ({ method: 'POST', url: `/api/users/${id}/reset-totp` }),
    },
    'POST /api/users/:id/end-sessions': {
      kind: 'user',
      request: (id) => ({ method: 'POST', url: `/api/users/${id}/end-sessions` }),
    },
    'GET /api/orgs/:id/cadres': {
      kind: 'org',
      request: (id) => ({ method: 'GET', url: `/api/orgs/${id}/cadres` }),
    },
    'GET /api/orgs/:id/activities': {
      kind: 'org',
      request: (id) => ({ method: 'GET', url: `/api/orgs/${id}/activities` }),
    },
    'PATCH /api/cadres/:id': {
      kind: 'cadre',
      request: (id) => ({ method: 'PATCH', url: `/api/cadres/${id}`, payload: { post: '委员' } }),
    },
    'POST /api/cadres/:id/reveal-phone': {
      kind: 'cadre',
      request: (id) => ({ method: 'POST', url: `/api/cadres/${id}/reveal-phone` }),
    },
    'GET /api/channels/:id': { kind: 'channel', request: (id) => ({ method: 'GET', url: `/api/channels/${id}` }) },
    'PATCH /api/channels/:id': {
      kind: 'channel',
      request: (id) => ({ method: 'PATCH', url: `/api/channels/${id}`, payload: { name: '改名群' } }),
    },
    'POST /api/channels/:id/readings': {
      kind: 'channel',
      request: (id) => ({
        method: 'POST',
        url: `/api/channels/${id}/readings`,
        payload: { onDate: '2025-09-01', count: 1 },
      }),
    },
    'POST /api/channels/:id/posts': {
      kind: 'channel',
      request: (id) => ({
        method: 'POST',
        url: `/api/channels/${id}/posts`,
        payload: { onDate: '2025-09-01', count: 1 },
      }),
    },
    'POST /api/channels/:id/evidence': {
      kind: 'channel',
      request: (id) => ({ method: 'POST', url: `/api/channels/${id}/evidence`, ...multipartFile(pngBytes(), 'x.png') }),
    },
    'GET /api/channel-evidence/:id': {
      kind: 'evidence',
      request: (id) => ({ method: 'GET', url: `/api/channel-evidence/${id}` }),
    },
    'GET /api/contacts/:id': { kind: 'contact', request: (id) => ({ method: 'GET', url: `/api/contacts/${id}` }) },
    'PATCH /api/contacts/:id': {
      kind: 'contact',
      request: (id) => ({ method: 'PATCH', url: `/api/contacts/${id}`, payload: { category: 'other' } }),
    },
    'POST /api/contacts/:id/cadres': {
      kind: 'contact',
      request: (id) => ({ method: 'POST', url: `/api/contacts/${id}/cadres`, payload: { cadreId: ownCadre.id } }),
    },
    'DELETE /api/contacts/:id/cadres/:cadreId': {
      kind: 'contact',
      request: (id) => ({ method: 'DELETE', url: `/api/contacts/${id}/cadres/${ownCadre.id}` }),
    },
    'POST /api/contacts/:id/logs': {
      kind: 'contact',
      request: (id) => ({
        method: 'POST',
        url: `/api/contacts/${id}/logs`,
        payload: { onDate: '2025-10-01', channel: 'phone' },
      }),
    },
    'POST /api/contacts/:id/reveal-phone': {
      kind: 'contact',
      request: (id) => ({ method: 'POST', url: `/api/contacts/${id}/reveal-phone` }),
    },
    'GET /api/jobs/:id': { kind: 'job', request: (id) => ({ method: 'GET', url: `/api/jobs/${id}` }) },
    'GET /api/jobs/:id/errors.xlsx': {
      kind: 'job',
      request: (id) => ({ method: 'GET', url: `/api/jobs/${id}/errors.xlsx` }),
    },
    'GET /api/campaigns/:id': { kind: 'campaign', request: (id) => ({ method: 'GET', url: `/api/campaigns/${id}` }) },
    'PATCH /api/campaigns/:id': {
      kind: 'campaign',
      request: (id) => ({ method: 'PATCH', url: `/api/campaigns/${id}`, payload: { reminderDays: 3 } }),
    },
    'POST /api/campaigns/:id/indicators': {
      kind: 'campaign',
      request: (id) => ({
        method: 'POST',
        url: `/api/campaigns/${id}/indicators`,
        payload: {
          name: '开展活动',
          metric: 'activities_held',
          levels: ['township'],
          types: ['committee'],
          threshold: 1,
        },
      }),
    },
    'PATCH /api/indicators/:id': {
      kind: 'indicator',
      request: (id) => ({ method: 'PATCH', url: `/api/indicators/${id}`, payload: { threshold: 3 } }),
    },
    'DELETE /api/indicators/:id': {
      kind: 'indicator',
      request: (id) => ({ method: 'DELETE', url: `/api/indicators/${id}` }),
    },
    'GET /api/campaigns/:id/dashboard': {
      kind: 'campaign',
      request: (id) => ({ method: 'GET', url: `/api/campaigns/${id}/dashboard?orgId=${tree.townA1.id}` }),
    },
    'GET /api/campaigns/:id/laggards': {
      kind: 'campaign',
      request: (id) => ({ method: 'GET', url: `/api/campaigns/${id}/laggards?orgId=${tree.townA1.id}&indicatorId=1` }),
    },
    'GET /api/campaigns/:id/rollup.xlsx': {
      kind: 'campaign',
      request: (id) => ({ method: 'GET', url: `/api/campaigns/${id}/rollup.xlsx?orgId=${tree.townA1.id}` }),
    },
    'GET /api/campaigns/:id/plans': {
      kind: 'campaign',
      request: (id) => ({ method: 'GET', url: `/api/campaigns/${id}/plans?orgId=${tree.townA1.id}` }),
    },
    'PUT /api/campaigns/:id/plans': {
      kind: 'campaign',
      request: (id) => ({
        method: 'PUT',
        url: `/api/campaigns/${id}/plans`,
        payload: { rows: [{ orgId: tree.townA1.id, planned: 3 }] },
      }),
    },
    'POST /api/notifications/:id/read': {
      kind: 'notification',
      request: (id) => ({ method: 'POST', url: `/api/notifications/${id}/read` }),
    },
  };
  // Ids inside bodies and query strings point at objects too.
  const otherProbes: Record<string, Probe> = {
    ...people.otherProbes,
    ...wechat.otherProbes,
    'POST /api/orgs parentId': {
      kind: 'org',
      request: (id) => ({
        method: 'POST',
        url: '/api/orgs',
        payload: { parentId: id, name: '邻镇新建团支部', type: 'branch', level: 'village' },
      }),
    },
    'POST /api/orgs/:id/moves toParentId': {
      kind: 'org',
      request: (id) => ({
        method: 'POST',
        url: `/api/orgs/${ownVillage.id}/moves`,
        payload: { toParentId: id, reason: '区划调整' },
      }),
    },
    'POST /api/users orgId': {
      kind: 'org',
      request: (id) => ({
        method: 'POST',
        url: '/api/users',
        payload: { username: 'probe-user', displayName: '探测', role: 'inspector', orgId: id },
      }),
    },
    'PATCH /api/users/:id orgId': {
      kind: 'org',
      request: (id) => ({ method: 'PATCH', url: `/api/users/${ownUser.id}`, payload: { orgId: id } }),
    },
    'GET /api/users?orgId': { kind: 'org', request: (id) => ({ method: 'GET', url: `/api/users?orgId=${id}` }) },
    'POST /api/campaigns rootOrgId': {
      kind: 'org',
      request: (id) => ({
        method: 'POST',
        url: '/api/campaigns',
        payload: { ...campaignBody('inside'), rootOrgId: id },
      }),
    },
    'GET /api/campaigns/:id/dashboard orgId': {
      kind: 'org',
      request: (id) => ({ method: 'GET', url: `/api/campaigns/${campaigns.inside.id}/dashboard?orgId=${id}` }),
    },
    'PUT /api/campaigns/:id/plans orgId': {
      kind: 'org',
      request: (id) => ({
        method: 'PUT',
        url: `/api/campaigns/${campaigns.inside.id}/plans`,
        payload: { rows: [{ orgId: id, planned: 2 }] },
      }),
    },
    'POST /api/cadres orgId': {
      kind: 'org',
      request: (id) => ({
        method: 'POST',
        url: '/api/cadres',
        payload: { orgId: id, fullName: '探测', post: '委员', kind: 'part_time' },
      }),
    },
    'PATCH /api/cadres/:id orgId': {
      kind: 'org',
      request: (id) => ({ method: 'PATCH', url: `/api/cadres/${ownCadre.id}`, payload: { orgId: id } }),
    },
    'POST /api/channels orgId': {
      kind: 'org',
      request: (id) => ({
        method: 'POST',
        url: '/api/channels',
        payload: { orgId: id, kind: 'tuanqing_group', name: '探测群' },
      }),
    },
    'PATCH /api/channels/:id responsibleCadreId': {
      kind: 'cadre',
      request: (id) => ({
        method: 'PATCH',
        url: `/api/channels/${ownChannel.id}`,
        payload: { responsibleCadreId: id },
      }),
    },
    'GET /api/channels?orgId': { kind: 'org', request: (id) => ({ method: 'GET', url: `/api/channels?orgId=${id}` }) },
    'POST /api/activities orgId': {
      kind: 'org',
      request: (id) => ({
        method: 'POST',
        url: '/api/activities',
        payload: { orgId: id, title: '探测活动', kind: 'other', heldOn: '2025-05-04' },
      }),
    },
    'POST /api/contacts orgId': {
      kind: 'org',
      request: (id) => ({
        method: 'POST',
        url: '/api/contacts',
        payload: { orgId: id, fullName: '探测', phone: '13900000000', category: 'other' },
      }),
    },
    'POST /api/contacts/:id/cadres cadreId': {
      kind: 'cadre',
      request: (id) => ({ method: 'POST', url: `/api/contacts/${ownContact.id}/cadres`, payload: { cadreId: id } }),
    },
    'POST /api/contacts/:id/logs cadreId': {
      kind: 'cadre',
      request: (id) => ({
        method: 'POST',
        url: `/api/contacts/${ownContact.id}/logs`,
        payload: { onDate: '2025-10-01', channel: 'phone', cadreId: id },
      }),
    },
    'GET /api/contacts?orgId': { kind: 'org', request: (id) => ({ method: 'GET', url: `/api/contacts?orgId=${id}` }) },
    'POST /api/imports orgId': {
      kind: 'org',
      request: (id) => ({ method: 'POST', url: '/api/imports', ...csvUpload(id) }),
    },
    'GET /api/exports/channels.xlsx?orgId': {
      kind: 'org',
      request: (id) => ({ method: 'GET', url: `/api/exports/channels.xlsx?orgId=${id}` }),
    },
    'GET /api/exports/contacts.xlsx?orgId': {
      kind: 'org',
      request: (id) => ({ method: 'GET', url: `/api/exports/contacts.xlsx?orgId=${id}` }),
    },
    'GET /api/contacts?cadreId': {
      kind: 'cadre',
      request: (id) => ({ method: 'GET', url: `/api/contacts?cadreId=${id}` }),
    },
  };
  const idKeys = routeKeys.filter((key) => key.includes(':id'));
  assert.deepEqual(
    idKeys.filter((key) => !(key in idRoutes)),
    [],
    'every :id route needs a probe here',
  );
  const before = await tableCounts(ctx);
  for (const [name, probe] of Object.entries({ ...idRoutes, ...otherProbes })) {
    const other = await townAdmin.request(probe.request(theirs[probe.kind]));
    const missing = await townAdmin.request(probe.request(999999));
    assert.equal(other.statusCode, missing.statusCode, name);
    assert.deepEqual(other.json(), missing.json(), name);
    if (name in idRoutes) assert.equal(other.statusCode, 404, `${name}: ${other.body}`);
  }
  assert.deepEqual(await tableCounts(ctx), before, 'none of the probes changed anything');
  const moves = (await townAdmin.get('/api/org-moves?scope=all')).json<{ items: { id: number }[] }>();
  assert.ok(!moves.items.some((m) => m.id === theirs.move), "the other township's move is not listed either");
});

test('system, security and audit admins are separate', async () => {
  const denied = async (caller: Caller, options: InjectOptions & { url: string }) => {
    const response = await caller.request(options);
    assert.equal(response.statusCode, 403, `${caller.name} ${options.method} ${options.url}: ${response.body}`);
    assert.equal(response.json<{ error: { code: string } }>().error.code, 'forbidden');
  };
  const [system, security, audit] = [
    callers.get('system_admin')!,
    callers.get('security_admin')!,
    callers.get('audit_admin')!,
  ];
  const user = await makeUser(ctx, { role: 'inspector', org: tree.townA1 });
  await denied(system, { method: 'GET', url: '/api/audit' });
  await denied(system, { method: 'GET', url: '/api/audit/verify' });
  await denied(system, { method: 'GET', url: '/api/audit/minors-access?year=2026' });
  await denied(system, { method: 'POST', url: `/api/users/${user.id}/reset-password` });
  for (const options of [
    { method: 'GET', url: '/api/orgs/roots' },
    { method: 'GET', url: `/api/orgs/${tree.townA1.id}` },
    { method: 'GET', url: '/api/users' },
    {
      method: 'POST',
      url: '/api/orgs',
      payload: { parentId: tree.townA1.id, name: uniqueName('审计'), type: 'branch', level: 'village' },
    },
    { method: 'PATCH', url: `/api/users/${user.id}`, payload: { disabled: true } },
    { method: 'POST', url: `/api/users/${user.id}/unlock` },
  ] satisfies (InjectOptions & { url: string })[])
    await denied(audit, options);
  assert.equal((await audit.request({ method: 'GET', url: '/api/audit/verify' })).json().ok, true);
  // The security admin unlocks and resets anyone, and does nothing else.
  await ctx.db
    .updateTable('users')
    .set({ locked_until: '2999-01-01T00:00:00.000Z' })
    .where('id', '=', user.id)
    .execute();
  assert.equal((await security.request({ method: 'POST', url: `/api/users/${user.id}/unlock` })).json().locked, false);
  const reset = await security.request({ method: 'POST', url: `/api/users/${user.id}/reset-password` });
  assert.equal(reset.statusCode, 200);
  await loginFrom(ctx, user, reset.json<{ initialPassword: string }>().initialPassword);
  for (const options of [
    {
      method: 'POST',
      url: '/api/users',
      payload: { username: `sec${++counter}`, displayName: '安全', role: 'inspector', orgId: tree.townA1.id },
    },
    { method: 'PATCH', url: `/api/users/${user.id}`, payload: { role: 'org_admin' } },
    { method: 'GET', url: `/api/orgs/${tree.townA1.id}` },
    { method: 'PATCH', url: `/api/orgs/${tree.townA1.id}`, payload: { shortName: '甲一镇' } },
    { method: 'POST', url: `/api/orgs/${tree.villageA1.id}/dissolve`, payload: { reason: '组织调整撤销' } },
    { method: 'GET', url: '/api/audit' },
  ] satisfies (InjectOptions & { url: string })[])
    await denied(security, options);
});

/** Logs in with a password learned from an API answer, changes it as required, and tries the audit log. */
async function readAuditAs(username: string, password: string): Promise<number> {
  const session = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: nextAddress(),
    headers: { 'x-csrf-token': 'login' },
    payload: { username, password },
  });
  if (session.statusCode !== 200) return session.statusCode;
  const changed = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/password',
    cookies: { tj_sid: session.cookies.find((c) => c.name === 'tj_sid')!.value },
    headers: { 'x-csrf-token': session.json<{ csrfToken: string }>().csrfToken },
    payload: { currentPassword: password, newPassword: 'Quiet-River-4821' },
  });
  if (changed.statusCode !== 200) return changed.statusCode;
  const cookie = changed.cookies.find((c) => c.name === 'tj_sid')!.value;
  return (await ctx.app.inject({ method: 'GET', url: '/api/audit', cookies: { tj_sid: cookie } })).statusCode;
}

// 三员分立: a system admin who cannot read the audit log must not be able to mint an audit admin whose
// password it knows, by creating one or by promoting an account it created.
test('the system admin cannot obtain a working audit-admin login', async () => {
  // The control: the same steps do reach the audit log for an audit admin who knows their own password.
  await makeUser(ctx, { role: 'audit_admin', username: 'real-auditor' });
  assert.equal(await readAuditAs('real-auditor', testPassword), 200);
  const system = await loginAsFrom(ctx, 'system_admin');
  const created = await system.post('/api/users', {
    username: 'shadow-auditor',
    displayName: '影子审计员',
    role: 'audit_admin',
    orgId: null,
  });
  const viaCreate =
    created.statusCode === 201
      ? await readAuditAs('shadow-auditor', created.json<{ initialPassword: string }>().initialPassword)
      : created.statusCode;
  const helper = await system.post('/api/users', {
    username: 'shadow-helper',
    displayName: '影子助手',
    role: 'inspector',
    orgId: tree.townA1.id,
  });
  assert.equal(helper.statusCode, 201);
  const { user, initialPassword } = helper.json<{ user: { id: number }; initialPassword: string }>();
  const promoted = await system.patch(`/api/users/${user.id}`, { role: 'audit_admin', orgId: null });
  const viaPromotion =
    promoted.statusCode === 200 ? await readAuditAs('shadow-helper', initialPassword) : promoted.statusCode;
  assert.deepEqual(
    { viaCreate: viaCreate === 200, viaPromotion: viaPromotion === 200 },
    { viaCreate: false, viaPromotion: false },
    'the system admin read the audit log through an audit-admin account it made',
  );
});
