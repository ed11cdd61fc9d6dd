// The reference servers LocalDesk is measured against, each run as its own process by the
// harness (so it never shares an event loop with autocannon):
//
//   node --import tsx bench/reference.ts raw --db FILE --port N
//     node:http + better-sqlite3 prepared statements running the SQL LocalDesk's Kysely queries
//     compile to, on the same file, with the same connection pragmas and the same JSON shape —
//     but no framework, no auth, no validation, no logging:
//       GET /tickets?status=S&limit=L&offset=O           list with COUNT (meta.total)
//       GET /tickets?status=S&limit=L&offset=O&nocount=1 the same page without the count
//       GET /tickets/:id                                  a ticket with its thread
//   node --import tsx bench/reference.ts koa --port N
//     Koa hello-world: the ceiling for any Koa app on this machine.
// Both answer GET /health with 200.
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import Koa from 'koa';

interface TicketRow {
  id: string;
  number: number;
  subject: string;
  description: string;
  status: string;
  priority: string;
  contact_id: string;
  contact_email: string;
  assigned_to: string | null;
  project_id: string | null;
  tag_names: string;
  conversation_id: string | null;
  first_response_due_at: string;
  resolution_due_at: string;
  sla_breached: number;
  first_response_at: string | null;
  resolved_at: string | null;
  created_at: string;
  updated_at: string;
}

interface MessageRow {
  id: string;
  ticket_id: string | null;
  conversation_id: string | null;
  body: string;
  sender: string;
  author_id: string | null;
  internal: number;
  created_at: string;
}

// Copied from what Kysely compiles listTickets / getTicketWithMessages to (status filter,
// default sort createdAt desc then seq): keep in step when those queries change.
const presentation = `select "t".*, "c"."email" as "contact_email",
  (coalesce("t"."first_response_at", "t"."resolved_at", ?) > "t"."first_response_due_at"
    or coalesce("t"."resolved_at", ?) > "t"."resolution_due_at") as "sla_breached",
  (select json_group_array(g.name) from ticket_tags tt join tags g on g.id = tt.tag_id
    where tt.ticket_id = "t"."id") as "tag_names"
  from "tickets" as "t" inner join "contacts" as "c" on "c"."id" = "t"."contact_id"`;
const countSql = `select count(*) as "total" from "tickets" as "t" where "t"."status" in (?)`;
const pageSql = `${presentation} where "t"."status" in (?)
  order by "t"."created_at" desc, "t"."seq" desc limit ? offset ?`;
const byIdSql = `${presentation} where "t"."id" = ?`;
const messagesSql = `select * from "messages" where "ticket_id" = ? order by "created_at", "id"`;

function presentTicket(row: TicketRow) {
  return {
    id: row.id,
    number: row.number,
    subject: row.subject,
    description: row.description,
    status: row.status,
    priority: row.priority,
    contactId: row.contact_id,
    contactEmail: row.contact_email,
    assignedTo: row.assigned_to,
    projectId: row.project_id,
    tags: (JSON.parse(row.tag_names) as string[]).sort(),
    conversationId: row.conversation_id,
    sla: {
      firstResponseDueAt: row.first_response_due_at,
      resolutionDueAt: row.resolution_due_at,
      breached: row.sla_breached === 1,
    },
    firstResponseAt: row.first_response_at,
    resolvedAt: row.resolved_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function presentMessage(row: MessageRow) {
  return {
    id: row.id,
    ...(row.ticket_id ? { ticketId: row.ticket_id } : {}),
    ...(row.conversation_id ? { conversationId: row.conversation_id } : {}),
    body: row.body,
    sender: row.sender,
    authorId: row.author_id,
    internal: row.internal === 1,
    createdAt: row.created_at,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

export function rawServer(file: string) {
  const db = new BetterSqlite3(file, { fileMustExist: true });
  // The pragmas LocalDesk sets on its connection (db/connection.ts).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  const count = db.prepare<[string], { total: number }>(countSql);
  const page = db.prepare<[string, string, string, number, number], TicketRow>(pageSql);
  const byId = db.prepare<[string, string, string], TicketRow>(byIdSql);
  const messages = db.prepare<[string], MessageRow>(messagesSql);

  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const now = new Date().toISOString();
    if (url.pathname === '/health') return send(res, 200, { ok: true });
    if (url.pathname === '/tickets') {
      const status = url.searchParams.get('status') ?? 'open';
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const meta = url.searchParams.has('nocount')
        ? { limit, offset }
        : { total: (count.get(status) as { total: number }).total, limit, offset };
      const data = page.all(now, now, status, limit, offset).map(presentTicket);
      return send(res, 200, { data, meta, error: null });
    }
    const match = /^\/tickets\/([^/]+)$/.exec(url.pathname);
    if (match?.[1]) {
      const id = decodeURIComponent(match[1]);
      const row = byId.get(now, now, id);
      if (!row) return send(res, 404, { data: null, error: { code: 'NOT_FOUND', message: 'no such ticket' } });
      const thread = messages.all(id).map(presentMessage);
      return send(res, 200, { data: { ...presentTicket(row), messages: thread }, error: null });
    }
    return send(res, 404, { data: null, error: { code: 'NOT_FOUND', message: 'no such route' } });
  };
}

function koaServer() {
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = { ok: true };
  });
  return app.callback();
}

// Run as a program (the harness's child process); imported, it only lends rawServer (stages.ts).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

function main(): void {
  const { values, positionals } = parseArgs({
    options: { db: { type: 'string' }, port: { type: 'string' } },
    allowPositionals: true,
  });
  const kind = positionals[0];
  const port = Number(values.port);
  if ((kind !== 'raw' && kind !== 'koa') || !Number.isInteger(port) || (kind === 'raw' && !values.db)) {
    process.stderr.write('usage: reference.ts raw --db FILE --port N | reference.ts koa --port N\n');
    process.exit(2);
  }
  const handler = kind === 'raw' ? rawServer(values.db ?? '') : koaServer();
  const server = createServer(handler);
  server.listen(port, '127.0.0.1');
  const shutdown = () => server.close(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
