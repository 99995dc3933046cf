import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParam } from '../../../common/orgs.js';
import {
  bulletinDetail,
  bulletinListQuery,
  bulletinListResponse,
  calendarQuery,
  calendarResponse,
  createBulletinBody,
  createIssueBody,
  createSeriesBody,
  imageUploadResponse,
  rejectBody,
  reviewBody,
  seriesItem,
  seriesListQuery,
  seriesListResponse,
  targetChannelsQuery,
  targetChannelsResponse,
  updateBulletinBody,
  updateSeriesBody,
  weeklyPostsQuery,
  weeklyPostsResponse,
} from '../../../common/publishing.js';
import type { FeatureDeps } from '../../app.js';
import { storeFile } from '../../files/store.js';
import { requireActor } from '../../http/actor.js';
import { recordAudit } from '../audit/service.js';
import { readImageUpload } from '../channels/evidence.js';
import { loadWritableOrg } from '../ledger/shared.js';
import { calendar, createIssue, createSeries, listSeries, updateSeries, weeklyPosts } from './series.js';
import {
  createBulletin,
  imageUrl,
  listVisibleBulletins,
  presentBulletin,
  reviewBulletin,
  updateBulletin,
  loadVisibleBulletin,
} from './service.js';
import { listTargetChannels } from './targets.js';

const tags = ['publishing'];

export function publishingRoutes({ db, config, deliveries }: FeatureDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/publishing/bulletins',
      {
        schema: { tags, summary: '稿件列表', querystring: bulletinListQuery, response: { 200: bulletinListResponse } },
        config: { permission: 'publishing.read' },
      },
      async (request) => listVisibleBulletins(db, requireActor(request.actor), request.query),
    );

    app.get(
      '/api/publishing/bulletins/:id',
      {
        schema: { tags, summary: '稿件详情', params: idParam, response: { 200: bulletinDetail } },
        config: { permission: 'publishing.read' },
      },
      async (request) => {
        const actor = requireActor(request.actor);
        await loadVisibleBulletin(db, actor, request.params.id);
        return presentBulletin(db, actor, request.params.id, config);
      },
    );

    app.post(
      '/api/publishing/bulletins',
      {
        schema: { tags, summary: '新建稿件', body: createBulletinBody, response: { 201: bulletinDetail } },
        config: { permission: 'publishing.write' },
      },
      async (request, reply) =>
        reply.status(201).send(await createBulletin(db, requireActor(request.actor), request.body, config)),
    );

    app.put(
      '/api/publishing/bulletins/:id',
      {
        schema: {
          tags,
          summary: '修改稿件（草稿或被退回）',
          params: idParam,
          body: updateBulletinBody,
          response: { 200: bulletinDetail },
        },
        config: { permission: 'publishing.write' },
      },
      async (request) => updateBulletin(db, requireActor(request.actor), request.params.id, request.body, config),
    );

    const review = (action: 'submit' | 'approve' | 'reject' | 'withdraw', summary: string, body: z.ZodType | null) =>
      app.post(
        `/api/publishing/bulletins/:id/${action}`,
        {
          schema: { tags, summary, params: idParam, ...(body ? { body } : {}), response: { 200: bulletinDetail } },
          config: { permission: action === 'submit' ? 'publishing.write' : 'publishing.approve' },
        },
        async (request) => {
          const note = (request.body as { note?: string | null } | undefined)?.note ?? null;
          const { detail, dispatched } = await reviewBulletin(
            db,
            requireActor(request.actor),
            request.params.id,
            action,
            note,
            config,
          );
          if (dispatched) deliveries.wake();
          return detail;
        },
      );
    review('submit', '提交审核', null);
    review('approve', '审核通过（到发送时间即发送）', reviewBody);
    review('reject', '退回修改', rejectBody);
    review('withdraw', '撤回已通过、尚未发送的稿件', null);

    // multipart/form-data with one image; stored content-addressed, shown at /news/images/<sha256>.
    app.post(
      '/api/publishing/images',
      {
        schema: {
          tags,
          summary: '上传稿件图片（PNG、JPEG、WebP、GIF）',
          consumes: ['multipart/form-data'],
          querystring: z.object({ orgId: idParam.shape.id }),
          response: { 201: imageUploadResponse },
        },
        config: { permission: 'publishing.write' },
      },
      async (request, reply) => {
        const actor = requireActor(request.actor);
        const org = await loadWritableOrg(db, actor, request.query.orgId);
        const upload = await readImageUpload(request, config.maxImageBytes);
        const file = await db.transaction().execute(async (trx) => {
          const stored = await storeFile(trx, config.dataDir, upload.bytes, upload.type.mime);
          await recordAudit(trx, actor, {
            action: 'bulletin.image',
            objectType: 'file',
            orgId: org.id,
            details: { sha256: stored.sha256, size: stored.size, mime: upload.type.mime },
          });
          return stored;
        });
        return reply.status(201).send({ sha256: file.sha256, url: imageUrl(file.sha256) });
      },
    );

    app.get(
      '/api/publishing/target-channels',
      {
        schema: {
          tags,
          summary: '可投放的公众号和企业微信群',
          querystring: targetChannelsQuery,
          response: { 200: targetChannelsResponse },
        },
        config: { permission: 'publishing.read' },
      },
      async (request) => listTargetChannels(db, requireActor(request.actor), request.query.orgId),
    );

    app.get(
      '/api/publishing/series',
      {
        schema: { tags, summary: '手机报', querystring: seriesListQuery, response: { 200: seriesListResponse } },
        config: { permission: 'publishing.read' },
      },
      async (request) => listSeries(db, requireActor(request.actor), request.query.orgId),
    );

    app.post(
      '/api/publishing/series',
      {
        schema: { tags, summary: '新建手机报（发送周期）', body: createSeriesBody, response: { 201: seriesItem } },
        config: { permission: 'publishing.write' },
      },
      async (request, reply) =>
        reply.status(201).send(await createSeries(db, requireActor(request.actor), request.body)),
    );

    app.put(
      '/api/publishing/series/:id',
      {
        schema: { tags, summary: '修改手机报', params: idParam, body: updateSeriesBody, response: { 200: seriesItem } },
        config: { permission: 'publishing.write' },
      },
      async (request) => updateSeries(db, requireActor(request.actor), request.params.id, request.body),
    );

    app.post(
      '/api/publishing/series/:id/issues',
      {
        schema: {
          tags,
          summary: '编排下一期手机报',
          params: idParam,
          body: createIssueBody,
          response: { 201: bulletinDetail },
        },
        config: { permission: 'publishing.write' },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await createIssue(db, requireActor(request.actor), request.params.id, request.body, config)),
    );

    app.get(
      '/api/publishing/calendar',
      {
        schema: { tags, summary: '发布日历', querystring: calendarQuery, response: { 200: calendarResponse } },
        config: { permission: 'publishing.read' },
      },
      async (request) => calendar(db, requireActor(request.actor), request.query),
    );

    app.get(
      '/api/publishing/weekly-posts',
      {
        schema: {
          tags,
          summary: '各渠道每周发布条数',
          querystring: weeklyPostsQuery,
          response: { 200: weeklyPostsResponse },
        },
        config: { permission: 'publishing.read' },
      },
      async (request) => weeklyPosts(db, requireActor(request.actor), request.query),
    );
  };
}
