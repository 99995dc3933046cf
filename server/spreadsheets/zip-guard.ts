import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { unsupportedFile } from './detect.js';

/**
 * Limits checked on the zip central directory before a single byte is inflated. A real xlsx has a dozen entries
 * and compresses its sheets 5–20 times; a zip bomb declares thousands of entries or gigabytes, or compresses a
 * thousand times. An entry that lies about its size is stopped by yauzl while inflating (validateEntrySizes):
 * it may never produce more than it declared, so the declared total bounds the work and the memory.
 */
export type ZipLimits = { maxEntries: number; maxUncompressedBytes: number; maxRatio: number };

export const defaultZipLimits: ZipLimits = {
  maxEntries: 1000,
  maxUncompressedBytes: 2 * 1024 * 1024 * 1024,
  maxRatio: 200,
};

/** Entries below this size are not held to the ratio: a tiny XML part of zeros is harmless. */
const ratioFloor = 1024 * 1024;

export type GuardedZip = {
  entries: Map<string, Entry>;
  open: (entry: Entry) => Promise<Readable>;
  close: () => void;
};

export const notWorkbook = () => unsupportedFile('文件不是有效的 xlsx 工作簿，请在 Excel 或 WPS 中另存为 .xlsx 后上传');
const tooLarge = () => unsupportedFile('工作簿解压后过大或压缩比异常，已拒绝处理');

async function readEntries(zip: ZipFile, limits: ZipLimits): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  let total = 0;
  for await (const entry of zip.eachEntry()) {
    if (entry.isEncrypted()) throw unsupportedFile('工作簿已加密，请取消密码保护后上传');
    if (!entry.canDecodeFileData()) throw notWorkbook();
    total += entry.uncompressedSize;
    if (total > limits.maxUncompressedBytes) throw tooLarge();
    const compressed = Math.max(entry.compressedSize, 1);
    if (entry.uncompressedSize > ratioFloor && entry.uncompressedSize / compressed > limits.maxRatio) throw tooLarge();
    entries.set(entry.fileName, entry);
  }
  return entries;
}

/** Opens an xlsx for reading after checking its central directory; throws a Chinese 400 for anything else. */
export async function openGuardedZip(file: string, limits: ZipLimits = defaultZipLimits): Promise<GuardedZip> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
  } catch {
    throw notWorkbook();
  }
  try {
    if (zip.entryCount > limits.maxEntries) throw tooLarge();
    const entries = await readEntries(zip, limits).catch((error: unknown) => {
      throw error instanceof Error && 'code' in error && error.code === 'unsupported_file' ? error : notWorkbook();
    });
    if (!entries.has('xl/workbook.xml')) throw notWorkbook();
    return {
      entries,
      open: (entry) => zip.openReadStreamPromise(entry),
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}
