import type { InjectOptions } from 'fastify';
import type { makeTree } from '../../test/factories.js';
import type { TestContext } from '../../test/harness.js';
import { get, scoped, type Row, type Where } from '../../test/authorization-kit.js';
import { multipartFile, pngBytes } from '../../test/ledger-factories.js';
import { makeBulletin, makeDelivery } from '../../test/publishing-factories.js';

// The publishing part of the authorization table (merged into server/http/authorization.test.ts): every
// /api/publishing route × every role × an object inside (under townA1) / outside (under townB1). publishing.read:
// org admin, editor, inspector; publishing.write: org admin, editor; publishing.approve: org admin. The three
// operators hold none of them. Every cell is written by hand.

type Tree = Awaited<ReturnType<typeof makeTree>>;
type Env = { ctx: TestContext; tree: Tree };

/** The cells of the three publishing permissions, shared with the WeChat rows (authorization-wechat.ts). */
export const read = {
  org_admin: [200, 404],
  org_editor: [200, 404],
  inspector: [200, 404],
  system_admin: [403, 403],
  security_admin: [403, 403],
  audit_admin: [403, 403],
  anonymous: [401, 401],
} as const;
export const write = (ok: number) =>
  ({
    org_admin: [ok, 404],
    org_editor: [ok, 404],
    inspector: [403, 403],
    system_admin: [403, 403],
    security_admin: [403, 403],
    audit_admin: [403, 403],
    anonymous: [401, 401],
  }) as const;
const approve = {
  org_admin: [200, 404],
  org_editor: [403, 403],
  inspector: [403, 403],
  system_admin: [403, 403],
  security_admin: [403, 403],
  audit_admin: [403, 403],
  anonymous: [401, 401],
} as const;

const bulletinBody = (orgId: number) => ({
  orgId,
  kind: 'article',
  title: '表格稿件',
  contentHtml: '<p>正文</p>',
  targets: [{ kind: 'web' }],
});
/** What an update sends: the org and kind of a bulletin are fixed when it is created. */
const updateBody = { title: '表格稿件', contentHtml: '<p>正文</p>', targets: [{ kind: 'web' }] };
const future = () => new Date(Date.now() + 86400_000).toISOString();

export async function publishingRows({ ctx, tree }: Env): Promise<Record<string, Row>> {
  const org = (where: Where) => (where === 'inside' ? tree.townA1 : tree.townB1);
  const bulletins = { inside: await makeBulletin(ctx, tree.townA1), outside: await makeBulletin(ctx, tree.townB1) };
  const approved = {
    inside: await makeBulletin(ctx, tree.townA1, { status: 'approved' }),
    outside: await makeBulletin(ctx, tree.townB1, { status: 'approved' }),
  };
  const fresh = (where: Where, status: 'draft' | 'in_review' | 'approved') =>
    makeBulletin(ctx, org(where), { status, sendAt: status === 'approved' ? future() : null });
  const deliveries = {
    inside: await makeDelivery(ctx, tree.townA1, 'sent'),
    outside: await makeDelivery(ctx, tree.townB1, 'sent'),
  };
  const series = async (where: Where) => {
    const [row] = await ctx.db
      .insertInto('bulletin_series')
      .values({
        org_id: org(where).id,
        name: '表格手机报',
        cron: '0 9 * * 1',
        targets: '[{"kind":"web"}]',
        active: 1,
        created_by: null,
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .returning('id')
      .execute();
    return row.id;
  };
  const seriesOf = { inside: await series('inside'), outside: await series('outside') };

  return {
    'GET /api/publishing/bulletins': scoped(read, (c, where) =>
      get(`/api/publishing/bulletins?orgId=${org(where).id}`)(c),
    ),
    'GET /api/publishing/bulletins/:id': scoped(read, (c, where) =>
      get(`/api/publishing/bulletins/${bulletins[where]}`)(c),
    ),
    'POST /api/publishing/bulletins': scoped(write(201), (c, where) =>
      c.request({ method: 'POST', url: '/api/publishing/bulletins', payload: bulletinBody(org(where).id) }),
    ),
    'PUT /api/publishing/bulletins/:id': scoped(write(200), async (c, where) =>
      c.request({
        method: 'PUT',
        url: `/api/publishing/bulletins/${await fresh(where, 'draft')}`,
        payload: updateBody,
      }),
    ),
    'POST /api/publishing/bulletins/:id/submit': scoped(write(200), async (c, where) =>
      c.request({ method: 'POST', url: `/api/publishing/bulletins/${await fresh(where, 'draft')}/submit` }),
    ),
    'POST /api/publishing/bulletins/:id/approve': scoped(approve, async (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/publishing/bulletins/${await fresh(where, 'in_review')}/approve`,
        payload: {},
      }),
    ),
    'POST /api/publishing/bulletins/:id/reject': scoped(approve, async (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/publishing/bulletins/${await fresh(where, 'in_review')}/reject`,
        payload: { note: '请修改' },
      }),
    ),
    'POST /api/publishing/bulletins/:id/withdraw': scoped(approve, async (c, where) =>
      c.request({ method: 'POST', url: `/api/publishing/bulletins/${await fresh(where, 'approved')}/withdraw` }),
    ),
    'POST /api/publishing/images': scoped(write(201), (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/publishing/images?orgId=${org(where).id}`,
        ...multipartFile(pngBytes(`table-${where}-${Math.random()}`), '图片.png'),
      }),
    ),
    'GET /api/publishing/target-channels': scoped(read, (c, where) =>
      get(`/api/publishing/target-channels?orgId=${org(where).id}`)(c),
    ),
    'GET /api/publishing/series': scoped(read, (c, where) => get(`/api/publishing/series?orgId=${org(where).id}`)(c)),
    'POST /api/publishing/series': scoped(write(201), (c, where) =>
      c.request({
        method: 'POST',
        url: '/api/publishing/series',
        payload: { orgId: org(where).id, name: '表格手机报', cron: '0 8 * * *', targets: [{ kind: 'web' }] },
      }),
    ),
    'PUT /api/publishing/series/:id': scoped(write(200), (c, where) =>
      c.request({ method: 'PUT', url: `/api/publishing/series/${seriesOf[where]}`, payload: { name: '改名手机报' } }),
    ),
    'POST /api/publishing/series/:id/issues': scoped(write(201), (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/publishing/series/${seriesOf[where]}/issues`,
        payload: { articleIds: [approved[where]] },
      }),
    ),
    'GET /api/publishing/calendar': scoped(read, (c, where) =>
      get(`/api/publishing/calendar?orgId=${org(where).id}&from=2026-01-01&to=2026-01-31`)(c),
    ),
    'GET /api/publishing/weekly-posts': scoped(read, (c, where) =>
      get(`/api/publishing/weekly-posts?orgId=${org(where).id}`)(c),
    ),
    'GET /api/publishing/deliveries': scoped(read, (c, where) =>
      get(`/api/publishing/deliveries?orgId=${org(where).id}`)(c),
    ),
    'GET /api/publishing/deliveries/:id': scoped(read, (c, where) =>
      get(`/api/publishing/deliveries/${deliveries[where]}`)(c),
    ),
    'POST /api/publishing/deliveries/:id/retry': scoped(approve, async (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/publishing/deliveries/${await makeDelivery(ctx, org(where), 'failed')}/retry`,
      }),
    ),
    'POST /api/publishing/deliveries/:id/resolve': scoped(approve, async (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/publishing/deliveries/${await makeDelivery(ctx, org(where), 'uncertain')}/resolve`,
        payload: { sent: true },
      }),
    ),
  };
}

type Probe = { kind: string; request: (id: number) => InjectOptions };

/** Another township's bulletin, series and delivery: each must answer exactly like a missing id. */
export async function publishingIdProbes({ ctx, tree }: Env): Promise<{
  theirs: Record<string, number>;
  idRoutes: Record<string, Probe>;
}> {
  const bulletin = await makeBulletin(ctx, tree.townA2, { status: 'in_review' });
  const [series] = await ctx.db
    .insertInto('bulletin_series')
    .values({
      org_id: tree.townA2.id,
      name: '邻镇手机报',
      cron: '0 9 * * 1',
      targets: '[]',
      active: 1,
      created_by: null,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    })
    .returning('id')
    .execute();
  const delivery = await makeDelivery(ctx, tree.townA2, 'uncertain');
  const b = (suffix: string, payload?: object): Probe => ({
    kind: 'bulletin',
    request: (id) => ({
      method: suffix === '' ? 'GET' : 'POST',
      url: `/api/publishing/bulletins/${id}${suffix}`,
      ...(payload ? { payload } : {}),
    }),
  });
  return {
    theirs: { bulletin, series: series.id, delivery },
    idRoutes: {
      'GET /api/publishing/bulletins/:id': b(''),
      'PUT /api/publishing/bulletins/:id': {
        kind: 'bulletin',
        request: (id) => ({ method: 'PUT', url: `/api/publishing/bulletins/${id}`, payload: updateBody }),
      },
      'POST /api/publishing/bulletins/:id/submit': b('/submit'),
      'POST /api/publishing/bulletins/:id/approve': b('/approve', {}),
      'POST /api/publishing/bulletins/:id/reject': b('/reject', { note: '探测' }),
      'POST /api/publishing/bulletins/:id/withdraw': b('/withdraw'),
      'PUT /api/publishing/series/:id': {
        kind: 'series',
        request: (id) => ({ method: 'PUT', url: `/api/publishing/series/${id}`, payload: { name: '探测' } }),
      },
      'POST /api/publishing/series/:id/issues': {
        kind: 'series',
        request: (id) => ({ method: 'POST', url: `/api/publishing/series/${id}/issues`, payload: { articleIds: [1] } }),
      },
      'GET /api/publishing/deliveries/:id': {
        kind: 'delivery',
        request: (id) => ({ method: 'GET', url: `/api/publishing/deliveries/${id}` }),
      },
      'POST /api/publishing/deliveries/:id/retry': {
        kind: 'delivery',
        request: (id) => ({ method: 'POST', url: `/api/publishing/deliveries/${id}/retry` }),
      },
      'POST /api/publishing/deliveries/:id/resolve': {
        kind: 'delivery',
        request: (id) => ({ method: 'POST', url: `/api/publishing/deliveries/${id}/resolve`, payload: { sent: true } }),
      },
    },
  };
}
