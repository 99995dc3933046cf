import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  contactCadreParams,
  contactDetail,
  contactListQuery,
  contactListResponse,
  contactLogBody,
  createContactBody,
  linkCadreBody,
  revealPhoneResponse,
  updateContactBody,
} from '../../../common/ledger.js';
import { idParam } from '../../../common/orgs.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import { addContactLog, linkCadre, unlinkCadre } from './links.js';
import {
  createContact,
  getContactDetail,
  listVisibleContacts,
  revealContactPhone,
  updateContactDetails,
} from './service.js';

const tags = ['contacts'];

export function contactRoutes(deps: FeatureDeps): FastifyPluginAsyncZod {
  const { db } = deps;
  return async (app) => {
    app.get(
      '/api/contacts',
      {
        schema: {
          tags,
          summary: '联系青年台账',
          querystring: contactListQuery,
          response: { 200: contactListResponse },
        },
        config: { permission: 'ledger.read' },
      },
      async (request) => listVisibleContacts(deps, requireActor(request.actor), request.query),
    );

    app.get(
      '/api/contacts/:id',
      {
        schema: { tags, summary: '青年详情与联系记录', params: idParam, response: { 200: contactDetail } },
        config: { permission: 'ledger.read' },
      },
      async (request) => getContactDetail(db, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/contacts',
      {
        schema: { tags, summary: '登记青年', body: createContactBody, response: { 201: contactDetail } },
        config: { permission: 'ledger.write' },
      },
      async (request, reply) =>
        reply.status(201).send(await createContact(deps, requireActor(request.actor), request.body)),
    );

    app.patch(
      '/api/contacts/:id',
      {
        schema: {
          tags,
          summary: '修改青年信息',
          params: idParam,
          body: updateContactBody,
          response: { 200: contactDetail },
        },
        config: { permission: 'ledger.write' },
      },
      async (request) => updateContactDetails(deps, requireActor(request.actor), request.params.id, request.body),
    );

    app.post(
      '/api/contacts/:id/cadres',
      {
        schema: {
          tags,
          summary: '指定联系该青年的团干部（已联系则 409）',
          params: idParam,
          body: linkCadreBody,
          response: { 201: contactDetail },
        },
        config: { permission: 'ledger.write' },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await linkCadre(db, requireActor(request.actor), request.params.id, request.body.cadreId)),
    );

    app.delete(
      '/api/contacts/:id/cadres/:cadreId',
      {
        schema: {
          tags,
          summary: '解除团干部与青年的联系',
          params: contactCadreParams,
          response: { 200: contactDetail },
        },
        config: { permission: 'ledger.write' },
      },
      async (request) => unlinkCadre(db, requireActor(request.actor), request.params.id, request.params.cadreId),
    );

    app.post(
      '/api/contacts/:id/logs',
      {
        schema: {
          tags,
          summary: '登记一次联系',
          params: idParam,
          body: contactLogBody,
          response: { 201: contactDetail },
        },
        config: { permission: 'ledger.write' },
      },
      async (request, reply) =>
        reply.status(201).send(await addContactLog(db, requireActor(request.actor), request.params.id, request.body)),
    );

    app.post(
      '/api/contacts/:id/reveal-phone',
      {
        schema: { tags, summary: '查看完整手机号（留痕）', params: idParam, response: { 200: revealPhoneResponse } },
        config: { permission: 'personal.reveal' },
      },
      async (request) => revealContactPhone(deps, requireActor(request.actor), request.params.id),
    );
  };
}
