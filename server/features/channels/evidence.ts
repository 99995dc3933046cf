import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { assertSees, type Actor } from '../../http/actor.js';
import { detectImageType, storeFile, type ImageType } from '../../files/store.js';
import { readSmallUpload, readStoredFileOr404 } from '../../files/upload.js';
import { recordAudit } from '../audit/service.js';
import { findEvidence, insertEvidence } from './repo.js';
import { loadVisibleChannel } from './service.js';

// Evidence (截图) that a group or account exists: one image per upload, its type read from its bytes, stored
// content-addressed, downloaded only as an attachment.

export type ImageUpload = { bytes: Buffer; type: ImageType; fileName: string };

export { attachmentDisposition } from '../../files/upload.js';

/** Reads the one image of a multipart request, refusing what is too large or not a PNG, JPEG, WebP or GIF. */
export async function readImageUpload(request: FastifyRequest, maxBytes: number): Promise<ImageUpload> {
  const { bytes, type, fileName } = await readSmallUpload(request, {
    maxBytes,
    detect: detectImageType,
    what: '图片',
    unsupportedMessage: '只能上传 PNG、JPEG、WebP 或 GIF 格式的图片',
    fallbackStem: '截图',
  });
  return { bytes, type, fileName };
}

export async function addEvidence(
  deps: { db: Db; dataDir: string },
  actor: Actor,
  channelId: number,
  upload: ImageUpload,
) {
  return deps.db.transaction().execute(async (trx) => {
    const channel = await loadVisibleChannel(trx, actor, channelId);
    const file = await storeFile(trx, deps.dataDir, upload.bytes, upload.type.mime);
    const at = nowIso();
    const id = await insertEvidence(trx, {
      channel_id: channel.id,
      file_sha256: file.sha256,
      file_name: upload.fileName,
      uploaded_by: actor.userId,
      uploaded_at: at,
    });
    await recordAudit(trx, actor, {
      action: 'channel.evidence',
      objectType: 'channel',
      objectId: channel.id,
      orgId: channel.org_id,
      details: { evidenceId: id, sha256: file.sha256, size: file.size, mime: upload.type.mime },
    });
    return {
      id,
      fileName: upload.fileName,
      mime: upload.type.mime,
      size: file.size,
      uploadedAt: at,
      uploadedBy: actor.displayName,
    };
  });
}

/** The stored bytes of one piece of evidence the actor may see. */
export async function loadEvidenceFile(deps: { db: Db; dataDir: string }, actor: Actor, id: number) {
  const evidence = await findEvidence(deps.db, id);
  assertSees(actor, evidence?.org_path, '证明材料');
  const bytes = readStoredFileOr404(deps.dataDir, evidence.file_sha256, '该截图的文件已丢失，请重新上传');
  return { fileName: evidence.file_name, mime: evidence.mime, bytes };
}
