import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { approvalsSummary } from '../../../common/approvals.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import { approvalsSummary as summarize } from './service.js';

export function approvalRoutes(deps: FeatureDeps): FastifyPluginAsyncZod {
  const { db } = deps;
  return async (app) => {
    app.get(
      '/api/approvals/summary',
      {
        schema: { tags: ['approvals'], summary: '待我审批与处理的事项数', response: { 200: approvalsSummary } },
        config: { permission: 'people.read' },
      },
      async (request) => summarize(db, requireActor(request.actor)),
    );
  };
}
