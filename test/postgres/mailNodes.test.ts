// Two LocalDesk servers on one PostgreSQL database, both following the same mailbox and both
// sending replies: each mail becomes one ticket, each reply reaches the customer once, and when
// the server that was fetching goes away the other one fetches. (Every node of an install needs
// the same secret.key, README: both get one here before the mailbox is created.)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailStack, RealClock, allTickets, customerMail, fastMail, startMailStack } from '../helpers/mail.ts';
import { pollUntil } from '../helpers/processes.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

/** Node A: Dovecot, the SMTP receiver and a server with the mailbox, on node B's database. */
let a: MailStack;
/** Node B: owns the database (dropped when it closes, so it closes last). */
let b: TestServer;
let aDir: string;
let aClosed = false;

beforeAll(async () => {
  b = await startTestServer({ clock: new RealClock(), config: fastMail });
  if (!b.databaseUrl) throw new Error('these tests need PostgreSQL');
  const key = randomBytes(32);
  writeFileSync(join(b.dataDir, 'secret.key'), key, { mode: 0o600 });
  aDir = mkdtempSync(join(tmpdir(), 'localdesk-node-a-'));
  writeFileSync(join(aDir, 'secret.key'), key, { mode: 0o600 });
  a = await startMailStack({ dataDir: aDir, databaseUrl: b.databaseUrl });
});

afterAll(async () => {
  if (aClosed) {
    await a?.smtp.stop();
    await a?.imap.stop();
  } else await a?.close();
  await b?.close();
  if (aDir) rmSync(aDir, { recursive: true, force: true });
});

const shared = (subjects: { subject: string }[]) => subjects.filter((t) => t.subject.startsWith('Shared inbox ')).map((t) => t.subject);

describe('two nodes, one mailbox', () => {
  it('imports each mail once and sends each reply once, whichever node takes it; the other node takes over', async () => {
    const count = 24;
    for (let i = 0; i < count; i++) {
      await a.deliver(customerMail({ subject: `Shared inbox ${i}`, body: `Mail ${i}.`, messageId: `<shared-${i}@example.com>` }));
    }
    await pollUntil(async () => shared(await allTickets(b.api)).length >= count, {
      timeoutMs: 30_000,
      describe: () => 'not every mail became a ticket',
    });
    // Give a late duplicate (from the node that was not fetching) time to appear.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const tickets = (await allTickets(b.api)).filter((t) => t.subject.startsWith('Shared inbox '));
    expect(shared(tickets).sort()).toEqual(Array.from({ length: count }, (_, i) => `Shared inbox ${i}`).sort());

    const replied = tickets.slice(0, 8);
    for (const [i, ticket] of replied.entries()) {
      const api = i % 2 === 0 ? a.api : b.api;
      expect((await api.post(`/tickets/${ticket.id}/messages`, { body: `Answer ${i} from a node.` })).status).toBe(201);
    }
    const answers = () => a.smtp.messages.filter((m) => m.parsed.text?.startsWith('Answer '));
    await pollUntil(() => answers().length >= replied.length || false, { timeoutMs: 20_000, describe: () => 'not every reply was sent' });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(answers().map((m) => m.parsed.text?.trim()).sort()).toEqual(replied.map((_, i) => `Answer ${i} from a node.`).sort());
    expect(new Set(answers().map((m) => m.parsed.messageId)).size).toBe(replied.length);

    // Node A goes away (it may have been the one fetching): node B fetches now.
    await a.server.close();
    aClosed = true;
    await a.deliver(customerMail({ subject: 'After node A left', body: 'Still here?', messageId: '<after-a@example.com>' }));
    await pollUntil(async () => (await allTickets(b.api)).some((t) => t.subject === 'After node A left'), {
      timeoutMs: 20_000,
      describe: () => 'node B did not take the mailbox over',
    });
  }, 90_000);
});
