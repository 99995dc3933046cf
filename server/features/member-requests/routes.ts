import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { approveBody, rejectBody } from '../../../common/approvals.js';
import {
  batchStatusRequestBody,
  batchStatusRequestResponse,
  correctionBody,
  memberRequestItem,
  memberRequestListQuery,
  memberRequestListResponse,
  statusRequestBody,
} from '../../../common/member-requests.js';
import { idParam } from '../../../common/orgs.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import {
  approveRequest,
  listRequestsInScope,
  rejectRequest,
  requestCorrection,
  requestStatusChange,
  requestStatusChanges,
  withdrawRequest,
} from './service.js';

const tags = ['member-requests'];

export function memberRequestRoutes(deps: FeatureDeps): FastifyPluginAsyncZod {
  const { db } = deps;
  return async (app) => {
    app.post(
      '/api/members/:id/status-requests',
      {
        schema: {
          tags,
          summary: '申请变更团籍状态（报上级审批）',
          params: idParam,
          body: statusRequestBody,
          response: { 201: memberRequestItem },
        },
        config: { permission: 'people.write' },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await requestStatusChange(deps, requireActor(request.actor), request.params.id, request.body)),
    );

    app.post(
      '/api/member-requests/batch',
      {
        schema: {
          tags,
          summary: '批量申请变更团籍状态（如满28周岁离团），全部符合才提交',
          body: batchStatusRequestBody,
          response: { 201: batchStatusRequestResponse },
        },
        config: { permission: 'people.write' },
      },
      async (request, reply) =>
        reply.status(201).send({ ids: await requestStatusChanges(deps, requireActor(request.actor), request.body) }),
    );

    app.post(
      '/api/members/:id/corrections',
      {
        schema: {
          tags,
          summary: '申请更正姓名或身份证号（报上级审批）',
          params: idParam,
          body: correctionBody,
          response: { 201: memberRequestItem },
        },
        config: { permission: 'people.write' },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await requestCorrection(deps, requireActor(request.actor), request.params.id, request.body)),
    );

    app.get(
      '/api/member-requests',
      {
        schema: {
          tags,
          summary: '团籍变更与更正申请',
          querystring: memberRequestListQuery,
          response: { 200: memberRequestListResponse },
        },
        config: { permission: 'people.read' },
      },
      async (request) => listRequestsInScope(db, requireActor(request.actor), request.query),
    );

    app.post(
      '/api/member-requests/:id/approve',
      {
        schema: { tags, summary: '批准申请', params: idParam, body: approveBody, response: { 200: memberRequestItem } },
        config: { permission: 'people.approve' },
      },
      async (request) =>
        approveRequest(deps, requireActor(request.actor), request.params.id, request.body.note ?? null),
    );

    app.post(
      '/api/member-requests/:id/reject',
      {
        schema: { tags, summary: '驳回申请', params: idParam, body: rejectBody, response: { 200: memberRequestItem } },
        config: { permission: 'people.approve' },
      },
      async (request) => rejectRequest(deps, requireActor(request.actor), request.params.id, request.body.note),
    );

    app.post(
      '/api/member-requests/:id/withdraw',
      {
        schema: { tags, summary: '撤回申请（申请人）', params: idParam, response: { 200: memberRequestItem } },
        config: { permission: 'people.write' },
      },
      async (request) => withdrawRequest(deps, requireActor(request.actor), request.params.id),
    );
  };
}
