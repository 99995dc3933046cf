import type SQLite from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from './config.js';
import type { Db } from './db/schema.js';
import { auditRoutes } from './features/audit/routes.js';
import { authRoutes } from './features/auth/routes.js';
import { orgRoutes } from './features/orgs/routes.js';
import { userRoutes } from './features/users/routes.js';
import { activityRoutes } from './features/activities/routes.js';
import { applicantRoutes } from './features/applicants/routes.js';
import { cadreRoutes } from './features/cadres/routes.js';
import { dataQualityRoutes } from './features/data-quality/routes.js';
import { recommendationRoutes } from './features/recommendations/routes.js';
import { reviewRoutes } from './features/reviews/routes.js';
import { campaignRoutes } from './features/campaigns/routes.js';
import { channelRoutes } from './features/channels/routes.js';
import { contactRoutes } from './features/contacts/routes.js';
import { importRoutes } from './features/imports/routes.js';
import { memberRoutes } from './features/members/routes.js';
import { newsRoutes } from './features/news/routes.js';
import { notificationRoutes } from './features/notifications/routes.js';
import { memberRequestRoutes } from './features/member-requests/routes.js';
import { transferRoutes } from './features/transfers/routes.js';
import { duplicateRoutes } from './features/duplicates/routes.js';
import { approvalRoutes } from './features/approvals/routes.js';
import { personalRightsRoutes } from './features/personal-rights/routes.js';
import { wechatRoutes } from './features/wechat/routes.js';
import { createJobRunner, type JobRunner } from './jobs/runner.js';
import { deliveryRoutes } from './features/deliveries/routes.js';
import { createDeliveryWorker, type DeliveryWorker } from './features/deliveries/worker.js';
import { publishingRoutes } from './features/publishing/routes.js';
import { createKeyring, loadMasterKey, type Keyring } from './personal-data/keyring.js';
import { clientErrorHandler, frameworkErrors, registerErrorHandler } from './http/errors.js';
import { registerStrictInput } from './http/input.js';
import { registerGuard, type RouteEntry } from './http/guard.js';
import { loggerOptions } from './logger.js';

// Validation messages in Simplified Chinese for every schema that does not carry its own.
z.config(z.locales.zhCN());

export type AppDeps = {
  db: Db;
  config: Config;
  logStream?: NodeJS.WritableStream;
  /** SQLite's writer connection (DatabaseHandle.sqliteWriter), for the bulk paths of imports. */
  sqliteWriter?: SQLite.Database | null;
};

export type App = FastifyInstance & {
  routeTable: RouteEntry[];
  keyring: Keyring;
  jobs: JobRunner;
  deliveries: DeliveryWorker;
};

/** What every feature's routes receive. */
/** What every feature's routes receive; `jobs` is where features register and queue background work. */
export type FeatureDeps = {
  db: Db;
  config: Config;
  keyring: Keyring;
  jobs: JobRunner;
  /** Sends bulletins; wake() it after queuing deliveries. */
  deliveries: DeliveryWorker;
  sqliteWriter: SQLite.Database | null;
};

export async function buildApp(deps: AppDeps): Promise<App> {
  const { db, config } = deps;
  const app = Fastify({
    logger: loggerOptions(config.logLevel, deps.logStream),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    // Errors raised before a route is found, or before there is a request, keep the one error format.
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const routeTable: RouteEntry[] = [];
  // Cookies are parsed before the guard reads the session from them.
  await app.register(cookie);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Ant Design injects its generated styles at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // HSTS only means something behind TLS; the proxy in front sets it there.
    hsts: config.trustProxy,
    referrerPolicy: { policy: 'same-origin' },
  });
  // After helmet: its onRequest hook sets the headers first, so that a request the guard refuses (401, 403 CSRF)
  // carries them too.
  registerGuard(app, { db, config, routes: routeTable });
  registerErrorHandler(app);
  registerStrictInput(app);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: { info: { title: '团建 Tuanjian API', version: '0.1.0' } },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.get('/api/openapi.json', { schema: { hide: true }, config: { permission: 'public' } }, async () => app.swagger());
  app.get('/healthz', { schema: { hide: true }, config: { permission: 'public' } }, async () => {
    await db.selectFrom('orgs').select('id').limit(1).execute();
    return { status: 'ok' };
  });

  const keyring = createKeyring(loadMasterKey(config));
  await app.register(authRoutes({ db, config, keyring }));
  await app.register(orgRoutes({ db }));
  await app.register(userRoutes({ db }));
  await app.register(auditRoutes({ db }));
  // Background jobs (imports; deliveries later) start polling once the app is ready and stop with it.
  const jobs = createJobRunner({ db, log: app.log });
  app.addHook('onReady', () => jobs.start());
  app.addHook('onClose', () => jobs.stop());
  const deliveries = createDeliveryWorker({ db, keyring, config, log: app.log });
  app.addHook('onReady', async () => deliveries.start());
  app.addHook('onClose', () => deliveries.stop());
  const featureDeps: FeatureDeps = { db, config, keyring, jobs, deliveries, sqliteWriter: deps.sqliteWriter ?? null };
  await app.register(multipart, {
    limits: { fileSize: Math.max(config.maxImageBytes, config.maxSpreadsheetBytes), files: 1, fields: 10, parts: 12 },
  });
  for (const routes of [
    cadreRoutes,
    newsRoutes,
    channelRoutes,
    contactRoutes,
    activityRoutes,
    campaignRoutes,
    importRoutes,
    notificationRoutes,
    memberRoutes,
    reviewRoutes,
    recommendationRoutes,
    dataQualityRoutes,
    memberRequestRoutes,
    transferRoutes,
    duplicateRoutes,
    approvalRoutes,
    applicantRoutes,
    personalRightsRoutes,
    wechatRoutes,
    publishingRoutes,
    deliveryRoutes,
  ]) {
    await app.register(routes(featureDeps));
  }

  await serveWebApp(app, config.webDir);
  return Object.assign(app, { routeTable, keyring, jobs, deliveries });
}

/** The built web app, with every non-API GET falling back to index.html for client-side routes. */
async function serveWebApp(app: FastifyInstance, webDir: string): Promise<void> {
  const index = path.join(webDir, 'index.html');
  if (!fs.existsSync(index)) {
    app.log.warn({ webDir }, 'web app not built (run npm run build); serving the API only');
    return;
  }
  await app.register(fastifyStatic, { root: webDir, wildcard: false, index: false });
  const html = fs.readFileSync(index);
  app.get('/*', { schema: { hide: true }, config: { permission: 'public' } }, async (request, reply) => {
    const url = request.url.split('?')[0];
    if (url.startsWith('/api/') || path.extname(url) !== '') {
      return reply.status(404).send({ error: { code: 'not_found', message: '请求的资源不存在' } });
    }
    return reply.type('text/html').header('cache-control', 'no-cache').send(html);
  });
}
