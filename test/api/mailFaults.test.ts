// The mail channel when things go wrong: the IMAP server down or hung, the SMTP server refusing,
// a message that cannot be stored. Real servers, real outages; short timeouts (test/helpers/mail.ts)
// so an outage the issue describes as "a minute" takes seconds here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advancePosition } from '../../server/domain/mail/inbound.ts';
import { type MailStack, type MailboxData, createMailbox, customerMail, mailboxBody, getTicket, startMailStack, waitForThread, waitForTicket } from '../helpers/mail.ts';
import { failInserts } from '../helpers/dbFaults.ts';
import { pollUntil } from '../helpers/processes.ts';

let stack: MailStack;
beforeAll(async () => {
  stack = await startMailStack();
});
afterAll(async () => {
  stack?.smtp.setRefusing(false);
  await stack?.close();
});

const mailboxState = async () => (await stack.api.get<MailboxData>(`/mailboxes/${stack.mailbox.id}`)).body.data;

async function ticketFromMail(subject: string): Promise<{ id: string }> {
  await stack.deliver(customerMail({ subject, body: `About ${subject}.`, messageId: `<${subject.replace(/\W+/g, '-')}@example.com>` }));
  return waitForTicket(stack.api, (s) => s === subject);
}

describe('fetching through outages', () => {
  it('resumes by itself after the IMAP server was down, saying meanwhile what is wrong', async () => {
    await ticketFromMail('Before the outage');
    await stack.imap.down();
    const failing = await pollUntil(async () => (await mailboxState()).fetch.error ?? false, {
      timeoutMs: 10_000,
      describe: () => 'the mailbox never reported the outage',
    });
    expect(failing).toMatch(/IMAP server 127\.0\.0\.1 (refused the connection|closed the connection)/);
    await new Promise((r) => setTimeout(r, 1_500)); // several reconnect attempts fail meanwhile
    await stack.imap.up();
    await ticketFromMail('After the outage');
    await pollUntil(async () => (await mailboxState()).fetch.error === null, { timeoutMs: 10_000, describe: () => 'the error stayed' });
  });

  it('gives up on a hung server after the timeout and carries on once it answers again', async () => {
    stack.imap.pause();
    try {
      const error = await pollUntil(async () => (await mailboxState()).fetch.error ?? false, {
        timeoutMs: 15_000,
        describe: () => 'a hung server was never reported',
      });
      expect(error).toMatch(/did not finish within|sent no greeting|timed out|closed the connection/);
    } finally {
      stack.imap.resume();
    }
    await ticketFromMail('After the hang');
  });
});

describe('a message that cannot be stored', () => {
  it('is kept aside with its error, never blocks the next ones, and imports on retry once the cause is gone', async () => {
    const { api, server } = stack;
    // The database refuses this one ticket, as a full disk or a broken rule would.
    const undo = await failInserts(server.db, {
      name: 'refuse_poison',
      table: 'tickets',
      when: { column: 'subject', equals: 'Poison' },
      message: 'refused by a test trigger',
    });
    try {
      await stack.deliver(customerMail({ subject: 'Poison', body: 'This one fails.', messageId: '<poison@example.com>' }));
      await stack.deliver(customerMail({ subject: 'After the poison', body: 'This one works.', messageId: '<after-poison@example.com>' }));
      await waitForTicket(api, (s) => s === 'After the poison');
    } finally {
      await undo();
    }
    const list = await api.get<{ id: string; subject: string; error: string; messageId: string; retryable: boolean; from: string }[]>(
      `/mailboxes/${stack.mailbox.id}/quarantine`,
    );
    expect(list.body.data).toHaveLength(1);
    const [entry] = list.body.data;
    expect(entry).toMatchObject({ subject: 'Poison', messageId: '<poison@example.com>', retryable: true, from: 'jane.customer@example.com' });
    expect(entry?.error).toBe('could not store the message: refused by a test trigger');
    expect((await mailboxState()).fetch.quarantined).toBe(1);

    const retried = await api.post<{ ticketId: string }>(`/mailboxes/${stack.mailbox.id}/quarantine/${entry?.id}/retry`);
    expect(retried.status).toBe(200);
    const ticket = await getTicket(api, retried.body.data.ticketId);
    expect(ticket).toMatchObject({ subject: 'Poison' });
    expect(ticket.messages[0]?.email?.messageId).toBe('<poison@example.com>');
    expect((await api.get<unknown[]>(`/mailboxes/${stack.mailbox.id}/quarantine`)).body.data).toEqual([]);
    expect((await api.post(`/mailboxes/${stack.mailbox.id}/quarantine/${entry?.id}/retry`)).status).toBe(404);
  });

  it('answers a retry that still fails with 409 and the new error, and lets it be dismissed', async () => {
    const { api } = stack;
    // No From and no Reply-To: nobody to open a ticket for.
    await stack.deliver(['To: support@example.test', 'Subject: Nobody sent this', 'Message-ID: <nobody@example.com>', '', 'text', ''].join('\r\n'));
    const entry = await pollUntil(
      async () => (await api.get<{ id: string; subject: string; error: string }[]>(`/mailboxes/${stack.mailbox.id}/quarantine`)).body.data.find((q) => q.subject === 'Nobody sent this') ?? false,
      { timeoutMs: 10_000, describe: () => 'the sender-less message was not quarantined' },
    );
    expect(entry.error).toBe('could not store the message: the message names no sender (From or Reply-To) to open a ticket for');
    const retry = await api.post(`/mailboxes/${stack.mailbox.id}/quarantine/${entry.id}/retry`);
    expect(retry.status).toBe(409);
    expect(retry.body.error?.message).toBe('the message still cannot be imported: the message names no sender (From or Reply-To) to open a ticket for');
    const after = await api.get<{ id: string; attempts: number }[]>(`/mailboxes/${stack.mailbox.id}/quarantine`);
    expect(after.body.data.find((q) => q.id === entry.id)?.attempts).toBe(2);
    expect((await api.delete(`/mailboxes/${stack.mailbox.id}/quarantine/${entry.id}`)).status).toBe(204);
    expect((await api.delete(`/mailboxes/${stack.mailbox.id}/quarantine/${entry.id}`)).status).toBe(404);
  });
});

describe('sending through refusals', () => {
  it('sends every reply once after the SMTP server refused them for a while', async () => {
    const { api, smtp } = stack;
    const ticket = await ticketFromMail('Refused for a while');
    // The server reads each message and then refuses it: the sender must not count it as sent.
    smtp.setRefusing({ stage: 'data', code: 451 });
    const bodies = ['First answer.', 'Second answer.', 'Third answer.'];
    for (const body of bodies) expect((await api.post(`/tickets/${ticket.id}/messages`, { body })).status).toBe(201);
    const retrying = await waitForThread(api, ticket.id, (t) => t.messages.slice(1).every((m) => (m.delivery?.attempts ?? 0) >= 2));
    for (const m of retrying.messages.slice(1)) {
      expect(m.delivery).toMatchObject({ status: 'queued' });
      expect(m.delivery?.error).toMatch(/^SMTP server 127\.0\.0\.1 answered: 451 4\.3\.0 Temporary failure/);
      expect(m.delivery?.nextAttemptAt).toBeTruthy();
    }
    expect(smtp.refusedCount()).toBeGreaterThanOrEqual(6);
    smtp.setRefusing(false);
    await waitForThread(api, ticket.id, (t) => t.messages.slice(1).every((m) => m.delivery?.status === 'sent'));
    await new Promise((r) => setTimeout(r, 500)); // nothing more arrives after that
    for (const body of bodies) {
      expect(smtp.messages.filter((m) => m.parsed.text?.trim() === body)).toHaveLength(1);
    }
  });

  it('fails a reply at once on a permanent refusal, with the server’s words, and sends it on retry', async () => {
    const { api, smtp } = stack;
    const ticket = await ticketFromMail('Refused for good');
    smtp.setRefusing({ stage: 'rcpt', code: 550, message: '5.1.1 No such user here' });
    const reply = await api.post<{ id: string }>(`/tickets/${ticket.id}/messages`, { body: 'Can you hear me?' });
    const failed = await waitForThread(api, ticket.id, (t) => t.messages[1]?.delivery?.status === 'failed');
    expect(failed.messages[1]?.delivery).toMatchObject({ attempts: 1, nextAttemptAt: null });
    expect(failed.messages[1]?.delivery?.error).toMatch(/550 5\.1\.1 No such user here/);
    smtp.setRefusing(false);

    const path = `/tickets/${ticket.id}/messages/${reply.body.data.id}/retry-delivery`;
    const retry = await api.post<{ delivery: { status: string; attempts: number } }>(path);
    expect(retry.status).toBe(200);
    expect(retry.body.data.delivery).toMatchObject({ status: 'queued', attempts: 0 });
    await waitForThread(api, ticket.id, (t) => t.messages[1]?.delivery?.status === 'sent');
    expect(smtp.messages.filter((m) => m.parsed.text?.trim() === 'Can you hear me?')).toHaveLength(1);

    const again = await api.post(path);
    expect(again.status).toBe(409);
    expect(again.body.error?.message).toBe(`message ${reply.body.data.id} is already sent`);
    const note = await api.post<{ id: string }>(`/tickets/${ticket.id}/messages`, { body: 'internal', internal: true });
    const onNote = await api.post(`/tickets/${ticket.id}/messages/${note.body.data.id}/retry-delivery`);
    expect(onNote.status).toBe(409);
    expect((await api.post(`/tickets/${ticket.id}/messages/msg_01J00000000000000000000000/retry-delivery`)).status).toBe(404);
  });
});

describe('a message over the size limit', () => {
  it('is kept aside unread, saying the limit, and the next message still imports', async () => {
    const small = await startMailStack({ config: { mailMaxMessageBytes: 200_000 } });
    try {
      const { largeAttachmentMessage } = await import('../fixtures/mail/generate.ts');
      await small.deliver(largeAttachmentMessage({ attachmentBytes: 300_000 }));
      await small.deliver(customerMail({ subject: 'Small one after', body: 'tiny', messageId: '<small-after@example.com>' }));
      await waitForTicket(small.api, (s) => s === 'Small one after');
      const list = await small.api.get<{ subject: string; error: string; retryable: boolean; size: number; id: string }[]>(
        `/mailboxes/${small.mailbox.id}/quarantine`,
      );
      expect(list.body.data).toHaveLength(1);
      expect(list.body.data[0]).toMatchObject({ subject: 'Logs for the crash (big attachment)', retryable: false });
      expect(list.body.data[0]?.error).toBe('the message is 0.4 MB, over the limit of 0.2 MB (LOCALDESK_MAIL_MAX_MESSAGE_MB)');
      const retry = await small.api.post(`/mailboxes/${small.mailbox.id}/quarantine/${list.body.data[0]?.id}/retry`);
      expect(retry.status).toBe(409);
      expect(retry.body.error?.message).toMatch(/too large to keep/);
    } finally {
      await small.close();
    }
  });
});

describe('noticing new mail', () => {
  it('takes new mail as IDLE announces it, without waiting for the minute-long poll', async () => {
    const slowPoll = await startMailStack({ config: { mailPollMs: 60_000 } });
    try {
      // Let the first fetch finish and the connection settle into IDLE.
      await pollUntil(async () => (await slowPoll.api.get<MailboxData>(`/mailboxes/${slowPoll.mailbox.id}`)).body.data.fetch.checkedAt ?? false, {
        timeoutMs: 10_000,
        describe: () => 'the first fetch never finished',
      });
      await new Promise((r) => setTimeout(r, 1_500));
      const started = Date.now();
      await slowPoll.deliver(customerMail({ subject: 'Announced by IDLE', body: 'x', messageId: '<idle@example.com>' }));
      await waitForTicket(slowPoll.api, (s) => s === 'Announced by IDLE', 15_000);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await slowPoll.close();
    }
  });
});

describe('the fetch position', () => {
  it('never moves back within one UIDVALIDITY (servers sharing a database import side by side), and follows a new UIDVALIDITY', async () => {
    const { server } = stack;
    // A paused mailbox of its own: no fetcher moves this position meanwhile.
    const paused = await createMailbox(stack.api, mailboxBody(stack.imap, stack.smtp, { address: 'paused@example.test', active: false }));
    const at = () =>
      server.db.selectFrom('mail_sync').select(['uid_validity', 'last_uid']).where('mailbox_id', '=', paused.id).executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    const move = (uidValidity: number, uid: number) => advancePosition(server.db, paused.id, { folder: 'INBOX', uidValidity, uid }, now);
    await move(4_000_000_000, 12);
    expect(await at()).toEqual({ uid_validity: 4_000_000_000, last_uid: 12 });
    await move(4_000_000_000, 7);
    expect(await at()).toEqual({ uid_validity: 4_000_000_000, last_uid: 12 });
    await move(4_000_000_000, 13);
    expect(await at()).toEqual({ uid_validity: 4_000_000_000, last_uid: 13 });
    await move(17, 3);
    expect(await at()).toEqual({ uid_validity: 17, last_uid: 3 });
  });
});
