import type { InjectOptions } from 'fastify';
import { makeTree } from '../../test/factories.js';
import type { TestContext } from '../../test/harness.js';
import { get, plain, scoped, type Row, type Where } from '../../test/authorization-kit.js';
import { makeBranch, makeMember, nextIdNumber } from '../../test/people-factories.js';

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
  const theirs = {
    branch: theirBranch.id,
    member: (await makeMember(ctx, { org: theirBranch })).id,
  };
  return {
    theirs,
    idRoutes: {
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
