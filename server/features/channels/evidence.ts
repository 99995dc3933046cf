import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { assertSees, type Actor } from '../../http/actor.js';
import { AppError, invalid } from '../../http/errors.js';
import { detectImageType, readStoredFile, storeFile, type ImageType } from '../../files/store.js';
import { recordAudit } from '../audit/service.js';
import { findEvidence, insertEvidence } from './repo.js';
import { loadVisibleChannel } from './service.js';

// Evidence (截图) that a group or account exists: one image per upload, its type read from its bytes, stored
// content-addressed, downloaded only as an attachment.

export type ImageUpload = { bytes: Buffer; type: ImageType; fileName: string };

/** Strips path parts, control and bidirectional-override characters; the extension follows the real type. */
export function safeFileName(raw: string | undefined, type: ImageType): string {
  const last = (raw ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  const cleaned = last.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  const stem = cleaned
    .replace(/\.[^.]*$/, '')
    .replace(/^\.+/, '')
    .slice(0, 150)
    .trim();
  return `${stem || '截图'}.${type.extension}`;
}

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / 5987). */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

const tooLarge = (maxBytes: number) =>
  new AppError('file_too_large', 413, `图片不能超过 ${Math.floor(maxBytes / 1024 / 1024)} MB`);

/** Reads the one image of a multipart request, refusing what is too large or not a PNG, JPEG, WebP or GIF. */
export async function readImageUpload(request: FastifyRequest, maxBytes: number): Promise<ImageUpload> {
  if (!request.isMultipart()) throw invalid('请以 multipart/form-data 方式上传一张图片');
  let bytes: Buffer;
  let fileName: string | undefined;
  try {
    const part = await request.file({ limits: { fileSize: maxBytes, files: 1 } });
    if (!part) throw invalid('请选择要上传的图片');
    bytes = await part.toBuffer();
    fileName = part.filename;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(maxBytes);
    if (error instanceof AppError) throw error;
    throw invalid('上传内容不完整或格式有误，请重新上传');
  }
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  const type = detectImageType(bytes);
  if (!type) throw new AppError('unsupported_file', 415, '只能上传 PNG、JPEG、WebP 或 GIF 格式的图片');
  return { bytes, type, fileName: safeFileName(fileName, type) };
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
  let bytes: Buffer;
  try {
    bytes = readStoredFile(deps.dataDir, evidence.file_sha256);
  } catch (error) {
    // A data directory restored without its files: say so rather than fail with a 500.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new AppError('not_found', 404, '该截图的文件已丢失，请重新上传');
  }
  return { fileName: evidence.file_name, mime: evidence.mime, bytes };
}
