import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  childrenQuery,
  childrenResponse,
  createOrgBody,
  dissolveOrgBody,
  historyResponse,
  idParam,
  moveListQuery,
  moveListResponse,
  moveRequestBody,
  orgDetail,
  orgSummary,
  rejectMoveBody,
  searchQuery,
  searchResponse,
  updateOrgBody,
} from '../../../common/orgs.js';
import { moveStatuses } from '../../../common/domain.js';
import type { Db } from '../../db/schema.js';
import { requireActor } from '../../http/actor.js';
import { approveMove, cancelMove, listMoveRequests, rejectMove, requestMove } from './moves.js';
import {
  createOrg,
  dissolveOrg,
  getHistory,
  getOrgDetail,
  listChildren,
  listRoots,
  presentOrg,
  search,
  updateOrgDetails,
} from './service.js';

const tags = ['orgs'];
const moveDecision = z.object({ status: z.enum(moveStatuses) });

export function orgRoutes({ db }: { db: Db }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/orgs/roots',
      {
        schema: { tags, summary: '本人可见范围的顶层组织', response: { 200: childrenResponse.pick({ items: true }) } },
        config: { permission: 'org.read' },
      },
      async (request) => listRoots(db, requireActor(request.actor)),
    );

    app.get(
      '/api/orgs/search',
      {
        schema: {
          tags,
          summary: '按名称或区划代码搜索组织',
          querystring: searchQuery,
          response: { 200: searchResponse },
        },
        config: { permission: 'org.read' },
      },
      async (request) => search(db, requireActor(request.actor), request.query),
    );

    app.get(
      '/api/orgs/:id',
      {
        schema: { tags, summary: '组织详情', params: idParam, response: { 200: orgDetail } },
        config: { permission: 'org.read' },
      },
      async (request) => getOrgDetail(db, requireActor(request.actor), request.params.id),
    );

    app.get(
      '/api/orgs/:id/children',
      {
        schema: {
          tags,
          summary: '下级组织',
          params: idParam,
          querystring: childrenQuery,
          response: { 200: childrenResponse },
        },
        config: { permission: 'org.read' },
      },
      async (request) => listChildren(db, requireActor(request.actor), { id: request.params.id, ...request.query }),
    );

    app.get(
      '/api/orgs/:id/history',
      {
        schema: { tags, summary: '变更记录', params: idParam, response: { 200: historyResponse } },
        config: { permission: 'org.read' },
      },
      async (request) => getHistory(db, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/orgs',
      {
        schema: { tags, summary: '新建组织', body: createOrgBody, response: { 201: orgSummary } },
        config: { permission: 'org.write' },
      },
      async (request, reply) => {
        const org = await createOrg(db, requireActor(request.actor), request.body);
        return reply.status(201).send(presentOrg(org));
      },
    );

    app.patch(
      '/api/orgs/:id',
      {
        schema: { tags, summary: '修改组织', params: idParam, body: updateOrgBody, response: { 200: orgSummary } },
        config: { permission: 'org.write' },
      },
      async (request) =>
        presentOrg(await updateOrgDetails(db, requireActor(request.actor), request.params.id, request.body)),
    );

    app.post(
      '/api/orgs/:id/dissolve',
      {
        schema: { tags, summary: '撤销组织', params: idParam, body: dissolveOrgBody, response: { 200: orgSummary } },
        config: { permission: 'org.dissolve' },
      },
      async (request) =>
        presentOrg(await dissolveOrg(db, requireActor(request.actor), request.params.id, request.body.reason)),
    );

    app.post(
      '/api/orgs/:id/moves',
      {
        schema: {
          tags,
          summary: '申请调整隶属关系',
          params: idParam,
          body: moveRequestBody,
          response: { 201: z.object({ id: z.number() }) },
        },
        config: { permission: 'org.move' },
      },
      async (request, reply) => {
        const move = await requestMove(db, requireActor(request.actor), { id: request.params.id, ...request.body });
        return reply.status(201).send(move);
      },
    );

    app.get(
      '/api/org-moves',
      {
        schema: { tags, summary: '隶属关系调整申请', querystring: moveListQuery, response: { 200: moveListResponse } },
        config: { permission: 'org.move' },
      },
      async (request) => listMoveRequests(db, requireActor(request.actor), request.query.scope === 'pending'),
    );

    app.post(
      '/api/org-moves/:id/approve',
      {
        schema: { tags, summary: '同意调整', params: idParam, response: { 200: moveDecision } },
        config: { permission: 'org.move' },
      },
      async (request) => approveMove(db, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/org-moves/:id/reject',
      {
        schema: { tags, summary: '不同意调整', params: idParam, body: rejectMoveBody, response: { 200: moveDecision } },
        config: { permission: 'org.move' },
      },
      async (request) => rejectMove(db, requireActor(request.actor), request.params.id, request.body.reason),
    );

    app.post(
      '/api/org-moves/:id/cancel',
      {
        schema: { tags, summary: '撤回申请', params: idParam, response: { 200: moveDecision } },
        config: { permission: 'org.move' },
      },
      async (request) => cancelMove(db, requireActor(request.actor), request.params.id),
    );
  };
}
