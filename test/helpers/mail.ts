// The mail channel's test stack: a private Dovecot (IMAP), an in-process SMTP receiver and the
// real server configured with short mail timeouts, plus a mailbox connecting them through the API.
// Everything here is real: the product logs in to Dovecot and sends to the receiver over TCP.
import type { Config } from '../../server/core/config.ts';
import type { ApiClient, TestServer } from './server.ts';
import { startTestServer } from './server.ts';
import { TestClock } from './clock.ts';
import { type Dovecot, type MailUser, startDovecot } from './dovecot.ts';
import { pollUntil } from './processes.ts';
import { type SmtpReceiver, startSmtpReceiver } from './smtpReceiver.ts';

export const supportUser: MailUser = { user: 'support@example.test', password: 'imap-secret-1' };
export const smtpAuth = { user: 'mailer', password: 'smtp-secret-2' };

/** The clock mail tests run on: the real one (retries and polls are real time here). */
export class RealClock extends TestClock {
  override now(): Date {
    return new Date();
  }
}

/** Settings that make fetching and sending react in tenths of a second, not minutes. */
export const fastMail: Partial<Config> = {
  mailTimeoutMs: 3_000,
  mailPollMs: 1_000,
  mailIdleRestartMs: 20_000,
  mailReconnectBaseMs: 200,
  mailReconnectMaxMs: 1_000,
  mailSendTimeoutMs: 5_000,
  mailSendBackoffBaseMs: 200,
  mailSendPollMs: 100,
};

export interface MailboxData {
  id: string;
  name: string;
  address: string;
  projectId: string | null;
  active: boolean;
  imap: { host: string; port: number; secure: boolean; user: string; passwordSet: boolean };
  smtp: { host: string; port: number; secure: boolean; user: string; passwordSet: boolean };
  fetch: { checkedAt: string | null; importedAt: string | null; error: string | null; errorAt: string | null; quarantined: number };
  createdAt: string;
  updatedAt: string;
}

/** The POST /mailboxes body for this Dovecot and SMTP receiver. */
export function mailboxBody(imap: Dovecot, smtp: SmtpReceiver, overrides: Record<string, unknown> = {}) {
  return {
    name: 'Acme Support',
    address: supportUser.user,
    imap: { host: '127.0.0.1', port: imap.port, secure: false, user: supportUser.user, password: supportUser.password },
    smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: smtpAuth.user, password: smtpAuth.password },
    ...overrides,
  };
}

export async function createMailbox(api: ApiClient, body: unknown): Promise<MailboxData> {
  const res = await api.post<MailboxData>('/mailboxes', body);
  if (res.status !== 201) throw new Error(`createMailbox: ${res.status} ${res.text}`);
  return res.body.data;
}

export interface MailStack {
  imap: Dovecot;
  smtp: SmtpReceiver;
  server: TestServer;
  api: ApiClient;
  mailbox: MailboxData;
  /** Delivers a raw message to the support mailbox (IMAP APPEND). */
  deliver(raw: string | Buffer): Promise<void>;
  close(): Promise<void>;
}

export async function startMailStack(
  options: {
    config?: Partial<Config>;
    mailbox?: Record<string, unknown>;
    dataDir?: string;
    withMailbox?: boolean;
    /** PostgreSQL: run on this existing database (another node of the same install). */
    databaseUrl?: string;
  } = {},
): Promise<MailStack> {
  const imap = await startDovecot({ users: [supportUser] });
  const smtp = await startSmtpReceiver({ auth: smtpAuth });
  const server = await startTestServer({
    clock: new RealClock(),
    config: { ...fastMail, ...options.config },
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
  });
  const mailbox =
    options.withMailbox === false
      ? (null as unknown as MailboxData)
      : await createMailbox(server.api, mailboxBody(imap, smtp, options.mailbox));
  return {
    imap,
    smtp,
    server,
    api: server.api,
    mailbox,
    async deliver(raw) {
      await imap.deliver(supportUser.user, raw);
    },
    async close() {
      await server.close();
      await smtp.stop();
      await imap.stop();
    },
  };
}

export interface TicketWithThread {
  id: string;
  number: number;
  subject: string;
  status: string;
  contactId: string;
  contactEmail: string;
  projectId: string | null;
  messages: ThreadMessage[];
}

export interface ThreadMessage {
  id: string;
  attachments: { id: string; name: string; size: number; contentType: string; sha256: string }[];
  body: string;
  bodyHtml: string | null;
  bodyFull: string | null;
  sender: string;
  internal: boolean;
  email: {
    direction: string;
    messageId: string;
    from: { name: string | null; address: string } | null;
    to: { name: string | null; address: string }[];
    subject: string;
    automatic: string | null;
    originalAttachmentId: string | null;
  } | null;
  delivery: { status: string; to: string; attempts: number; error: string | null; sentAt: string | null; nextAttemptAt: string | null } | null;
}

/** Every ticket (newest first), up to 100. */
export async function allTickets(api: ApiClient): Promise<{ id: string; subject: string; contactEmail: string }[]> {
  const res = await api.get<{ id: string; subject: string; contactEmail: string }[]>('/tickets?limit=100');
  return res.body.data;
}

/** Waits for a ticket whose subject satisfies `match`, then returns it with its thread. */
export async function waitForTicket(api: ApiClient, match: (subject: string) => boolean, timeoutMs = 10_000): Promise<TicketWithThread> {
  const found = await pollUntil(
    async () => (await allTickets(api)).find((t) => match(t.subject)) ?? false,
    { timeoutMs, describe: () => `no ticket matching ${match.toString()} within ${timeoutMs} ms` },
  );
  return getTicket(api, found.id);
}

export async function getTicket(api: ApiClient, id: string): Promise<TicketWithThread> {
  const res = await api.get<TicketWithThread>(`/tickets/${id}`);
  if (res.status !== 200) throw new Error(`getTicket: ${res.status} ${res.text}`);
  return res.body.data;
}

/** Waits until the ticket's thread has `count` messages (or `predicate` holds). */
export async function waitForThread(
  api: ApiClient,
  ticketId: string,
  predicate: (t: TicketWithThread) => boolean,
  timeoutMs = 10_000,
): Promise<TicketWithThread> {
  let last: TicketWithThread | null = null;
  return pollUntil(
    async () => {
      last = await getTicket(api, ticketId);
      return predicate(last) ? last : false;
    },
    { timeoutMs, describe: () => `ticket ${ticketId} did not reach the expected state: ${JSON.stringify(last?.messages.map((m) => [m.sender, m.body.slice(0, 40), m.delivery?.status]))}` },
  );
}

/** A plain text mail as a customer's client would send it (CRLF). */
export function customerMail(fields: {
  from?: string;
  to?: string;
  subject: string;
  body: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  extraHeaders?: string[];
}): string {
  return [
    `From: ${fields.from ?? 'Jane Customer <jane.customer@example.com>'}`,
    `To: ${fields.to ?? 'Acme Support <support@example.test>'}`,
    `Subject: ${fields.subject}`,
    'Date: Tue, 03 Sep 2024 10:00:00 +0200',
    `Message-ID: ${fields.messageId}`,
    ...(fields.inReplyTo ? [`In-Reply-To: ${fields.inReplyTo}`] : []),
    ...(fields.references?.length ? [`References: ${fields.references.join('\r\n ')}`] : []),
    ...(fields.extraHeaders ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...fields.body.split('\n'),
    '',
  ].join('\r\n');
}
