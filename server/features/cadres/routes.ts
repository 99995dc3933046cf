import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  cadreAssessmentBody,
  cadreAssessmentItem,
  cadreDetail,
  cadreItem,
  cadreListQuery,
  cadreListResponse,
  cadreTrainingBody,
  cadreTrainingItem,
  cadreYearParams,
  createCadreBody,
  revealPhoneResponse,
  updateCadreBody,
} from '../../../common/ledger.js';
import { revealIdResponse } from '../../../common/members.js';
import { idParam } from '../../../common/orgs.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import { addTraining, assessCadre, getCadreDetail } from './records.js';
import { createCadre, listOrgCadres, revealCadreIdNumber, revealCadrePhone, updateCadreDetails } from './service.js';

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

    app.get(
      '/api/cadres/:id',
      {
        schema: { tags, summary: '团干部详情（含培训与考核）', params: idParam, response: { 200: cadreDetail } },
        config: { permission: 'ledger.read' },
      },
      async (request) => getCadreDetail(db, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/cadres/:id/trainings',
      {
        schema: {
          tags,
          summary: '登记团干部培训',
          params: idParam,
          body: cadreTrainingBody,
          response: { 201: cadreTrainingItem },
        },
        config: { permission: 'ledger.write' },
      },
      async (request, reply) =>
        reply.status(201).send(await addTraining(db, requireActor(request.actor), request.params.id, request.body)),
    );

    app.put(
      '/api/cadres/:id/assessments/:year',
      {
        schema: {
          tags,
          summary: '团干部年度考核（每年一条）',
          params: cadreYearParams,
          body: cadreAssessmentBody,
          response: { 200: cadreAssessmentItem },
        },
        config: { permission: 'ledger.write' },
      },
      async (request) =>
        assessCadre(db, requireActor(request.actor), request.params.id, request.params.year, request.body),
    );

    app.post(
      '/api/cadres/:id/reveal-id',
      {
        schema: { tags, summary: '查看完整身份证号（留痕）', params: idParam, response: { 200: revealIdResponse } },
        config: { permission: 'personal.reveal' },
      },
      async (request) => ({
        idNumber: await revealCadreIdNumber(deps, requireActor(request.actor), request.params.id),
      }),
    );
  };
}
