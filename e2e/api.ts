import type { SeededUser } from './server.js';

// Seeding through the server's own API, as a logged-in user: what the browser is not there to test (a campaign
// set up by the city, a cadre registered by the county) goes in this way, with the same rules and roll-ups.

export type ApiSession = {
  get: <T>(path: string) => Promise<T>;
  post: <T>(path: string, body: unknown) => Promise<T>;
  put: <T>(path: string, body: unknown) => Promise<T>;
};

/** Logs in with the form's fields and keeps the session cookie and the CSRF token for the calls that follow. */
export async function apiSession(baseUrl: string, user: SeededUser): Promise<ApiSession> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': 'login' },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
  if (!login.ok) throw new Error(`login as ${user.username}: HTTP ${login.status} ${await login.text()}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = login.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');

  const send = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} as ${user.username}: HTTP ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    get: (path) => send('GET', path),
    post: (path, body) => send('POST', path, body),
    put: (path, body) => send('PUT', path, body),
  };
}
