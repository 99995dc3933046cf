import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/schema.js';
import { resolveSession } from '../features/auth/sessions.js';
import { actorCan, type RoutePermission } from './actor.js';
import { AppError } from './errors.js';

export type RouteEntry = { method: string; url: string; permission: RoutePermission };

const plainCookie = 'tj_sid';
const hostCookie = '__Host-tj_sid';
/** The login request carries this value in x-csrf-token: a custom header no cross-site form can send. */
export const loginCsrfValue = 'login';

export function sessionCookieName(request: FastifyRequest): string {
  return request.protocol === 'https' ? hostCookie : plainCookie;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = request.protocol === 'https';
  reply.setCookie(sessionCookieName(request), token, { path: '/', httpOnly: true, sameSite: 'strict', secure });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName(request), { path: '/' });
}

export function sessionToken(request: FastifyRequest): string | null {
  return request.cookies[hostCookie] ?? request.cookies[plainCookie] ?? null;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  return origin === `${request.protocol}://${request.host}`;
}

/**
 * Every route declares its permission (a route without one stops the server from starting); this hook
 * authenticates, checks CSRF on state changes, and checks the route permission before any handler runs.
 * Object-level subtree checks happen in the services.
 */
export function registerGuard(app: FastifyInstance, deps: { db: Db; config: Config; routes: RouteEntry[] }): void {
  app.decorateRequest('actor', null);

  app.addHook('onRoute', (route) => {
    // Static files of the web app and the API explorer are public; every other /api route must say.
    const isApi = route.url.startsWith('/api/') && !route.url.startsWith('/api/docs');
    const permission = route.config?.permission ?? (isApi ? undefined : 'public');
    if (!permission) throw new Error(`route ${String(route.method)} ${route.url} declares no permission`);
    route.config = { ...route.config, permission };
    if (!isApi) return;
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') deps.routes.push({ method, url: route.url, permission });
    }
  });

  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission ?? 'public';
    const token = sessionToken(request);
    if (token) {
      request.actor = await resolveSession({ db: deps.db, policy: deps.config, token, ip: request.ip });
    }
    // Without a session a protected route answers 401 first, so an expired session leads back to the login page.
    if (permission !== 'public' && !request.actor) throw new AppError('unauthenticated', 401, '请先登录');
    const exempt = permission === 'public' && request.routeOptions.config.csrfExempt === true;
    if (!safeMethods.has(request.method) && !exempt) {
      const header = request.headers['x-csrf-token'];
      const valid =
        (permission === 'public' && header === loginCsrfValue) ||
        (request.actor !== null && header === request.actor.csrfToken);
      if (!sameOrigin(request) || !valid) {
        throw new AppError('csrf_failed', 403, '请求来源校验失败，请刷新页面后重试');
      }
    }
    const actor = request.actor;
    if (permission === 'public' || !actor) return;
    if (actor.mustChangePassword && !request.routeOptions.config.allowBeforePasswordChange) {
      throw new AppError('password_change_required', 403, '首次登录或密码已重置，请先修改密码');
    }
    if (actor.mustEnrolTotp && !request.routeOptions.config.allowBeforeTotpEnrolment) {
      throw new AppError('totp_enrolment_required', 403, '您的账户须先设置两步验证（手机动态验证码）才能继续使用');
    }
    if (permission !== 'authenticated' && !actorCan(actor, permission)) {
      throw new AppError('forbidden', 403, '没有执行此操作的权限');
    }
  });
}
