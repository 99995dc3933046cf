import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  duplicateDetail,
  duplicateListQuery,
  duplicateListResponse,
  resolveDuplicateBody,
  resolveDuplicateResponse,
} from '../../../common/duplicates.js';
import { idParam } from '../../../common/orgs.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import { getDuplicateDetail, listDuplicatesInScope, resolveDuplicate } from './service.js';

const tags = ['member-duplicates'];

export function duplicateRoutes(deps: FeatureDeps): FastifyPluginAsyncZod {
  const { db } = deps;
  return async (app) => {
    app.get(
      '/api/member-duplicates',
      {
        schema: {
          tags,
          summary: '重复登记（持有方与登记方都可见）',
          querystring: duplicateListQuery,
          response: { 200: duplicateListResponse },
        },
        config: { permission: 'people.read' },
      },
      async (request) => listDuplicatesInScope(db, requireActor(request.actor), request.query),
    );

    app.get(
      '/api/member-duplicates/:id',
      {
        schema: {
          tags,
          summary: '重复登记详情（登记方所填内容，证件号和手机号脱敏）',
          params: idParam,
          response: { 200: duplicateDetail },
        },
        config: { permission: 'people.read' },
      },
      async (request) => getDuplicateDetail(deps, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/member-duplicates/:id/resolve',
      {
        schema: {
          tags,
          summary: '处理重复登记：转接、合并（只补空项）或驳回',
          params: idParam,
          body: resolveDuplicateBody,
          response: { 200: resolveDuplicateResponse },
        },
        config: { permission: 'people.write' },
      },
      async (request) => resolveDuplicate(deps, requireActor(request.actor), request.params.id, request.body),
    );
  };
}
