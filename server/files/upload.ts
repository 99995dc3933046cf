import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, invalid } from '../http/errors.js';
import { polyglotProblem } from './polyglot.js';
import { readStoredFile } from './store.js';

// Small uploads in (one file read into memory, typed by its bytes, with the form's text fields) and stored files
// out as attachments. Used by channel evidence and admission documents; spreadsheets stream instead (imports).

export type FileType = { mime: string; extension: string };

/** Strips path parts, control and bidirectional-override characters; the extension follows the real type. */
export function safeFileName(raw: string | undefined, extension: string, fallbackStem: string): string {
  const last = (raw ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  const cleaned = last.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  const stem = cleaned
    .replace(/\.[^.]*$/, '')
    .replace(/^\.+/, '')
    .slice(0, 150)
    .trim();
  return `${stem || fallbackStem}.${extension}`;
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

export type SmallUpload<T extends FileType> = {
  bytes: Buffer;
  type: T;
  fileName: string;
  /** The text fields sent with the file, in any order. */
  fields: Record<string, string>;
};

export type SmallUploadOptions<T extends FileType> = {
  maxBytes: number;
  detect: (bytes: Buffer) => T | null;
  /** What the file is, in the messages: 图片, 文件 … */
  what: string;
  /** Said when the bytes are none of the accepted types. */
  unsupportedMessage: string;
  /** The name stem when the uploaded name has none. */
  fallbackStem: string;
};

/** Reads the one file (field `file`) of a multipart request, refusing what is too large or of another type. */
export async function readSmallUpload<T extends FileType>(
  request: FastifyRequest,
  options: SmallUploadOptions<T>,
): Promise<SmallUpload<T>> {
  const tooLarge = () =>
    new AppError('file_too_large', 413, `${options.what}不能超过 ${Math.floor(options.maxBytes / 1024 / 1024)} MB`);
  if (!request.isMultipart()) throw invalid(`请以 multipart/form-data 方式上传${options.what}`);
  const fields = Object.create(null) as Record<string, string>;
  let file: { bytes: Buffer; name: string | undefined } | null = null;
  try {
    for await (const part of request.parts({ limits: { fileSize: options.maxBytes, files: 1, fields: 8 } })) {
      if (part.type === 'field') {
        if (typeof part.value !== 'string' || part.valueTruncated) throw invalid(`字段 ${part.fieldname} 格式有误`);
        fields[part.fieldname] = part.value;
        continue;
      }
      const bytes = await part.toBuffer();
      file = { bytes, name: part.filename };
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    if (error instanceof AppError) throw error;
    if (code === 'FST_FILES_LIMIT') throw invalid('一次只能上传一个文件');
    throw invalid('上传内容不完整或格式有误，请重新上传');
  }
  if (!file) throw invalid(`请选择要上传的${options.what}`);
  if (file.bytes.length > options.maxBytes) throw tooLarge();
  const type = options.detect(file.bytes);
  if (!type) throw new AppError('unsupported_file', 415, options.unsupportedMessage);
  if (polyglotProblem(file.bytes, type.mime)) {
    throw new AppError(
      'unsupported_file',
      415,
      `${options.what}内容不完整，或夹带了网页、压缩包等其他格式的数据，已拒绝：请重新截图或另存后再上传`,
    );
  }
  return { bytes: file.bytes, type, fileName: safeFileName(file.name, type.extension, options.fallbackStem), fields };
}

/** The bytes of a stored file; a data directory restored without its files answers 404 rather than 500. */
export function readStoredFileOr404(dataDir: string, sha256: string, missingMessage: string): Buffer {
  try {
    return readStoredFile(dataDir, sha256);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new AppError('not_found', 404, missingMessage);
  }
}

/** Sends a stored file as a download, never rendered inline. */
export function sendAttachment(reply: FastifyReply, file: { mime: string; fileName: string; bytes: Buffer }) {
  return reply
    .header('content-type', file.mime)
    .header('content-disposition', attachmentDisposition(file.fileName))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(file.bytes);
}
