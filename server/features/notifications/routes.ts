import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notificationListResponse } from '../../../common/campaigns.js';
import { idParam } from '../../../common/orgs.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import { listNotifications, markRead } from './service.js';

const tags = ['notifications'];
const ok = z.object({ ok: z.boolean() });

export function notificationRoutes({ db }: FeatureDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/notifications',
      {
        schema: { tags, summary: '本组织的提醒', response: { 200: notificationListResponse } },
        config: { permission: 'authenticated' },
      },
      async (request) => listNotifications(db, requireActor(request.actor)),
    );

    app.post(
      '/api/notifications/:id/read',
      {
        schema: { tags, summary: '标为已读', params: idParam, response: { 200: ok } },
        config: { permission: 'authenticated' },
      },
      async (request) => {
        await markRead(db, requireActor(request.actor), request.params.id);
        return { ok: true };
      },
    );

    app.post(
      '/api/notifications/read-all',
      {
        schema: { tags, summary: '全部标为已读', response: { 200: ok } },
        config: { permission: 'authenticated' },
      },
      async (request) => {
        await markRead(db, requireActor(request.actor), 'all');
        return { ok: true };
      },
    );
  };
}
