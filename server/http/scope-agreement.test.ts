import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Role } from '../../common/domain.js';
import { loginAsFrom, seededRandom } from '../../test/clients.js';
import { makeOrg, makeUser, type Client } from '../../test/factories.js';
import { createTestContext } from '../../test/harness.js';
import { makeMember } from '../../test/people-factories.js';
import type { OrgRow } from '../features/orgs/repo.js';

// security.md: "the list filter and the single-object check agree". Lists filter in SQL on a path range; the
// single-object checks compare paths in code. A random tree whose ids share decimal prefixes (/2/ and /23/) is
// where the two drift apart. The oracle is the generator's own parent map, never the server's paths, and the
// seed is fixed (PROPERTY_SEED overrides it) so that a failure replays.

const seed = Number(process.env.PROPERTY_SEED ?? 20240611);
const random = seededRandom(seed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const ctx = await createTestContext();

const syllables = ['东', '西', '南', '北', '中'];
const orgs = new Map<number, OrgRow>();
const dissolved = new Set<number>();
const userOrg = new Map<number, number>();
const moves = new Map<number, { orgId: number; fromId: number; toId: number }>();

const parentId = (id: number) => orgs.get(id)!.parent_id;
function isWithin(id: number, topId: number): boolean {
  for (let at: number | null = id; at !== null; at = parentId(at)) if (at === topId) return true;
  return false;
}
const sees = (scope: number | null, id: number) => scope === null || isWithin(id, scope);

// Two provinces, then 58 orgs under random committees: depth up to 5 (province … village), villages are branches.
for (let i = 0; orgs.size < 60; i++) {
  const committees = [...orgs.values()].filter((o) => o.depth < 4);
  const parent = orgs.size < 2 ? undefined : pick(committees);
  const org = await makeOrg(ctx, { parent, name: `${pick(syllables)}${pick(syllables)}${i}团委` });
  orgs.set(org.id, org);
}
const hasChildren = (id: number) => [...orgs.values()].some((o) => o.parent_id === id);
for (const org of [...orgs.values()].filter((o) => !hasChildren(o.id) && random() < 0.25)) {
  await ctx.db
    .updateTable('orgs')
    .set({ status: 'dissolved', dissolved_at: new Date().toISOString() })
    .where('id', '=', org.id)
    .execute();
  dissolved.add(org.id);
}
const active = [...orgs.values()].filter((o) => !dissolved.has(o.id));
for (let i = 0; i < 20; i++) {
  const org = pick(active);
  userOrg.set((await makeUser(ctx, { role: 'inspector', org, username: `prop${i}x${seed % 1000}` })).id, org.id);
}
// Pending moves, requested by an operator who is not among the actors below.
const requester = await loginAsFrom(ctx, 'system_admin');
for (let tries = 0; moves.size < 8 && tries < 200; tries++) {
  const org = pick(active);
  const target = pick(active);
  const busy = [...moves.values()].some((m) => m.orgId === org.id);
  if (org.parent_id === null || busy || target.depth >= 4 || target.depth >= org.depth) continue;
  if (target.id === org.parent_id || isWithin(target.id, org.id)) continue;
  const response = await requester.post(`/api/orgs/${org.id}/moves`, { toParentId: target.id, reason: '随机调整' });
  assert.equal(response.statusCode, 201, response.body);
  moves.set(response.json<{ id: number }>().id, { orgId: org.id, fromId: org.parent_id, toId: target.id });
}

// Members in random orgs (written directly: the property is about scoping, not about where members may live).
const memberOrg = new Map<number, number>();
for (let i = 0; i < 16; i++) {
  const org = pick([...orgs.values()]);
  memberOrg.set((await makeMember(ctx, { org })).id, org.id);
}

type Actor = { role: Role; scope: number | null; client: Client };
const actors: Actor[] = [{ role: 'system_admin', scope: null, client: await loginAsFrom(ctx, 'system_admin') }];
for (let i = 0; i < 8; i++) {
  const role: Role = (['org_admin', 'inspector', 'org_editor'] as const)[i % 3];
  const org = pick(active.filter((o) => o.depth < 4));
  actors.push({ role, scope: org.id, client: await loginAsFrom(ctx, role, org) });
}

const sorted = (ids: Iterable<number>) => [...ids].sort((a, b) => a - b);
const label = (actor: Actor) => `${actor.role}@${actor.scope ?? 'all'} (seed ${seed})`;

test('ids of orgs in the random tree share decimal prefixes, the case a path-prefix filter gets wrong', () => {
  const ids = [...orgs.keys()].map(String);
  assert.ok(ids.some((a) => ids.some((b) => a !== b && b.startsWith(a))));
  // And the run exercises every kind of record, so a seed that happens to build nothing cannot pass quietly.
  assert.ok(dissolved.size >= 1 && moves.size >= 4, `dissolved ${dissolved.size}, moves ${moves.size}`);
  assert.ok(
    actors.some((a) => a.role === 'org_admin' && a.scope !== null),
    'at least one scoped org admin',
  );
});

for (const [index, actor] of actors.entries()) {
  test(`list filters agree with single-object checks: actor ${index} ${actor.role}`, async () => {
    const expected = sorted([...orgs.keys()].filter((id) => sees(actor.scope, id)));
    const single: number[] = [];
    for (const id of orgs.keys()) {
      const status = (await actor.client.get(`/api/orgs/${id}`)).statusCode;
      assert.ok(status === 200 || status === 404, `${label(actor)} GET /api/orgs/${id}: ${status}`);
      if (status === 200) single.push(id);
    }
    assert.deepEqual(sorted(single), expected, `single-object check vs the tree, ${label(actor)}`);

    for (const syllable of syllables) {
      const response = await actor.client.get(`/api/orgs/search?q=${encodeURIComponent(syllable)}&limit=50`);
      const items = response.json<{ items: { id: number }[] }>().items;
      assert.ok(items.length < 50, 'a truncated search would prove nothing');
      const wanted = expected.filter((id) => !dissolved.has(id) && orgs.get(id)!.name.includes(syllable));
      assert.deepEqual(
        sorted(items.map((o) => o.id).filter((id) => orgs.has(id))),
        wanted,
        `search “${syllable}”, ${label(actor)}`,
      );
    }

    // Walking the listings down from the roots reaches exactly what the single check allows.
    const reached = new Set<number>();
    const queue = (await actor.client.get('/api/orgs/roots'))
      .json<{ items: { id: number }[] }>()
      .items.map((o) => o.id);
    while (queue.length > 0) {
      const id = queue.shift()!;
      if (reached.has(id)) continue;
      reached.add(id);
      const children = await actor.client.get(`/api/orgs/${id}/children?includeDissolved=true&limit=500`);
      assert.equal(children.statusCode, 200, `${label(actor)} children of ${id}`);
      queue.push(...children.json<{ items: { id: number }[] }>().items.map((o) => o.id));
    }
    assert.deepEqual(sorted([...reached].filter((id) => orgs.has(id))), expected, `listings, ${label(actor)}`);

    // Members: the register's list against the single-record check; the system admin reads neither.
    const memberList = await actor.client.get('/api/members?pageSize=100');
    if (actor.role === 'system_admin') {
      assert.equal(memberList.statusCode, 403);
    } else {
      const expectedMembers = sorted([...memberOrg].filter(([, orgId]) => sees(actor.scope, orgId)).map(([id]) => id));
      const listedMembers = memberList.json<{ items: { id: number }[] }>().items.map((m) => m.id);
      const readable: number[] = [];
      for (const id of memberOrg.keys()) {
        const status = (await actor.client.get(`/api/members/${id}`)).statusCode;
        assert.ok(status === 200 || status === 404, `${label(actor)} GET /api/members/${id}: ${status}`);
        if (status === 200) readable.push(id);
      }
      assert.deepEqual(sorted(listedMembers), expectedMembers, `member list, ${label(actor)}`);
      assert.deepEqual(sorted(readable), expectedMembers, `member single check, ${label(actor)}`);
    }

    const manages = actor.role === 'org_admin' || actor.role === 'system_admin';
    const users = await actor.client.get('/api/users?q=prop&limit=200');
    const moveList = await actor.client.get('/api/org-moves?scope=all');
    if (!manages) {
      assert.deepEqual([users.statusCode, moveList.statusCode], [403, 403]);
      return;
    }
    // Users: the list against a no-op edit, which answers 200 for a visible user and 404 otherwise.
    const expectedUsers = sorted([...userOrg].filter(([, orgId]) => sees(actor.scope, orgId)).map(([id]) => id));
    const listedUsers = users
      .json<{ items: { id: number }[] }>()
      .items.map((u) => u.id)
      .filter((id) => userOrg.has(id));
    const editable: number[] = [];
    for (const id of userOrg.keys()) {
      const name = (
        await ctx.db.selectFrom('users').select('display_name').where('id', '=', id).executeTakeFirstOrThrow()
      ).display_name;
      const status = (await actor.client.patch(`/api/users/${id}`, { displayName: name })).statusCode;
      assert.ok(status === 200 || status === 404, `${label(actor)} PATCH /api/users/${id}: ${status}`);
      if (status === 200) editable.push(id);
    }
    assert.deepEqual(sorted(listedUsers), expectedUsers, `user list, ${label(actor)}`);
    assert.deepEqual(sorted(editable), expectedUsers, `user single check, ${label(actor)}`);

    // Moves: visible when the org, its old or its new parent is; cancelling someone else's request is then a
    // 403 that changes nothing, and an invisible one is a 404.
    const expectedMoves = sorted(
      [...moves].filter(([, m]) => [m.orgId, m.fromId, m.toId].some((id) => sees(actor.scope, id))).map(([id]) => id),
    );
    const listedMoves = moveList
      .json<{ items: { id: number }[] }>()
      .items.map((m) => m.id)
      .filter((id) => moves.has(id));
    const touchable: number[] = [];
    for (const id of moves.keys()) {
      const status = (await actor.client.post(`/api/org-moves/${id}/cancel`)).statusCode;
      assert.ok(status === 403 || status === 404, `${label(actor)} cancel move ${id}: ${status}`);
      if (status === 403) touchable.push(id);
    }
    assert.deepEqual(sorted(listedMoves), expectedMoves, `move list, ${label(actor)}`);
    assert.deepEqual(sorted(touchable), expectedMoves, `move single check, ${label(actor)}`);
  });
}
