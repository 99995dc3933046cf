import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { activityItem, activityListQuery, activityListResponse, createActivityBody } from '../../../common/ledger.js';
import { idParam } from '../../../common/orgs.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import { listOrgActivities, recordActivity } from './service.js';

const tags = ['activities'];

export function activityRoutes({ db }: FeatureDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/orgs/:id/activities',
      {
        schema: {
          tags,
          summary: '组织开展的活动',
          params: idParam,
          querystring: activityListQuery,
          response: { 200: activityListResponse },
        },
        config: { permission: 'ledger.read' },
      },
      async (request) =>
        listOrgActivities(db, requireActor(request.actor), { id: request.params.id, ...request.query }),
    );

    app.post(
      '/api/activities',
      {
        schema: { tags, summary: '登记已开展的活动', body: createActivityBody, response: { 201: activityItem } },
        config: { permission: 'ledger.write' },
      },
      async (request, reply) =>
        reply.status(201).send(await recordActivity(db, requireActor(request.actor), request.body)),
    );
  };
}
