// Zendesk Support: organisations (time-based incremental export), users (cursor-based incremental
// export; end-users become contacts, agents and admins users), tickets (cursor-based incremental
// export with users side-loaded) and each ticket's comments (cursor pagination). Authentication is
// an API token: Basic "{email}/token:{token}".
import { z } from 'zod';
import { checkCursor, emailOf, normalizeTags, requireIso, subjectOf, Tally, toIso } from './common.ts';
import { htmlToText } from './html.ts';
import { basic, HttpClient } from './http.ts';
import {
  type Estimate,
  type ImportRecord,
  type ImportSource,
  ImportSourceError,
  type Priority,
  type ReadOptions,
  type SourceAttachment,
  type SourceContact,
  type SourceMessage,
  type SourceTicket,
  type SourceUser,
  type TicketStatus,
} from './types.ts';

export interface ZendeskOptions {
  /** e.g. https://acme.zendesk.com */
  url: string;
  email: string;
  token: string;
  /** Items per incremental export page (max 1000); default 1000 for users, 100 for tickets. */
  pageSize?: { users?: number; tickets?: number; comments?: number };
}

const Position = z.object({
  /** Path and query of the page being consumed (null: start from start_time 0). */
  request: z.string().nullable(),
  /** Ids from that page already yielded. */
  done: z.array(z.string()),
});
export const zendeskCursor = z.object({
  source: z.literal('zendesk'),
  v: z.literal(1),
  phase: z.enum(['organizations', 'users', 'tickets']),
  /** Time-based export: the next start_time. */
  organizations: z.object({ startTime: z.number().int().nonnegative() }),
  users: Position,
  tickets: Position,
});
export type ZendeskCursor = z.infer<typeof zendeskCursor>;

interface ZUser {
  id: number;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  role?: string;
  active?: boolean;
  suspended?: boolean;
  organization_id?: number | null;
  created_at?: string;
  updated_at?: string;
}
interface ZOrg {
  id: number;
  name?: string;
}
interface ZAttachment {
  id: number;
  file_name?: string;
  content_url?: string;
  content_type?: string;
  size?: number;
  deleted?: boolean;
}
interface ZComment {
  id: number;
  author_id?: number | null;
  body?: string;
  html_body?: string | null;
  plain_body?: string | null;
  public?: boolean;
  attachments?: ZAttachment[];
  created_at?: string;
}
interface ZTicket {
  id: number;
  subject?: string | null;
  raw_subject?: string | null;
  status?: string;
  priority?: string | null;
  tags?: string[];
  requester_id?: number | null;
  assignee_id?: number | null;
  created_at?: string;
  updated_at?: string;
}
interface CursorPage {
  after_url?: string | null;
  end_of_stream?: boolean;
  users?: ZUser[];
}

const STATUS: Record<string, TicketStatus> = {
  new: 'open',
  open: 'open',
  pending: 'pending',
  hold: 'pending',
  solved: 'resolved',
  closed: 'closed',
  deleted: 'closed',
};
const PRIORITY: Record<string, Priority> = { low: 'low', normal: 'medium', high: 'high', urgent: 'urgent' };

function client(options: ZendeskOptions & Pick<ReadOptions<ZendeskCursor>, 'signal' | 'http' | 'onProgress'>) {
  if (!options.email || !options.token) {
    throw new ImportSourceError({ source: 'zendesk', code: 'input', message: 'an e-mail address and an API token are required' });
  }
  const authorization = basic(`${options.email}/token`, options.token);
  return new HttpClient({
    source: 'zendesk',
    baseUrl: options.url,
    authorize: async () => ({ Authorization: authorization }),
    retryAfter: ['retry-after'],
    quota: { remaining: ['ratelimit-remaining', 'x-rate-limit-remaining'], reset: ['ratelimit-reset'], windowMs: 60_000, reserve: 0 },
    productMessage: (body) => {
      if (typeof body !== 'object' || body === null) return null;
      const b = body as { error?: unknown; description?: unknown };
      const error = typeof b.error === 'string' ? b.error : typeof b.error === 'object' && b.error !== null ? JSON.stringify(b.error) : null;
      const description = typeof b.description === 'string' ? b.description : null;
      return [error, description].filter(Boolean).join(': ') || null;
    },
    tuning: options.http,
    signal: options.signal,
    onProgress: options.onProgress,
  });
}

function initialCursor(): ZendeskCursor {
  return { source: 'zendesk', v: 1, phase: 'organizations', organizations: { startTime: 0 }, users: { request: null, done: [] }, tickets: { request: null, done: [] } };
}

/** Zendesk names a nameless user after its address or phone: that is no name. */
function realName(u: ZUser | undefined): string | null {
  const name = u?.name?.trim();
  if (!name || name === u?.email || name === u?.phone) return null;
  return name;
}

async function* read(options: ZendeskOptions & ReadOptions<ZendeskCursor>): AsyncGenerator<ImportRecord<ZendeskCursor>, void, undefined> {
  const http = client(options);
  const tally = new Tally(options.onProgress);
  const cursor: ZendeskCursor = options.since ? structuredClone(checkCursor('zendesk', zendeskCursor, options.since)) : initialCursor();
  const pageSize = { users: options.pageSize?.users ?? 1000, tickets: options.pageSize?.tickets ?? 100, comments: options.pageSize?.comments ?? 100 };
  const snapshot = () => structuredClone(cursor);

  const orgNames = new Map<number, string | null>();
  const users = new Map<number, ZUser>();
  const orgName = async (id: number | null | undefined): Promise<string | null> => {
    if (id === null || id === undefined) return null;
    if (!orgNames.has(id)) {
      try {
        const res = await http.getJson<{ organization: ZOrg }>(`/api/v2/organizations/${id}.json`);
        orgNames.set(id, res.data.organization.name ?? null);
      } catch (e) {
        if (!(e instanceof ImportSourceError && e.code === 'not-found')) throw e;
        orgNames.set(id, null);
      }
    }
    return orgNames.get(id) ?? null;
  };
  const contactOf = async (u: ZUser): Promise<SourceContact> => ({
    externalId: String(u.id),
    name: realName(u),
    email: emailOf(u.email),
    company: await orgName(u.organization_id),
    createdAt: requireIso('zendesk', u.created_at, `user ${u.id} created_at`),
    updatedAt: requireIso('zendesk', u.updated_at ?? u.created_at, `user ${u.id} updated_at`),
  });
  const userOf = (u: ZUser): SourceUser => ({
    externalId: String(u.id),
    name: realName(u) ?? u.email ?? `Zendesk user ${u.id}`,
    email: emailOf(u.email),
    role: u.role === 'admin' ? 'admin' : 'agent',
    active: u.active !== false && u.suspended !== true,
    deleted: u.active === false,
    placeholder: false,
    createdAt: toIso(u.created_at),
    updatedAt: toIso(u.updated_at),
  });

  // Organisations: only to name the contacts' companies; nothing is yielded.
  if (cursor.phase === 'organizations') {
    for (;;) {
      const res = await http.getJson<{ organizations: ZOrg[]; end_time?: number; end_of_stream?: boolean }>(
        `/api/v2/incremental/organizations.json?start_time=${cursor.organizations.startTime}`,
      );
      for (const o of res.data.organizations ?? []) orgNames.set(o.id, o.name ?? null);
      options.onProgress?.({ type: 'page', phase: 'contacts', path: res.path, items: res.data.organizations?.length ?? 0, total: null });
      const end = typeof res.data.end_time === 'number' ? res.data.end_time : cursor.organizations.startTime;
      if (res.data.end_of_stream !== false) {
        cursor.organizations.startTime = end;
        break;
      }
      // A full page of organisations updated in the same second would repeat forever.
      cursor.organizations.startTime = end > cursor.organizations.startTime ? end : end + 1;
    }
    cursor.phase = 'users';
  }

  // Users: end-users are contacts, agents and admins users.
  if (cursor.phase === 'users') {
    let request: string = cursor.users.request ?? `/api/v2/incremental/users/cursor.json?start_time=0&per_page=${pageSize.users}`;
    for (;;) {
      const res = await http.getJson<CursorPage & { users: ZUser[] }>(request);
      const page = res.data.users ?? [];
      options.onProgress?.({ type: 'page', phase: 'users', path: res.path, items: page.length, total: null });
      cursor.users.request = res.path;
      const done = new Set(cursor.users.done);
      for (const u of page) {
        users.set(u.id, u);
        if (done.has(String(u.id))) continue;
        cursor.users.done.push(String(u.id));
        const record: ImportRecord<ZendeskCursor> =
          u.role === 'end-user' || u.role === undefined
            ? { kind: 'contact', item: await contactOf(u), cursor: snapshot() }
            : { kind: 'user', item: userOf(u), cursor: snapshot() };
        tally.count(record as Exclude<typeof record, { kind: 'checkpoint' }>);
        yield record;
      }
      const next = res.data.after_url ? http.pathOf(res.data.after_url) : null;
      if (!next) throw new ImportSourceError({ source: 'zendesk', code: 'protocol', message: 'the export page has no after_url', path: res.path });
      cursor.users = { request: next, done: [] };
      if (res.data.end_of_stream !== false) break;
      request = next;
    }
    cursor.phase = 'tickets';
  }

  // Tickets, each with all its comments.
  const contactsYielded = new Set<string>();
  let request: string = cursor.tickets.request ?? `/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=${pageSize.tickets}&include=users`;
  for (;;) {
    const res = await http.getJson<CursorPage & { tickets: ZTicket[] }>(request);
    const page = res.data.tickets ?? [];
    options.onProgress?.({ type: 'page', phase: 'tickets', path: res.path, items: page.length, total: null });
    for (const u of res.data.users ?? []) users.set(u.id, u);
    cursor.tickets.request = res.path;
    const done = new Set(cursor.tickets.done);
    for (const t of page) {
      if (done.has(String(t.id))) continue;
      const requester = typeof t.requester_id === 'number' ? users.get(t.requester_id) : undefined;
      // An agent who files a ticket is its requester too: LocalDesk needs them as a contact.
      if (requester && requester.role !== 'end-user' && !contactsYielded.has(String(requester.id))) {
        contactsYielded.add(String(requester.id));
        const record = { kind: 'contact' as const, item: await contactOf(requester), cursor: snapshot() };
        tally.count(record);
        yield record;
      }
      const ticket = await ticketOf(t, requester);
      cursor.tickets.done.push(String(t.id));
      const record = { kind: 'ticket' as const, item: ticket, cursor: snapshot() };
      tally.count(record);
      yield record;
    }
    const next = res.data.after_url ? http.pathOf(res.data.after_url) : null;
    if (!next) throw new ImportSourceError({ source: 'zendesk', code: 'protocol', message: 'the export page has no after_url', path: res.path });
    cursor.tickets = { request: next, done: [] };
    if (res.data.end_of_stream !== false) break;
    request = next;
  }
  cursor.phase = 'organizations';
  yield { kind: 'checkpoint', item: null, cursor: snapshot() };

  async function ticketOf(t: ZTicket, requester: ZUser | undefined): Promise<SourceTicket> {
    const deleted = t.status === 'deleted';
    const messages = deleted ? [] : await commentsOf(t);
    return {
      externalId: String(t.id),
      subject: subjectOf(t.subject ?? t.raw_subject),
      status: STATUS[t.status ?? 'open'] ?? 'open',
      priority: PRIORITY[t.priority ?? ''] ?? 'medium',
      sourceStatus: t.status ?? 'open',
      tags: normalizeTags(t.tags ?? []),
      requester: {
        externalId: typeof t.requester_id === 'number' ? String(t.requester_id) : null,
        email: emailOf(requester?.email),
        name: realName(requester),
      },
      assignee: typeof t.assignee_id === 'number' ? String(t.assignee_id) : null,
      createdAt: requireIso('zendesk', t.created_at, `ticket ${t.id} created_at`),
      updatedAt: requireIso('zendesk', t.updated_at ?? t.created_at, `ticket ${t.id} updated_at`),
      deleted,
      messages,
    };
  }

  async function commentsOf(t: ZTicket): Promise<SourceMessage[]> {
    const messages: SourceMessage[] = [];
    let path: string | null = `/api/v2/tickets/${t.id}/comments.json?page[size]=${pageSize.comments}&include=users`;
    while (path) {
      const res: { data: { comments: ZComment[]; users?: ZUser[]; meta?: { has_more?: boolean }; links?: { next?: string | null } } } =
        await http.getJson(path);
      for (const u of res.data.users ?? []) users.set(u.id, u);
      for (const c of res.data.comments ?? []) messages.push(messageOf(c, t));
      path = res.data.meta?.has_more && res.data.links?.next ? res.data.links.next : null;
    }
    return messages;
  }

  function messageOf(c: ZComment, t: ZTicket): SourceMessage {
    const system = typeof c.author_id !== 'number' || c.author_id < 0;
    const author = system ? undefined : users.get(c.author_id as number);
    const customer = author ? author.role === 'end-user' : c.author_id === t.requester_id;
    const html = c.html_body ?? null;
    return {
      externalId: String(c.id),
      body: html ? htmlToText(html) : (c.plain_body ?? c.body ?? ''),
      html,
      internal: c.public === false,
      sender: system ? 'system' : customer ? 'customer' : 'agent',
      author: system ? null : String(c.author_id),
      authorName: realName(author) ?? author?.email ?? null,
      createdAt: requireIso('zendesk', c.created_at, `comment ${c.id} created_at`),
      attachments: (c.attachments ?? []).filter((a) => !a.deleted && a.content_url).map(
        (a): SourceAttachment => ({
          externalId: String(a.id),
          name: a.file_name ?? `attachment-${a.id}`,
          contentType: a.content_type ?? 'application/octet-stream',
          size: typeof a.size === 'number' ? a.size : null,
          url: a.content_url as string,
        }),
      ),
    };
  }
}

async function estimate(options: ZendeskOptions & ReadOptions<ZendeskCursor>): Promise<Estimate> {
  const res = await client(options).getJson<{ count?: { value?: number } }>('/api/v2/tickets/count.json');
  return { tickets: typeof res.data.count?.value === 'number' ? res.data.count.value : null };
}

async function downloadAttachment(options: ZendeskOptions & Pick<ReadOptions<ZendeskCursor>, 'signal' | 'http'>, attachment: SourceAttachment) {
  // Private attachments need the credentials; they only ever go to the configured host.
  return client(options).bytes(attachment.url, true);
}

export const zendesk: ImportSource<ZendeskOptions, ZendeskCursor> = {
  name: 'zendesk',
  read,
  estimate,
  downloadAttachment,
  parseCursor: (value) => checkCursor('zendesk', zendeskCursor, value),
};
export default zendesk;
