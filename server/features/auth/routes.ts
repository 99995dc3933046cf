import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { changePasswordBody, loginBody, okResponse, sessionResponse } from '../../../common/auth.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/schema.js';
import { requireActor } from '../../http/actor.js';
import { clearSessionCookie, sessionToken, setSessionCookie } from '../../http/guard.js';
import { changePassword, hashToken, login, logout, sessionPayload } from './service.js';
import { findUserById } from '../users/repo.js';
import { notFound } from '../../http/errors.js';

export function authRoutes(deps: { db: Db; config: Config }): FastifyPluginAsyncZod {
  const { db, config } = deps;
  return async (app) => {
    app.post(
      '/api/auth/login',
      {
        schema: { tags: ['auth'], summary: '登录', body: loginBody, response: { 200: sessionResponse } },
        config: { permission: 'public', rateLimit: { max: config.loginRateLimit, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const previous = sessionToken(request);
        const session = await login({
          db,
          policy: config,
          username: request.body.username,
          password: request.body.password,
          ip: request.ip,
          previousSessionHash: previous ? hashToken(previous) : null,
        });
        setSessionCookie(request, reply, session.token);
        return sessionPayload(session);
      },
    );

    app.post(
      '/api/auth/logout',
      {
        schema: { tags: ['auth'], summary: '退出登录', response: { 200: okResponse } },
        config: { permission: 'authenticated', allowBeforePasswordChange: true },
      },
      async (request, reply) => {
        await logout(db, requireActor(request.actor));
        clearSessionCookie(request, reply);
        return { ok: true as const };
      },
    );

    app.get(
      '/api/auth/me',
      {
        schema: { tags: ['auth'], summary: '当前用户', response: { 200: sessionResponse } },
        config: { permission: 'authenticated', allowBeforePasswordChange: true },
      },
      async (request) => {
        const actor = requireActor(request.actor);
        const user = await findUserById(db, actor.userId);
        if (!user) throw notFound('用户');
        return sessionPayload({ user, csrfToken: actor.csrfToken });
      },
    );

    app.post(
      '/api/auth/password',
      {
        schema: { tags: ['auth'], summary: '修改密码', body: changePasswordBody, response: { 200: sessionResponse } },
        config: { permission: 'authenticated', allowBeforePasswordChange: true },
      },
      async (request, reply) => {
        const session = await changePassword({
          db,
          policy: config,
          actor: requireActor(request.actor),
          currentPassword: request.body.currentPassword,
          newPassword: request.body.newPassword,
        });
        setSessionCookie(request, reply, session.token);
        return sessionPayload(session);
      },
    );
  };
}
