import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../../common/orgs.js';
import {
  deliveryDetail,
  deliveryListQuery,
  deliveryListResponse,
  resolveDeliveryBody,
} from '../../../common/publishing.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import { decideDelivery, getDelivery, listVisibleDeliveries } from './service.js';

const tags = ['publishing'];

export function deliveryRoutes({ db, deliveries }: FeatureDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/publishing/deliveries',
      {
        schema: { tags, summary: '投递记录', querystring: deliveryListQuery, response: { 200: deliveryListResponse } },
        config: { permission: 'publishing.read' },
      },
      async (request) => listVisibleDeliveries(db, requireActor(request.actor), request.query),
    );

    app.get(
      '/api/publishing/deliveries/:id',
      {
        schema: { tags, summary: '投递详情与日志', params: idParam, response: { 200: deliveryDetail } },
        config: { permission: 'publishing.read' },
      },
      async (request) => getDelivery(db, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/publishing/deliveries/:id/retry',
      {
        schema: { tags, summary: '重新发送失败的投递', params: idParam, response: { 200: deliveryDetail } },
        config: { permission: 'publishing.approve' },
      },
      async (request) => {
        const detail = await decideDelivery(db, requireActor(request.actor), request.params.id, 'retry');
        deliveries.wake();
        return detail;
      },
    );

    app.post(
      '/api/publishing/deliveries/:id/resolve',
      {
        schema: {
          tags,
          summary: '确认结果不明的投递是否已送达',
          params: idParam,
          body: resolveDeliveryBody,
          response: { 200: deliveryDetail },
        },
        config: { permission: 'publishing.approve' },
      },
      async (request) => {
        const decision = request.body.sent ? 'sent' : 'not_sent';
        const detail = await decideDelivery(db, requireActor(request.actor), request.params.id, decision);
        deliveries.wake();
        return detail;
      },
    );
  };
}
