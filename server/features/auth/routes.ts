import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  changePasswordBody,
  loginBody,
  loginResponse,
  okResponse,
  sessionResponse,
  totpConfirmBody,
  totpEnrolment,
  totpLoginBody,
} from '../../../common/auth.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/schema.js';
import { requireActor } from '../../http/actor.js';
import { clearSessionCookie, sessionToken, setSessionCookie } from '../../http/guard.js';
import { notFound } from '../../http/errors.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { findUserById } from '../users/repo.js';
import { confirmEnrolment, startEnrolment } from './second-factor.js';
import { changePassword, login, loginWithCode } from './service.js';
import { hashToken, logout, sessionPayload } from './sessions.js';

const tags = ['auth'];

export function authRoutes(deps: { db: Db; config: Config; keyring: Keyring }): FastifyPluginAsyncZod {
  const { db, config, keyring } = deps;
  const loginLimit = { max: config.loginRateLimit, timeWindow: '1 minute' };
  return async (app) => {
    app.post(
      '/api/auth/login',
      {
        schema: { tags, summary: '登录（第一步：用户名和密码）', body: loginBody, response: { 200: loginResponse } },
        config: { permission: 'public', rateLimit: loginLimit },
      },
      async (request, reply) => {
        const previous = sessionToken(request);
        const result = await login({
          db,
          policy: config,
          username: request.body.username,
          password: request.body.password,
          ip: request.ip,
          previousSessionHash: previous ? hashToken(previous) : null,
        });
        if (result.kind === 'totp_required') {
          return { status: 'totp_required' as const, pendingToken: result.pendingToken, expiresAt: result.expiresAt };
        }
        setSessionCookie(request, reply, result.session.token);
        return sessionPayload(result.session, config);
      },
    );

    app.post(
      '/api/auth/login/totp',
      {
        schema: {
          tags,
          summary: '登录（第二步：动态验证码）',
          body: totpLoginBody,
          response: { 200: sessionResponse },
        },
        config: { permission: 'public', rateLimit: loginLimit },
      },
      async (request, reply) => {
        const previous = sessionToken(request);
        const session = await loginWithCode({
          db,
          policy: config,
          keyring,
          pendingToken: request.body.pendingToken,
          code: request.body.code,
          ip: request.ip,
          previousSessionHash: previous ? hashToken(previous) : null,
        });
        setSessionCookie(request, reply, session.token);
        return sessionPayload(session, config);
      },
    );

    app.post(
      '/api/auth/logout',
      {
        schema: { tags, summary: '退出登录', response: { 200: okResponse } },
        config: { permission: 'authenticated', allowBeforePasswordChange: true, allowBeforeTotpEnrolment: true },
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
        schema: { tags, summary: '当前用户', response: { 200: sessionResponse } },
        config: { permission: 'authenticated', allowBeforePasswordChange: true, allowBeforeTotpEnrolment: true },
      },
      async (request) => {
        const actor = requireActor(request.actor);
        const user = await findUserById(db, actor.userId);
        if (!user) throw notFound('用户');
        return sessionPayload({ user, csrfToken: actor.csrfToken }, config);
      },
    );

    app.post(
      '/api/auth/password',
      {
        schema: { tags, summary: '修改密码', body: changePasswordBody, response: { 200: sessionResponse } },
        config: { permission: 'authenticated', allowBeforePasswordChange: true, allowBeforeTotpEnrolment: true },
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
        return sessionPayload(session, config);
      },
    );

    app.post(
      '/api/auth/totp/enrolment',
      {
        schema: { tags, summary: '开始设置两步验证（二维码与密钥）', response: { 200: totpEnrolment } },
        config: { permission: 'authenticated', allowBeforeTotpEnrolment: true },
      },
      async (request, reply) => {
        // The secret is shown once, while enrolling: no cache keeps a copy.
        reply.header('cache-control', 'no-store');
        return startEnrolment({ db, keyring, policy: config, actor: requireActor(request.actor) });
      },
    );

    app.post(
      '/api/auth/totp/confirm',
      {
        schema: {
          tags,
          summary: '用第一个验证码确认两步验证',
          body: totpConfirmBody,
          response: { 200: sessionResponse },
        },
        config: { permission: 'authenticated', allowBeforeTotpEnrolment: true },
      },
      async (request, reply) => {
        const session = await confirmEnrolment({
          db,
          keyring,
          policy: config,
          actor: requireActor(request.actor),
          code: request.body.code,
        });
        setSessionCookie(request, reply, session.token);
        return sessionPayload(session, config);
      },
    );
  };
}
