import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { importFields, type ImportFields } from '../../../common/imports.js';
import { tempFilePath } from '../../files/store.js';
import { AppError, invalid } from '../../http/errors.js';
import { detectSpreadsheetType } from '../../spreadsheets/detect.js';
import { openGuardedZip } from '../../spreadsheets/zip-guard.js';

export type SpreadsheetUpload = { tempPath: string; fileName: string; size: number; fields: ImportFields };

/** The uploaded name, for people only: no path, no control or bidirectional-override characters, not too long. */
export function cleanFileName(raw: string | undefined): string {
  const last = (raw ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  const cleaned = last.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return cleaned.slice(-150) || '导入文件';
}

const tooLarge = (maxBytes: number) =>
  new AppError('file_too_large', 413, `文件不能超过 ${Math.floor(maxBytes / 1024 / 1024)} MB`);

/**
 * Receives one spreadsheet and the form fields of POST /api/imports, streaming the file to a temporary path
 * under the data directory (never into memory), then checks before anything is queued: the fields, the type by
 * magic bytes, and — for xlsx — the zip central directory, so a zip bomb is refused at once with a 400.
 */
export async function receiveSpreadsheet(
  request: FastifyRequest,
  options: { dataDir: string; maxBytes: number },
): Promise<SpreadsheetUpload> {
  if (!request.isMultipart()) {
    throw new AppError('validation_failed', 415, '请以 multipart/form-data 方式上传表格文件');
  }
  const raw = Object.create(null) as Record<string, string>;
  let file: { tempPath: string; fileName: string } | null = null;
  try {
    for await (const part of request.parts({ limits: { fileSize: options.maxBytes, files: 1, fields: 8 } })) {
      if (part.type === 'field') {
        if (typeof part.value !== 'string' || part.valueTruncated) throw invalid(`字段 ${part.fieldname} 格式有误`);
        raw[part.fieldname] = part.value;
        continue;
      }
      if (part.fieldname !== 'file') throw invalid('表格文件应以字段名 file 上传');
      const tempPath = tempFilePath(options.dataDir, '.upload');
      file = { tempPath, fileName: cleanFileName(part.filename) };
      await pipeline(part.file, fs.createWriteStream(tempPath, { mode: 0o600 }));
    }
  } catch (error) {
    if (file) fs.rmSync(file.tempPath, { force: true });
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(options.maxBytes);
    if (error instanceof AppError) throw error;
    if (code === 'FST_FILES_LIMIT') throw invalid('一次只能上传一个文件');
    throw invalid('上传内容不完整或格式有误，请重新上传');
  }
  if (!file) throw invalid('请选择要上传的表格文件（字段名 file）');
  try {
    const parsed = importFields.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalid(`请求参数有误：${issue.path.join('.') || '字段'} ${issue.message}`, parsed.error.issues);
    }
    const size = fs.statSync(file.tempPath).size;
    if (size > options.maxBytes) throw tooLarge(options.maxBytes);
    const { type } = detectSpreadsheetType(file.tempPath);
    if (type === 'xlsx') (await openGuardedZip(file.tempPath)).close();
    return { ...file, size, fields: parsed.data };
  } catch (error) {
    fs.rmSync(file.tempPath, { force: true });
    throw error;
  }
}
