// Freshdesk API v2: agents (users, with roles telling admins apart), contacts (with their
// companies' names), tickets listed by updated_at (keyset pagination on updated_since, so a ticket
// changed during the run can never push another one out of sight), each ticket viewed for its
// description, attachments and requester, and its conversations (replies and notes) paged with
// the Link header. Authentication: Basic "{apiKey}:X".
import { z } from 'zod';
import { checkCursor, emailOf, normalizeTags, placeholderUser, requireIso, serverNow, subjectOf, Tally, toIso } from './common.ts';
import { htmlToText } from './html.ts';
import { basic, HttpClient, parseLinkHeader } from './http.ts';
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

export interface FreshdeskOptions {
  /** e.g. https://acme.freshdesk.com */
  url: string;
  apiKey: string;
  /** Items per list page (max 100); default 100. */
  pageSize?: number;
}

const Paged = z.object({ page: z.number().int().positive(), done: z.array(z.string()) });
export const freshdeskCursor = z.object({
  source: z.literal('freshdesk'),
  v: z.literal(1),
  phase: z.enum(['agents', 'contacts', 'tickets']),
  /** Agents and contacts updated at or after these are yielded (null: all). */
  agentsSince: z.string().nullable(),
  contactsSince: z.string().nullable(),
  /** The server's clock (less a minute) when this run's phase began: the next run's since. */
  nextAgentsSince: z.string().nullable(),
  nextContactsSince: z.string().nullable(),
  agents: Paged,
  contacts: Paged,
  tickets: z.object({
    /** updated_at of the last ticket yielded, and the ids yielded with exactly that updated_at. */
    after: z.string().nullable(),
    doneAtAfter: z.array(z.string()),
    /** The list request being consumed. */
    request: z.object({ since: z.string(), page: z.number().int().positive() }),
  }),
});
export type FreshdeskCursor = z.infer<typeof freshdeskCursor>;

interface FAgent {
  id: number;
  role_ids?: number[];
  contact?: { active?: boolean; email?: string | null; name?: string | null };
  created_at?: string;
  updated_at?: string;
}
interface FContact {
  id: number;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  mobile?: string | null;
  company_id?: number | null;
  created_at?: string;
  updated_at?: string;
}
interface FAttachment {
  id: number;
  name?: string;
  content_type?: string;
  size?: number;
  attachment_url?: string;
}
interface FTicket {
  id: number;
  subject?: string | null;
  status?: number;
  priority?: number;
  source?: number;
  tags?: string[];
  requester_id?: number | null;
  responder_id?: number | null;
  description?: string | null;
  description_text?: string | null;
  attachments?: FAttachment[];
  requester?: { id: number; name?: string | null; email?: string | null; phone?: string | null; mobile?: string | null } | null;
  created_at?: string;
  updated_at?: string;
}
interface FConversation {
  id: number;
  body?: string | null;
  body_text?: string | null;
  incoming?: boolean;
  private?: boolean;
  user_id?: number | null;
  attachments?: FAttachment[];
  created_at?: string;
}

const STATUS: Record<number, { status: TicketStatus; name: string }> = {
  2: { status: 'open', name: 'Open' },
  3: { status: 'pending', name: 'Pending' },
  4: { status: 'resolved', name: 'Resolved' },
  5: { status: 'closed', name: 'Closed' },
};
const PRIORITY: Record<number, Priority> = { 1: 'low', 2: 'medium', 3: 'high', 4: 'urgent' };
const ADMIN_ROLES = /^(account administrator|administrator)$/i;
const EPOCH = '1970-01-01T00:00:00Z';
/** Freshdesk's own timestamp format (no milliseconds). */
const fdTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function client(options: FreshdeskOptions & Pick<ReadOptions<FreshdeskCursor>, 'signal' | 'http' | 'onProgress'>) {
  if (!options.apiKey) throw new ImportSourceError({ source: 'freshdesk', code: 'input', message: 'an API key is required' });
  const authorization = basic(options.apiKey, 'X');
  return new HttpClient({
    source: 'freshdesk',
    baseUrl: options.url,
    authorize: async () => ({ Authorization: authorization }),
    retryAfter: ['retry-after'],
    quota: { remaining: ['x-ratelimit-remaining'], reset: [], windowMs: 60_000, reserve: 0 },
    productMessage: (body) => {
      if (typeof body !== 'object' || body === null) return null;
      const b = body as { message?: unknown; description?: unknown; errors?: { field?: string; message?: string }[] };
      const main = typeof b.message === 'string' ? b.message : typeof b.description === 'string' ? b.description : null;
      const details = Array.isArray(b.errors) ? b.errors.map((e) => `${e.field ?? '?'}: ${e.message ?? '?'}`).join('; ') : '';
      return [main, details].filter(Boolean).join(' — ') || null;
    },
    tuning: options.http,
    signal: options.signal,
    onProgress: options.onProgress,
  });
}

function initialCursor(): FreshdeskCursor {
  return {
    source: 'freshdesk',
    v: 1,
    phase: 'agents',
    agentsSince: null,
    contactsSince: null,
    nextAgentsSince: null,
    nextContactsSince: null,
    agents: { page: 1, done: [] },
    contacts: { page: 1, done: [] },
    tickets: { after: null, doneAtAfter: [], request: { since: EPOCH, page: 1 } },
  };
}

async function* read(options: FreshdeskOptions & ReadOptions<FreshdeskCursor>): AsyncGenerator<ImportRecord<FreshdeskCursor>, void, undefined> {
  const http = client(options);
  const tally = new Tally(options.onProgress);
  const cursor: FreshdeskCursor = options.since ? structuredClone(checkCursor('freshdesk', freshdeskCursor, options.since)) : initialCursor();
  const perPage = Math.min(100, Math.max(1, options.pageSize ?? 100));
  const snapshot = () => structuredClone(cursor);
  const emit = <R extends ImportRecord<FreshdeskCursor>>(record: R): R => {
    if (record.kind !== 'checkpoint') tally.count(record);
    return record;
  };

  // Roles and the full agent list, every run: they tell admins apart and which authors are gone.
  const roles = await http.getJson<{ id: number; name?: string }[]>('/api/v2/roles');
  const adminRoles = new Set(roles.data.filter((r) => ADMIN_ROLES.test(r.name ?? '')).map((r) => r.id));
  const agentPages: { page: number; agents: FAgent[] }[] = [];
  let agentsClock = 0;
  for (let path: string | null = `/api/v2/agents?per_page=${perPage}&page=1`, page = 1; path; page++) {
    const res: { data: FAgent[]; headers: Headers; path: string } = await http.getJson<FAgent[]>(path);
    if (page === 1) agentsClock = serverNow(res.headers);
    agentPages.push({ page, agents: res.data });
    options.onProgress?.({ type: 'page', phase: 'users', path: res.path, items: res.data.length, total: null });
    path = parseLinkHeader(res.headers.get('link')).next ?? null;
  }
  const agents = new Map(agentPages.flatMap((p) => p.agents).map((a) => [a.id, a]));

  if (cursor.phase === 'agents') {
    cursor.nextAgentsSince ??= fdTime(agentsClock - 60_000);
    const since = cursor.agentsSince;
    for (const { page, agents: list } of agentPages) {
      if (page < cursor.agents.page) continue;
      if (page > cursor.agents.page) cursor.agents = { page, done: [] };
      for (const a of list) {
        if (cursor.agents.done.includes(String(a.id))) continue;
        cursor.agents.done.push(String(a.id));
        if (since && (toIso(a.updated_at) ?? '') < (toIso(since) ?? '')) continue;
        yield emit({ kind: 'user', item: userOf(a), cursor: snapshot() });
      }
    }
    cursor.phase = 'contacts';
  }

  if (cursor.phase === 'contacts') {
    const companies = new Map<number, string | null>();
    let companiesRead = false;
    const companyName = async (id: number | null | undefined) => {
      if (id === null || id === undefined) return null;
      if (!companiesRead) {
        companiesRead = true;
        for (let path: string | null = `/api/v2/companies?per_page=${perPage}&page=1`; path; ) {
          const res: { data: { id: number; name?: string }[]; headers: Headers } = await http.getJson<{ id: number; name?: string }[]>(path);
          for (const c of res.data) companies.set(c.id, c.name ?? null);
          path = parseLinkHeader(res.headers.get('link')).next ?? null;
        }
      }
      return companies.get(id) ?? null;
    };
    const filter = cursor.contactsSince ? `&_updated_since=${encodeURIComponent(cursor.contactsSince)}` : '';
    for (let page = cursor.contacts.page; ; page++) {
      const res = await http.getJson<FContact[]>(`/api/v2/contacts?per_page=${perPage}&page=${page}${filter}`);
      if (cursor.nextContactsSince === null) cursor.nextContactsSince = fdTime(serverNow(res.headers) - 60_000);
      options.onProgress?.({ type: 'page', phase: 'contacts', path: res.path, items: res.data.length, total: null });
      if (page !== cursor.contacts.page) cursor.contacts = { page, done: [] };
      for (const c of res.data) {
        if (cursor.contacts.done.includes(String(c.id))) continue;
        cursor.contacts.done.push(String(c.id));
        const contact: SourceContact = {
          externalId: String(c.id),
          name: c.name?.trim() && c.name !== c.email && c.name !== c.phone && c.name !== c.mobile ? c.name.trim() : null,
          email: emailOf(c.email),
          company: await companyName(c.company_id),
          createdAt: requireIso('freshdesk', c.created_at, `contact ${c.id} created_at`),
          updatedAt: requireIso('freshdesk', c.updated_at ?? c.created_at, `contact ${c.id} updated_at`),
        };
        yield emit({ kind: 'contact', item: contact, cursor: snapshot() });
      }
      if (!parseLinkHeader(res.headers.get('link')).next) break;
    }
    cursor.phase = 'tickets';
  }

  // Tickets, oldest change first. Each list request starts a second before the last ticket seen
  // (updated_since may be inclusive or not; the overlap is skipped by id), so the list never
  // needs deep page numbers (Freshdesk stops at page 300) and a ticket updated meanwhile only
  // moves to the end. Page numbers are used only when a whole page shares one timestamp.
  let statusNames: Map<number, string> | null = null;
  const placeholders = new Set<string>();
  let lastClock = Date.now();
  for (;;) {
    const { since, page } = cursor.tickets.request;
    const res = await http.getJson<FTicket[]>(
      `/api/v2/tickets?updated_since=${encodeURIComponent(since)}&order_by=updated_at&order_type=asc&per_page=${perPage}&page=${page}`,
    );
    lastClock = serverNow(res.headers);
    options.onProgress?.({ type: 'page', phase: 'tickets', path: res.path, items: res.data.length, total: null });
    for (const listed of res.data) {
      const updatedAt = requireIso('freshdesk', listed.updated_at, `ticket ${listed.id} updated_at`);
      const after = cursor.tickets.after;
      if (after !== null && (updatedAt < after || (updatedAt === after && cursor.tickets.doneAtAfter.includes(String(listed.id))))) continue;

      const ticket = await viewTicket(listed.id);
      if (ticket) {
        for (const ref of ticket.references) {
          if (agents.has(Number(ref.id)) || placeholders.has(ref.id)) continue;
          placeholders.add(ref.id);
          yield emit({ kind: 'user', item: placeholderUser(ref.id, `Deleted agent ${ref.id}`, null), cursor: snapshot() });
        }
      }
      if (updatedAt === cursor.tickets.after) cursor.tickets.doneAtAfter.push(String(listed.id));
      else cursor.tickets = { ...cursor.tickets, after: updatedAt, doneAtAfter: [String(listed.id)] };
      if (ticket) yield emit({ kind: 'ticket', item: ticket.item, cursor: snapshot() });
    }
    if (!parseLinkHeader(res.headers.get('link')).next) break;
    const nextSince = cursor.tickets.after ? fdTime(Date.parse(cursor.tickets.after) - 1000) : since;
    cursor.tickets.request = nextSince > since ? { since: nextSince, page: 1 } : { since, page: page + 1 };
  }

  // Next run: agents and contacts changed since this run began; tickets after the last one seen,
  // but never closer than a minute to the server's clock (a ticket changed twice within the same
  // second would otherwise be skipped).
  const horizon = fdTime(lastClock - 60_000);
  const after = cursor.tickets.after;
  const recent = after !== null && after > (toIso(horizon) ?? '');
  const ticketsAfter = after === null ? null : recent ? (toIso(horizon) as string) : after;
  const checkpoint: FreshdeskCursor = {
    ...initialCursor(),
    agentsSince: cursor.nextAgentsSince,
    contactsSince: cursor.nextContactsSince,
    tickets: {
      after: ticketsAfter,
      doneAtAfter: recent ? [] : cursor.tickets.doneAtAfter,
      request: { since: ticketsAfter ? fdTime(Date.parse(ticketsAfter) - 1000) : EPOCH, page: 1 },
    },
  };
  yield { kind: 'checkpoint', item: null, cursor: checkpoint };

  function userOf(a: FAgent): SourceUser {
    const active = a.contact?.active !== false;
    return {
      externalId: String(a.id),
      name: a.contact?.name?.trim() || a.contact?.email || `Freshdesk agent ${a.id}`,
      email: emailOf(a.contact?.email),
      role: (a.role_ids ?? []).some((r) => adminRoles.has(r)) ? 'admin' : 'agent',
      active,
      deleted: false,
      placeholder: false,
      createdAt: toIso(a.created_at),
      updatedAt: toIso(a.updated_at),
    };
  }

  async function statusOf(n: number): Promise<{ status: TicketStatus; source: string }> {
    const known = STATUS[n];
    if (known) return { status: known.status, source: `${n}: ${known.name}` };
    if (statusNames === null) {
      statusNames = new Map();
      const fields = await http.getJson<{ type?: string; choices?: Record<string, unknown> }[]>('/api/v2/ticket_fields?type=default_status');
      for (const f of fields.data) {
        if (f.type !== 'default_status' || !f.choices) continue;
        for (const [id, labels] of Object.entries(f.choices)) {
          const name = Array.isArray(labels) ? labels[0] : labels;
          if (typeof name === 'string') statusNames.set(Number(id), name);
        }
      }
    }
    const name = statusNames.get(n) ?? 'Custom';
    // Custom statuses are mostly "waiting on someone": pending unless the name says otherwise.
    return { status: /wait|pending|hold|await/i.test(name) ? 'pending' : 'open', source: `${n}: ${name}` };
  }

  async function viewTicket(id: number): Promise<{ item: SourceTicket; references: { id: string }[] } | null> {
    let t: FTicket;
    try {
      t = (await http.getJson<FTicket>(`/api/v2/tickets/${id}?include=requester`)).data;
    } catch (e) {
      if (e instanceof ImportSourceError && e.code === 'not-found') return null; // deleted since it was listed
      throw e;
    }
    const references: { id: string }[] = [];
    if (typeof t.responder_id === 'number') references.push({ id: String(t.responder_id) });
    const byAgent = t.source === 10; // outbound e-mail: an agent wrote the description
    const messages: SourceMessage[] = [
      {
        externalId: `ticket-${t.id}`,
        body: t.description ? htmlToText(t.description) : (t.description_text ?? ''),
        html: t.description ?? null,
        internal: false,
        sender: byAgent ? 'agent' : 'customer',
        author: byAgent ? null : typeof t.requester_id === 'number' ? String(t.requester_id) : null,
        authorName: byAgent ? null : (t.requester?.name ?? null),
        createdAt: requireIso('freshdesk', t.created_at, `ticket ${t.id} created_at`),
        attachments: attachmentsOf(t.attachments),
      },
    ];
    for (let path: string | null = `/api/v2/tickets/${t.id}/conversations?per_page=${perPage}&page=1`; path; ) {
      const res: { data: FConversation[]; headers: Headers } = await http.getJson<FConversation[]>(path);
      for (const c of res.data) {
        const customer = c.incoming === true;
        const author = typeof c.user_id === 'number' ? String(c.user_id) : null;
        if (!customer && author) references.push({ id: author });
        messages.push({
          externalId: String(c.id),
          body: c.body ? htmlToText(c.body) : (c.body_text ?? ''),
          html: c.body ?? null,
          internal: c.private === true,
          sender: customer ? 'customer' : 'agent',
          author,
          authorName: customer ? (t.requester?.name ?? null) : (agents.get(c.user_id ?? -1)?.contact?.name ?? null),
          createdAt: requireIso('freshdesk', c.created_at, `conversation ${c.id} created_at`),
          attachments: attachmentsOf(c.attachments),
        });
      }
      path = parseLinkHeader(res.headers.get('link')).next ?? null;
    }
    const status = await statusOf(t.status ?? 2);
    const requester = t.requester ?? null;
    return {
      references,
      item: {
        externalId: String(t.id),
        subject: subjectOf(t.subject),
        status: status.status,
        priority: PRIORITY[t.priority ?? 2] ?? 'medium',
        sourceStatus: status.source,
        tags: normalizeTags(t.tags ?? []),
        requester: {
          externalId: typeof t.requester_id === 'number' ? String(t.requester_id) : null,
          email: emailOf(requester?.email),
          name: requester?.name && requester.name !== requester.email && requester.name !== requester.phone && requester.name !== requester.mobile ? requester.name : null,
        },
        assignee: typeof t.responder_id === 'number' ? String(t.responder_id) : null,
        createdAt: requireIso('freshdesk', t.created_at, `ticket ${t.id} created_at`),
        updatedAt: requireIso('freshdesk', t.updated_at ?? t.created_at, `ticket ${t.id} updated_at`),
        deleted: false,
        messages,
      },
    };
  }
}

function attachmentsOf(list: FAttachment[] | undefined): SourceAttachment[] {
  return (list ?? [])
    .filter((a) => a.attachment_url)
    .map((a) => ({
      externalId: String(a.id),
      name: a.name ?? `attachment-${a.id}`,
      contentType: a.content_type ?? 'application/octet-stream',
      size: typeof a.size === 'number' ? a.size : null,
      url: a.attachment_url as string,
    }));
}

async function estimate(options: FreshdeskOptions & ReadOptions<FreshdeskCursor>): Promise<Estimate> {
  // The search API counts; its dates are whole days, so this is an upper bound.
  const since = options.since ? checkCursor('freshdesk', freshdeskCursor, options.since).tickets.after : null;
  const day = since ? new Date(Date.parse(since) - 86_400_000).toISOString().slice(0, 10) : '1970-01-01';
  const res = await client(options).getJson<{ total?: number }>(`/api/v2/search/tickets?query=${encodeURIComponent(`"updated_at:>'${day}'"`)}`);
  return { tickets: typeof res.data.total === 'number' ? res.data.total : null };
}

async function downloadAttachment(options: FreshdeskOptions & Pick<ReadOptions<FreshdeskCursor>, 'signal' | 'http'>, attachment: SourceAttachment) {
  // attachment_url is a pre-signed storage URL (valid for minutes): no Freshdesk credentials.
  return client(options).bytes(attachment.url, false);
}

export const freshdesk: ImportSource<FreshdeskOptions, FreshdeskCursor> = {
  name: 'freshdesk',
  read,
  estimate,
  downloadAttachment,
  parseCursor: (value) => checkCursor('freshdesk', freshdeskCursor, value),
};
export default freshdesk;
