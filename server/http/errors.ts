import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorBody, ErrorCode } from '../../common/errors.js';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

// Factories for the errors every feature raises, so the same situation always reads the same.
export const notFound = (what = '对象') => new AppError('not_found', 404, `${what}不存在或无权访问`);
export const forbidden = (message = '没有执行此操作的权限') => new AppError('forbidden', 403, message);
export const conflict = (message: string, details?: unknown) => new AppError('conflict', 409, message, details);
export const invalid = (message: string, details?: unknown) => new AppError('validation_failed', 400, message, details);

type Issue = { path: string; message: string };

function validationBody(error: FastifyError & { validation: { instancePath: string; message?: string }[] }): ErrorBody {
  const context = error.validationContext ?? 'body';
  const issues: Issue[] = error.validation.map((v) => ({
    path: `${context}${v.instancePath.replaceAll('/', '.')}`.replace(/\.$/, ''),
    message: v.message ?? '格式不正确',
  }));
  const first = issues[0];
  return {
    error: {
      code: 'validation_failed',
      message: first
        ? `请求参数有误：${first.path.split('.').slice(1).join('.') || first.path} ${first.message}`
        : '请求参数有误',
      details: issues,
    },
  };
}

const internalError = (request: FastifyRequest): ErrorBody => ({
  error: { code: 'internal_error', message: '服务器内部错误，请稍后重试', requestId: String(request.id) },
});

/**
 * Fastify's `frameworkErrors`: a URL the router cannot decode (`/api/orgs/%FF`) or a path parameter beyond
 * maxParamLength is answered before any route or error handler runs; these keep the one error format.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
    void reply.status(tooLong ? 414 : 400).send({
      error: { code: 'validation_failed', message: tooLong ? '请求地址中的参数过长' : '请求地址格式有误，无法解析' },
    } satisfies ErrorBody);
    return;
  }
  request.log.error({ err: error }, 'framework error');
  void reply.status(500).send(internalError(request));
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before there is a request (headers beyond 16 KB,
 * such as a cookie that grew too large; a malformed request line; a request too slow to arrive) gets the same
 * error format as everything else, written straight to the socket as Fastify's own handler does.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', '请求头过大（Cookie 过多或过长），请清除本站 Cookie 后重试']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', '请求超时，请重试']
        : [400, 'Bad Request', '请求格式有误，无法解析'];
  const body = JSON.stringify({ error: { code: 'validation_failed', message } } satisfies ErrorBody);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** One place maps every error to `{ error: { code, message, details? } }`; stack traces never leave the server. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      const body: ErrorBody = { error: { code: error.code, message: error.message } };
      if (error.details !== undefined) body.error.details = error.details;
      return reply.status(error.status).send(body);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.status(400).send(validationBody(error));
    }
    if (error.statusCode === 429) {
      return reply
        .status(429)
        .send({ error: { code: 'rate_limited', message: '请求过于频繁，请稍后再试' } } satisfies ErrorBody);
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      const message =
        error.statusCode === 413
          ? '请求内容过大'
          : error.statusCode === 415
            ? '不支持的内容类型，请以 JSON 提交'
            : '请求格式有误，无法解析';
      return reply
        .status(error.statusCode === 404 ? 404 : error.statusCode)
        .send({ error: { code: 'validation_failed', message } } satisfies ErrorBody);
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(internalError(request));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: '请求的资源不存在' } } satisfies ErrorBody);
  });
}
