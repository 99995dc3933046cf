import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../../common/orgs.js';
import {
  createUserBody,
  endSessionsResponse,
  updateUserBody,
  userItem,
  userListQuery,
  userListResponse,
  userWithPassword,
} from '../../../common/users.js';
import type { Db } from '../../db/schema.js';
import { requireActor } from '../../http/actor.js';
import {
  createUser,
  endSessions,
  listVisibleUsers,
  resetPassword,
  resetTotp,
  unlockUser,
  updateUserAccount,
} from './service.js';

const tags = ['users'];

export function userRoutes({ db }: { db: Db }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/users',
      {
        schema: { tags, summary: '用户列表', querystring: userListQuery, response: { 200: userListResponse } },
        config: { permission: 'user.read' },
      },
      async (request) => listVisibleUsers(db, requireActor(request.actor), request.query),
    );

    app.post(
      '/api/users',
      {
        schema: {
          tags,
          summary: '新建用户（初始密码仅显示一次）',
          body: createUserBody,
          response: { 201: userWithPassword },
        },
        config: { permission: 'user.manage' },
      },
      async (request, reply) => reply.status(201).send(await createUser(db, requireActor(request.actor), request.body)),
    );

    app.patch(
      '/api/users/:id',
      {
        schema: { tags, summary: '修改用户', params: idParam, body: updateUserBody, response: { 200: userItem } },
        config: { permission: 'user.manage' },
      },
      async (request) => updateUserAccount(db, requireActor(request.actor), request.params.id, request.body),
    );

    app.post(
      '/api/users/:id/reset-password',
      {
        schema: { tags, summary: '重置密码', params: idParam, response: { 200: userWithPassword } },
        config: { permission: 'user.security' },
      },
      async (request) => resetPassword(db, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/users/:id/unlock',
      {
        schema: { tags, summary: '解锁账户', params: idParam, response: { 200: userItem } },
        config: { permission: 'user.security' },
      },
      async (request) => unlockUser(db, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/users/:id/reset-totp',
      {
        schema: { tags, summary: '重置两步验证（丢失手机时）', params: idParam, response: { 200: userItem } },
        config: { permission: 'user.security' },
      },
      async (request) => resetTotp(db, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/users/:id/end-sessions',
      {
        schema: { tags, summary: '结束该用户的所有会话', params: idParam, response: { 200: endSessionsResponse } },
        config: { permission: 'user.sessions' },
      },
      async (request) => endSessions(db, requireActor(request.actor), request.params.id),
    );
  };
}
