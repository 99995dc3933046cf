import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../../common/orgs.js';
import {
  createQrSceneBody,
  followerSyncResult,
  qrSceneItem,
  qrSceneList,
  replyParams,
  wechatReplyBody,
  wechatReplyItem,
  wechatReplyList,
  wechatSettings,
  wechatSettingsBody,
  wechatTagList,
} from '../../../common/wechat.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import { attachmentDisposition } from '../../files/upload.js';
import { wechatCallbackRoutes } from './callback.js';
import { createQrScene, listQrScenes, qrScenePng } from './qr.js';
import { createReply, listAccountReplies, removeReply } from './replies.js';
import { getWechatSettings, updateWechatSettings } from './service.js';
import { listWechatTags, syncFollowers } from './tags.js';

const tags = ['wechat'];

export function wechatRoutes({ db, config, keyring }: FeatureDeps): FastifyPluginAsyncZod {
  return async (app) => {
    // The callback server for WeChat, outside /api, in a plugin of its own (its XML parser stays there).
    await app.register(wechatCallbackRoutes({ db, keyring }));

    app.get(
      '/api/channels/:id/wechat',
      {
        schema: { tags, summary: '微信接入设置与关注数', params: idParam, response: { 200: wechatSettings } },
        config: { permission: 'publishing.read' },
      },
      async (request) => getWechatSettings(db, config, requireActor(request.actor), request.params.id),
    );

    app.put(
      '/api/channels/:id/wechat',
      {
        schema: {
          tags,
          summary: '修改微信接入设置（未填写的密钥保持不变）',
          params: idParam,
          body: wechatSettingsBody,
          response: { 200: wechatSettings },
        },
        config: { permission: 'publishing.approve' },
      },
      async (request) =>
        updateWechatSettings(db, { config, keyring }, requireActor(request.actor), request.params.id, request.body),
    );

    app.get(
      '/api/channels/:id/wechat/replies',
      {
        schema: { tags, summary: '公众号自动回复', params: idParam, response: { 200: wechatReplyList } },
        config: { permission: 'publishing.read' },
      },
      async (request) => listAccountReplies(db, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/channels/:id/wechat/replies',
      {
        schema: {
          tags,
          summary: '添加自动回复（关键词、菜单点击、关注回复）',
          params: idParam,
          body: wechatReplyBody,
          response: { 201: wechatReplyItem },
        },
        config: { permission: 'publishing.write' },
      },
      async (request, reply) =>
        reply.status(201).send(await createReply(db, requireActor(request.actor), request.params.id, request.body)),
    );

    app.delete(
      '/api/channels/:id/wechat/replies/:replyId',
      {
        schema: { tags, summary: '删除自动回复', params: replyParams },
        config: { permission: 'publishing.write' },
      },
      async (request, reply) => {
        await removeReply(db, requireActor(request.actor), request.params.id, request.params.replyId);
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/channels/:id/wechat/qr-scenes',
      {
        schema: { tags, summary: '各组织的关注二维码', params: idParam, response: { 200: qrSceneList } },
        config: { permission: 'publishing.read' },
      },
      async (request) => listQrScenes(db, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/channels/:id/wechat/qr-scenes',
      {
        schema: {
          tags,
          summary: '为组织生成关注二维码（已有则返回原二维码）',
          params: idParam,
          body: createQrSceneBody,
          response: { 200: qrSceneItem, 201: qrSceneItem },
        },
        config: { permission: 'publishing.write' },
      },
      async (request, reply) => {
        const { created, scene } = await createQrScene(
          { db, config, keyring },
          requireActor(request.actor),
          request.params.id,
          request.body.orgId,
        );
        return reply.status(created ? 201 : 200).send(scene);
      },
    );

    app.get(
      '/api/channels/:id/wechat/tags',
      {
        schema: {
          tags,
          summary: '公众号的用户标签（群发可只发给一个标签）',
          params: idParam,
          response: { 200: wechatTagList },
        },
        config: { permission: 'publishing.read' },
      },
      async (request) => listWechatTags({ db, config, keyring }, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/channels/:id/wechat/sync-followers',
      {
        schema: {
          tags,
          summary: '从微信同步关注者（记为今日关注数）',
          params: idParam,
          response: { 200: followerSyncResult },
        },
        config: { permission: 'publishing.write' },
      },
      async (request) => syncFollowers({ db, config, keyring }, requireActor(request.actor), request.params.id),
    );

    app.get(
      '/api/wechat/qr-scenes/:id/qr.png',
      {
        schema: { tags, summary: '关注二维码图片（PNG）', params: idParam },
        config: { permission: 'publishing.read' },
      },
      async (request, reply) => {
        const { png, fileName } = await qrScenePng(db, requireActor(request.actor), request.params.id);
        return reply
          .type('image/png')
          .header('content-disposition', attachmentDisposition(fileName))
          .header('cache-control', 'private, no-store')
          .send(png);
      },
    );
  };
}
