import type { InjectOptions } from 'fastify';
import { get, scoped, type Row, type Where } from '../../test/authorization-kit.js';
import type { makeTree } from '../../test/factories.js';
import type { TestContext } from '../../test/harness.js';
import { makeOfficialAccount, makeReply, makeScene } from '../features/wechat/test-kit.js';
import { read, write } from './authorization-publishing.js';

// The WeChat part of the authorization table (merged into server/http/authorization.test.ts): every route of
// server/features/wechat × every role × an official account inside (townA1) and outside (townB1) the org roles'
// subtree (they are held at countyA). Every cell is written by hand. Permissions: publishing.read (org admin, editor,
// inspector) reads settings, replies and QR codes; publishing.write (org admin, editor) manages replies and QR
// codes; publishing.approve (org admin) changes the credentials. The operators hold none of them.
// The QR-code creation cells ask for an org that has its code already, so that no call to WeChat is made; the tags and
// follower-sync cells use accounts without an AppSecret, so a request that passes authorization ends in 409 before
// any call to WeChat.

type Tree = Awaited<ReturnType<typeof makeTree>>;
export type WechatTableEnv = { ctx: TestContext; tree: Tree };
export type IdProbe = { kind: string; request: (id: number) => InjectOptions };

let counter = 0;

export async function wechatRows({ ctx, tree }: WechatTableEnv): Promise<Record<string, Row>> {
  const orgOf = (where: Where) => (where === 'inside' ? tree.townA1 : tree.townB1);
  const accounts = {
    inside: await makeOfficialAccount(ctx, { org: tree.townA1 }),
    outside: await makeOfficialAccount(ctx, { org: tree.townB1 }),
  };
  const scenes = {
    inside: await makeScene(ctx, accounts.inside.id, tree.townA1),
    outside: await makeScene(ctx, accounts.outside.id, tree.townB1),
  };
  const channel = (where: Where) => accounts[where].id;

  return {
    'GET /api/channels/:id/wechat': scoped(read, (c, where) => get(`/api/channels/${channel(where)}/wechat`)(c)),
    'PUT /api/channels/:id/wechat': scoped(
      {
        org_admin: [200, 404],
        org_editor: [403, 403],
        inspector: [403, 403],
        system_admin: [403, 403],
        security_admin: [403, 403],
        audit_admin: [403, 403],
        anonymous: [401, 401],
      },
      (c, where) =>
        c.request({
          method: 'PUT',
          url: `/api/channels/${channel(where)}/wechat`,
          payload: { callbackToken: `token${++counter}` },
        }),
    ),
    'GET /api/channels/:id/wechat/replies': scoped(read, (c, where) =>
      get(`/api/channels/${channel(where)}/wechat/replies`)(c),
    ),
    'POST /api/channels/:id/wechat/replies': scoped(write(201), (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/channels/${channel(where)}/wechat/replies`,
        payload: { trigger: 'keyword', matchKey: `关键词${++counter}`, replyText: '您好' },
      }),
    ),
    'DELETE /api/channels/:id/wechat/replies/:replyId': scoped(write(204), async (c, where) =>
      c.request({
        method: 'DELETE',
        url: `/api/channels/${channel(where)}/wechat/replies/${await makeReply(ctx, channel(where), 'click', `K${++counter}`, '菜单回复')}`,
      }),
    ),
    'GET /api/channels/:id/wechat/qr-scenes': scoped(read, (c, where) =>
      get(`/api/channels/${channel(where)}/wechat/qr-scenes`)(c),
    ),
    'POST /api/channels/:id/wechat/qr-scenes': scoped(write(200), (c, where) =>
      c.request({
        method: 'POST',
        url: `/api/channels/${channel(where)}/wechat/qr-scenes`,
        payload: { orgId: orgOf(where).id },
      }),
    ),
    'GET /api/wechat/qr-scenes/:id/qr.png': scoped(read, (c, where) =>
      get(`/api/wechat/qr-scenes/${scenes[where].id}/qr.png`)(c),
    ),
    'GET /api/channels/:id/wechat/tags': scoped(
      {
        org_admin: [409, 404],
        org_editor: [409, 404],
        inspector: [409, 404],
        system_admin: [403, 403],
        security_admin: [403, 403],
        audit_admin: [403, 403],
        anonymous: [401, 401],
      },
      (c, where) => get(`/api/channels/${channel(where)}/wechat/tags`)(c),
    ),
    'POST /api/channels/:id/wechat/sync-followers': scoped(write(409), (c, where) =>
      c.request({ method: 'POST', url: `/api/channels/${channel(where)}/wechat/sync-followers` }),
    ),
  };
}

/**
 * An official account of the neighbouring township (townA2) with a QR code, which a townA1 admin must not tell apart
 * from missing ones, and the probes of every WeChat route with an id.
 */
export async function wechatIdProbes({ ctx, tree }: WechatTableEnv): Promise<{
  theirs: Record<string, number>;
  idRoutes: Record<string, IdProbe>;
  otherProbes: Record<string, IdProbe>;
}> {
  const theirAccount = await makeOfficialAccount(ctx, { org: tree.townA2 });
  const ownAccount = await makeOfficialAccount(ctx, { org: tree.townA1 });
  const reply = await makeReply(ctx, theirAccount.id, 'keyword', '你好', '您好');
  const theirs = {
    officialAccount: theirAccount.id,
    qrScene: (await makeScene(ctx, theirAccount.id, tree.townA2)).id,
    wechatReply: reply,
  };
  return {
    theirs,
    idRoutes: {
      'GET /api/channels/:id/wechat': {
        kind: 'officialAccount',
        request: (id) => ({ method: 'GET', url: `/api/channels/${id}/wechat` }),
      },
      'PUT /api/channels/:id/wechat': {
        kind: 'officialAccount',
        request: (id) => ({ method: 'PUT', url: `/api/channels/${id}/wechat`, payload: { encryptionMode: 'plain' } }),
      },
      'GET /api/channels/:id/wechat/replies': {
        kind: 'officialAccount',
        request: (id) => ({ method: 'GET', url: `/api/channels/${id}/wechat/replies` }),
      },
      'POST /api/channels/:id/wechat/replies': {
        kind: 'officialAccount',
        request: (id) => ({
          method: 'POST',
          url: `/api/channels/${id}/wechat/replies`,
          payload: { trigger: 'subscribe', replyText: '欢迎关注' },
        }),
      },
      'DELETE /api/channels/:id/wechat/replies/:replyId': {
        kind: 'officialAccount',
        request: (id) => ({ method: 'DELETE', url: `/api/channels/${id}/wechat/replies/${reply}` }),
      },
      'GET /api/channels/:id/wechat/qr-scenes': {
        kind: 'officialAccount',
        request: (id) => ({ method: 'GET', url: `/api/channels/${id}/wechat/qr-scenes` }),
      },
      'POST /api/channels/:id/wechat/qr-scenes': {
        kind: 'officialAccount',
        request: (id) => ({
          method: 'POST',
          url: `/api/channels/${id}/wechat/qr-scenes`,
          payload: { orgId: tree.townA1.id },
        }),
      },
      'GET /api/wechat/qr-scenes/:id/qr.png': {
        kind: 'qrScene',
        request: (id) => ({ method: 'GET', url: `/api/wechat/qr-scenes/${id}/qr.png` }),
      },
      'GET /api/channels/:id/wechat/tags': {
        kind: 'officialAccount',
        request: (id) => ({ method: 'GET', url: `/api/channels/${id}/wechat/tags` }),
      },
      'POST /api/channels/:id/wechat/sync-followers': {
        kind: 'officialAccount',
        request: (id) => ({ method: 'POST', url: `/api/channels/${id}/wechat/sync-followers` }),
      },
    },
    otherProbes: {
      'POST /api/channels/:id/wechat/qr-scenes orgId': {
        kind: 'org',
        request: (id) => ({
          method: 'POST',
          url: `/api/channels/${ownAccount.id}/wechat/qr-scenes`,
          payload: { orgId: id },
        }),
      },
      // A reply of another account, through one's own account: answered like a missing reply.
      'DELETE /api/channels/:id/wechat/replies/:replyId replyId': {
        kind: 'wechatReply',
        request: (id) => ({ method: 'DELETE', url: `/api/channels/${ownAccount.id}/wechat/replies/${id}` }),
      },
    },
  };
}
