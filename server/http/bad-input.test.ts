import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { test } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { z } from 'zod';
import { chinaToday } from '../../common/dates.js';
import { loginAsFrom, nextAddress, tableCounts } from '../../test/clients.js';
import { makeOrg, makeTree, makeUser, testPassword, type Client } from '../../test/factories.js';
import { makeApplicant, makeMember, nextIdNumber } from '../../test/people-factories.js';
import { makeStatusRequest } from '../../test/request-factories.js';
import { createTestContext } from '../../test/harness.js';
import { multipartBody } from '../../test/imports.js';
import { makeCadre, makeChannel, makeContact } from '../../test/ledger-factories.js';
import { makeBulletin, makeDelivery } from '../../test/publishing-factories.js';

// How the schema scan sees schemas: Fastify publishes every new instance on the "fastify.initialization"
// diagnostics channel before any route exists, so an onRoute hook added there records the options of every
// route buildApp registers, the zod schemas themselves included. The OpenAPI document would be a copy of them
// after conversion, and it leaves hidden routes out; the route table has no schemas at all.
type CapturedSchema = { body?: unknown; params?: unknown; querystring?: unknown };
const captured = new Map<string, CapturedSchema>();
diagnostics.subscribe('fastify.initialization', (message) => {
  const { fastify } = message as { fastify: FastifyInstance };
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) captured.set(`${method} ${route.url}`, route.schema ?? {});
  });
});

const ctx = await createTestContext();
await ctx.app.ready();
const tree = await makeTree(ctx);
const system = await loginAsFrom(ctx, 'system_admin');
const requester = await loginAsFrom(ctx, 'system_admin');
const auditor = await loginAsFrom(ctx, 'audit_admin');
const security = await loginAsFrom(ctx, 'security_admin');
const self = await loginAsFrom(ctx, 'inspector', tree.townA1);
const routeKeys = ctx.app.routeTable.map((r) => `${r.method} ${r.url}`);
const zodSchema = (value: unknown) => (value instanceof z.ZodType ? value : null);

let counter = 0;
const fresh = (prefix: string) => `${prefix}${++counter}号团支部`;
const village = (parent = tree.townA1) => makeOrg(ctx, { parent, name: fresh('输入') });
const pendingMove = async () => {
  const org = await village();
  const response = await requester.post(`/api/orgs/${org.id}/moves`, {
    toParentId: tree.townA2.id,
    reason: '区划调整',
  });
  return response.json<{ id: number }>().id;
};
const probeUser = await makeUser(ctx, { role: 'inspector', org: tree.townA1 });
// The ledger and people routes need ledger.write, people.* or personal.reveal, which the system admin does not hold.
const ledgerAdmin = await loginAsFrom(ctx, 'org_admin', tree.province);
const probeSeries = async () =>
  (
    await ledgerAdmin.post('/api/publishing/series', {
      orgId: tree.townA1.id,
      name: fresh('输入手机报'),
      cron: '0 9 * * 1',
      targets: [],
    })
  ).json<{ id: number }>().id;
const probeCadre = await makeCadre(ctx, { org: tree.townA1 });
const probeChannel = await makeChannel(ctx, { org: tree.townA1 });
const probeContact = await makeContact(ctx, { org: tree.townA1 });
const probeMember = await makeMember(ctx, { org: tree.villageA1 });
const lastYear = Number(chinaToday().slice(0, 4)) - 1;
/** Path parameters that are not ids, and a value their schemas accept. */
const goodParams: Record<string, string> = { year: String(lastYear), check: 'small_branches' };
const probeRecommendation = (
  await ctx.db
    .insertInto('party_recommendations')
    .values({
      member_id: probeMember.id,
      org_id: tree.villageA1.id,
      recommended_on: '2025-03-01',
      valid_until: '2027-03-01',
      certified_on: null,
      certified_by: null,
      form_sha256: null,
      created_by: null,
      created_at: new Date().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
).id;
const campaignBody = {
  rootOrgId: tree.countyA.id,
  name: '输入检查任务',
  startsOn: '2026-07-01',
  endsOn: '2026-11-30',
  template: 'rural_wechat',
};
const probeCampaign = (await system.post('/api/campaigns', campaignBody)).json<{
  id: number;
  indicators: { id: number }[];
}>();

// Bodiless state changes: their whole input is the path id. A new POST/PATCH without a body schema must be
// added here on purpose, or get a schema.
const bodiless = [
  'POST /api/auth/logout',
  'POST /api/org-moves/:id/approve',
  'POST /api/org-moves/:id/cancel',
  'POST /api/users/:id/reset-password',
  'POST /api/users/:id/unlock',
  'POST /api/users/:id/reset-totp',
  'POST /api/users/:id/end-sessions',
  'POST /api/auth/totp/enrolment',
  'POST /api/cadres/:id/reveal-phone',
  'POST /api/contacts/:id/reveal-phone',
  'DELETE /api/contacts/:id/cadres/:cadreId',
  // multipart/form-data: one image, checked by its bytes (channels/evidence.ts), not by a JSON schema.
  'POST /api/channels/:id/evidence',
  // multipart/form-data: one PDF or image plus the field `stage`, checked by applicants/documents.ts.
  'POST /api/applicants/:id/documents',
  // multipart/form-data: a spreadsheet plus fields checked by common/imports.ts importFields (see the test below).
  'POST /api/imports',
  'DELETE /api/indicators/:id',
  'POST /api/notifications/:id/read',
  'POST /api/notifications/read-all',
  'POST /api/members/:id/reveal-id',
  'POST /api/members/:id/reveal-phone',
  'POST /api/member-requests/:id/withdraw',
  'POST /api/transfers/:id/withdraw',
  'POST /api/cadres/:id/reveal-id',
  'DELETE /api/channels/:id/wechat/replies/:replyId',
  'POST /api/channels/:id/wechat/sync-followers',
  'POST /api/publishing/bulletins/:id/submit',
  'POST /api/publishing/bulletins/:id/withdraw',
  'POST /api/publishing/deliveries/:id/retry',
  // multipart/form-data: one image, checked by its bytes like the channels' evidence.
  'POST /api/publishing/images',
];
// GET routes whose only input, if any, is the path id.
const queryless = [
  'GET /api/openapi.json',
  'GET /api/auth/me',
  'GET /api/orgs/roots',
  'GET /api/orgs/:id',
  'GET /api/orgs/:id/history',
  'GET /api/audit/verify',
  'GET /api/channels/:id',
  'GET /api/channel-evidence/:id',
  'GET /api/applicants/:id',
  'GET /api/applicant-documents/:id',
  'GET /api/contacts/:id',
  'GET /api/jobs/:id',
  'GET /api/jobs/:id/errors.xlsx',
  'GET /api/import-templates/:kind.xlsx',
  'GET /api/import-templates/:kind.csv',
  'GET /api/campaigns/:id',
  'GET /api/notifications',
  'GET /api/members/:id',
  'GET /api/members/:id/events',
  'GET /api/transfers/:id',
  'GET /api/member-duplicates/:id',
  'GET /api/approvals/summary',
  'GET /api/orgs/:id/member-stats',
  'GET /api/cadres/:id',
  'GET /api/orgs/:id/data-quality',
  'GET /api/channels/:id/wechat',
  'GET /api/channels/:id/wechat/replies',
  'GET /api/channels/:id/wechat/qr-scenes',
  'GET /api/wechat/qr-scenes/:id/qr.png',
  'GET /api/channels/:id/wechat/tags',
  'GET /api/publishing/bulletins/:id',
  'GET /api/publishing/deliveries/:id',
];

/** A request whose URL is a plain string, so that it can be named in assertion messages. */
type Probe = { method: 'GET' | 'POST' | 'PATCH'; url: string; payload?: object };

type BodyCase = {
  client: Client | 'login';
  url: () => Promise<string>;
  valid: Record<string, unknown>;
  wrongTypes: Record<string, unknown>;
};
const bodyCases: Record<string, BodyCase> = {
  'POST /api/members/:id/status-requests': {
    client: ledgerAdmin,
    url: async () => `/api/members/${probeMember.id}/status-requests`,
    valid: { toStatus: 'lapsed', reason: '连续 6 个月未参加组织生活' },
    wrongTypes: { toStatus: 'gone', reason: 5 },
  },
  'POST /api/member-requests/batch': {
    client: ledgerAdmin,
    url: async () => '/api/member-requests/batch',
    valid: { memberIds: [probeMember.id], toStatus: 'aged_out', reason: '满 28 周岁' },
    wrongTypes: { memberIds: 'all', toStatus: 1, reason: [] },
  },
  'POST /api/members/:id/corrections': {
    client: ledgerAdmin,
    url: async () => `/api/members/${probeMember.id}/corrections`,
    valid: { fullName: '更正名', reason: '录入有误' },
    wrongTypes: { fullName: 1, idNumber: 610102, reason: null },
  },
  'POST /api/member-requests/:id/approve': {
    client: ledgerAdmin,
    url: async () =>
      `/api/member-requests/${await makeStatusRequest(ctx, { member: await makeMember(ctx, { org: tree.villageA1 }), requestedBy: probeUser.id })}/approve`,
    valid: { note: '同意' },
    wrongTypes: { note: 5 },
  },
  'POST /api/member-requests/:id/reject': {
    client: ledgerAdmin,
    url: async () =>
      `/api/member-requests/${await makeStatusRequest(ctx, { member: await makeMember(ctx, { org: tree.villageA1 }), requestedBy: probeUser.id })}/reject`,
    valid: { note: '材料不全' },
    wrongTypes: { note: [] },
  },
  'POST /api/transfers': {
    client: ledgerAdmin,
    url: async () => '/api/transfers',
    valid: { memberIds: [probeMember.id], toOrgId: tree.villageB1.id, reason: 'employment' },
    wrongTypes: { memberIds: [0], toOrgId: 'x', reason: 'holiday', note: 5 },
  },
  'POST /api/transfers/approve': {
    client: ledgerAdmin,
    url: async () => '/api/transfers/approve',
    valid: { ids: [1], note: '同意' },
    wrongTypes: { ids: 'all', note: 1 },
  },
  'POST /api/transfers/:id/approve': {
    client: ledgerAdmin,
    url: async () => '/api/transfers/1/approve',
    valid: {},
    wrongTypes: { note: 1 },
  },
  'POST /api/transfers/:id/reject': {
    client: ledgerAdmin,
    url: async () => '/api/transfers/1/reject',
    valid: { note: '不同意' },
    wrongTypes: { note: false },
  },
  'POST /api/member-duplicates/:id/resolve': {
    client: ledgerAdmin,
    url: async () => '/api/member-duplicates/1/resolve',
    valid: { resolution: 'reject', note: '非同一人' },
    wrongTypes: { resolution: 'delete', note: 1 },
  },
  'PUT /api/orgs/:id/annual-reviews/:year': {
    client: ledgerAdmin,
    url: async () => `/api/orgs/${tree.villageA1.id}/annual-reviews/${lastYear}`,
    valid: { entries: [{ memberId: probeMember.id, grade: 'qualified' }] },
    wrongTypes: { entries: [{ memberId: 'x', grade: 'A' }] },
  },
  'POST /api/orgs/:id/annual-registrations/:year': {
    client: ledgerAdmin,
    url: async () => `/api/orgs/${tree.villageA1.id}/annual-registrations/${lastYear}`,
    valid: { memberIds: [probeMember.id] },
    wrongTypes: { memberIds: 'x' },
  },
  'POST /api/orgs/:id/party-recommendations': {
    client: ledgerAdmin,
    url: async () => `/api/orgs/${tree.villageA1.id}/party-recommendations`,
    valid: { recommendedOn: '2025-03-01', memberIds: [probeMember.id] },
    wrongTypes: { recommendedOn: 20250301, memberIds: [true] },
  },
  'POST /api/party-recommendations/:id/certify': {
    client: ledgerAdmin,
    url: async () => `/api/party-recommendations/${probeRecommendation}/certify`,
    valid: { certifiedOn: '2025-03-02' },
    wrongTypes: { certifiedOn: 2025 },
  },
  'POST /api/cadres/:id/trainings': {
    client: ledgerAdmin,
    url: async () => `/api/cadres/${probeCadre.id}/trainings`,
    valid: { title: '输入培训', startOn: '2025-06-01' },
    wrongTypes: { title: 5, startOn: '6/1', hours: 'many' },
  },
  'PUT /api/cadres/:id/assessments/:year': {
    client: ledgerAdmin,
    url: async () => `/api/cadres/${probeCadre.id}/assessments/${lastYear}`,
    valid: { grade: 'competent' },
    wrongTypes: { grade: 'great', note: 5 },
  },
  'POST /api/members': {
    client: ledgerAdmin,
    url: async () => '/api/members',
    valid: { orgId: tree.villageA1.id, fullName: '输入团员', idNumber: nextIdNumber(), joinedOn: '2021-05-04' },
    wrongTypes: { orgId: 'x', fullName: 5, idNumber: 610102, joinedOn: 20210504, isMobile: 'yes' },
  },
  'POST /api/applicants': {
    client: ledgerAdmin,
    url: async () => '/api/applicants',
    valid: { orgId: tree.villageA1.id, fullName: '输入申请人', idNumber: nextIdNumber(), appliedOn: '2026-05-04' },
    wrongTypes: { orgId: 'x', fullName: 5, idNumber: 610102, appliedOn: 20260504, phone: 139 },
  },
  'POST /api/applicants/approve': {
    client: ledgerAdmin,
    url: async () => '/api/applicants/approve',
    valid: { ids: [1], approvedOn: '2026-05-04' },
    wrongTypes: { ids: 'all', approvedOn: 20260504 },
  },
  'POST /api/applicants/:id/talk': {
    client: ledgerAdmin,
    url: async () => `/api/applicants/${(await makeApplicant(ctx, { org: tree.villageA1 })).id}/talk`,
    valid: { talkedOn: '2026-05-04' },
    wrongTypes: { talkedOn: 20260504 },
  },
  'POST /api/applicants/:id/activist': {
    client: ledgerAdmin,
    url: async () => `/api/applicants/${(await makeApplicant(ctx, { org: tree.villageA1 })).id}/activist`,
    valid: { activistOn: '2026-05-04' },
    wrongTypes: { activistOn: '2026-02-30' },
  },
  'POST /api/applicants/:id/lectures': {
    client: ledgerAdmin,
    url: async () =>
      `/api/applicants/${(await makeApplicant(ctx, { org: tree.villageA1, stage: 'activist' })).id}/lectures`,
    valid: { heldOn: '2026-05-04', title: '团课', hours: 2 },
    wrongTypes: { heldOn: 'today', title: [], hours: '2' },
  },
  'POST /api/applicants/:id/candidate': {
    client: ledgerAdmin,
    url: async () =>
      `/api/applicants/${(await makeApplicant(ctx, { org: tree.villageA1, stage: 'activist' })).id}/candidate`,
    valid: { candidateOn: '2026-05-04' },
    wrongTypes: { candidateOn: null },
  },
  'POST /api/applicants/:id/vote': {
    client: ledgerAdmin,
    url: async () =>
      `/api/applicants/${(await makeApplicant(ctx, { org: tree.villageA1, stage: 'candidate' })).id}/vote`,
    valid: {
      introducer1Id: probeMember.id,
      introducer2Id: probeMember.id,
      voteOn: '2026-05-04',
      votersDue: 5,
      votersPresent: 4,
      votesFor: 3,
    },
    wrongTypes: { introducer1Id: 'x', introducer2Id: -1, voteOn: 5, votersDue: 0.5, votersPresent: '4', votesFor: [] },
  },
  'POST /api/applicants/:id/reject': {
    client: ledgerAdmin,
    url: async () => `/api/applicants/${(await makeApplicant(ctx, { org: tree.villageA1, stage: 'voted' })).id}/reject`,
    valid: { reason: '材料不全' },
    wrongTypes: { reason: 5 },
  },
  'POST /api/applicants/:id/ceremony': {
    client: ledgerAdmin,
    url: async () =>
      `/api/applicants/${(await makeApplicant(ctx, { org: tree.villageA1, stage: 'admitted' })).id}/ceremony`,
    valid: { ceremonyOn: '2026-05-04' },
    wrongTypes: { ceremonyOn: { day: 4 } },
  },
  'POST /api/applicants/:id/withdraw': {
    client: ledgerAdmin,
    url: async () => `/api/applicants/${(await makeApplicant(ctx, { org: tree.villageA1 })).id}/withdraw`,
    valid: { reason: '本人撤回' },
    wrongTypes: { reason: null },
  },
  'PATCH /api/members/:id': {
    client: ledgerAdmin,
    url: async () => `/api/members/${probeMember.id}`,
    valid: { education: '高中' },
    wrongTypes: { education: 1, isMobile: 'no', lastReachedOn: 5 },
  },
  'POST /api/auth/login': {
    client: 'login',
    url: async () => '/api/auth/login',
    valid: { username: 'nobody', password: 'whatever-1' },
    wrongTypes: { username: 1, password: ['a'] },
  },
  'POST /api/auth/login/totp': {
    client: 'login',
    url: async () => '/api/auth/login/totp',
    valid: { pendingToken: 'no-such-login', code: '123456' },
    wrongTypes: { pendingToken: 1, code: 123456 },
  },
  'POST /api/auth/totp/confirm': {
    client: self,
    url: async () => '/api/auth/totp/confirm',
    valid: { code: '123 456' },
    wrongTypes: { code: 123456 },
  },
  'POST /api/auth/password': {
    client: self,
    url: async () => '/api/auth/password',
    valid: { currentPassword: testPassword, newPassword: 'Another-Good-Pass-7' },
    wrongTypes: { currentPassword: 1, newPassword: false },
  },
  'POST /api/orgs': {
    client: system,
    url: async () => '/api/orgs',
    valid: { parentId: tree.townA1.id, name: '新建测试团支部', type: 'branch', level: 'village' },
    wrongTypes: { parentId: 'x', name: 5, type: 'zz', level: 3 },
  },
  'PATCH /api/orgs/:id': {
    client: system,
    url: async () => `/api/orgs/${(await village()).id}`,
    valid: { name: '新名字团支部' },
    wrongTypes: { name: 5, isDirect: 'yes' },
  },
  'POST /api/orgs/:id/dissolve': {
    client: system,
    url: async () => `/api/orgs/${(await village()).id}/dissolve`,
    valid: { reason: '组织调整撤销' },
    wrongTypes: { reason: 42 },
  },
  'POST /api/orgs/:id/moves': {
    client: system,
    url: async () => `/api/orgs/${(await village()).id}/moves`,
    valid: { toParentId: tree.townA2.id, reason: '区划调整' },
    wrongTypes: { toParentId: '2', reason: null },
  },
  'POST /api/org-moves/:id/reject': {
    client: system,
    url: async () => `/api/org-moves/${await pendingMove()}/reject`,
    valid: { reason: '材料不全' },
    wrongTypes: { reason: [] },
  },
  'POST /api/users': {
    client: system,
    url: async () => '/api/users',
    valid: { username: 'newuser1', displayName: '新用户', role: 'inspector', orgId: tree.townA1.id },
    wrongTypes: { username: 1, displayName: {}, role: 'king', orgId: 'x' },
  },
  'PATCH /api/users/:id': {
    client: system,
    url: async () => `/api/users/${probeUser.id}`,
    valid: { displayName: '改名' },
    wrongTypes: { disabled: 'no', orgId: -1 },
  },
  'POST /api/cadres': {
    client: ledgerAdmin,
    url: async () => '/api/cadres',
    valid: { orgId: tree.townA1.id, fullName: '输入干部', post: '委员', kind: 'part_time', phone: '13800138000' },
    wrongTypes: { orgId: '1', fullName: 5, post: [], kind: 'boss', phone: 13800138000 },
  },
  'PATCH /api/cadres/:id': {
    client: ledgerAdmin,
    url: async () => `/api/cadres/${probeCadre.id}`,
    valid: { post: '副书记' },
    wrongTypes: { status: 'gone', kind: 1 },
  },
  'POST /api/channels': {
    client: ledgerAdmin,
    url: async () => '/api/channels',
    valid: { orgId: tree.townA1.id, kind: 'tuanqing_group', name: fresh('输入群') },
    wrongTypes: { orgId: null, kind: 'wechat', name: 7, createdOn: '2025/01/01' },
  },
  'PATCH /api/channels/:id': {
    client: ledgerAdmin,
    url: async () => `/api/channels/${probeChannel.id}`,
    valid: { status: 'inactive' },
    wrongTypes: { appId: 'wx-not-hex', responsibleCadreId: 'x' },
  },
  'POST /api/channels/:id/readings': {
    client: ledgerAdmin,
    url: async () => `/api/channels/${probeChannel.id}/readings`,
    valid: { onDate: '2025-09-01', count: 100 },
    wrongTypes: { onDate: '2025-13-01', count: -1 },
  },
  'POST /api/channels/:id/posts': {
    client: ledgerAdmin,
    url: async () => `/api/channels/${probeChannel.id}/posts`,
    valid: { onDate: '2025-09-01', count: 1 },
    wrongTypes: { onDate: 20250901, count: 1.5 },
  },
  'PUT /api/channels/:id/wechat': {
    client: ledgerAdmin,
    url: async () => `/api/channels/${probeChannel.id}/wechat`,
    valid: { appId: 'wx2c2769f8efd9abc2', callbackToken: 'spamtest', encryptionMode: 'plain' },
    wrongTypes: { appId: 5, encodingAesKey: 'too-short', encryptionMode: 'secret', webhookKey: [] },
  },
  'POST /api/channels/:id/wechat/replies': {
    client: ledgerAdmin,
    url: async () => `/api/channels/${probeChannel.id}/wechat/replies`,
    valid: { trigger: 'keyword', matchKey: '你好', replyText: '您好，欢迎关注' },
    wrongTypes: { trigger: 'any', matchKey: 1, replyText: null },
  },
  'POST /api/channels/:id/wechat/qr-scenes': {
    client: ledgerAdmin,
    url: async () => `/api/channels/${probeChannel.id}/wechat/qr-scenes`,
    valid: { orgId: tree.townA1.id },
    wrongTypes: { orgId: 'x' },
  },
  'POST /api/publishing/bulletins': {
    client: ledgerAdmin,
    url: async () => '/api/publishing/bulletins',
    valid: { orgId: tree.townA1.id, kind: 'article', title: '输入稿件', contentHtml: '<p>正文</p>', targets: [] },
    wrongTypes: {
      orgId: 'x',
      kind: 'poem',
      title: 5,
      contentHtml: null,
      targets: [{ kind: 'fax' }],
      sendAt: 'tomorrow',
    },
  },
  'PUT /api/publishing/bulletins/:id': {
    client: ledgerAdmin,
    url: async () => `/api/publishing/bulletins/${await makeBulletin(ctx, tree.townA1)}`,
    valid: { title: '改过的稿件', contentHtml: '<p>正文</p>', targets: [{ kind: 'web' }] },
    wrongTypes: { title: [], contentHtml: 1, targets: 'web', coverSha256: 'abc', articleIds: ['x'] },
  },
  'POST /api/publishing/bulletins/:id/approve': {
    client: ledgerAdmin,
    url: async () =>
      `/api/publishing/bulletins/${await makeBulletin(ctx, tree.townA1, { status: 'in_review' })}/approve`,
    valid: { note: '同意' },
    wrongTypes: { note: 5 },
  },
  'POST /api/publishing/bulletins/:id/reject': {
    client: ledgerAdmin,
    url: async () =>
      `/api/publishing/bulletins/${await makeBulletin(ctx, tree.townA1, { status: 'in_review' })}/reject`,
    valid: { note: '请修改标题' },
    wrongTypes: { note: false },
  },
  'POST /api/publishing/series': {
    client: ledgerAdmin,
    url: async () => '/api/publishing/series',
    valid: { orgId: tree.townA1.id, name: '输入手机报', cron: '0 9 * * 1', targets: [] },
    wrongTypes: { orgId: -1, name: {}, cron: 'every monday', targets: {} },
  },
  'PUT /api/publishing/series/:id': {
    client: ledgerAdmin,
    url: async () => `/api/publishing/series/${await probeSeries()}`,
    valid: { active: false },
    wrongTypes: { active: 'no', cron: 9 },
  },
  'POST /api/publishing/series/:id/issues': {
    client: ledgerAdmin,
    url: async () => `/api/publishing/series/${await probeSeries()}/issues`,
    valid: { articleIds: [await makeBulletin(ctx, tree.townA1, { status: 'approved' })] },
    wrongTypes: { articleIds: 'all', title: 3 },
  },
  'POST /api/publishing/deliveries/:id/resolve': {
    client: ledgerAdmin,
    url: async () => `/api/publishing/deliveries/${await makeDelivery(ctx, tree.townA1, 'uncertain')}/resolve`,
    valid: { sent: true },
    wrongTypes: { sent: 'yes' },
  },
  'POST /api/activities': {
    client: ledgerAdmin,
    url: async () => '/api/activities',
    valid: { orgId: tree.townA1.id, title: '主题团日', kind: 'theme_day', heldOn: '2025-05-04' },
    wrongTypes: { orgId: 0, title: {}, kind: 'party', heldOn: 'yesterday' },
  },
  'POST /api/contacts': {
    client: ledgerAdmin,
    url: async () => '/api/contacts',
    valid: { orgId: tree.townA1.id, fullName: '输入青年', phone: '13900139000', category: 'returnee' },
    wrongTypes: { orgId: 'a', fullName: null, phone: 139, category: 'farmer' },
  },
  'PATCH /api/contacts/:id': {
    client: ledgerAdmin,
    url: async () => `/api/contacts/${probeContact.id}`,
    valid: { note: '改备注' },
    wrongTypes: { category: 1, village: [] },
  },
  'POST /api/contacts/:id/cadres': {
    client: ledgerAdmin,
    url: async () => `/api/contacts/${probeContact.id}/cadres`,
    valid: { cadreId: probeCadre.id },
    wrongTypes: { cadreId: '1' },
  },
  'POST /api/contacts/:id/logs': {
    client: ledgerAdmin,
    url: async () => `/api/contacts/${probeContact.id}/logs`,
    valid: { onDate: '2025-10-01', channel: 'wechat' },
    wrongTypes: { onDate: '10/01', channel: 'pigeon', cadreId: 'x' },
  },
  'POST /api/campaigns': {
    client: system,
    url: async () => '/api/campaigns',
    valid: campaignBody,
    wrongTypes: { rootOrgId: 'x', startsOn: '2026/07/01', template: 'other', indicators: {} },
  },
  'PATCH /api/campaigns/:id': {
    client: system,
    url: async () => `/api/campaigns/${probeCampaign.id}`,
    valid: { reminderDays: 3 },
    wrongTypes: { reminderDays: 'three', status: 'paused', endsOn: 20261130 },
  },
  'POST /api/campaigns/:id/indicators': {
    client: system,
    url: async () => `/api/campaigns/${probeCampaign.id}/indicators`,
    valid: { name: '开展活动', metric: 'activities_held', levels: ['township'], types: ['committee'], threshold: 2 },
    wrongTypes: { name: 2, metric: 'vibes', levels: 'township', types: [], threshold: '2' },
  },
  'PATCH /api/indicators/:id': {
    client: system,
    url: async () => `/api/indicators/${probeCampaign.indicators[1].id}`,
    valid: { threshold: 12 },
    wrongTypes: { threshold: 'ten', deadline: '9月30日', levels: ['moon'] },
  },
  'PUT /api/campaigns/:id/plans': {
    client: system,
    url: async () => `/api/campaigns/${probeCampaign.id}/plans`,
    valid: { rows: [{ orgId: tree.townA1.id, planned: 10 }] },
    wrongTypes: { rows: [{ orgId: 'x', planned: -1 }] },
  },
  'POST /api/personal-rights/lookup': {
    client: ledgerAdmin,
    url: async () => '/api/personal-rights/lookup',
    valid: { idNumber: probeMember.idNumber },
    wrongTypes: { idNumber: 610102, phone: 138, fullName: [] },
  },
  'POST /api/personal-rights/copy': {
    client: ledgerAdmin,
    url: async () => '/api/personal-rights/copy',
    valid: { idNumber: probeMember.idNumber, format: 'json' },
    wrongTypes: { idNumber: {}, format: 'pdf' },
  },
  'POST /api/personal-rights/erase': {
    client: ledgerAdmin,
    url: async () => '/api/personal-rights/erase',
    valid: { idNumber: probeMember.idNumber, confirmation: probeMember.fullName, reason: '本人申请删除' },
    wrongTypes: { idNumber: probeMember.idNumber, confirmation: 5, reason: null },
  },
};

function send(client: Client | 'login', options: InjectOptions): Promise<LightMyRequestResponse> {
  if (client !== 'login') return client.request(options);
  return ctx.app.inject({
    ...options,
    remoteAddress: nextAddress(),
    headers: { 'x-csrf-token': 'login', ...(options.headers ?? {}) },
  });
}

/** A refusal people can read and programs can match: a stable code, a Chinese message, nothing of the server's insides. */
function assertRefused(response: LightMyRequestResponse, status: number, code: string, what: string): string {
  assert.equal(response.statusCode, status, `${what}: ${response.body}`);
  const body = response.json<{ error: { code: string; message: string } }>();
  assert.equal(body.error.code, code, what);
  assert.match(body.error.message, /[\u4e00-\u9fa5]/, `${what}: message in Chinese`);
  assert.doesNotMatch(response.body, /Error:|\bat .+:\d+:\d+|node_modules|stack/i, `${what}: no stack trace`);
  return body.error.message;
}

test('every route has a request schema for each input it takes', () => {
  const problems: string[] = [];
  for (const key of routeKeys) {
    const schema = captured.get(key);
    if (!schema) {
      problems.push(`${key}: not seen at registration`);
      continue;
    }
    const [method, url] = key.split(' ');
    if (url.includes(':id')) {
      const params = zodSchema(schema.params);
      // Every path parameter set to a good value: an id (routes such as /contacts/:id/cadres/:cadreId have two),
      // or a year or a check name where the path holds one.
      const good = Object.fromEntries([...url.matchAll(/:(\w+)/g)].map(([, name]) => [name, goodParams[name] ?? '7']));
      if (!params) problems.push(`${key}: no params schema`);
      else if (
        !params.safeParse(good).success ||
        ['abc', '-1', '0', '1.5'].some((id) => params.safeParse({ ...good, id }).success)
      ) {
        problems.push(`${key}: params schema does not accept exactly positive integer ids`);
      }
    }
    if (method !== 'GET' && !bodiless.includes(key)) {
      const body = zodSchema(schema.body);
      if (!body) problems.push(`${key}: no body schema`);
      else if ([[], null, 'text', 1].some((value) => body.safeParse(value).success))
        problems.push(`${key}: body schema accepts a non-object`);
    }
    if (method === 'GET' && !queryless.includes(key) && !zodSchema(schema.querystring))
      problems.push(`${key}: no querystring schema`);
  }
  assert.deepEqual(problems, []);
  for (const key of [...bodiless, ...queryless, ...Object.keys(bodyCases)])
    assert.ok(routeKeys.includes(key), `stale entry ${key}`);
});

test('every route with a body schema has a bad-input case, and each case starts from a body the schema accepts', () => {
  const withBody = routeKeys.filter((key) => zodSchema(captured.get(key)?.body));
  assert.deepEqual(withBody.sort(), Object.keys(bodyCases).sort());
  for (const [key, c] of Object.entries(bodyCases)) {
    const body = zodSchema(captured.get(key)?.body)!;
    assert.ok(body.safeParse(c.valid).success, `${key}: the valid body is valid`);
    assert.ok(!body.safeParse({ ...c.valid, extra: 1 }).success, `${key}: unknown fields are refused (.strict())`);
  }
});

for (const [key, c] of Object.entries(bodyCases)) {
  test(`malformed bodies are refused with validation_failed and leave nothing behind: ${key}`, async () => {
    const [method] = key.split(' ') as ['POST' | 'PATCH' | 'PUT'];
    const json = { 'content-type': 'application/json' };
    const attempts: [string, InjectOptions, number][] = [
      ['not JSON', { payload: '{bad', headers: json }, 400],
      ['empty JSON body', { payload: '', headers: json }, 400],
      ['a JSON array', { payload: '[]', headers: json }, 400],
      ['JSON null', { payload: 'null', headers: json }, 400],
      ['a JSON string', { payload: '"text"', headers: json }, 400],
      ['wrong types', { payload: c.wrongTypes }, 400],
      ['an unknown extra field', { payload: { ...c.valid, extra: 'x' } }, 400],
      [
        'a prototype-pollution key',
        { payload: `{"__proto__":{"admin":true},${JSON.stringify(c.valid).slice(1)}`, headers: json },
        400,
      ],
      ['plain text', { payload: 'hello', headers: { 'content-type': 'text/plain' } }, 400],
      ['an unsupported content type', { payload: '<a/>', headers: { 'content-type': 'application/xml' } }, 415],
    ];
    const url = await c.url();
    const before = await tableCounts(ctx);
    for (const [what, options, status] of attempts) {
      assertRefused(
        await send(c.client, { method, url, ...options }),
        status,
        'validation_failed',
        `${key} with ${what}`,
      );
    }
    assert.deepEqual(await tableCounts(ctx), before, 'nothing half-written');
    assert.equal(({} as Record<string, unknown>).admin, undefined);
  });
}

test('malformed ids are refused with validation_failed, never a 500', async () => {
  for (const route of ctx.app.routeTable.filter((r) => r.url.includes(':id'))) {
    const key = `${route.method} ${route.url}`;
    const [method, pattern] = key.split(' ') as ['GET' | 'POST' | 'PATCH', string];
    // Someone the route admits, so that the answer is about the id and not about the permission.
    const client =
      route.permission === 'user.security'
        ? security
        : route.permission === 'audit.read'
          ? auditor
          : route.permission === 'ledger.write' ||
              route.permission === 'personal.reveal' ||
              route.permission?.startsWith('people.') ||
              route.permission?.startsWith('publishing.')
            ? ledgerAdmin
            : system;
    for (const id of ['abc', '-1', '0', '1.5', '1e400', '%20']) {
      const payload = bodyCases[key]?.valid;
      const response = await client.request({
        method,
        url: pattern.replace(':id', id),
        ...(payload ? { payload } : {}),
      });
      const message = assertRefused(response, 400, 'validation_failed', `${key} with id ${id}`);
      assert.match(message, /id/);
    }
  }
});

// A positive integer the schema accepts can still be too large for the id columns (PostgreSQL "serial" is
// 32-bit). Such an id names nothing: 400 or 404 are both honest answers, a 500 is not.
test('ids beyond the integer range of the id columns answer 400 or 404, never 500', async () => {
  const big = 2147483648;
  const own = await village();
  const probes: [Client, Probe][] = [
    [system, { method: 'GET', url: `/api/orgs/${big}` }],
    [system, { method: 'GET', url: `/api/orgs/${big}/children` }],
    [system, { method: 'PATCH', url: `/api/orgs/${big}`, payload: { name: '超大编号团支部' } }],
    [system, { method: 'POST', url: `/api/org-moves/${big}/approve` }],
    [system, { method: 'PATCH', url: `/api/users/${big}`, payload: { displayName: '超大' } }],
    [
      system,
      {
        method: 'POST',
        url: '/api/orgs',
        payload: { parentId: big, name: '超大编号团支部', type: 'branch', level: 'village' },
      },
    ],
    [system, { method: 'POST', url: `/api/orgs/${own.id}/moves`, payload: { toParentId: big, reason: '区划调整' } }],
    [
      system,
      {
        method: 'POST',
        url: '/api/users',
        payload: { username: 'bigorg', displayName: '超大', role: 'inspector', orgId: big },
      },
    ],
    [system, { method: 'GET', url: `/api/users?orgId=${big}` }],
    [system, { method: 'GET', url: '/api/orgs/9007199254740991' }],
    [auditor, { method: 'GET', url: `/api/audit?before=${big}&orgId=${big}` }],
  ];
  const failures: string[] = [];
  for (const [client, options] of probes) {
    const response = await client.request(options);
    if (response.statusCode !== 400 && response.statusCode !== 404 && response.statusCode !== 200) {
      failures.push(
        `${options.method} ${options.url} ${JSON.stringify(options.payload ?? '')} → ${response.statusCode}`,
      );
    }
  }
  assert.deepEqual(failures, []);
});

/** Runs a request that must be refused and proves that no org, history, move or audit row came of it. */
async function refusedCleanly(options: Probe, status: number, code: string, messagePart: RegExp) {
  const before = await tableCounts(ctx);
  const message = assertRefused(await system.request(options), status, code, `${options.method} ${options.url}`);
  assert.match(message, messagePart);
  assert.deepEqual(await tableCounts(ctx), before, `${message}: nothing written`);
}

test('domain rules on new orgs are answered in Chinese and create nothing', async () => {
  const base = { parentId: tree.townA1.id, name: '规则测试团支部', type: 'branch', level: 'village' };
  const post = (payload: object): Probe => ({ method: 'POST', url: '/api/orgs', payload });
  await refusedCleanly(post({ ...base, regionCode: '61010' }), 400, 'validation_failed', /行政区划代码应为 6 位数字/);
  await refusedCleanly(
    post({ ...base, regionCode: '610101', statCode: '620101001000' }),
    400,
    'validation_failed',
    /前 6 位/,
  );
  await refusedCleanly(
    post({ ...base, parentId: tree.villageA1.id }),
    400,
    'validation_failed',
    /团支部、联合团支部下不能再设下级组织/,
  );
  await refusedCleanly(post({ ...base, type: 'committee', level: 'county' }), 400, 'validation_failed', /层级/);
  await refusedCleanly(post({ ...base, name: '甲一村团支部' }), 409, 'conflict', /已有名为/);
  await refusedCleanly(post({ ...base, name: '  甲一村团支部 ' }), 409, 'conflict', /已有名为/);
  const rows = await ctx.db.selectFrom('orgs').select('id').where('name', '=', '规则测试团支部').execute();
  assert.deepEqual(rows, []);
});

test('domain rules on changed orgs are answered in Chinese and change nothing', async () => {
  const row = (id: number) => ctx.db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const town = await row(tree.townA1.id);
  await refusedCleanly(
    { method: 'PATCH', url: `/api/orgs/${town.id}`, payload: { statCode: '620101001000' } },
    400,
    'validation_failed',
    /前 6 位/,
  );
  await refusedCleanly(
    { method: 'PATCH', url: `/api/orgs/${town.id}`, payload: { level: 'city' } },
    400,
    'validation_failed',
    /层级/,
  );
  await refusedCleanly(
    { method: 'PATCH', url: `/api/orgs/${town.id}`, payload: { type: 'branch' } },
    400,
    'validation_failed',
    /下级组织/,
  );
  const sibling = await village();
  await refusedCleanly(
    { method: 'PATCH', url: `/api/orgs/${sibling.id}`, payload: { name: '甲一村团支部' } },
    409,
    'conflict',
    /已有名为/,
  );
  assert.deepEqual(await row(town.id), town);
});

// An org sits at its parent's level or below: lowering a parent beneath its children breaks that as surely as
// raising a child above its parent.
test("lowering an org's level beneath its children's is refused and changes nothing", async () => {
  const row = (id: number) => ctx.db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const county = await makeOrg(ctx, { parent: tree.cityA, name: '共青团丙县委员会' });
  await makeOrg(ctx, { parent: county, name: '共青团丙一镇委员会' });
  await refusedCleanly(
    { method: 'PATCH', url: `/api/orgs/${county.id}`, payload: { level: 'village' } },
    400,
    'validation_failed',
    /./,
  );
  assert.equal((await row(county.id)).level, 'county');
});

test('a move that would put an org under a lower-level org is refused and records nothing', async () => {
  const town = await makeOrg(ctx, { parent: tree.countyA, name: '共青团甲三镇委员会' });
  const community = await makeOrg(ctx, {
    parent: tree.townA2,
    name: '甲二社区团委',
    level: 'village',
    type: 'committee',
  });
  const options: Probe = {
    method: 'POST',
    url: `/api/orgs/${town.id}/moves`,
    payload: { toParentId: community.id, reason: '区划调整' },
  };
  await refusedCleanly(options, 400, 'invalid_move', /./);
});

test('a refused step of a multi-step change leaves the org, its history and the audit log as they were', async () => {
  const row = (id: number) => ctx.db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const dissolve = (id: number): Probe => ({
    method: 'POST',
    url: `/api/orgs/${id}/dissolve`,
    payload: { reason: '组织调整撤销' },
  });
  const withMember = await village();
  await makeMember(ctx, { org: withMember });
  await refusedCleanly(dissolve(withMember.id), 409, 'org_not_empty', /1 名团员/);
  assert.equal((await row(withMember.id)).status, 'active');
  const withChild = await makeOrg(ctx, { parent: tree.countyA, name: '共青团甲四镇委员会' });
  await village(withChild);
  await refusedCleanly(dissolve(withChild.id), 409, 'org_not_empty', /1 个下级组织/);
  const moving = await village();
  assert.equal(
    (await requester.post(`/api/orgs/${moving.id}/moves`, { toParentId: tree.townA2.id, reason: '区划调整' }))
      .statusCode,
    201,
  );
  await refusedCleanly(dissolve(moving.id), 409, 'move_pending', /待审批/);
  assert.equal((await row(moving.id)).status, 'active');

  // The last approval re-checks the target: dissolved meanwhile, the subtree must not move at all.
  const leaving = await village();
  const target = await makeOrg(ctx, { parent: tree.countyA, name: '共青团甲五镇委员会' });
  const move = (
    await requester.post(`/api/orgs/${leaving.id}/moves`, { toParentId: target.id, reason: '区划调整' })
  ).json<{ id: number }>();
  assert.equal((await system.post(`/api/org-moves/${move.id}/approve`)).statusCode, 200);
  assert.equal((await system.post(`/api/orgs/${target.id}/dissolve`, { reason: '组织调整撤销' })).statusCode, 200);
  const before = await row(leaving.id);
  await refusedCleanly({ method: 'POST', url: `/api/org-moves/${move.id}/approve` }, 400, 'invalid_move', /已撤销/);
  assert.deepEqual(await row(leaving.id), before);
  const status = await ctx.db
    .selectFrom('org_moves')
    .select('status')
    .where('id', '=', move.id)
    .executeTakeFirstOrThrow();
  assert.equal(status.status, 'pending_new');
});

test('a duplicate username is refused whatever its case, and no user is created', async () => {
  const payload = { username: 'Twin.User', displayName: '重名', role: 'inspector', orgId: tree.townA1.id };
  assert.equal((await system.post('/api/users', payload)).statusCode, 201);
  await refusedCleanly(
    { method: 'POST', url: '/api/users', payload: { ...payload, username: 'twin.user' } },
    409,
    'conflict',
    /已被使用/,
  );
});

// POST /api/imports takes multipart/form-data (a spreadsheet and a few fields), so the JSON body cases above do
// not apply: its own malformed inputs are refused with validation_failed and queue nothing.
test('malformed import uploads are refused with validation_failed and queue nothing', async () => {
  const importer = await loginAsFrom(ctx, 'org_admin', tree.countyA);
  const csv = { name: '名单.csv', content: Buffer.from('姓名,手机号码\n某人,13800000000\n') };
  const send = (fields: Record<string, string>, file?: typeof csv & { field?: string }) => {
    const body = multipartBody(fields, file);
    return importer.request({ method: 'POST', url: '/api/imports', payload: body.payload, headers: body.headers });
  };
  const jobs = async () =>
    Number(
      (
        await ctx.db
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const before = { tables: await tableCounts(ctx), jobs: await jobs() };
  const attempts: [string, () => Promise<LightMyRequestResponse>, number][] = [
    ['a JSON body', () => importer.post('/api/imports', { kind: 'contacts' }), 415],
    ['no file', () => send({ kind: 'contacts' }), 400],
    ['a file under another field name', () => send({ kind: 'contacts' }, { ...csv, field: 'upload' }), 400],
    ['an unknown kind', () => send({ kind: 'volunteers' }, csv), 400],
    ['no kind', () => send({}, csv), 400],
    ['an unknown extra field', () => send({ kind: 'contacts', extra: 'x' }, csv), 400],
    ['a dry-run flag that is not a boolean', () => send({ kind: 'contacts', dryRun: 'yes' }, csv), 400],
    ['an org id that is not a number', () => send({ kind: 'contacts', orgId: '0x10' }, csv), 400],
    ['plans without a campaign', () => send({ kind: 'plans' }, csv), 400],
    [
      'a prototype-pollution field',
      () => send(JSON.parse('{"kind":"contacts","__proto__":"x"}') as Record<string, string>, csv),
      400,
    ],
  ];
  for (const [what, attempt, status] of attempts) {
    assertRefused(await attempt(), status, 'validation_failed', `POST /api/imports with ${what}`);
  }
  assert.deepEqual({ tables: await tableCounts(ctx), jobs: await jobs() }, before, 'nothing stored or queued');
});
