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

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Sends one request; a FormData body goes as multipart (the browser sets its boundary), anything else as JSON. */
async function send(method: Method, path: string, options: RequestOptions, accept: string): Promise<Response> {
  const headers: Record<string, string> = { accept };
  const form = options.body instanceof FormData;
  // Fastify rejects an empty body declared as JSON, so the content type goes only with a body.
  if (options.body !== undefined && !form) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const token = options.csrf ?? csrfToken;
    if (token) headers['x-csrf-token'] = token;
  }
  try {
    return await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : form ? (options.body as FormData) : JSON.stringify(options.body),
    });
  } catch {
    throw fail(
      new ApiError(0, 'network_error', handlers?.fallbackMessage('network_error') ?? 'network error'),
      options,
    );
  }
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options, 'application/json');
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
  put: <T>(path: string, body: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('PUT', path, { ...options, body }),
  delete: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('DELETE', path, options),
  /** multipart/form-data: a file upload with its fields. */
  upload: <T>(path: string, form: FormData, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('POST', path, { ...options, body: form }),
};

/**
 * Downloads a file (an xlsx export) through the same session and error handling as every call, then hands it to
 * the browser as a download under the name the server gave it. With a `body` it is a POST: what names a person
 * (an ID number) goes in the body, never in the URL.
 */
export async function download(
  path: string,
  query?: Query,
  fallbackName = 'download.xlsx',
  body?: unknown,
): Promise<void> {
  const options: RequestOptions = { query, body };
  const response = await send(body === undefined ? 'GET' : 'POST', path, options, '*/*');
  if (!response.ok) {
    const text = await response.text();
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      payload = undefined;
    }
    throw fail(
      isErrorBody(payload)
        ? new ApiError(response.status, payload.error.code, payload.error.message, payload.error.details)
        : new ApiError(response.status, 'bad_response', handlers?.fallbackMessage('bad_response') ?? 'bad response'),
      options,
    );
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileNameOf(response.headers.get('content-disposition')) ?? fallbackName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Some browsers read the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const exact = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (exact?.[1]) {
    try {
      return decodeURIComponent(exact[1]);
    } catch {
      // Fall through to the plain name.
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? null;
}

/** The message to show for anything thrown by a call (an ApiError or a programming error). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
