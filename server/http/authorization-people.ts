import type { InjectOptions } from 'fastify';
import { makeTree } from '../../test/factories.js';
import type { TestContext } from '../../test/harness.js';
import { get, plain, scoped, type Row, type Where } from '../../test/authorization-kit.js';
import { makeBranch, makeMember, nextIdNumber } from '../../test/people-factories.js';
import { makeDuplicateCase, makeStatusRequest, makeTransfer } from '../../test/request-factories.js';
import { makeApplicant, makeApplicantDocument } from '../../test/people-factories.js';
import { addDays } from '../../common/dates.js';
import { makeUser } from '../../test/factories.js';
import type { Caller } from '../../test/authorization-kit.js';
import { chinaToday } from '../../common/dates.js';
import { makeCadre } from '../../test/ledger-factories.js';
import { checkIdNumber, idColumns } from '../features/members/identity.js';
import type { OrgRow } from '../features/orgs/repo.js';

// The people part of the authorization table (merged into server/http/authorization.test.ts): every people
// route × every role × an object inside / outside the org roles' subtree. The org roles are held at countyA;
// 'inside' objects live in a branch under townA1, 'outside' ones in a branch under townB1 (countyB).
// Every cell is written by hand. The permissions: people.read (org admin, editor, inspector), people.write (org
// admin, editor), people.approve and personal.reveal (org admin); the three operators hold none of them.
// Decisions "upward" (approvals) need an approver who sees the parent of the org concerned: the county's admin
// decides for a branch under townA1.
//
// Each feature adds its rows in its own section below, and its id probes (another township's id must answer
// exactly like a missing one) in peopleIdProbes.

type Tree = Awaited<ReturnType<typeof makeTree>>;
export type PeopleTableEnv = { ctx: TestContext; tree: Tree };
export type IdProbe = { kind: string; request: (id: number) => InjectOptions };

/** Every role's [inside, outside] answer for a read that needs people.read. */
const readCells = {
  org_admin: [200, 404],
  org_editor: [200, 404],
  inspector: [200, 404],
  system_admin: [403, 403],
  security_admin: [403, 403],
  audit_admin: [403, 403],
  anonymous: [401, 401],
} as const;

export async function peopleRows({ ctx, tree }: PeopleTableEnv): Promise<Record<string, Row>> {
  const branches = {
    inside: await makeBranch(ctx, { parent: tree.townA1, name: '表格甲团支部' }),
    outside: await makeBranch(ctx, { parent: tree.townB1, name: '表格乙团支部' }),
  };
  const branchOf = (where: Where) => branches[where];
  const members = {
    inside: await makeMember(ctx, { org: branches.inside }),
    outside: await makeMember(ctx, { org: branches.outside }),
  };
  const memberOf = (where: Where) => members[where];
  const freshMember = (where: Where) => makeMember(ctx, { org: branchOf(where) });

  return {
    // --- members (server/features/members) ---
    'GET /api/members': scoped(readCells, (c, where) => get(`/api/members?orgId=${branchOf(where).id}`)(c)),
    'POST /api/members': scoped(
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
          url: '/api/members',
          payload: {
            orgId: branchOf(where).id,
            fullName: '表格团员',
            idNumber: nextIdNumber(),
            joinedOn: '2021-05-04',
          },
        }),
    ),
    'GET /api/members/:id': scoped(readCells, (c, where) => get(`/api/members/${memberOf(where).id}`)(c)),
    'PATCH /api/members/:id': scoped(
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
          url: `/api/members/${(await freshMember(where)).id}`,
          payload: { education: '高中' },
        }),
    ),
    'GET /api/members/:id/events': scoped(readCells, (c, where) => get(`/api/members/${memberOf(where).id}/events`)(c)),
    'POST /api/members/:id/reveal-id': scoped(
      {
        org_admin: [200, 404],
        org_editor: [403, 403],
        inspector: [403, 403],
        system_admin: [403, 403],
        security_admin: [403, 403],
        audit_admin: [403, 403],
        anonymous: [401, 401],
      },
      (c, where) => c.request({ method: 'POST', url: `/api/members/${memberOf(where).id}/reveal-id` }),
    ),
    'POST /api/members/:id/reveal-phone': scoped(
      {
        org_admin: [200, 404],
        org_editor: [403, 403],
        inspector: [403, 403],
        system_admin: [403, 403],
        security_admin: [403, 403],
        audit_admin: [403, 403],
        anonymous: [401, 401],
      },
      (c, where) => c.request({ method: 'POST', url: `/api/members/${memberOf(where).id}/reveal-phone` }),
    ),
    'GET /api/orgs/:id/member-stats': scoped(readCells, (c, where) =>
      get(`/api/orgs/${branchOf(where).id}/member-stats`)(c),
    ),

    ...(await reviewAndCadreRows({ ctx, tree }, branchOf)),

    ...(await approvalRows({ ctx, tree }, branchOf)),

    ...(await applicantRows({ ctx, tree }, branchOf)),

    ...(await personalRightsRows({ ctx, tree }, branchOf)),

    // --- member import and export (server/features/imports) ---
    'GET /api/exports/members.xlsx': scoped(readCells, (c, where) =>
      get(`/api/exports/members.xlsx?orgId=${branchOf(where).id}`)(c),
    ),
    // A template holds no data: anyone who may read the ledger downloads it (as the xlsx templates).
    'GET /api/import-templates/:kind.csv': plain(
      {
        org_admin: 200,
        org_editor: 200,
        inspector: 200,
        system_admin: 200,
        security_admin: 403,
        audit_admin: 403,
        anonymous: 401,
      },
      get('/api/import-templates/members.csv'),
    ),
  };
}

/**
 * Objects of the neighbouring township (townA2) for the id sweep, which a townA1 admin must not tell apart from
 * missing ones, and the probes of every people route with an id.
 */
export async function peopleIdProbes({ ctx, tree }: PeopleTableEnv): Promise<{
  theirs: Record<string, number>;
  idRoutes: Record<string, IdProbe>;
  otherProbes: Record<string, IdProbe>;
}> {
  const theirBranch = await makeBranch(ctx, { parent: tree.townA2 });
  const approvals = await approvalIdProbes(ctx, tree, theirBranch);
  const applicants = await applicantIdProbes(ctx, tree, theirBranch);
  const theirs = {
    branch: theirBranch.id,
    member: (await makeMember(ctx, { org: theirBranch })).id,
    ...approvals.theirs,
    ...applicants.theirs,
    recommendation: await insertRecommendation(ctx, theirBranch),
  };
  return {
    theirs,
    idRoutes: {
      ...approvals.idRoutes,
      ...applicants.idRoutes,
      ...reviewAndCadreIdRoutes,
      'GET /api/members/:id': { kind: 'member', request: (id) => ({ method: 'GET', url: `/api/members/${id}` }) },
      'PATCH /api/members/:id': {
        kind: 'member',
        request: (id) => ({ method: 'PATCH', url: `/api/members/${id}`, payload: { education: '高中' } }),
      },
      'GET /api/members/:id/events': {
        kind: 'member',
        request: (id) => ({ method: 'GET', url: `/api/members/${id}/events` }),
      },
      'POST /api/members/:id/reveal-id': {
        kind: 'member',
        request: (id) => ({ method: 'POST', url: `/api/members/${id}/reveal-id` }),
      },
      'POST /api/members/:id/reveal-phone': {
        kind: 'member',
        request: (id) => ({ method: 'POST', url: `/api/members/${id}/reveal-phone` }),
      },
      'GET /api/orgs/:id/member-stats': {
        kind: 'branch',
        request: (id) => ({ method: 'GET', url: `/api/orgs/${id}/member-stats` }),
      },
    },
    otherProbes: {
      ...approvals.otherProbes,
      ...applicants.otherProbes,
      'GET /api/party-recommendations?orgId': {
        kind: 'branch',
        request: (id) => ({ method: 'GET', url: `/api/party-recommendations?orgId=${id}` }),
      },
      'POST /api/members orgId': {
        kind: 'branch',
        request: (id) => ({
          method: 'POST',
          url: '/api/members',
          payload: { orgId: id, fullName: '探测', idNumber: nextIdNumber(), joinedOn: '2021-05-04' },
        }),
      },
      'GET /api/members?orgId': {
        kind: 'branch',
        request: (id) => ({ method: 'GET', url: `/api/members?orgId=${id}` }),
      },
      'GET /api/exports/members.xlsx?orgId': {
        kind: 'branch',
        request: (id) => ({ method: 'GET', url: `/api/exports/members.xlsx?orgId=${id}` }),
      },
    },
  };
}

// --- annual review and registration, party recommendation, data quality, cadre records (reviews,
// recommendations, data-quality, cadres) ---

const lastYear = Number(chinaToday().slice(0, 4)) - 1;

/** A recommendation of a fresh member of the branch, written directly (certify needs one per cell). */
async function insertRecommendation(ctx: TestContext, branch: OrgRow): Promise<number> {
  const member = await makeMember(ctx, { org: branch, joinedOn: '2019-05-04' });
  const { id } = await ctx.db
    .insertInto('party_recommendations')
    .values({
      member_id: member.id,
      org_id: branch.id,
      recommended_on: '2025-03-01',
      valid_until: '2027-03-01',
      certified_on: null,
      certified_by: null,
      form_sha256: null,
      created_by: null,
      created_at: new Date().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

async function reviewAndCadreRows(
  { ctx, tree }: PeopleTableEnv,
  branchOf: (where: Where) => OrgRow,
): Promise<Record<string, Row>> {
  const writeCells = (ok: number) =>
    ({
      org_admin: [ok, 404],
      org_editor: [ok, 404],
      inspector: [403, 403],
      system_admin: [403, 403],
      security_admin: [403, 403],
      audit_admin: [403, 403],
      anonymous: [401, 401],
    }) as const;
  const townOf = (where: Where) => (where === 'inside' ? tree.townA1 : tree.townB1);
  /** A member of the branch reviewed 合格 last year, ready to register. */
  const reviewedMember = async (where: Where) => {
    const member = await makeMember(ctx, { org: branchOf(where), joinedOn: '2019-05-04' });
    const at = new Date().toISOString();
    await ctx.db
      .insertInto('annual_reviews')
      .values({
        member_id: member.id,
        org_id: member.orgId,
        year: lastYear,
        grade: 'qualified',
        registered_at: null,
        reviewed_by: null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    return member;
  };
  /** A fresh branch of five members (a round of one), so that every cell starts with its quota unused. */
  const freshRound = async (where: Where) => {
    const branch = await makeBranch(ctx, { parent: townOf(where) });
    const members = [];
    for (let i = 0; i < 5; i += 1) members.push(await makeMember(ctx, { org: branch, joinedOn: '2019-05-04' }));
    return { branch, memberIds: [members[0].id] };
  };
  /** A cadre of 28 or more whose protected ID number is kept on the cadre row. */
  const cadreWithIdNumber = async (where: Where) => {
    const cadre = await makeCadre(ctx, { org: townOf(where) });
    const facts = checkIdNumber(nextIdNumber({ birthDate: '1985-04-05' }));
    await ctx.db
      .updateTable('cadres')
      .set({ ...idColumns(ctx.app.keyring, facts), birth_date: facts.birthDate })
      .where('id', '=', cadre.id)
      .execute();
    return cadre;
  };
  const cadres = { inside: await cadreWithIdNumber('inside'), outside: await cadreWithIdNumber('outside') };
  const freshCadre = (where: Where) => makeCadre(ctx, { org: townOf(where) });

  return {
    'GET /api/orgs/:id/annual-reviews/:year': scoped(readCells, (c, where) =>
      get(`/api/orgs/${branchOf(where).id}/annual-reviews/${lastYear}`)(c),
    ),
    'PUT /api/orgs/:id/annual-reviews/:year': scoped(writeCells(200), async (c, where) =>
      c.request({
        method: 'PUT',
        url: `/api/orgs/${branchOf(where).id}/annual-reviews/${lastYear}`,
        payload: {
          entries: [{ memberId: (await makeMember(ctx, { org: branchOf(where) })).id, grade: 'qualified' }],
        },
      }),
    ),
    'POST /api/orgs/:id/annual-registrations/:year': scoped(writeCells(200), async (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/orgs/${branchOf(where).id}/annual-registrations/${lastYear}`,
        payload: { memberIds: [(await reviewedMember(where)).id] },
      }),
    ),
    'GET /api/party-recommendations': scoped(readCells, (c, where) =>
      get(`/api/party-recommendations?orgId=${branchOf(where).id}`)(c),
    ),
    'POST /api/orgs/:id/party-recommendations': scoped(writeCells(201), async (c, where) => {
      const round = await freshRound(where);
      return c.request({
        method: 'POST',
        url: `/api/orgs/${round.branch.id}/party-recommendations`,
        payload: { recommendedOn: chinaToday(), memberIds: round.memberIds },
      });
    }),
    // Certified upward: the county's admin sees the branch's parent; editors and inspectors lack people.approve.
    'POST /api/party-recommendations/:id/certify': scoped(
      {
        org_admin: [200, 404],
        org_editor: [403, 403],
        inspector: [403, 403],
        system_admin: [403, 403],
        security_admin: [403, 403],
        audit_admin: [403, 403],
        anonymous: [401, 401],
      },
      async (c, where) =>
        c.request({
          method: 'POST',
          url: `/api/party-recommendations/${await insertRecommendation(ctx, branchOf(where))}/certify`,
          payload: { certifiedOn: chinaToday() },
        }),
    ),
    'GET /api/orgs/:id/data-quality': scoped(readCells, (c, where) =>
      get(`/api/orgs/${townOf(where).id}/data-quality`)(c),
    ),
    'GET /api/orgs/:id/data-quality/:check': scoped(readCells, (c, where) =>
      get(`/api/orgs/${townOf(where).id}/data-quality/unreachable_members`)(c),
    ),
    // Cadre records are ledger objects: read with ledger.read (the system admin included), written with
    // ledger.write, revealed with personal.reveal.
    'GET /api/cadres/:id': scoped(
      {
        org_admin: [200, 404],
        org_editor: [200, 404],
        inspector: [200, 404],
        system_admin: [200, 200],
        security_admin: [403, 403],
        audit_admin: [403, 403],
        anonymous: [401, 401],
      },
      (c, where) => get(`/api/cadres/${cadres[where].id}`)(c),
    ),
    'POST /api/cadres/:id/trainings': scoped(writeCells(201), async (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/cadres/${(await freshCadre(where)).id}/trainings`,
        payload: { title: '表格培训', startOn: '2025-06-01' },
      }),
    ),
    'PUT /api/cadres/:id/assessments/:year': scoped(writeCells(200), async (c, where) =>
      c.request({
        method: 'PUT',
        url: `/api/cadres/${(await freshCadre(where)).id}/assessments/${lastYear}`,
        payload: { grade: 'competent' },
      }),
    ),
    'POST /api/cadres/:id/reveal-id': scoped(
      {
        org_admin: [200, 404],
        org_editor: [403, 403],
        inspector: [403, 403],
        system_admin: [403, 403],
        security_admin: [403, 403],
        audit_admin: [403, 403],
        anonymous: [401, 401],
      },
      (c, where) => c.request({ method: 'POST', url: `/api/cadres/${cadres[where].id}/reveal-id` }),
    ),
  };
}

/** A person's rights (server/features/personal-rights): personal.rights, org admins only, in their subtree. */
async function personalRightsRows(
  { ctx }: PeopleTableEnv,
  branchOf: (where: Where) => OrgRow,
): Promise<Record<string, Row>> {
  const people = {
    inside: await makeMember(ctx, { org: branchOf('inside') }),
    outside: await makeMember(ctx, { org: branchOf('outside') }),
  };
  return {
    'POST /api/personal-rights/lookup': scoped(rightsCells, (c, where) =>
      c.request({
        method: 'POST',
        url: '/api/personal-rights/lookup',
        payload: { idNumber: people[where].idNumber },
      }),
    ),
    'POST /api/personal-rights/copy': scoped(rightsCells, (c, where) =>
      c.request({
        method: 'POST',
        url: '/api/personal-rights/copy',
        payload: { idNumber: people[where].idNumber, format: 'json' },
      }),
    ),
    'POST /api/personal-rights/erase': scoped(rightsCells, async (c, where) => {
      const person = await makeMember(ctx, { org: branchOf(where) });
      return c.request({
        method: 'POST',
        url: '/api/personal-rights/erase',
        payload: { idNumber: person.idNumber, confirmation: person.fullName, reason: '本人申请删除' },
      });
    }),
  };
}

/** Every role's [inside, outside] answer for a person's-rights route: org admins only, in their subtree. */
const rightsCells = {
  org_admin: [200, 404],
  org_editor: [403, 403],
  inspector: [403, 403],
  system_admin: [403, 403],
  security_admin: [403, 403],
  audit_admin: [403, 403],
  anonymous: [401, 401],
} as const;

const reviewAndCadreIdRoutes: Record<string, IdProbe> = {
  'GET /api/orgs/:id/annual-reviews/:year': {
    kind: 'branch',
    request: (id) => ({ method: 'GET', url: `/api/orgs/${id}/annual-reviews/${lastYear}` }),
  },
  'PUT /api/orgs/:id/annual-reviews/:year': {
    kind: 'branch',
    request: (id) => ({
      method: 'PUT',
      url: `/api/orgs/${id}/annual-reviews/${lastYear}`,
      payload: { entries: [{ memberId: 1, grade: 'qualified' }] },
    }),
  },
  'POST /api/orgs/:id/annual-registrations/:year': {
    kind: 'branch',
    request: (id) => ({
      method: 'POST',
      url: `/api/orgs/${id}/annual-registrations/${lastYear}`,
      payload: { memberIds: [1] },
    }),
  },
  'POST /api/orgs/:id/party-recommendations': {
    kind: 'branch',
    request: (id) => ({
      method: 'POST',
      url: `/api/orgs/${id}/party-recommendations`,
      payload: { recommendedOn: '2025-03-01', memberIds: [1] },
    }),
  },
  'POST /api/party-recommendations/:id/certify': {
    kind: 'recommendation',
    request: (id) => ({
      method: 'POST',
      url: `/api/party-recommendations/${id}/certify`,
      payload: { certifiedOn: '2025-03-02' },
    }),
  },
  'GET /api/orgs/:id/data-quality': {
    kind: 'branch',
    request: (id) => ({ method: 'GET', url: `/api/orgs/${id}/data-quality` }),
  },
  'GET /api/orgs/:id/data-quality/:check': {
    kind: 'branch',
    request: (id) => ({ method: 'GET', url: `/api/orgs/${id}/data-quality/small_branches` }),
  },
  'GET /api/cadres/:id': { kind: 'cadre', request: (id) => ({ method: 'GET', url: `/api/cadres/${id}` }) },
  'POST /api/cadres/:id/trainings': {
    kind: 'cadre',
    request: (id) => ({
      method: 'POST',
      url: `/api/cadres/${id}/trainings`,
      payload: { title: '探测培训', startOn: '2025-06-01' },
    }),
  },
  'PUT /api/cadres/:id/assessments/:year': {
    kind: 'cadre',
    request: (id) => ({
      method: 'PUT',
      url: `/api/cadres/${id}/assessments/${lastYear}`,
      payload: { grade: 'competent' },
    }),
  },
  'POST /api/cadres/:id/reveal-id': {
    kind: 'cadre',
    request: (id) => ({ method: 'POST', url: `/api/cadres/${id}/reveal-id` }),
  },
};

// --- status changes and corrections, transfers, duplicate cases, the approval inbox (member-requests,
// transfers, duplicates, approvals) ---

/** Writes need people.write (org admin, editor); decisions people.approve (org admin) over the org concerned. */
const writeCells = {
  org_admin: [201, 404],
  org_editor: [201, 404],
  inspector: [403, 403],
  system_admin: [403, 403],
  security_admin: [403, 403],
  audit_admin: [403, 403],
  anonymous: [401, 401],
} as const;
const decideCells = {
  org_admin: [200, 404],
  org_editor: [403, 403],
  inspector: [403, 403],
  system_admin: [403, 403],
  security_admin: [403, 403],
  audit_admin: [403, 403],
  anonymous: [401, 401],
} as const;
const actCells = {
  org_admin: [200, 404],
  org_editor: [200, 404],
  inspector: [403, 403],
  system_admin: [403, 403],
  security_admin: [403, 403],
  audit_admin: [403, 403],
  anonymous: [401, 401],
} as const;

type Branch = Awaited<ReturnType<typeof makeBranch>>;

const post = (c: Caller, url: string, payload?: object) =>
  c.request({ method: 'POST', url, ...(payload ? { payload } : {}) });

async function approvalRows({ ctx, tree }: PeopleTableEnv, branchOf: (where: Where) => Branch) {
  const freshMember = (where: Where) => makeMember(ctx, { org: branchOf(where) });
  // Made by a province admin, so that the callers decide what someone else asked. Transfers go to a second branch
  // on the same side, so that an 'outside' transfer is outside at both ends.
  const requester = await makeUser(ctx, { role: 'org_admin', org: tree.province });
  const targets = {
    inside: await makeBranch(ctx, { parent: tree.townA1, name: '表格甲转入团支部' }),
    outside: await makeBranch(ctx, { parent: tree.townB1, name: '表格乙转入团支部' }),
  };
  const pendingRequest = async (where: Where, requestedBy = requester.id) =>
    makeStatusRequest(ctx, { member: await freshMember(where), requestedBy });
  const pendingTransfer = async (where: Where) =>
    makeTransfer(ctx, { member: await freshMember(where), toOrg: targets[where], requestedBy: requester.id });
  const pendingCase = async (where: Where) =>
    makeDuplicateCase(ctx, { member: await freshMember(where), claimantOrg: targets[where] });
  const transfers = { inside: await pendingTransfer('inside'), outside: await pendingTransfer('outside') };
  const cases = { inside: await pendingCase('inside'), outside: await pendingCase('outside') };
  /** The caller's own user id, so that a withdrawal is of its own request (callers without a session get another's). */
  const callerId = async (c: Caller) => {
    const me = await c.request({ method: 'GET', url: '/api/auth/me' });
    return me.statusCode === 200 ? me.json<{ user: { id: number } }>().user.id : requester.id;
  };

  return {
    // Status changes and corrections (server/features/member-requests).
    'POST /api/members/:id/status-requests': scoped(writeCells, async (c, where) =>
      post(c, `/api/members/${(await freshMember(where)).id}/status-requests`, { toStatus: 'lapsed', reason: '失联' }),
    ),
    'POST /api/member-requests/batch': scoped(writeCells, async (c, where) =>
      post(c, '/api/member-requests/batch', {
        memberIds: [(await freshMember(where)).id],
        toStatus: 'withdrawn',
        reason: '本人申请',
      }),
    ),
    'POST /api/members/:id/corrections': scoped(writeCells, async (c, where) =>
      post(c, `/api/members/${(await freshMember(where)).id}/corrections`, { fullName: '更正名', reason: '录错' }),
    ),
    'GET /api/member-requests': scoped(readCells, (c, where) =>
      get(`/api/member-requests?orgId=${branchOf(where).id}`)(c),
    ),
    // The county's admin stands above a branch under townA1; its editor and inspector decide nothing.
    'POST /api/member-requests/:id/approve': scoped(decideCells, async (c, where) =>
      post(c, `/api/member-requests/${await pendingRequest(where)}/approve`, {}),
    ),
    'POST /api/member-requests/:id/reject': scoped(decideCells, async (c, where) =>
      post(c, `/api/member-requests/${await pendingRequest(where)}/reject`, { note: '材料不全' }),
    ),
    // Each caller withdraws a request of its own (outside ones it could not have made, but tries anyway).
    'POST /api/member-requests/:id/withdraw': scoped(actCells, async (c, where) =>
      post(c, `/api/member-requests/${await pendingRequest(where, await callerId(c))}/withdraw`),
    ),

    // Transfers (server/features/transfers).
    'POST /api/transfers': scoped(writeCells, async (c, where) =>
      post(c, '/api/transfers', {
        memberIds: [(await freshMember(where)).id],
        toOrgId: targets[where].id,
        reason: 'employment',
      }),
    ),
    'GET /api/transfers': scoped(readCells, (c, where) => get(`/api/transfers?orgId=${branchOf(where).id}`)(c)),
    'GET /api/transfers/:id': scoped(readCells, (c, where) => get(`/api/transfers/${transfers[where]}`)(c)),
    // At the out-branch step: whoever holds people.approve and sees the branch decides.
    'POST /api/transfers/:id/approve': scoped(decideCells, async (c, where) =>
      post(c, `/api/transfers/${await pendingTransfer(where)}/approve`, {}),
    ),
    'POST /api/transfers/approve': scoped(decideCells, async (c, where) =>
      post(c, '/api/transfers/approve', { ids: [await pendingTransfer(where)] }),
    ),
    'POST /api/transfers/:id/reject': scoped(decideCells, async (c, where) =>
      post(c, `/api/transfers/${await pendingTransfer(where)}/reject`, { note: '不同意' }),
    ),
    // The out side (people.write over the member's branch) withdraws what someone else requested.
    'POST /api/transfers/:id/withdraw': scoped(actCells, async (c, where) =>
      post(c, `/api/transfers/${await pendingTransfer(where)}/withdraw`),
    ),

    // Duplicate cases (server/features/duplicates).
    'GET /api/member-duplicates': scoped(readCells, (c, where) =>
      get(`/api/member-duplicates?orgId=${branchOf(where).id}`)(c),
    ),
    'GET /api/member-duplicates/:id': scoped(readCells, (c, where) => get(`/api/member-duplicates/${cases[where]}`)(c)),
    'POST /api/member-duplicates/:id/resolve': scoped(actCells, async (c, where) =>
      post(c, `/api/member-duplicates/${await pendingCase(where)}/resolve`, { resolution: 'reject', note: '非同一人' }),
    ),

    // The approval inbox (server/features/approvals): counts over the caller's own subtree.
    'GET /api/approvals/summary': plain(
      {
        org_admin: 200,
        org_editor: 200,
        inspector: 200,
        system_admin: 403,
        security_admin: 403,
        audit_admin: 403,
        anonymous: 401,
      },
      get('/api/approvals/summary'),
    ),
  } satisfies Record<string, Row>;
}

/** A request, a transfer and a duplicate case of the neighbouring township, and the probes of their routes. */
async function approvalIdProbes(ctx: TestContext, tree: Tree, theirBranch: Branch) {
  const requestedBy = (await makeUser(ctx, { role: 'org_editor', org: theirBranch })).id;
  const member = () => makeMember(ctx, { org: theirBranch });
  const target = await makeBranch(ctx, { parent: tree.townA2 });
  const theirs = {
    member_request: await makeStatusRequest(ctx, { member: await member(), requestedBy }),
    transfer: await makeTransfer(ctx, { member: await member(), toOrg: target, requestedBy }),
    member_duplicate: await makeDuplicateCase(ctx, { member: await member(), claimantOrg: target }),
  };
  const idRoutes: Record<string, IdProbe> = {
    'POST /api/members/:id/status-requests': {
      kind: 'member',
      request: (id) => ({
        method: 'POST',
        url: `/api/members/${id}/status-requests`,
        payload: { toStatus: 'lapsed', reason: '探测' },
      }),
    },
    'POST /api/members/:id/corrections': {
      kind: 'member',
      request: (id) => ({
        method: 'POST',
        url: `/api/members/${id}/corrections`,
        payload: { fullName: '探测', reason: '探测' },
      }),
    },
    'POST /api/member-requests/:id/approve': {
      kind: 'member_request',
      request: (id) => ({ method: 'POST', url: `/api/member-requests/${id}/approve`, payload: {} }),
    },
    'POST /api/member-requests/:id/reject': {
      kind: 'member_request',
      request: (id) => ({ method: 'POST', url: `/api/member-requests/${id}/reject`, payload: { note: '探测' } }),
    },
    'POST /api/member-requests/:id/withdraw': {
      kind: 'member_request',
      request: (id) => ({ method: 'POST', url: `/api/member-requests/${id}/withdraw` }),
    },
    'GET /api/transfers/:id': { kind: 'transfer', request: (id) => ({ method: 'GET', url: `/api/transfers/${id}` }) },
    'POST /api/transfers/:id/approve': {
      kind: 'transfer',
      request: (id) => ({ method: 'POST', url: `/api/transfers/${id}/approve`, payload: {} }),
    },
    'POST /api/transfers/:id/reject': {
      kind: 'transfer',
      request: (id) => ({ method: 'POST', url: `/api/transfers/${id}/reject`, payload: { note: '探测' } }),
    },
    'POST /api/transfers/:id/withdraw': {
      kind: 'transfer',
      request: (id) => ({ method: 'POST', url: `/api/transfers/${id}/withdraw` }),
    },
    'GET /api/member-duplicates/:id': {
      kind: 'member_duplicate',
      request: (id) => ({ method: 'GET', url: `/api/member-duplicates/${id}` }),
    },
    'POST /api/member-duplicates/:id/resolve': {
      kind: 'member_duplicate',
      request: (id) => ({
        method: 'POST',
        url: `/api/member-duplicates/${id}/resolve`,
        payload: { resolution: 'reject', note: '探测' },
      }),
    },
  };
  const otherProbes: Record<string, IdProbe> = {
    'POST /api/member-requests/batch memberIds': {
      kind: 'member',
      request: (id) => ({
        method: 'POST',
        url: '/api/member-requests/batch',
        payload: { memberIds: [id], toStatus: 'lapsed', reason: '探测' },
      }),
    },
    'GET /api/member-requests?orgId': {
      kind: 'branch',
      request: (id) => ({ method: 'GET', url: `/api/member-requests?orgId=${id}` }),
    },
    // The out side may name any open branch as the destination without seeing it (it only learns its name);
    // the in side, which names members by ID number, must see the branch they come into.
    'POST /api/transfers memberIds': {
      kind: 'member',
      request: (id) => ({
        method: 'POST',
        url: '/api/transfers',
        payload: { memberIds: [id], toOrgId: id, reason: 'other' },
      }),
    },
    'POST /api/transfers idNumbers toOrgId': {
      kind: 'branch',
      request: (id) => ({
        method: 'POST',
        url: '/api/transfers',
        payload: { idNumbers: [nextIdNumber()], toOrgId: id, reason: 'other' },
      }),
    },
    'POST /api/transfers/approve ids': {
      kind: 'transfer',
      request: (id) => ({ method: 'POST', url: '/api/transfers/approve', payload: { ids: [id] } }),
    },
    'GET /api/transfers?orgId': {
      kind: 'branch',
      request: (id) => ({ method: 'GET', url: `/api/transfers?orgId=${id}` }),
    },
    'GET /api/member-duplicates?orgId': {
      kind: 'branch',
      request: (id) => ({ method: 'GET', url: `/api/member-duplicates?orgId=${id}` }),
    },
  };
  return { theirs, idRoutes, otherProbes };
}

// --- the admission pipeline (applicants) ---

const pdfBytes = Buffer.from('%PDF-1.4\n% authorization table\n%%EOF\n');

/** multipart/form-data with the text field `stage` and one PDF, as the web app uploads a document. */
function documentUpload(applicantId: number): InjectOptions {
  const boundary = '----tuanjianApplicantDocument';
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="stage"\r\n\r\napplied\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="申请书.pdf"\r\n` +
    'Content-Type: application/pdf\r\n\r\n';
  return {
    method: 'POST',
    url: `/api/applicants/${applicantId}/documents`,
    payload: Buffer.concat([Buffer.from(head), pdfBytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function applicantRows({ ctx }: PeopleTableEnv, branchOf: (where: Where) => Branch) {
  const today = chinaToday();
  const fresh = (where: Where, input: Parameters<typeof makeApplicant>[1] = {}) =>
    makeApplicant(ctx, { org: branchOf(where), ...input });
  const activists = {
    inside: await fresh('inside', { stage: 'activist' }),
    outside: await fresh('outside', { stage: 'activist' }),
  };
  const documents = {
    inside: await makeApplicantDocument(ctx, activists.inside),
    outside: await makeApplicantDocument(ctx, activists.outside),
  };
  const introducers = {
    inside: [await makeMember(ctx, { org: branchOf('inside') }), await makeMember(ctx, { org: branchOf('inside') })],
    outside: [await makeMember(ctx, { org: branchOf('outside') }), await makeMember(ctx, { org: branchOf('outside') })],
  };
  const step = (path: string, payload: object, applicant: (where: Where) => Promise<{ id: number }>) =>
    scoped(actCells, async (c, where) => post(c, `/api/applicants/${(await applicant(where)).id}/${path}`, payload));

  return {
    'GET /api/applicants': scoped(readCells, (c, where) => get(`/api/applicants?orgId=${branchOf(where).id}`)(c)),
    'POST /api/applicants': scoped(writeCells, (c, where) =>
      post(c, '/api/applicants', {
        orgId: branchOf(where).id,
        fullName: '表格申请人',
        idNumber: nextIdNumber(),
        appliedOn: addDays(today, -30),
      }),
    ),
    // The county's admin sees the parent (townA1) of the inside branch: it decides; the editor holds no people.approve.
    'POST /api/applicants/approve': scoped(decideCells, async (c, where) =>
      post(c, '/api/applicants/approve', { ids: [(await fresh(where, { stage: 'voted' })).id], approvedOn: today }),
    ),
    'GET /api/applicants/:id': scoped(readCells, (c, where) => get(`/api/applicants/${activists[where].id}`)(c)),
    'POST /api/applicants/:id/talk': step('talk', { talkedOn: today }, (where) => fresh(where)),
    'POST /api/applicants/:id/activist': step('activist', { activistOn: today }, (where) =>
      fresh(where, { dates: { talkedOn: addDays(today, -300) } }),
    ),
    'POST /api/applicants/:id/lectures': step(
      'lectures',
      { heldOn: today, title: '团课', hours: 1 },
      async (where) => activists[where],
    ),
    'POST /api/applicants/:id/candidate': step('candidate', { candidateOn: today }, (where) =>
      fresh(where, { stage: 'activist', lectureHours: 8 }),
    ),
    'POST /api/applicants/:id/vote': scoped(actCells, async (c, where) =>
      post(c, `/api/applicants/${(await fresh(where, { stage: 'candidate' })).id}/vote`, {
        introducer1Id: introducers[where][0].id,
        introducer2Id: introducers[where][1].id,
        voteOn: today,
        votersDue: 5,
        votersPresent: 5,
        votesFor: 5,
      }),
    ),
    'POST /api/applicants/:id/reject': scoped(decideCells, async (c, where) =>
      post(c, `/api/applicants/${(await fresh(where, { stage: 'voted' })).id}/reject`, { reason: '材料不全' }),
    ),
    'POST /api/applicants/:id/ceremony': step('ceremony', { ceremonyOn: today }, (where) =>
      fresh(where, { stage: 'admitted' }),
    ),
    'POST /api/applicants/:id/withdraw': step('withdraw', { reason: '本人撤回' }, (where) => fresh(where)),
    'POST /api/applicants/:id/documents': scoped(writeCells, (c, where) =>
      c.request(documentUpload(activists[where].id)),
    ),
    'GET /api/applicant-documents/:id': scoped(readCells, (c, where) =>
      get(`/api/applicant-documents/${documents[where]}`)(c),
    ),
    'GET /api/orgs/:id/pipeline': scoped(readCells, (c, where) => get(`/api/orgs/${branchOf(where).id}/pipeline`)(c)),
  };
}

async function applicantIdProbes(ctx: TestContext, tree: Tree, theirBranch: Branch) {
  const today = chinaToday();
  const theirApplicant = await makeApplicant(ctx, { org: theirBranch, stage: 'voted' });
  const theirs = {
    applicant: theirApplicant.id,
    applicantDocument: await makeApplicantDocument(ctx, theirApplicant),
  };
  const ownBranch = await makeBranch(ctx, { parent: tree.townA1 });
  const ownCandidate = await makeApplicant(ctx, { org: ownBranch, stage: 'candidate' });
  const ownIntroducers = [await makeMember(ctx, { org: ownBranch }), await makeMember(ctx, { org: ownBranch })];
  const onApplicant = (path: string, payload: object): IdProbe => ({
    kind: 'applicant',
    request: (id) => ({ method: 'POST', url: `/api/applicants/${id}/${path}`, payload }),
  });
  const idRoutes: Record<string, IdProbe> = {
    'GET /api/applicants/:id': {
      kind: 'applicant',
      request: (id) => ({ method: 'GET', url: `/api/applicants/${id}` }),
    },
    'POST /api/applicants/:id/talk': onApplicant('talk', { talkedOn: today }),
    'POST /api/applicants/:id/activist': onApplicant('activist', { activistOn: today }),
    'POST /api/applicants/:id/lectures': onApplicant('lectures', { heldOn: today, title: '团课', hours: 1 }),
    'POST /api/applicants/:id/candidate': onApplicant('candidate', { candidateOn: today }),
    'POST /api/applicants/:id/vote': onApplicant('vote', {
      introducer1Id: ownIntroducers[0].id,
      introducer2Id: ownIntroducers[1].id,
      voteOn: today,
      votersDue: 5,
      votersPresent: 5,
      votesFor: 5,
    }),
    'POST /api/applicants/:id/reject': onApplicant('reject', { reason: '材料不全' }),
    'POST /api/applicants/:id/ceremony': onApplicant('ceremony', { ceremonyOn: today }),
    'POST /api/applicants/:id/withdraw': onApplicant('withdraw', { reason: '本人撤回' }),
    'POST /api/applicants/:id/documents': { kind: 'applicant', request: documentUpload },
    'GET /api/applicant-documents/:id': {
      kind: 'applicantDocument',
      request: (id) => ({ method: 'GET', url: `/api/applicant-documents/${id}` }),
    },
    'GET /api/orgs/:id/pipeline': {
      kind: 'branch',
      request: (id) => ({ method: 'GET', url: `/api/orgs/${id}/pipeline` }),
    },
  };
  const otherProbes: Record<string, IdProbe> = {
    'POST /api/applicants orgId': {
      kind: 'branch',
      request: (id) => ({
        method: 'POST',
        url: '/api/applicants',
        payload: { orgId: id, fullName: '探测', idNumber: nextIdNumber(), appliedOn: addDays(today, -30) },
      }),
    },
    'GET /api/applicants?orgId': {
      kind: 'branch',
      request: (id) => ({ method: 'GET', url: `/api/applicants?orgId=${id}` }),
    },
    'POST /api/applicants/approve ids': {
      kind: 'applicant',
      request: (id) => ({ method: 'POST', url: '/api/applicants/approve', payload: { ids: [id], approvedOn: today } }),
    },
    'POST /api/applicants/:id/vote introducer1Id': {
      kind: 'member',
      request: (id) => ({
        method: 'POST',
        url: `/api/applicants/${ownCandidate.id}/vote`,
        payload: {
          introducer1Id: id,
          introducer2Id: ownIntroducers[1].id,
          voteOn: today,
          votersDue: 5,
          votersPresent: 5,
          votesFor: 5,
        },
      }),
    },
  };
  return { theirs, idRoutes, otherProbes };
}
