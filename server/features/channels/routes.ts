import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  channelDetail,
  channelEvidenceItem,
  channelListQuery,
  channelListResponse,
  channelPostsBody,
  channelReadingBody,
  createChannelBody,
  updateChannelBody,
} from '../../../common/ledger.js';
import { idParam } from '../../../common/orgs.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import { addEvidence, attachmentDisposition, loadEvidenceFile, readImageUpload } from './evidence.js';
import {
  createChannel,
  getChannelDetail,
  listVisibleChannels,
  loadVisibleChannel,
  recordPosts,
  recordReading,
  updateChannelDetails,
} from './service.js';

const tags = ['channels'];

export function channelRoutes({ db, config }: FeatureDeps): FastifyPluginAsyncZod {
  const files = { db, dataDir: config.dataDir };
  return async (app) => {
    app.get(
      '/api/channels',
      {
        schema: {
          tags,
          summary: '两群一号台账',
          querystring: channelListQuery,
          response: { 200: channelListResponse },
        },
        config: { permission: 'ledger.read' },
      },
      async (request) => listVisibleChannels(db, requireActor(request.actor), request.query),
    );

    app.get(
      '/api/channels/:id',
      {
        schema: { tags, summary: '渠道详情', params: idParam, response: { 200: channelDetail } },
        config: { permission: 'ledger.read' },
      },
      async (request) => getChannelDetail(db, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/channels',
      {
        schema: { tags, summary: '登记群或公众号', body: createChannelBody, response: { 201: channelDetail } },
        config: { permission: 'ledger.write' },
      },
      async (request, reply) =>
        reply.status(201).send(await createChannel(db, requireActor(request.actor), request.body)),
    );

    app.patch(
      '/api/channels/:id',
      {
        schema: {
          tags,
          summary: '修改渠道',
          params: idParam,
          body: updateChannelBody,
          response: { 200: channelDetail },
        },
        config: { permission: 'ledger.write' },
      },
      async (request) => updateChannelDetails(db, requireActor(request.actor), request.params.id, request.body),
    );

    app.post(
      '/api/channels/:id/readings',
      {
        schema: {
          tags,
          summary: '登记某日的成员数或关注数',
          params: idParam,
          body: channelReadingBody,
          response: { 200: channelDetail },
        },
        config: { permission: 'ledger.write' },
      },
      async (request) => recordReading(db, requireActor(request.actor), request.params.id, request.body),
    );

    app.post(
      '/api/channels/:id/posts',
      {
        schema: {
          tags,
          summary: '登记某日的发布条数',
          params: idParam,
          body: channelPostsBody,
          response: { 200: channelDetail },
        },
        config: { permission: 'ledger.write' },
      },
      async (request) => recordPosts(db, requireActor(request.actor), request.params.id, request.body),
    );

    // multipart/form-data with one image; its type is read from its bytes, never from its name.
    app.post(
      '/api/channels/:id/evidence',
      {
        schema: {
          tags,
          summary: '上传证明截图（PNG、JPEG、WebP、GIF）',
          consumes: ['multipart/form-data'],
          params: idParam,
          response: { 201: channelEvidenceItem },
        },
        config: { permission: 'ledger.write' },
      },
      async (request, reply) => {
        const actor = requireActor(request.actor);
        // Outside the subtree answers 404 before a byte of the upload is read.
        await loadVisibleChannel(db, actor, request.params.id);
        const upload = await readImageUpload(request, config.maxImageBytes);
        return reply.status(201).send(await addEvidence(files, actor, request.params.id, upload));
      },
    );

    app.get(
      '/api/channel-evidence/:id',
      {
        schema: { tags, summary: '下载证明截图（附件）', params: idParam },
        config: { permission: 'ledger.read' },
      },
      async (request, reply) => {
        const file = await loadEvidenceFile(files, requireActor(request.actor), request.params.id);
        return reply
          .header('content-type', file.mime)
          .header('content-disposition', attachmentDisposition(file.fileName))
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, no-store')
          .send(file.bytes);
      },
    );
  };
}
