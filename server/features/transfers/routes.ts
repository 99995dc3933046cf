import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { approveBody, rejectBody } from '../../../common/approvals.js';
import { idParam } from '../../../common/orgs.js';
import {
  batchApproveTransfersBody,
  batchApproveTransfersResponse,
  createTransferBody,
  createTransferResponse,
  transferDetail,
  transferListQuery,
  transferListResponse,
} from '../../../common/transfers.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import {
  approveTransfer,
  approveTransfers,
  createTransfers,
  getTransfer,
  listTransfersInScope,
  rejectTransfer,
  withdrawTransfer,
} from './service.js';

const tags = ['transfers'];

export function transferRoutes(deps: FeatureDeps): FastifyPluginAsyncZod {
  const { db } = deps;
  return async (app) => {
    app.post(
      '/api/transfers',
      {
        schema: {
          tags,
          summary: '申请组织关系转接（转出方按团员，转入方按身份证号），全部符合才提交',
          body: createTransferBody,
          response: { 201: createTransferResponse },
        },
        config: { permission: 'people.write' },
      },
      async (request, reply) =>
        reply.status(201).send(await createTransfers(deps, requireActor(request.actor), request.body)),
    );

    app.get(
      '/api/transfers',
      {
        schema: {
          tags,
          summary: '组织关系转接',
          querystring: transferListQuery,
          response: { 200: transferListResponse },
        },
        config: { permission: 'people.read' },
      },
      async (request) => listTransfersInScope(db, requireActor(request.actor), request.query),
    );

    app.post(
      '/api/transfers/approve',
      {
        schema: {
          tags,
          summary: '批量同意转接（均须处于本人审批的环节）',
          body: batchApproveTransfersBody,
          response: { 200: batchApproveTransfersResponse },
        },
        config: { permission: 'people.approve' },
      },
      async (request) =>
        approveTransfers(deps, requireActor(request.actor), request.body.ids, request.body.note ?? null),
    );

    app.get(
      '/api/transfers/:id',
      {
        schema: { tags, summary: '转接详情（含各环节）', params: idParam, response: { 200: transferDetail } },
        config: { permission: 'people.read' },
      },
      async (request) => getTransfer(db, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/transfers/:id/approve',
      {
        schema: {
          tags,
          summary: '同意转接（当前环节）',
          params: idParam,
          body: approveBody,
          response: { 200: transferDetail },
        },
        config: { permission: 'people.approve' },
      },
      async (request) =>
        approveTransfer(deps, requireActor(request.actor), request.params.id, request.body.note ?? null),
    );

    app.post(
      '/api/transfers/:id/reject',
      {
        schema: { tags, summary: '驳回转接', params: idParam, body: rejectBody, response: { 200: transferDetail } },
        config: { permission: 'people.approve' },
      },
      async (request) => rejectTransfer(deps, requireActor(request.actor), request.params.id, request.body.note),
    );

    app.post(
      '/api/transfers/:id/withdraw',
      {
        schema: { tags, summary: '撤回转接（申请人或转出方）', params: idParam, response: { 200: transferDetail } },
        config: { permission: 'people.write' },
      },
      async (request) => withdrawTransfer(deps, requireActor(request.actor), request.params.id),
    );
  };
}
