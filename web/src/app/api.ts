import type { ErrorBody, ErrorCode } from '../../../common/errors.js';

// One fetch wrapper for every call: JSON both ways, the session cookie, the CSRF header on writes, and one
// place that turns `{ error: { code, message } }` into a message for the person and a redirect when needed.

export type ClientErrorCode = ErrorCode | 'network_error' | 'bad_response';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

type Handlers = {
  /** Shows an error to the person (antd message). */
  notify: (error: ApiError) => void;
  /** The session ended or never existed. */
  onUnauthenticated: () => void;
  /** The server refuses everything until the password is changed. */
  onPasswordChangeRequired: () => void;
  /** Text for failures the server did not word itself. */
  fallbackMessage: (code: 'network_error' | 'bad_response') => string;
};

let handlers: Handlers | null = null;
let csrfToken: string | null = null;

export function configureApi(next: Handlers): void {
  handlers = next;
}

/** Set from the login, /api/auth/me and password-change responses; cleared on logout. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export type RequestOptions = {
  query?: Query;
  body?: unknown;
  /** The caller shows the error itself (inline on a form, or a Result): no toast. */
  quiet?: boolean;
  /** Sent instead of the session's CSRF token; the login request uses the fixed value `login`. */
  csrf?: string;
};

function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

export async function request<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // Fastify rejects an empty body declared as JSON, so the content type goes only with a body.
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const token = options.csrf ?? csrfToken;
    if (token) headers['x-csrf-token'] = token;
  }

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw fail(
      new ApiError(0, 'network_error', handlers?.fallbackMessage('network_error') ?? 'network error'),
      options,
    );
  }

  const text = await response.text();
  let payload: unknown = undefined;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = undefined;
    }
  }

  if (!response.ok) {
    const error = isErrorBody(payload)
      ? new ApiError(response.status, payload.error.code, payload.error.message, payload.error.details)
      : new ApiError(response.status, 'bad_response', handlers?.fallbackMessage('bad_response') ?? 'bad response');
    throw fail(error, options);
  }
  if (text && payload === undefined) {
    throw fail(
      new ApiError(response.status, 'bad_response', handlers?.fallbackMessage('bad_response') ?? 'bad response'),
      options,
    );
  }
  return payload as T;
}

function fail(error: ApiError, options: RequestOptions): ApiError {
  if (!handlers) return error;
  // The session redirects happen even for quiet calls: a page that shows its own errors still cannot work
  // without a session.
  if (error.code === 'unauthenticated') {
    handlers.onUnauthenticated();
  } else if (error.code === 'password_change_required') {
    handlers.onPasswordChangeRequired();
  }
  if (!options.quiet) handlers.notify(error);
  return error;
}

export const api = {
  get: <T>(path: string, query?: Query, options?: Omit<RequestOptions, 'query' | 'body'>) =>
    request<T>('GET', path, { ...options, query }),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('PATCH', path, { ...options, body }),
};

/** The message to show for anything thrown by a call (an ApiError or a programming error). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
