import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  cadreItem,
  cadreListQuery,
  cadreListResponse,
  createCadreBody,
  revealPhoneResponse,
  updateCadreBody,
} from '../../../common/ledger.js';
import { idParam } from '../../../common/orgs.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import { createCadre, listOrgCadres, revealCadrePhone, updateCadreDetails } from './service.js';

const tags = ['cadres'];

export function cadreRoutes(deps: FeatureDeps): FastifyPluginAsyncZod {
  const { db } = deps;
  return async (app) => {
    app.get(
      '/api/orgs/:id/cadres',
      {
        schema: {
          tags,
          summary: '团干部名单',
          params: idParam,
          querystring: cadreListQuery,
          response: { 200: cadreListResponse },
        },
        config: { permission: 'ledger.read' },
      },
      async (request) => listOrgCadres(db, requireActor(request.actor), { id: request.params.id, ...request.query }),
    );

    app.post(
      '/api/cadres',
      {
        schema: { tags, summary: '登记团干部', body: createCadreBody, response: { 201: cadreItem } },
        config: { permission: 'ledger.write' },
      },
      async (request, reply) =>
        reply.status(201).send(await createCadre(deps, requireActor(request.actor), request.body)),
    );

    app.patch(
      '/api/cadres/:id',
      {
        schema: {
          tags,
          summary: '修改团干部（含离任）',
          params: idParam,
          body: updateCadreBody,
          response: { 200: cadreItem },
        },
        config: { permission: 'ledger.write' },
      },
      async (request) => updateCadreDetails(deps, requireActor(request.actor), request.params.id, request.body),
    );

    app.post(
      '/api/cadres/:id/reveal-phone',
      {
        schema: { tags, summary: '查看完整手机号（留痕）', params: idParam, response: { 200: revealPhoneResponse } },
        config: { permission: 'personal.reveal' },
      },
      async (request) => revealCadrePhone(deps, requireActor(request.actor), request.params.id),
    );
  };
}
