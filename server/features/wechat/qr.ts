import QRCode from 'qrcode';
import type { Config } from '../../config.js';
import type { Db } from '../../db/schema.js';
import { isInSubtree, nowIso } from '../../db/tree.js';
import { assertSees, type Actor } from '../../http/actor.js';
import { AppError, conflict, invalid, notFound } from '../../http/errors.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { recordAudit } from '../audit/service.js';
import { accountClient, describeError } from '../deliveries/send.js';
import { loadWritableOrg } from '../ledger/shared.js';
import { findAccount, findScene, findSceneOfOrg, insertScene, listScenes, type SceneRow } from './repo.js';
import { loadOfficialAccount } from './service.js';

// One permanent QR scene code (QR_LIMIT_STR_SCENE, scene `org:<orgId>`) per org and official account: a person who
// subscribes by scanning it is attributed to that org (followers.ts). Codes are made for the account's own org and
// the orgs under it, by someone who sees the org; a second request for the same org returns the code it has.

export type QrDeps = { db: Db; config: Pick<Config, 'wechatApiBase'>; keyring: Keyring; fetch?: typeof fetch };

const imageUrl = (id: number) => `/api/wechat/qr-scenes/${id}/qr.png`;

function presentScene(row: SceneRow) {
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    scene: row.scene,
    url: row.url,
    imageUrl: imageUrl(row.id),
    followers: Number(row.followers ?? 0),
    createdAt: row.created_at,
  };
}

export async function listQrScenes(db: Db, actor: Actor, channelId: number) {
  const channel = await loadOfficialAccount(db, actor, channelId);
  const rows = await listScenes(db, channel.id);
  return { items: rows.map(presentScene) };
}

/** Answers the scene and whether it was made now (201) or existed (200). */
export async function createQrScene(deps: QrDeps, actor: Actor, channelId: number, orgId: number) {
  const { db } = deps;
  // Checks first, in a short read; the call to WeChat happens outside any transaction.
  const { channel, org, existing, account } = await db.transaction().execute(async (trx) => {
    const channel = await loadOfficialAccount(trx, actor, channelId);
    const org = await loadWritableOrg(trx, actor, orgId);
    if (!isInSubtree(org.path, channel.org_path)) {
      throw invalid('只能为公众号所属组织及其下级组织生成关注二维码', { field: 'orgId' });
    }
    return {
      channel,
      org,
      existing: await findSceneOfOrg(trx, channel.id, org.id),
      account: await findAccount(trx, channel.id),
    };
  });
  if (existing) return { created: false, scene: presentScene(existing) };
  if (!account?.app_id || !account.app_secret) {
    throw conflict('该公众号尚未填写 AppID 和 AppSecret，请先在“微信接入”中配置', { field: 'appSecret' });
  }
  const scene = `org:${org.id}`;
  let code: { ticket: string; url: string };
  try {
    code = await accountClient(deps, { app_id: account.app_id, app_secret: account.app_secret }).createQrScene(scene);
  } catch (error) {
    const { errcode, message } = describeError(error);
    throw new AppError('wechat_api_error', 502, `生成二维码失败：${message}`, { errcode });
  }
  const id = await db.transaction().execute(async (trx) => {
    const inserted = await insertScene(trx, {
      channel_id: channel.id,
      org_id: org.id,
      scene,
      ticket: code.ticket.slice(0, 200),
      url: code.url.slice(0, 300),
      created_at: nowIso(),
    });
    // Someone else made it meanwhile: theirs stands (WeChat answers the same code for the same scene).
    if (inserted === undefined) return null;
    await recordAudit(trx, actor, {
      action: 'wechat.qr_scene.create',
      objectType: 'channel',
      objectId: channel.id,
      orgId: channel.org_id,
      details: { sceneId: inserted, orgId: org.id, scene },
    });
    return inserted;
  });
  const row = id === null ? await findSceneOfOrg(db, channel.id, org.id) : await findScene(db, id);
  return { created: id !== null, scene: presentScene(row!) };
}

/** The QR code as a PNG, drawn from the stored URL. */
export async function qrScenePng(db: Db, actor: Actor, sceneId: number) {
  const scene = await findScene(db, sceneId);
  if (!scene) throw notFound('二维码');
  assertSees(actor, scene.channel_org_path, '二维码');
  const png = await QRCode.toBuffer(scene.url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 430 });
  return { png, fileName: `${scene.org_name}-关注二维码.png` };
}
