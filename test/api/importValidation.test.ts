// An import is held to the rules of the API: what the API would refuse, the import refuses
// (naming the line), an id given twice is reported, and reads keep answering while it runs.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTicket } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { onPostgres } from '../helpers/testDatabase.ts';

interface Line {
  table?: string;
  row?: Record<string, unknown>;
  end?: boolean;
  rows?: number;
}

let source: TestServer;
let lines: Line[];
beforeAll(async () => {
  source = await startTestServer();
  await buildTicket(source.api, { subject: 'Template ticket', description: 'Template description' });
  await source.api.post('/events', { type: 'custom.template', data: { ok: true } });
  await source.api.post('/workflows', {
    name: 'Escalate',
    trigger: 'ticket.created',
    conditions: [{ field: 'ticket.priority', op: 'eq', value: 'urgent' }],
    actions: [{ type: 'add_tag', value: 'escalated' }],
  });
  const res = await fetch(`${source.url}/api/v1/export`, { headers: { 'X-API-Key': source.adminKey } });
  lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Line);
});
afterAll(async () => {
  await source.close();
});

/** The export with `change` applied to its rows, the end line's count kept right. */
function file(change: (rows: Line[]) => Line[]): string {
  const header = lines[0];
  const rows = change(lines.slice(1, -1).map((l) => structuredClone(l)));
  return [header, ...rows, { end: true, rows: rows.length }].map((l) => JSON.stringify(l)).join('\n') + '\n';
}

const rowOf = (rows: Line[], table: string, where: (row: Record<string, unknown>) => boolean = () => true) => {
  const line = rows.find((l) => l.table === table && l.row && where(l.row));
  if (!line?.row) throw new Error(`no ${table} row`);
  return line.row;
};

async function importInto(target: TestServer, text: string) {
  return target.api.post<{ imported: Record<string, number> }>('/import', undefined, {
    raw: text,
    headers: { 'Content-Type': 'application/x-ndjson' },
  });
}

describe('POST /api/v1/import validates rows like the API', () => {
  let target: TestServer;
  beforeAll(async () => {
    target = await startTestServer();
  });
  afterAll(async () => {
    await target.close();
  });

  const refused: [string, (rows: Line[]) => void, RegExp][] = [
    ['event data that is not JSON', (rows) => void (rowOf(rows, 'events').data = '{not json'), /events\.data.*JSON/],
    ['event data nested too deep', (rows) => void (rowOf(rows, 'events').data = `${'['.repeat(100)}${']'.repeat(100)}`), /events\.data.*64/],
    ['a description longer than the API allows', (rows) => void (rowOf(rows, 'tickets').description = 'x'.repeat(100_001)), /tickets\.description/],
    ['a message body longer than the API allows', (rows) => void (rowOf(rows, 'messages').body = 'x'.repeat(100_001)), /messages\.body/],
    ['an empty subject', (rows) => void (rowOf(rows, 'tickets').subject = '   '), /tickets\.subject/],
    ['a contact e-mail that is not one', (rows) => void (rowOf(rows, 'contacts').email = 'not-an-email'), /contacts\.email/],
    ['an unknown scope', (rows) => void (rowOf(rows, 'api_keys').scopes = '["root"]'), /api_keys\.scopes/],
    ['workflow conditions that are not conditions', (rows) => void (rowOf(rows, 'workflows').conditions = '[{"op":"like"}]'), /workflows\.conditions/],
  ];
  for (const [what, change, message] of refused) {
    it(`refuses ${what} with a 400 naming the line, and imports nothing`, async () => {
      const before = (await target.api.get('/tickets')).body.meta?.total;
      const res = await importInto(target, file((rows) => (change(rows), rows)));
      expect(res.status, res.text.slice(0, 300)).toBe(400);
      expect(res.body.error?.message).toMatch(/^line \d+/);
      expect(res.body.error?.message).toMatch(message);
      expect((await target.api.get('/tickets')).body.meta?.total).toBe(before);
    });
  }

  it('reports an id given twice in the file, naming both lines', async () => {
    const res = await importInto(
      target,
      file((rows) => {
        const ticket = rows.find((l) => l.table === 'tickets');
        const at = rows.findIndex((l) => l.table === 'tickets');
        rows.splice(at + 1, 0, structuredClone(ticket ?? {}));
        return rows;
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/line (\d+): .*tickets.*id .* line (\d+)/);
  });

  it('imports the export as it is', async () => {
    const res = await importInto(target, file((rows) => rows));
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.body.data.imported.tickets).toBe(1);
  });
});

describe('reads during an import', () => {
  it('are answered while the import runs, not after it', async () => {
    const target = await startTestServer();
    try {
      const existing = await buildTicket(target.api, { subject: 'Already here' });
      // 8,000 tickets, each with its contact and first message, from the template rows.
      const text = file((rows) => {
        const contact = rowOf(rows, 'contacts');
        const ticket = rowOf(rows, 'tickets');
        const message = rowOf(rows, 'messages', (m) => m.ticket_id === ticket.id);
        const kept = rows.filter((l) => !['contacts', 'tickets', 'messages', 'ticket_tags', 'events', 'conversations'].includes(l.table ?? ''));
        const made: Line[] = [];
        for (let i = 0; i < 8_000; i++) {
          const ids = { contact: `ctc_${randomUUID()}`, ticket: `tkt_${randomUUID()}`, message: `msg_${randomUUID()}` };
          made.push({ table: 'contacts', row: { ...contact, id: ids.contact, email: `bulk${i}@example.com` } });
          made.push({ table: 'tickets', row: { ...ticket, id: ids.ticket, contact_id: ids.contact, subject: `Bulk ${i}` } });
          made.push({ table: 'messages', row: { ...message, id: ids.message, ticket_id: ids.ticket } });
        }
        const order = ['users', 'api_keys', 'contacts', 'projects', 'tags', 'sla_policies', 'macros', 'conversations', 'tickets', 'messages'];
        return [...kept, ...made].sort((a, b) => {
          const rank = (l: Line) => (order.includes(l.table ?? '') ? order.indexOf(l.table ?? '') : order.length);
          return rank(a) - rank(b);
        });
      });
      // Whether some connection holds the database's write lock: the import's transaction.
      // SQLite: a write transaction cannot begin; PostgreSQL: the cluster-wide advisory write
      // lock (ld_write_lock, migration 2026112401) cannot be taken (tried, never waited for).
      const probe = onPostgres ? null : new BetterSqlite3(join(target.dataDir, 'localdesk.db'));
      probe?.pragma('busy_timeout = 0');
      const importHoldsLock = async () => {
        if (!probe) {
          const { rows } = await sql<{ free: boolean }>`select pg_try_advisory_xact_lock(4870000001) as free`.execute(target.db);
          return rows[0]?.free === false;
        }
        try {
          probe.exec('begin immediate; rollback');
          return false;
        } catch (err) {
          if ((err as { code?: string }).code === 'SQLITE_BUSY') return true;
          throw err;
        }
      };
      let importDone = false;
      const importing = importInto(target, text).then((res) => {
        importDone = true;
        return res;
      });
      let answeredWhileLocked = 0;
      let slowest = 0;
      while (!importDone) {
        const locked = await importHoldsLock();
        const started = Date.now();
        const res = await target.api.get(`/tickets/${existing.id}`);
        expect(res.status).toBe(200);
        slowest = Math.max(slowest, Date.now() - started);
        // Asked and answered while the import's transaction held the database.
        if (locked && (await importHoldsLock())) answeredWhileLocked++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      probe?.close();
      const res = await importing;
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expect(res.body.data.imported.tickets).toBe(8_000);
      console.info(`reads answered while the import held the database: ${answeredWhileLocked}, slowest read ${slowest} ms`);
      expect(answeredWhileLocked).toBeGreaterThan(0);
      // A write that arrives meanwhile waits for the import and then goes through.
      expect((await target.api.post('/tickets', { subject: 'After', description: 'x', contactEmail: 'after@example.com' })).status).toBe(201);
      expect((await target.api.get('/tickets')).body.meta?.total).toBe(8_002);
    } finally {
      await target.close();
    }
  });
});
