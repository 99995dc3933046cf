import type { z } from 'zod';
import type {
  qrSceneItem,
  WechatReplyBody,
  wechatReplyItem,
  WechatSettings,
  WechatSettingsBody,
} from '../../../../common/wechat.js';
import { api, download, type RequestOptions } from '../../app/api.js';

// A channel's WeChat settings (common/wechat.ts): credentials, followers, automatic replies, per-org QR codes.

export type { WechatSettings, WechatSettingsBody, WechatReplyBody };
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
  downloadQr: (scene: QrScene) => download(scene.imageUrl, undefined, `${scene.orgName}-关注二维码.png`),
};
