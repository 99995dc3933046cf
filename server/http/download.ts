import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { attachmentDisposition } from '../files/upload.js';

export const xlsxMime = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Sends a spreadsheet being written as a download; a failure half-way ends the download rather than the server. */
export function sendXlsx(reply: FastifyReply, file: { stream: Readable; fileName: string; done: Promise<void> }) {
  file.done.catch((err: unknown) => {
    reply.log.error({ err }, 'spreadsheet download failed');
    file.stream.destroy(err instanceof Error ? err : new Error('spreadsheet failed'));
  });
  return reply
    .type(xlsxMime)
    .header('content-disposition', attachmentDisposition(file.fileName))
    .header('cache-control', 'no-store')
    .send(file.stream);
}
