// People with passwords, for tests: invite through the API, accept the link, and talk to the
// server as a signed-in browser would (the session cookie, the page's Origin, the UI's header).
import { expect } from 'vitest';
import { type ApiClient, type ApiResponse, type RequestOptions, type TestServer, apiClient } from './server.ts';

export const strongPassword = 'correct horse battery staple';

export interface InvitationData {
  id: string;
  url: string;
  expiresAt: string;
  email: string;
  role: string;
  status: string;
}

export function tokenOf(url: string): string {
  const token = new URL(url).hash.replace(/^#token=/, '');
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return token;
}

export async function invite(api: ApiClient, email: string, role = 'agent'): Promise<InvitationData & { token: string }> {
  const res = await api.post<InvitationData>('/invitations', { email, role });
  if (res.status !== 201) throw new Error(`invite: ${res.status} ${res.text}`);
  return { ...res.body.data, token: tokenOf(res.body.data.url) };
}

/** The `ldk_session=…` pair of a response's Set-Cookie, and the whole header line. */
export function sessionCookieOf(res: ApiResponse): { pair: string; line: string } {
  const line = res.headers.getSetCookie().find((c) => c.startsWith('ldk_session=')) ?? '';
  return { pair: line.split(';')[0] ?? '', line };
}

export async function accept(
  s: TestServer,
  token: string,
  name = 'Ada Lovelace',
  password = strongPassword,
): Promise<{ res: ApiResponse<{ user: { id: string; name: string; email: string; role: string } }>; cookie: string }> {
  const res = await s.api.post<{ user: { id: string; name: string; email: string; role: string } }>(
    '/invitations/accept',
    { token, name, password },
    { key: null },
  );
  return { res, cookie: sessionCookieOf(res).pair };
}

export async function login(s: TestServer, email: string, password = strongPassword, headers: Record<string, string> = {}) {
  const res = await s.api.post<{ user: { id: string }; session: { id: string } }>(
    '/auth/login',
    { email, password },
    { key: null, headers },
  );
  return { res, cookie: sessionCookieOf(res).pair };
}

/** A client that sends the session cookie the way the web UI does (same Origin, CSRF header). */
export function browser(s: TestServer, cookie: string, extra: Record<string, string> = {}): ApiClient {
  const inner = apiClient(s.url, '');
  const headers = { Cookie: cookie, Origin: s.url, 'X-LocalDesk-CSRF': '1', ...extra };
  const withHeaders = (options: RequestOptions = {}): RequestOptions => ({
    ...options,
    key: null,
    headers: { ...headers, ...options.headers },
  });
  return {
    request: (method, path, body, options) => inner.request(method, path, body, withHeaders(options)),
    get: (path, options) => inner.get(path, withHeaders(options)),
    post: (path, body, options) => inner.post(path, body, withHeaders(options)),
    patch: (path, body, options) => inner.patch(path, body, withHeaders(options)),
    delete: (path, options) => inner.delete(path, withHeaders(options)),
  };
}

/** Invites `email`, accepts as `name`: the user and a browser signed in as them. */
export async function signedInAgent(s: TestServer, email: string, name: string, role = 'agent') {
  const { token } = await invite(s.api, email, role);
  const { res, cookie } = await accept(s, token, name);
  if (res.status !== 200) throw new Error(`accept: ${res.status} ${res.text}`);
  return { user: res.body.data.user, cookie, client: browser(s, cookie) };
}
