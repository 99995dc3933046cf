import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  createMemberBody,
  memberDetail,
  memberEventsResponse,
  memberListQuery,
  memberListResponse,
  memberStats,
  revealIdResponse,
  updateMemberBody,
} from '../../../common/members.js';
import { revealPhoneResponse } from '../../../common/ledger.js';
import { idParam } from '../../../common/orgs.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import {
  createMember,
  getMemberDetail,
  listMembersInScope,
  memberTimeline,
  orgMemberStats,
  revealMemberField,
  updateMemberProfile,
} from './service.js';

const tags = ['members'];

export function memberRoutes(deps: FeatureDeps): FastifyPluginAsyncZod {
  const { db } = deps;
  return async (app) => {
    app.get(
      '/api/members',
      {
        schema: { tags, summary: '团员名册', querystring: memberListQuery, response: { 200: memberListResponse } },
        config: { permission: 'people.read' },
      },
      async (request) => listMembersInScope(deps, requireActor(request.actor), request.query),
    );

    app.post(
      '/api/members',
      {
        schema: { tags, summary: '登记团员', body: createMemberBody, response: { 201: memberDetail } },
        config: { permission: 'people.write' },
      },
      async (request, reply) =>
        reply.status(201).send(await createMember(deps, requireActor(request.actor), request.body)),
    );

    app.get(
      '/api/members/:id',
      {
        schema: { tags, summary: '团员详情', params: idParam, response: { 200: memberDetail } },
        config: { permission: 'people.read' },
      },
      async (request) => getMemberDetail(db, requireActor(request.actor), request.params.id),
    );

    app.patch(
      '/api/members/:id',
      {
        schema: {
          tags,
          summary: '修改团员信息（姓名、身份证号、团籍、所在支部另走申请）',
          params: idParam,
          body: updateMemberBody,
          response: { 200: memberDetail },
        },
        config: { permission: 'people.write' },
      },
      async (request) => updateMemberProfile(deps, requireActor(request.actor), request.params.id, request.body),
    );

    app.get(
      '/api/members/:id/events',
      {
        schema: { tags, summary: '团员档案时间线', params: idParam, response: { 200: memberEventsResponse } },
        config: { permission: 'people.read' },
      },
      async (request) => memberTimeline(db, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/members/:id/reveal-id',
      {
        schema: { tags, summary: '查看完整身份证号（留痕）', params: idParam, response: { 200: revealIdResponse } },
        config: { permission: 'personal.reveal' },
      },
      async (request) => ({
        idNumber: await revealMemberField(deps, requireActor(request.actor), request.params.id, 'idNumber'),
      }),
    );

    app.post(
      '/api/members/:id/reveal-phone',
      {
        schema: { tags, summary: '查看完整手机号（留痕）', params: idParam, response: { 200: revealPhoneResponse } },
        config: { permission: 'personal.reveal' },
      },
      async (request) => ({
        phone: await revealMemberField(deps, requireActor(request.actor), request.params.id, 'phone'),
      }),
    );

    app.get(
      '/api/orgs/:id/member-stats',
      {
        schema: { tags, summary: '本级及下级团员人数（按团籍状态）', params: idParam, response: { 200: memberStats } },
        config: { permission: 'people.read' },
      },
      async (request) => orgMemberStats(db, requireActor(request.actor), request.params.id),
    );
  };
}
