import type { FastifyServerOptions } from 'fastify';

/**
 * Structured logs that never carry personal data: request bodies are never logged, and headers that carry
 * credentials are redacted. Query strings are dropped from logged URLs (searches may contain names).
 */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'req.headers.authorization'], remove: true },
    serializers: {
      req(request: { method: string; url: string; ip?: string; id?: string }) {
        return { method: request.method, url: request.url.split('?')[0], id: request.id };
      },
    },
  };
}
