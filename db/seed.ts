// Demo data at scale: deterministic (seeded PRNG), realistic enough to triage and to benchmark,
// written in large transactions straight through the SQLite connection. The search index is
// built once after the load: keeping it in step row by row would make the load ~5x slower.
import type BetterSqlite3 from 'better-sqlite3';
import { monotonicFactory } from 'ulid';

export interface SeedOptions {
  tickets: number;
  messagesPerTicket: number;
  /** Timestamps spread over the `days` before `now`, in creation order. */
  now?: Date;
  days?: number;
  seed?: number;
}

export interface SeedResult {
  tickets: number;
  messages: number;
  contacts: number;
  conversations: number;
  ms: number;
}

/** Words with known frequencies so benchmark searches hit a predictable share of tickets. */
export const seedWords = {
  /** In the subject of ~3% of tickets. */
  rare: 'kangaroo',
  /** In the description of ~30% of tickets. */
  common: 'invoice',
} as const;

const subjects = [
  'Cannot log in', 'Password reset link broken', 'Refund request', 'Shipping delay',
  'App crashes on start', 'Billing address change', 'Export fails', 'Slow dashboard',
  'Two-factor code not arriving', 'Wrong amount charged', 'Feature request: dark mode',
  'Cannot upload attachment', 'Account locked', 'Order missing items', 'Sync error',
];
const fillers = [
  'the', 'customer', 'reports', 'that', 'since', 'yesterday', 'page', 'shows', 'an', 'error',
  'after', 'update', 'please', 'help', 'urgent', 'browser', 'mobile', 'tried', 'again', 'still',
  'account', 'payment', 'screen', 'message', 'support', 'team', 'order', 'delivery', 'login',
  'settings', 'network', 'timeout', 'report', 'download', 'email', 'phone', 'weekly', 'monthly',
];
const companies = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne'];
const firstNames = ['Jane', 'John', 'Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis'];
const lastNames = ['Doe', 'Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov'];
const tagNames = ['billing', 'bug', 'feature', 'vip', 'mobile', 'refund', 'login', 'shipping', 'security', 'feedback'];
const projectNames = ['Support', 'Billing', 'Sales', 'Technical', 'Onboarding'];

/** mulberry32: a small, fast, seedable PRNG (reproducible data sets). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The tables seedDatabase fills in bulk (the full-text tables have no planner statistics). */
const seededTables = ['users', 'projects', 'tags', 'contacts', 'tickets', 'messages', 'ticket_tags', 'conversations'];

export function seedDatabase(sqlite: BetterSqlite3.Database, options: SeedOptions): SeedResult {
  const started = performance.now();
  const random = prng(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const words = (n: number) => Array.from({ length: n }, () => pick(fillers)).join(' ');
  const ulid = monotonicFactory(() => random());
  const id = (prefix: string, ms: number) => `${prefix}_${ulid(ms)}`;

  const now = (options.now ?? new Date()).getTime();
  const span = (options.days ?? 365) * 86_400_000;
  const start = now - span;
  const iso = (ms: number) => new Date(Math.min(ms, now)).toISOString();
  const policies = new Map(
    (sqlite.prepare('select priority, first_response_minutes f, resolution_minutes r from sla_policies').all() as {
      priority: string; f: number; r: number;
    }[]).map((p) => [p.priority, p]),
  );

  const agentIds: string[] = [];
  const projectIds: string[] = [];
  const tagIds: string[] = [];
  const contactIds: string[] = [];
  const contactCount = Math.max(1, Math.ceil(options.tickets / 5));

  sqlite.transaction(() => {
    const startIso = iso(start);
    const suffix = Math.floor(random() * 1e9).toString(36);
    const insertUser = sqlite.prepare(
      "insert into users (id, name, email, role, active, created_at, updated_at) values (?, ?, ?, 'agent', 1, ?, ?)",
    );
    for (let i = 0; i < 5; i++) {
      const userId = id('usr', start);
      insertUser.run(userId, `${pick(firstNames)} ${pick(lastNames)}`, `agent${i}.${suffix}@localdesk.test`, startIso, startIso);
      agentIds.push(userId);
    }
    const insertProject = sqlite.prepare(
      'insert into projects (id, name, slug, active, created_at, updated_at) values (?, ?, ?, 1, ?, ?)',
    );
    for (const name of projectNames) {
      const projectId = id('prj', start);
      insertProject.run(projectId, name, `${name.toLowerCase()}-${suffix}`, startIso, startIso);
      projectIds.push(projectId);
    }
    const insertTag = sqlite.prepare(
      'insert into tags (id, name, color, created_at, updated_at) values (?, ?, null, ?, ?) on conflict (name) do nothing',
    );
    for (const name of tagNames) insertTag.run(id('tag', start), name, startIso, startIso);
    for (const row of sqlite.prepare('select id from tags where name in (' + tagNames.map(() => '?').join(',') + ')').all(...tagNames) as { id: string }[]) {
      tagIds.push(row.id);
    }
    const insertContact = sqlite.prepare(
      'insert into contacts (id, name, email, company, last_seen_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)',
    );
    for (let i = 0; i < contactCount; i++) {
      const created = start + (span * i) / contactCount / 2;
      const contactId = id('ctc', created);
      const first = pick(firstNames);
      insertContact.run(
        contactId,
        `${first} ${pick(lastNames)}`,
        `${first.toLowerCase()}.${i}.${suffix}@${pick(companies).toLowerCase()}.example`,
        pick(companies),
        iso(now - random() * span * 0.4),
        iso(created),
        iso(created),
      );
      contactIds.push(contactId);
    }
  })();

  const insertTicket = sqlite.prepare(`insert into tickets (id, subject, description, status, priority,
    contact_id, assigned_to, project_id, conversation_id, first_response_due_at, resolution_due_at,
    first_response_at, resolved_at, created_at, updated_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?, ?, ?)`);
  const insertMessage = sqlite.prepare(`insert into messages (id, ticket_id, conversation_id, body,
    sender, author_id, internal, created_at) values (?, ?, null, ?, ?, ?, ?, ?)`);
  const insertTicketTag = sqlite.prepare('insert or ignore into ticket_tags (ticket_id, tag_id) values (?, ?)');
  const statuses = ['open', 'open', 'open', 'pending', 'pending', 'resolved', 'resolved', 'resolved', 'closed', 'closed'];
  const prioritiesByWeight = ['low', 'low', 'medium', 'medium', 'medium', 'medium', 'high', 'high', 'urgent', 'urgent'];
  const firstSeq = ((sqlite.prepare('select coalesce(max(seq), 0) m from tickets').get() as { m: number }).m) + 1;

  let messages = 0;
  const batch = 5_000;
  for (let done = 0; done < options.tickets; done += batch) {
    sqlite.transaction(() => {
      for (let i = done; i < Math.min(options.tickets, done + batch); i++) {
        const created = start + (span * (i + 0.5)) / options.tickets;
        const ticketId = id('tkt', created);
        const status = pick(statuses);
        const priority = pick(prioritiesByWeight);
        const policy = policies.get(priority) ?? { f: 480, r: 2880 };
        const rare = random() < 0.03 ? ` ${seedWords.rare}` : '';
        const common = random() < 0.3 ? ` ${seedWords.common}` : '';
        const subject = `${pick(subjects)}${rare}`;
        const description = `${words(12)}${common} ${words(6)}`;
        const replied = status !== 'open' || random() < 0.5;
        const firstResponse = replied ? created + random() * policy.f * 1.3 * 60_000 : null;
        const done_ = status === 'resolved' || status === 'closed';
        const resolved = done_ ? created + random() * policy.r * 1.3 * 60_000 : null;
        const count = Math.max(1, options.messagesPerTicket);
        const contactId = pick(contactIds);
        const last = created + (count - 1) * 3_600_000;
        insertTicket.run(
          ticketId, subject, description, status, priority, contactId,
          random() < 0.6 ? pick(agentIds) : null, random() < 0.7 ? pick(projectIds) : null,
          iso(created + policy.f * 60_000), iso(created + policy.r * 60_000),
          firstResponse === null ? null : iso(firstResponse), resolved === null ? null : iso(resolved),
          iso(created), iso(Math.max(last, resolved ?? 0)),
        );
        for (let m = 0; m < count; m++) {
          const at = created + m * 3_600_000;
          const sender = m === 0 ? 'customer' : m % 2 === 1 ? 'agent' : 'customer';
          const body = m === 0 ? description : words(10 + Math.floor(random() * 20));
          insertMessage.run(id('msg', at), ticketId, body, sender, sender === 'agent' ? pick(agentIds) : contactId,
            sender === 'agent' && random() < 0.1 ? 1 : 0, iso(at));
          messages++;
        }
        const tagCount = Math.floor(random() * 3);
        for (let t = 0; t < tagCount; t++) insertTicketTag.run(ticketId, pick(tagIds));
      }
    })();
  }

  // Search entries for the new tickets: subject, description, and every message after the first.
  sqlite.transaction(() => {
    sqlite.prepare(`insert into ticket_fts (rowid, subject, description, messages)
      select t.seq, t.subject, t.description, coalesce((select group_concat(m.body, char(10))
        from messages m where m.ticket_id = t.id and m.created_at > t.created_at), '')
      from tickets t where t.seq >= ?`).run(firstSeq);
  })();

  // A few conversations from the same contacts, to have something in every inbox.
  const conversationCount = Math.min(5_000, Math.ceil(options.tickets / 20));
  sqlite.transaction(() => {
    const insertConversation = sqlite.prepare(`insert into conversations (id, channel, status, subject,
      participant_email, contact_id, ticket_id, message_count, last_message_at, created_at, updated_at)
      values (?, ?, ?, ?, ?, ?, null, 1, ?, ?, ?) returning seq`);
    const insertConversationMessage = sqlite.prepare(`insert into messages (id, ticket_id,
      conversation_id, body, sender, author_id, internal, created_at) values (?, null, ?, ?, 'customer', ?, 0, ?)`);
    const insertFts = sqlite.prepare('insert into conversation_fts (rowid, subject, messages) values (?, ?, ?)');
    const emailOf = sqlite.prepare('select email from contacts where id = ?');
    for (let i = 0; i < conversationCount; i++) {
      const created = now - span * 0.2 + (span * 0.2 * (i + 0.5)) / conversationCount;
      const contactId = pick(contactIds);
      const conversationId = id('conv', created);
      const subject = pick(subjects);
      const body = words(15);
      const { email } = emailOf.get(contactId) as { email: string };
      const { seq } = insertConversation.get(conversationId, pick(['email', 'chat', 'widget']),
        random() < 0.8 ? 'active' : 'archived', subject, email, contactId, iso(created), iso(created), iso(created)) as { seq: number };
      insertConversationMessage.run(id('msg', created), conversationId, body, contactId, iso(created));
      insertFts.run(seq, subject, body);
      messages++;
    }
  })();
  // Contacts join the search index once, like tickets (new contacts only).
  sqlite
    .prepare(`insert into contact_fts (contact_id, name, email, company)
      select c.id, coalesce(c.name, ''), c.email, coalesce(c.company, '') from contacts c
      where not exists (select 1 from contact_fts f where f.contact_id = c.id)`)
    .run();
  // Statistics for the tables just filled only. A table left nearly empty here (events, above
  // all) would otherwise be recorded as one row, and the planner would go on scanning it whole
  // instead of reading a rowid range long after it has grown (measured: 2.4 ms per write at 16k
  // events, for the live feed's `seq > ?`).
  for (const table of seededTables) sqlite.exec(`analyze ${table}`);

  return {
    tickets: options.tickets,
    messages,
    contacts: contactCount,
    conversations: conversationCount,
    ms: Math.round(performance.now() - started),
  };
}
