// A real HTTP server on a free loopback port that serves a generated dataset the way Zendesk,
// Freshdesk or Help Scout serve theirs, following each product's public API documentation: the
// same paths, authentication, pagination (Zendesk incremental cursors and time-based pages, comment
// cursors; Freshdesk page/per_page with a Link header; Help Scout HAL pages with _links.next),
// rate-limit headers, and on request a 429 with Retry-After in the middle of a run. Every request
// is logged so tests can check what the client did and when.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  FRESHDESK_ORIGIN,
  FRESHDESK_S3,
  type FreshdeskDataset,
  HELPSCOUT_ORIGIN,
  type HelpScoutDataset,
  ZENDESK_ORIGIN,
  type ZendeskDataset,
} from '../fixtures/import/generate.ts';

type Json = Record<string, unknown>;

export interface ReplayRequest {
  method: string;
  /** Path and query as received. */
  path: string;
  pathname: string;
  query: URLSearchParams;
  status: number;
  /** Date.now() when the request arrived. */
  at: number;
  /** Whether it carried valid credentials. */
  authorized: boolean;
}

interface Common {
  /** After this many requests, answer 429 with Retry-After for `retryAfterSeconds` (once). */
  rateLimit?: { after: number; retryAfterSeconds: number };
  /** The quota the rate-limit headers report, per window; going over it is a 429 too. Default: large. */
  quota?: { limit: number; windowSeconds: number };
  /** Request numbers (1-based) answered with a 5xx, to exercise retries. */
  serverErrors?: { at: number[]; status?: number };
}
export type ReplayOptions = Common &
  (
    | { source: 'zendesk'; dataset: ZendeskDataset; auth: { email: string; token: string } }
    | { source: 'freshdesk'; dataset: FreshdeskDataset; auth: { apiKey: string } }
    | { source: 'helpscout'; dataset: HelpScoutDataset; auth: { appId: string; appSecret: string }; tokenTtlSeconds?: number }
  );

export interface ReplayServer {
  url: string;
  requests: ReplayRequest[];
  /** Replace the served data (e.g. with version 2) without restarting. */
  setDataset(dataset: ZendeskDataset | FreshdeskDataset | HelpScoutDataset): void;
  stop(): Promise<void>;
}

class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Reply(status, body, headers);

const ts = (iso: unknown) => Math.floor(Date.parse(String(iso)) / 1000);
const encodeCursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function decodeCursor<T>(c: string): T | null {
  try {
    return JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}
function intParam(q: URLSearchParams, name: string, fallback: number): number {
  const v = q.get(name);
  if (v === null) return fallback;
  const n = Number(v);
  return Number.isInteger(n) ? n : NaN;
}
function withParams(origin: string, pathname: string, q: URLSearchParams, set: Record<string, string>, drop: string[] = []) {
  const next = new URLSearchParams(q);
  for (const d of drop) next.delete(d);
  for (const [k, v] of Object.entries(set)) next.set(k, v);
  return `${origin}${pathname}?${next.toString()}`;
}
async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startReplayServer(options: ReplayOptions): Promise<ReplayServer> {
  let dataset = options.dataset;
  const requests: ReplayRequest[] = [];
  let origin = '';
  let penaltyUntil = 0;
  let penalised = false;
  let windowStart = 0;
  let windowCount = 0;
  const quota = options.quota ?? { limit: 100_000, windowSeconds: 60 };
  const tokens = new Map<string, number>();

  const handler = options.source === 'zendesk' ? zendesk : options.source === 'freshdesk' ? freshdesk : helpscout;

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      const entry: ReplayRequest = { method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, pathname: url.pathname, query: url.searchParams, status: 0, at: Date.now(), authorized: false };
      requests.push(entry);
      let reply: Reply | { bytes: Uint8Array; contentType: string };
      try {
        reply = await gate(entry, req, url);
      } catch (e) {
        reply = json(500, { error: 'replay server bug', message: (e as Error).message });
      }
      entry.status = reply instanceof Reply ? reply.status : 200;
      send(res, reply);
    })();
  });

  /** Rate limits and injected failures in front of the product handler. */
  async function gate(entry: ReplayRequest, req: IncomingMessage, url: URL): Promise<Reply | { bytes: Uint8Array; contentType: string }> {
    const n = requests.length;
    const now = Date.now();
    if (windowStart === 0 || now - windowStart >= quota.windowSeconds * 1000) {
      windowStart = now;
      windowCount = 0;
    }
    windowCount += 1;
    const resetSeconds = Math.max(1, Math.ceil((windowStart + quota.windowSeconds * 1000 - now) / 1000));
    const remaining = Math.max(0, quota.limit - windowCount);
    const rateHeaders = headersFor(remaining, resetSeconds);

    if (options.rateLimit && !penalised && n > options.rateLimit.after) {
      penalised = true;
      penaltyUntil = now + options.rateLimit.retryAfterSeconds * 1000;
    }
    if (now < penaltyUntil || windowCount > quota.limit) {
      const wait = now < penaltyUntil ? Math.ceil((penaltyUntil - now) / 1000) : resetSeconds;
      return tooMany(wait, rateHeaders);
    }
    if (options.serverErrors?.at.includes(n)) {
      return json(options.serverErrors.status ?? 503, { error: 'ServiceUnavailable', description: 'Injected failure' }, rateHeaders);
    }
    const reply = await handler(entry, req, url);
    if (reply instanceof Reply) return new Reply(reply.status, reply.body, { ...rateHeaders, ...reply.headers });
    return reply;
  }

  function headersFor(remaining: number, reset: number): Record<string, string> {
    const limit = String(quota.limit);
    if (options.source === 'zendesk') {
      return { 'X-Rate-Limit': limit, 'X-Rate-Limit-Remaining': String(remaining), 'ratelimit-limit': limit, 'ratelimit-remaining': String(remaining), 'ratelimit-reset': String(reset) };
    }
    if (options.source === 'freshdesk') return { 'X-RateLimit-Total': limit, 'X-RateLimit-Remaining': String(remaining), 'X-RateLimit-Used-CurrentRequest': '1' };
    return { 'X-RateLimit-Limit-Minute': limit, 'X-RateLimit-Remaining-Minute': String(remaining) };
  }

  function tooMany(seconds: number, rateHeaders: Record<string, string>): Reply {
    if (options.source === 'zendesk') {
      return json(429, { error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' }, { ...rateHeaders, 'Retry-After': String(seconds) });
    }
    if (options.source === 'freshdesk') {
      return json(429, { code: 'too_many_requests', message: 'You have exceeded the limit of requests per minute' }, { ...rateHeaders, 'Retry-After': String(seconds) });
    }
    // Help Scout documents its own header for the wait.
    return json(429, { message: 'Rate limit exceeded' }, { ...rateHeaders, 'X-RateLimit-Retry-After': String(seconds) });
  }

  function send(res: ServerResponse, reply: Reply | { bytes: Uint8Array; contentType: string }) {
    res.setHeader('Date', new Date(dataset.now).toUTCString());
    if (!(reply instanceof Reply)) {
      res.writeHead(200, { 'Content-Type': reply.contentType, 'Content-Length': reply.bytes.length });
      res.end(reply.bytes);
      return;
    }
    // The data carries the products' own hosts; links must lead back here.
    const text = JSON.stringify(reply.body)
      .replaceAll(ZENDESK_ORIGIN, origin)
      .replaceAll(FRESHDESK_ORIGIN, origin)
      .replaceAll(FRESHDESK_S3, origin)
      .replaceAll(HELPSCOUT_ORIGIN, origin);
    const contentType = options.source === 'helpscout' ? 'application/hal+json;charset=UTF-8' : 'application/json; charset=utf-8';
    const headers = { ...reply.headers };
    for (const [k, v] of Object.entries(headers)) headers[k] = v.replaceAll(ZENDESK_ORIGIN, origin).replaceAll(FRESHDESK_ORIGIN, origin);
    res.writeHead(reply.status, { 'Content-Type': contentType, ...headers });
    res.end(text);
  }

  // -------------------------------------------------------------------------------------------
  // Zendesk

  function zendesk(entry: ReplayRequest, req: IncomingMessage, url: URL): Reply | { bytes: Uint8Array; contentType: string } {
    const data = dataset as ZendeskDataset;
    const q = url.searchParams;
    const file = data.files[`${url.pathname}${url.search}`];
    if (url.pathname.startsWith('/attachments/token/')) {
      // Token URLs work without credentials unless private attachments are switched on.
      return file ? { bytes: file.bytes, contentType: file.contentType } : json(404, { error: 'RecordNotFound', description: 'Not found' });
    }
    if (options.source !== 'zendesk') throw new Error('unreachable');
    const expected = `Basic ${Buffer.from(`${options.auth.email}/token:${options.auth.token}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return json(401, { error: "Couldn't authenticate you" });
    entry.authorized = true;
    const nowTs = ts(data.now);
    const usersById = new Map(data.users.map((u) => [u.id as number, u]));
    const p = url.pathname;

    const incremental = (items: Json[], key: (x: Json) => [number, number], name: string) => {
      const perPage = intParam(q, 'per_page', 1000);
      if (!(perPage >= 1 && perPage <= 1000)) return json(400, { error: 'InvalidPaginationParameter', description: 'per_page must be between 1 and 1000' });
      let after: [number, number];
      const cursor = q.get('cursor');
      if (cursor !== null) {
        const c = decodeCursor<[number, number]>(cursor);
        if (!Array.isArray(c)) return json(400, { error: 'InvalidValue', description: 'Invalid cursor' });
        after = c;
      } else {
        const start = Number(q.get('start_time'));
        if (q.get('start_time') === null || !Number.isFinite(start)) return json(400, { error: 'InvalidValue', description: 'start_time is required' });
        if (start > nowTs - 60) return json(400, { error: 'InvalidValue', description: 'Too recent start_time. Use a start_time older than 1 minute' });
        after = [start, -1];
      }
      const later = (k: [number, number]) => k[0] > after[0] || (k[0] === after[0] && k[1] > after[1]);
      // Items changed within the last minute are left for the next request, as Zendesk does.
      const pending = items.filter((x) => later(key(x)) && key(x)[0] <= nowTs - 60).sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]);
      const page = pending.slice(0, perPage);
      const last = page[page.length - 1];
      const afterCursor = encodeCursor(last ? key(last) : after);
      const body: Json = {
        [name]: page,
        after_url: withParams(origin, p, q, { cursor: afterCursor }, ['start_time']),
        after_cursor: afterCursor,
        before_url: null,
        before_cursor: null,
        end_of_stream: pending.length <= perPage,
      };
      return body;
    };

    if (p === '/api/v2/incremental/users/cursor.json') {
      const body = incremental(data.users, (u) => [ts(u.updated_at), u.id as number], 'users');
      return body instanceof Reply ? body : json(200, body);
    }
    if (p === '/api/v2/incremental/tickets/cursor.json') {
      const tickets = q.get('exclude_deleted') === 'true' ? data.tickets.filter((t) => t.status !== 'deleted') : data.tickets;
      const body = incremental(tickets, (t) => [t.generated_timestamp as number, t.id as number], 'tickets');
      if (body instanceof Reply) return body;
      if ((q.get('include') ?? '').split(',').includes('users')) {
        const ids = new Set<number>();
        for (const t of body.tickets as Json[]) for (const k of ['requester_id', 'submitter_id', 'assignee_id']) if (typeof t[k] === 'number') ids.add(t[k] as number);
        body.users = [...ids].map((id) => usersById.get(id)).filter(Boolean);
      }
      return json(200, body);
    }
    if (p === '/api/v2/incremental/organizations.json') {
      const start = Number(q.get('start_time'));
      if (q.get('start_time') === null || !Number.isFinite(start)) return json(400, { error: 'InvalidValue', description: 'start_time is required' });
      const key = (o: Json) => ts(o.updated_at);
      const items = data.organizations.filter((o) => key(o) >= start && key(o) <= nowTs - 60).sort((a, b) => key(a) - key(b) || (a.id as number) - (b.id as number));
      const page = items.slice(0, 1000);
      const last = page[page.length - 1];
      const endTime = last ? key(last) : start;
      return json(200, {
        organizations: page,
        next_page: withParams(origin, p, q, { start_time: String(endTime) }),
        count: page.length,
        end_time: endTime,
        end_of_stream: page.length < 1000,
      });
    }
    if (p === '/api/v2/tickets/count.json') {
      return json(200, { count: { value: data.tickets.filter((t) => t.status !== 'deleted').length, refreshed_at: data.now } });
    }
    let m = /^\/api\/v2\/organizations\/(\d+)\.json$/.exec(p);
    if (m) {
      const org = data.organizations.find((o) => String(o.id) === m?.[1]);
      return org ? json(200, { organization: org }) : json(404, { error: 'RecordNotFound', description: 'Not found' });
    }
    m = /^\/api\/v2\/tickets\/(\d+)\/comments\.json$/.exec(p);
    if (m) {
      const list = data.comments[m[1] as string];
      if (!list) return json(404, { error: 'RecordNotFound', description: 'Not found' });
      const sorted = q.get('sort_order') === 'desc' ? [...list].reverse() : list;
      const sideload = (items: Json[]) => {
        if (!(q.get('include') ?? '').split(',').includes('users')) return {};
        const ids = new Set(items.map((c) => c.author_id as number));
        return { users: [...ids].map((id) => usersById.get(id)).filter(Boolean) };
      };
      if (q.has('page[size]')) {
        const size = intParam(q, 'page[size]', 100);
        if (!(size >= 1 && size <= 100)) return json(400, { error: 'InvalidPaginationParameter', description: 'page[size] must be between 1 and 100' });
        let start = 0;
        const afterParam = q.get('page[after]');
        if (afterParam) {
          const c = decodeCursor<{ o: number }>(afterParam);
          if (!c || typeof c.o !== 'number') return json(400, { error: 'InvalidPaginationParameter', description: 'Invalid page[after]' });
          start = c.o;
        }
        const page = sorted.slice(start, start + size);
        const hasMore = start + size < sorted.length;
        const afterCursor = encodeCursor({ o: start + page.length });
        return json(200, {
          comments: page,
          ...sideload(page),
          meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: encodeCursor({ o: start }) },
          links: {
            prev: start > 0 ? withParams(origin, p, q, { 'page[before]': encodeCursor({ o: start }) }, ['page[after]']) : null,
            next: hasMore ? withParams(origin, p, q, { 'page[after]': afterCursor }, ['page[before]']) : null,
          },
        });
      }
      // Offset pagination, the older style.
      const perPage = intParam(q, 'per_page', 100);
      const page = intParam(q, 'page', 1);
      if (!(perPage >= 1 && perPage <= 100) || !(page >= 1)) return json(400, { error: 'InvalidPaginationParameter', description: 'Invalid page or per_page' });
      const items = sorted.slice((page - 1) * perPage, page * perPage);
      const hasNext = page * perPage < sorted.length;
      return json(200, {
        comments: items,
        ...sideload(items),
        next_page: hasNext ? withParams(origin, p, q, { page: String(page + 1) }) : null,
        previous_page: page > 1 ? withParams(origin, p, q, { page: String(page - 1) }) : null,
        count: sorted.length,
      });
    }
    return json(404, { error: 'InvalidEndpoint', description: 'Not found' });
  }

  // -------------------------------------------------------------------------------------------
  // Freshdesk

  function freshdesk(entry: ReplayRequest, req: IncomingMessage, url: URL): Reply | { bytes: Uint8Array; contentType: string } {
    const data = dataset as FreshdeskDataset;
    const q = url.searchParams;
    const p = url.pathname;
    if (p.startsWith('/cdn.freshdesk.com/')) {
      // Pre-signed S3 URLs: no Freshdesk credentials.
      const file = data.files[p];
      return file ? { bytes: file.bytes, contentType: file.contentType } : json(404, { code: 'NoSuchKey' });
    }
    if (options.source !== 'freshdesk') throw new Error('unreachable');
    const header = req.headers.authorization ?? '';
    const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    if (decoded.split(':')[0] !== options.auth.apiKey) {
      return json(401, { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' });
    }
    entry.authorized = true;

    const paged = (items: Json[], maxPage = Infinity) => {
      const perPage = intParam(q, 'per_page', 30);
      const page = intParam(q, 'page', 1);
      const errors = [];
      if (!(perPage >= 1 && perPage <= 100)) errors.push({ field: 'per_page', message: 'It should be a Positive Integer less than or equal to 100', code: 'invalid_value' });
      if (!(page >= 1)) errors.push({ field: 'page', message: 'It should be a Positive Integer', code: 'invalid_value' });
      else if (page > maxPage) errors.push({ field: 'page', message: `You can only access the first ${maxPage} pages`, code: 'invalid_value' });
      if (errors.length) return json(400, { description: 'Validation failed', errors });
      const slice = items.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < items.length && page < maxPage) headers.Link = `<${withParams(origin, p, q, { page: String(page + 1) })}>; rel="next"`;
      return json(200, slice, headers);
    };
    const since = (name: string): number | Reply => {
      const v = q.get(name);
      if (v === null) return -Infinity;
      const t = Date.parse(v);
      return Number.isFinite(t) ? t : json(400, { description: 'Validation failed', errors: [{ field: name, message: 'It should be in the \'valid date\' format', code: 'invalid_value' }] });
    };

    if (p === '/api/v2/roles') return json(200, data.roles);
    if (p === '/api/v2/agents') return paged(data.agents);
    if (p === '/api/v2/companies') return paged(data.companies);
    if (p === '/api/v2/contacts') {
      const s = since('_updated_since');
      if (s instanceof Reply) return s;
      return paged(data.contacts.filter((c) => Date.parse(String(c.updated_at)) >= s));
    }
    if (p === '/api/v2/ticket_fields') {
      const type = q.get('type');
      return json(200, type ? data.ticketFields.filter((f) => f.type === type) : data.ticketFields);
    }
    if (p === '/api/v2/tickets') {
      let s = since('updated_since');
      if (s instanceof Reply) return s;
      // Without updated_since the list has only the tickets created in the last 30 days.
      const createdFloor = q.has('updated_since') ? -Infinity : Date.parse(data.now) - 30 * 86_400_000;
      if (!q.has('updated_since')) s = -Infinity;
      const orderBy = q.get('order_by') ?? 'created_at';
      const dir = (q.get('order_type') ?? 'desc') === 'asc' ? 1 : -1;
      if (!['created_at', 'updated_at', 'due_by', 'status'].includes(orderBy)) {
        return json(400, { description: 'Validation failed', errors: [{ field: 'order_by', message: 'It should be one of these values: \'created_at,due_by,updated_at,status\'', code: 'invalid_value' }] });
      }
      const key = (t: Json) => (orderBy === 'status' ? (t.status as number) : Date.parse(String(t[orderBy])));
      const sinceMs = s;
      const items = data.tickets
        .filter((t) => Date.parse(String(t.updated_at)) >= sinceMs && Date.parse(String(t.created_at)) >= createdFloor)
        .sort((a, b) => dir * (key(a) - key(b)) || (a.id as number) - (b.id as number))
        .map((t) => {
          // The list never carries attachments; the description only with include=description.
          const listed: Json = { ...t };
          delete listed.attachments;
          if (!(q.get('include') ?? '').split(',').includes('description')) {
            delete listed.description;
            delete listed.description_text;
          }
          return listed;
        });
      return paged(items, 300);
    }
    if (p === '/api/v2/search/tickets') {
      const m = /^"updated_at:>'(\d{4}-\d{2}-\d{2})'"$/.exec(q.get('query') ?? '');
      if (!m) return json(400, { description: 'Validation failed', errors: [{ field: 'query', message: 'Query is invalid', code: 'invalid_value' }] });
      const day = Date.parse(`${m[1]}T00:00:00Z`) + 86_400_000;
      const hits = data.tickets.filter((t) => Date.parse(String(t.updated_at)) >= day);
      return json(200, { results: hits.slice(0, 30), total: hits.length });
    }
    let m = /^\/api\/v2\/tickets\/(\d+)$/.exec(p);
    if (m) {
      const ticket = data.tickets.find((t) => String(t.id) === m?.[1]);
      if (!ticket) return json(404, { code: 'not_found', message: 'Record not found' });
      const out: Json = { ...ticket };
      if ((q.get('include') ?? '').split(',').includes('requester')) {
        const c = data.contacts.find((x) => x.id === ticket.requester_id);
        out.requester = c ? { id: c.id, name: c.name, email: c.email, mobile: c.mobile, phone: c.phone } : null;
      }
      return json(200, out, { 'X-RateLimit-Used-CurrentRequest': q.has('include') ? '2' : '1' });
    }
    m = /^\/api\/v2\/tickets\/(\d+)\/conversations$/.exec(p);
    if (m) {
      const list = data.conversations[m[1] as string];
      return list ? paged(list) : json(404, { code: 'not_found', message: 'Record not found' });
    }
    return json(404, { code: 'not_found', message: 'Invalid URL' });
  }

  // -------------------------------------------------------------------------------------------
  // Help Scout

  async function helpscout(entry: ReplayRequest, req: IncomingMessage, url: URL): Promise<Reply | { bytes: Uint8Array; contentType: string }> {
    if (options.source !== 'helpscout') throw new Error('unreachable');
    const data = dataset as HelpScoutDataset;
    const q = url.searchParams;
    const p = url.pathname;
    if (p === '/v2/oauth2/token' && req.method === 'POST') {
      const raw = await readBody(req);
      const form: Record<string, string> = (req.headers['content-type'] ?? '').includes('json')
        ? (JSON.parse(raw || '{}') as Record<string, string>)
        : Object.fromEntries(new URLSearchParams(raw));
      if (form.grant_type !== 'client_credentials') return json(400, { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' });
      if (form.client_id !== options.auth.appId || form.client_secret !== options.auth.appSecret) {
        return json(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
      }
      entry.authorized = true;
      const token = randomBytes(16).toString('hex');
      const ttl = options.tokenTtlSeconds ?? 172_800;
      tokens.set(token, Date.now() + ttl * 1000);
      return json(200, { token_type: 'bearer', access_token: token, expires_in: ttl });
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expires = bearer ? tokens.get(bearer) : undefined;
    if (expires === undefined || expires < Date.now()) {
      return json(401, { logRef: 'a1b2c3', message: expires === undefined ? 'Invalid access token' : 'Access token expired', _embedded: { errors: [] } });
    }
    entry.authorized = true;

    const hal = (name: string, items: Json[], size: number) => {
      const page = intParam(q, 'page', 1);
      if (!(page >= 1)) return json(400, { logRef: 'x', message: 'Bad request', _embedded: { errors: [{ path: 'page', message: 'must be greater than or equal to 1', source: 'QUERY_PARAM' }] } });
      const totalPages = Math.max(1, Math.ceil(items.length / size));
      const slice = items.slice((page - 1) * size, page * size);
      const link = (n: number) => ({ href: withParams(origin, p, q, { page: String(n) }) });
      const links: Json = { self: link(page), first: link(1), last: link(totalPages), page: { href: `${origin}${p}{?page}`, templated: true } };
      if (page < totalPages) links.next = link(page + 1);
      if (page > 1) links.previous = link(page - 1);
      return json(200, { _embedded: { [name]: slice }, _links: links, page: { size, totalElements: items.length, totalPages, number: page } });
    };
    const after = (name: string): number | Reply => {
      const v = q.get(name);
      if (v === null) return -Infinity;
      const t = Date.parse(v);
      return Number.isFinite(t) ? t : json(400, { logRef: 'x', message: 'Bad request', _embedded: { errors: [{ path: name, message: 'Invalid date', source: 'QUERY_PARAM' }] } });
    };
    const sortBy = (items: Json[], key: (x: Json) => string | number) => {
      const dir = (q.get('sortOrder') ?? 'desc') === 'asc' ? 1 : -1;
      return [...items].sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        return dir * (ka < kb ? -1 : ka > kb ? 1 : 0) || (a.id as number) - (b.id as number);
      });
    };

    if (p === '/v2/users') return hal('users', data.users, 50);
    if (p === '/v2/customers') {
      const since = after('modifiedSince');
      if (since instanceof Reply) return since;
      const field = q.get('sortField') ?? 'createdAt';
      const key = (c: Json) => (field === 'modifiedAt' ? Date.parse(String(c.updatedAt)) : field === 'firstName' || field === 'lastName' ? String(c[field] ?? '') : Date.parse(String(c.createdAt)));
      return hal('customers', sortBy(data.customers.filter((c) => Date.parse(String(c.updatedAt)) > since), key), 50);
    }
    if (p === '/v2/conversations') {
      const since = after('modifiedSince');
      if (since instanceof Reply) return since;
      const status = q.get('status') ?? 'active';
      const field = q.get('sortField') ?? 'createdAt';
      const modified = (c: Json) => Date.parse(data.modifiedAt[String(c.id)] ?? String(c.createdAt));
      const key = (c: Json) => (field === 'modifiedAt' ? modified(c) : field === 'number' ? (c.number as number) : field === 'subject' ? String(c.subject) : Date.parse(String(c.createdAt)));
      const filtered = data.conversations.filter((c) => (status === 'all' || c.status === status) && modified(c) > since);
      return hal('conversations', sortBy(filtered, key), 25);
    }
    let m = /^\/v2\/conversations\/(\d+)\/threads$/.exec(p);
    if (m) {
      const list = data.threads[m[1] as string];
      return list ? hal('threads', list, 50) : json(404, { logRef: 'x', message: 'Conversation not found', _embedded: { errors: [] } });
    }
    m = /^\/v2\/conversations\/(\d+)\/attachments\/(\d+)\/data$/.exec(p);
    if (m) {
      const file = data.files[p];
      return file ? json(200, { id: Number(m[2]), data: Buffer.from(file.bytes).toString('base64') }) : json(404, { logRef: 'x', message: 'Attachment not found', _embedded: { errors: [] } });
    }
    return json(404, { logRef: 'x', message: 'Not found', _embedded: { errors: [] } });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    requests,
    setDataset(next) {
      dataset = next;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

/** Drains a source's read into an array; stops (closing the generator) after `limit` records. */
export async function collect<R>(records: AsyncIterable<R>, limit = Infinity): Promise<R[]> {
  const out: R[] = [];
  if (limit <= 0) return out;
  for await (const r of records) {
    out.push(r);
    if (out.length >= limit) break;
  }
  return out;
}

/** The request that came right after `entry` in the log. */
export function nextRequest(log: ReplayRequest[], entry: ReplayRequest): ReplayRequest | undefined {
  return log[log.indexOf(entry) + 1];
}
