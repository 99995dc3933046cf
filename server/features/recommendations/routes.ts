import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../../common/orgs.js';
import {
  certifyBody,
  recommendBody,
  recommendResponse,
  recommendationItem,
  recommendationListQuery,
  recommendationListResponse,
} from '../../../common/reviews.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import { certify, listInScope, recommendMembers } from './service.js';

const tags = ['party-recommendations'];

export function recommendationRoutes({ db }: FeatureDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/party-recommendations',
      {
        schema: {
          tags,
          summary: '推优入党名单',
          querystring: recommendationListQuery,
          response: { 200: recommendationListResponse },
        },
        config: { permission: 'people.read' },
      },
      async (request) => listInScope(db, requireActor(request.actor), request.query),
    );

    app.post(
      '/api/orgs/:id/party-recommendations',
      {
        schema: {
          tags,
          summary: '推优入党（一个支部在一个日期为一轮）',
          params: idParam,
          body: recommendBody,
          response: { 201: recommendResponse },
        },
        config: { permission: 'people.write' },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await recommendMembers(db, requireActor(request.actor), request.params.id, request.body)),
    );

    app.post(
      '/api/party-recommendations/:id/certify',
      {
        schema: {
          tags,
          summary: '上级团组织认定推优',
          params: idParam,
          body: certifyBody,
          response: { 200: recommendationItem },
        },
        config: { permission: 'people.approve' },
      },
      async (request) => certify(db, requireActor(request.actor), request.params.id, request.body),
    );
  };
}
