import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  personCopyBody,
  personErasureBody,
  personErasureResult,
  personQuery,
  personSummary,
} from '../../../common/personal-rights.js';
import type { FeatureDeps } from '../../app.js';
import { attachmentDisposition } from '../../files/upload.js';
import { requireActor } from '../../http/actor.js';
import { erasePerson } from './erase.js';
import { copyOfPerson, lookupPerson } from './service.js';

const tags = ['personal-rights'];

// POST throughout: the person is named by an ID number or a phone, which must never sit in a URL (URLs are
// logged, bodies are not). The look-up changes nothing; the copy and the erasure write their audit rows.
export function personalRightsRoutes(deps: FeatureDeps): FastifyPluginAsyncZod {
  const { db, keyring, config } = deps;
  return async (app) => {
    app.post(
      '/api/personal-rights/lookup',
      {
        schema: {
          tags,
          summary: '个人信息权利请求：按身份证号或手机号码＋姓名查找本人的全部记录（脱敏）',
          body: personQuery,
          response: { 200: personSummary },
        },
        config: { permission: 'personal.rights' },
      },
      async (request) => lookupPerson({ db, keyring }, requireActor(request.actor), request.body),
    );

    app.post(
      '/api/personal-rights/copy',
      {
        schema: {
          tags,
          summary: '下载本人信息副本（xlsx、csv 或 json，含完整身份证号和手机号码，留痕）',
          body: personCopyBody,
        },
        config: { permission: 'personal.rights' },
      },
      async (request, reply) => {
        const copy = await copyOfPerson({ db, keyring }, requireActor(request.actor), request.body);
        return reply
          .type(copy.mime)
          .header('content-disposition', attachmentDisposition(copy.fileName))
          .header('cache-control', 'no-store')
          .send(copy.bytes);
      },
    );

    app.post(
      '/api/personal-rights/erase',
      {
        schema: {
          tags,
          summary: '删除本人的全部信息（记录、文件和派生数据；须确认姓名并填写理由，留痕）',
          body: personErasureBody,
          response: { 200: personErasureResult },
        },
        config: { permission: 'personal.rights' },
      },
      async (request) =>
        erasePerson({ db, keyring, dataDir: config.dataDir }, requireActor(request.actor), request.body),
    );
  };
}
