import type { z } from 'zod';
import type {
  FollowerSyncResult,
  qrSceneItem,
  WechatReplyBody,
  wechatReplyItem,
  WechatSettings,
  WechatSettingsBody,
  WechatTag,
} from '../../../../common/wechat.js';
import { api, download, type RequestOptions } from '../../app/api.js';

// A channel's WeChat settings (common/wechat.ts): credentials, followers and their sync, automatic replies, per-org QR
// codes, and an official account's user tags.

export type { WechatSettings, WechatSettingsBody, WechatReplyBody, WechatTag };
export type WechatReply = z.infer<typeof wechatReplyItem>;
export type QrScene = z.infer<typeof qrSceneItem>;
type Opts = Pick<RequestOptions, 'quiet'>;

export const wechatApi = {
  settings: (channelId: number) => api.get<WechatSettings>(`/api/channels/${channelId}/wechat`),
  update: (channelId: number, body: WechatSettingsBody, opts?: Opts) =>
    api.put<WechatSettings>(`/api/channels/${channelId}/wechat`, body, opts),
  replies: (channelId: number) => api.get<{ items: WechatReply[] }>(`/api/channels/${channelId}/wechat/replies`),
  addReply: (channelId: number, body: WechatReplyBody, opts?: Opts) =>
    api.post<WechatReply>(`/api/channels/${channelId}/wechat/replies`, body, opts),
  removeReply: (channelId: number, replyId: number) =>
    api.delete<void>(`/api/channels/${channelId}/wechat/replies/${replyId}`),
  qrScenes: (channelId: number) => api.get<{ items: QrScene[] }>(`/api/channels/${channelId}/wechat/qr-scenes`),
  createQrScene: (channelId: number, orgId: number, opts?: Opts) =>
    api.post<QrScene>(`/api/channels/${channelId}/wechat/qr-scenes`, { orgId }, opts),
  /** Read from WeChat on each call (tags/get). */
  tags: (channelId: number, opts?: Opts) =>
    api.get<{ items: WechatTag[] }>(`/api/channels/${channelId}/wechat/tags`, undefined, opts),
  syncFollowers: (channelId: number, opts?: Opts) =>
    api.post<FollowerSyncResult>(`/api/channels/${channelId}/wechat/sync-followers`, undefined, opts),
  downloadQr: (scene: QrScene) => download(scene.imageUrl, undefined, `${scene.orgName}-关注二维码.png`),
};
