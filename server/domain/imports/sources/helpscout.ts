// Help Scout Mailbox API 2.0: users, customers and conversations with their threads. OAuth2
// client credentials: POST /v2/oauth2/token for a bearer token (renewed when it expires or a 401
// says so). Lists are HAL pages (_embedded, page, _links.next). Conversations are listed oldest
// created first: a conversation changed during the run keeps its place, so page numbers stay
// stable; the next run asks for what was modified since this one began.
import { z } from 'zod';
import { checkCursor, emailOf, latest, nameOf, normalizeTags, placeholderUser, requireIso, serverNow, subjectOf, Tally, toIso } from './common.ts';
import { htmlToText, looksLikeHtml } from './html.ts';
import { HttpClient } from './http.ts';
import {
  type Estimate,
  type ImportRecord,
  type ImportSource,
  ImportSourceError,
  type ReadOptions,
  type SourceAttachment,
  type SourceContact,
  type SourceMessage,
  type SourceTicket,
  type SourceUser,
  type TicketStatus,
} from './types.ts';

export interface HelpScoutOptions {
  /** https://api.helpscout.net (tests point it elsewhere). */
  url: string;
  appId: string;
  appSecret: string;
}

const Paged = z.object({ page: z.number().int().positive(), done: z.array(z.string()) });
const Since = z.string().nullable();
export const helpscoutCursor = z.object({
  source: z.literal('helpscout'),
  v: z.literal(1),
  phase: z.enum(['users', 'customers', 'conversations']),
  /** Items modified after these are read (null: all). */
  usersSince: Since,
  customersSince: Since,
  conversationsSince: Since,
  /** The server's clock, less a margin, when this run's phase began: the next run's since. */
  nextUsersSince: Since,
  nextCustomersSince: Since,
  nextConversationsSince: Since,
  users: Paged,
  customers: Paged,
  conversations: Paged,
});
export type HelpScoutCursor = z.infer<typeof helpscoutCursor>;

/** Lists come from a search index that can lag: the next run overlaps this one by this much. */
const MARGIN_MS = 5 * 60_000;
const hsTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Hal<K extends string, T> {
  _embedded?: Partial<Record<K, T[]>>;
  _links?: { next?: { href?: string } };
  page?: { totalElements?: number; totalPages?: number; number?: number };
}
interface Person {
  id?: number;
  type?: string;
  first?: string | null;
  last?: string | null;
  email?: string | null;
}
interface HUser {
  id: number;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  role?: string;
  createdAt?: string;
  updatedAt?: string;
}
interface HCustomer {
  id: number;
  firstName?: string | null;
  lastName?: string | null;
  organization?: string | null;
  createdAt?: string;
  updatedAt?: string;
  _embedded?: { emails?: { value?: string; type?: string }[] };
}
interface HConversation {
  id: number;
  subject?: string | null;
  status?: string;
  tags?: { tag?: string }[];
  assignee?: Person | null;
  primaryCustomer?: Person | null;
  createdAt?: string;
  userUpdatedAt?: string | null;
  closedAt?: string | null;
}
interface HThread {
  id: number;
  type?: string;
  state?: string;
  body?: string | null;
  createdBy?: Person | null;
  createdAt?: string;
  _embedded?: { attachments?: { id: number; filename?: string; mimeType?: string; size?: number; _links?: { data?: { href?: string } } }[] };
}

const STATUS: Record<string, TicketStatus> = { active: 'open', open: 'open', pending: 'pending', closed: 'closed', spam: 'closed' };

function client(options: HelpScoutOptions & Pick<ReadOptions<HelpScoutCursor>, 'signal' | 'http' | 'onProgress'>) {
  if (!options.appId || !options.appSecret) {
    throw new ImportSourceError({ source: 'helpscout', code: 'input', message: 'an app id and an app secret are required' });
  }
  let token: { value: string; expires: number } | null = null;
  const http: HttpClient = new HttpClient({
    source: 'helpscout',
    baseUrl: options.url,
    refreshOn401: true,
    authorize: async (refresh) => {
      if (refresh || !token || token.expires - 60_000 < Date.now()) {
        const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: options.appId, client_secret: options.appSecret });
        const res = await http.json<{ access_token?: string; expires_in?: number }>(
          'POST',
          '/v2/oauth2/token',
          { contentType: 'application/x-www-form-urlencoded', text: form.toString() },
          false,
        );
        if (!res.data.access_token) throw new ImportSourceError({ source: 'helpscout', code: 'protocol', message: 'the token response has no access_token', path: res.path });
        token = { value: res.data.access_token, expires: Date.now() + (res.data.expires_in ?? 7200) * 1000 };
      }
      return { Authorization: `Bearer ${token.value}` };
    },
    retryAfter: ['x-ratelimit-retry-after', 'retry-after'],
    quota: { remaining: ['x-ratelimit-remaining-minute'], reset: ['x-ratelimit-retry-after'], windowMs: 60_000, reserve: 0 },
    productMessage: (body) => {
      if (typeof body !== 'object' || body === null) return null;
      const b = body as { error?: unknown; error_description?: unknown; message?: unknown; _embedded?: { errors?: { path?: string; message?: string }[] } };
      const parts = [b.error, b.error_description, b.message].filter((x): x is string => typeof x === 'string');
      for (const e of b._embedded?.errors ?? []) parts.push(`${e.path ?? '?'}: ${e.message ?? '?'}`);
      return parts.join(': ') || null;
    },
    tuning: options.http,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  return http;
}

function initialCursor(): HelpScoutCursor {
  return {
    source: 'helpscout',
    v: 1,
    phase: 'users',
    usersSince: null,
    customersSince: null,
    conversationsSince: null,
    nextUsersSince: null,
    nextCustomersSince: null,
    nextConversationsSince: null,
    users: { page: 1, done: [] },
    customers: { page: 1, done: [] },
    conversations: { page: 1, done: [] },
  };
}

async function* read(options: HelpScoutOptions & ReadOptions<HelpScoutCursor>): AsyncGenerator<ImportRecord<HelpScoutCursor>, void, undefined> {
  const http = client(options);
  const tally = new Tally(options.onProgress);
  const cursor: HelpScoutCursor = options.since ? structuredClone(checkCursor('helpscout', helpscoutCursor, options.since)) : initialCursor();
  const snapshot = () => structuredClone(cursor);
  const emit = <R extends ImportRecord<HelpScoutCursor>>(record: R): R => {
    if (record.kind !== 'checkpoint') tally.count(record);
    return record;
  };

  // Every user, every run (there is no modifiedSince for users): they name authors and admins.
  const userPages: { page: number; users: HUser[] }[] = [];
  let usersClock = 0;
  for (let page = 1; ; page++) {
    const res = await http.getJson<Hal<'users', HUser>>(`/v2/users?page=${page}`);
    if (page === 1) usersClock = serverNow(res.headers);
    userPages.push({ page, users: res.data._embedded?.users ?? [] });
    options.onProgress?.({ type: 'page', phase: 'users', path: res.path, items: userPages[userPages.length - 1]?.users.length ?? 0, total: res.data.page?.totalElements ?? null });
    if (!res.data._links?.next?.href) break;
  }
  const users = new Map(userPages.flatMap((p) => p.users).map((u) => [u.id, u]));

  if (cursor.phase === 'users') {
    cursor.nextUsersSince ??= hsTime(usersClock - MARGIN_MS);
    const since = toIso(cursor.usersSince);
    for (const { page, users: list } of userPages) {
      if (page < cursor.users.page) continue;
      if (page > cursor.users.page) cursor.users = { page, done: [] };
      for (const u of list) {
        if (cursor.users.done.includes(String(u.id))) continue;
        cursor.users.done.push(String(u.id));
        if (since && (toIso(u.updatedAt) ?? '') < since) continue;
        yield emit({ kind: 'user', item: userOf(u), cursor: snapshot() });
      }
    }
    cursor.phase = 'customers';
  }

  if (cursor.phase === 'customers') {
    const filter = cursor.customersSince ? `&modifiedSince=${encodeURIComponent(cursor.customersSince)}` : '';
    for (let page = cursor.customers.page; ; page++) {
      const res = await http.getJson<Hal<'customers', HCustomer>>(`/v2/customers?sortField=createdAt&sortOrder=asc&page=${page}${filter}`);
      cursor.nextCustomersSince ??= hsTime(serverNow(res.headers) - MARGIN_MS);
      const list = res.data._embedded?.customers ?? [];
      options.onProgress?.({ type: 'page', phase: 'contacts', path: res.path, items: list.length, total: res.data.page?.totalElements ?? null });
      if (page !== cursor.customers.page) cursor.customers = { page, done: [] };
      for (const c of list) {
        if (cursor.customers.done.includes(String(c.id))) continue;
        cursor.customers.done.push(String(c.id));
        const emails = c._embedded?.emails ?? [];
        const contact: SourceContact = {
          externalId: String(c.id),
          name: nameOf(c.firstName, c.lastName),
          email: emailOf((emails.find((e) => e.type === 'work') ?? emails[0])?.value),
          company: c.organization?.trim() || null,
          createdAt: requireIso('helpscout', c.createdAt, `customer ${c.id} createdAt`),
          updatedAt: requireIso('helpscout', c.updatedAt ?? c.createdAt, `customer ${c.id} updatedAt`),
        };
        yield emit({ kind: 'contact', item: contact, cursor: snapshot() });
      }
      if (!res.data._links?.next?.href) break;
    }
    cursor.phase = 'conversations';
  }

  const placeholders = new Set<string>();
  const filter = cursor.conversationsSince ? `&modifiedSince=${encodeURIComponent(cursor.conversationsSince)}` : '';
  for (let page = cursor.conversations.page; ; page++) {
    const res = await http.getJson<Hal<'conversations', HConversation>>(`/v2/conversations?status=all&sortField=createdAt&sortOrder=asc&page=${page}${filter}`);
    cursor.nextConversationsSince ??= hsTime(serverNow(res.headers) - MARGIN_MS);
    const list = res.data._embedded?.conversations ?? [];
    options.onProgress?.({ type: 'page', phase: 'tickets', path: res.path, items: list.length, total: res.data.page?.totalElements ?? null });
    if (page !== cursor.conversations.page) cursor.conversations = { page, done: [] };
    for (const c of list) {
      if (cursor.conversations.done.includes(String(c.id))) continue;
      const threads = await threadsOf(c.id);
      // Authors and assignees the user list no longer has: deleted users.
      const people = [c.assignee, ...threads.map((t) => t.createdBy)].filter((p): p is Person => p?.type === 'user' && typeof p.id === 'number');
      for (const p of people) {
        const id = String(p.id);
        if (users.has(p.id as number) || placeholders.has(id)) continue;
        placeholders.add(id);
        yield emit({ kind: 'user', item: placeholderUser(id, nameOf(p.first, p.last), p.email ?? null), cursor: snapshot() });
      }
      cursor.conversations.done.push(String(c.id));
      yield emit({ kind: 'ticket', item: ticketOf(c, threads), cursor: snapshot() });
    }
    if (!res.data._links?.next?.href) break;
  }

  const checkpoint: HelpScoutCursor = {
    ...initialCursor(),
    usersSince: cursor.nextUsersSince,
    customersSince: cursor.nextCustomersSince,
    conversationsSince: cursor.nextConversationsSince,
  };
  yield { kind: 'checkpoint', item: null, cursor: checkpoint };

  function userOf(u: HUser): SourceUser {
    return {
      externalId: String(u.id),
      name: nameOf(u.firstName, u.lastName) ?? u.email ?? `Help Scout user ${u.id}`,
      email: emailOf(u.email),
      role: u.role === 'owner' || u.role === 'admin' ? 'admin' : 'agent',
      active: true,
      deleted: false,
      placeholder: false,
      createdAt: toIso(u.createdAt),
      updatedAt: toIso(u.updatedAt),
    };
  }

  async function threadsOf(id: number): Promise<HThread[]> {
    const all: HThread[] = [];
    for (let page = 1; ; page++) {
      const res = await http.getJson<Hal<'threads', HThread>>(`/v2/conversations/${id}/threads?page=${page}`);
      all.push(...(res.data._embedded?.threads ?? []));
      if (!res.data._links?.next?.href) break;
    }
    // Listed newest first; oldest first here, ties by id.
    return all.sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.id - b.id);
  }

  function ticketOf(c: HConversation, threads: HThread[]): SourceTicket {
    const messages: SourceMessage[] = [];
    for (const t of threads) {
      // Line items are status changes and assignments; drafts are unsent.
      if (t.type === 'lineitem' || (t.state && t.state !== 'published')) continue;
      const by = t.createdBy ?? null;
      const customer = t.type === 'customer' || ((t.type === 'chat' || t.type === 'phone' || t.type === 'beaconchat') && by?.type === 'customer');
      const internal = t.type === 'note' || t.type === 'forwardparent' || t.type === 'forwardchild';
      const raw = t.body ?? '';
      const html = looksLikeHtml(raw) ? raw : null;
      messages.push({
        externalId: String(t.id),
        body: html ? htmlToText(html) : raw.trim(),
        html,
        internal,
        sender: customer ? 'customer' : 'agent',
        author: typeof by?.id === 'number' ? String(by.id) : null,
        authorName: nameOf(by?.first, by?.last) ?? by?.email ?? null,
        createdAt: requireIso('helpscout', t.createdAt, `thread ${t.id} createdAt`),
        attachments: (t._embedded?.attachments ?? []).filter((a) => a._links?.data?.href).map(
          (a): SourceAttachment => ({
            externalId: String(a.id),
            name: a.filename ?? `attachment-${a.id}`,
            contentType: a.mimeType ?? 'application/octet-stream',
            size: typeof a.size === 'number' ? a.size : null,
            url: a._links?.data?.href as string,
          }),
        ),
      });
    }
    const status = c.status ?? 'active';
    const tags = normalizeTags([...(c.tags ?? []).map((t) => t.tag), ...(status === 'spam' ? ['spam'] : [])]);
    const createdAt = requireIso('helpscout', c.createdAt, `conversation ${c.id} createdAt`);
    const customer = c.primaryCustomer ?? null;
    return {
      externalId: String(c.id),
      subject: subjectOf(c.subject),
      status: STATUS[status] ?? 'open',
      // Help Scout has no priority.
      priority: 'medium',
      sourceStatus: status,
      tags,
      requester: {
        externalId: typeof customer?.id === 'number' ? String(customer.id) : null,
        email: emailOf(customer?.email),
        name: nameOf(customer?.first, customer?.last),
      },
      assignee: c.assignee?.type === 'user' && typeof c.assignee.id === 'number' ? String(c.assignee.id) : null,
      createdAt,
      // The API has no modifiedAt on a conversation: the latest time it shows.
      updatedAt: latest(createdAt, toIso(c.userUpdatedAt), toIso(c.closedAt), ...messages.map((m) => m.createdAt)) ?? createdAt,
      deleted: false,
      messages,
    };
  }
}

async function estimate(options: HelpScoutOptions & ReadOptions<HelpScoutCursor>): Promise<Estimate> {
  const since = options.since ? checkCursor('helpscout', helpscoutCursor, options.since).conversationsSince : null;
  const filter = since ? `&modifiedSince=${encodeURIComponent(since)}` : '';
  const res = await client(options).getJson<Hal<'conversations', HConversation>>(`/v2/conversations?status=all&page=1${filter}`);
  return { tickets: res.data.page?.totalElements ?? null };
}

async function downloadAttachment(options: HelpScoutOptions & Pick<ReadOptions<HelpScoutCursor>, 'signal' | 'http'>, attachment: SourceAttachment) {
  // The data link answers JSON with the bytes in base64.
  const res = await client(options).getJson<{ data?: string }>(attachment.url);
  if (typeof res.data.data !== 'string') {
    throw new ImportSourceError({ source: 'helpscout', code: 'protocol', message: 'the attachment response has no data', path: res.path });
  }
  return { bytes: new Uint8Array(Buffer.from(res.data.data, 'base64')), contentType: attachment.contentType };
}

export const helpscout: ImportSource<HelpScoutOptions, HelpScoutCursor> = {
  name: 'helpscout',
  read,
  estimate,
  downloadAttachment,
  parseCursor: (value) => checkCursor('helpscout', helpscoutCursor, value),
};
export default helpscout;
