// The e-mail channel end to end over the real HTTP API: a real Dovecot holds the support
// mailbox, an in-process SMTP server receives what the desk sends.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailStack, customerMail, getTicket, startMailStack, waitForThread, waitForTicket } from '../helpers/mail.ts';
import { tinyPdf, uploadRaw } from '../helpers/attachments.ts';
import { pollUntil } from '../helpers/processes.ts';
import { openSse } from '../helpers/sse.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url), 'latin1');

let stack: MailStack;
beforeAll(async () => {
  stack = await startMailStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('mail in and out', () => {
  it('turns a delivered mail into a ticket that appears live, threads the answer to our reply, and sends the reply with its headers', async () => {
    const { api, smtp } = stack;
    const events = await openSse(`${stack.server.url}/api/v1/events/stream`, { 'X-API-Key': stack.server.adminKey });
    try {
      await stack.deliver(
        customerMail({
          subject: 'Printer on 3rd floor shows offline',
          body: 'Hello,\n\nthe printer on the 3rd floor shows "offline" since this morning.\n\nJane',
          messageId: '<jane-first-1@example.com>',
        }),
      );
      const created = await pollUntil(() => events.messages.find((m) => m.event === 'ticket.created') ?? false, {
        timeoutMs: 10_000,
        describe: () => `no ticket.created on the live stream; got ${events.messages.map((m) => m.event).join(', ')}`,
      });
      const ticket = await waitForTicket(api, (s) => s === 'Printer on 3rd floor shows offline');
      expect((JSON.parse(created.data ?? '{}') as { resourceId: string }).resourceId).toBe(ticket.id);
      expect(ticket.contactEmail).toBe('jane.customer@example.com');
      expect(ticket.messages).toHaveLength(1);
      const [first] = ticket.messages;
      expect(first?.sender).toBe('customer');
      expect(first?.email).toMatchObject({
        direction: 'inbound',
        messageId: '<jane-first-1@example.com>',
        from: { name: 'Jane Customer', address: 'jane.customer@example.com' },
        automatic: null,
      });
      const contact = await api.get<{ name: string }>(`/contacts/${ticket.contactId}`);
      expect(contact.body.data.name).toBe('Jane Customer');
    } finally {
      events.close();
    }

    const ticket = await waitForTicket(api, (s) => s === 'Printer on 3rd floor shows offline');
    const guide = await uploadRaw(stack.server.url, stack.server.adminKey, tinyPdf, { name: 'spooler-guide.pdf', type: 'application/pdf' });
    const reply = await api.post<{ id: string }>(`/tickets/${ticket.id}/messages`, {
      body: 'Please restart the print spooler.',
      attachments: [guide.body.data.id],
    });
    expect(reply.status).toBe(201);
    const sent = await smtp.waitFor((m) => m.parsed.text?.includes('print spooler') ?? false);
    expect(sent.parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([['spooler-guide.pdf', 'application/pdf']]);
    expect(sent.parsed.attachments[0]?.content.equals(tinyPdf)).toBe(true);
    const ourId = sent.parsed.messageId ?? '';
    expect(ourId).toMatch(new RegExp(`^<ldk\\.${reply.body.data.id}\\.[0-9a-f]{12}@example\\.test>$`));
    expect(sent.parsed.inReplyTo).toBe('<jane-first-1@example.com>');
    expect(sent.parsed.references).toBe('<jane-first-1@example.com>');
    expect(sent.parsed.subject).toBe(`Re: Printer on 3rd floor shows offline [#${ticket.number}]`);
    expect(sent.to).toEqual(['jane.customer@example.com']);
    expect(sent.authUser).toBe('mailer');
    const replyTo = sent.parsed.replyTo?.value[0]?.address ?? '';
    expect(replyTo).toMatch(/^support\+t-[a-z2-7]{16}@example\.test$/);
    expect(sent.parsed.html).toContain(`[ref:t-${replyTo.slice(10, 26)}]`);
    expect(sent.parsed.headers.get('auto-submitted')).toBeUndefined();

    const delivered = await waitForThread(api, ticket.id, (t) => t.messages[1]?.delivery?.status === 'sent');
    expect(delivered.messages[1]?.delivery).toMatchObject({ status: 'sent', to: 'jane.customer@example.com', attempts: 1, error: null });
    expect(delivered.messages[1]?.email).toMatchObject({ direction: 'outbound', messageId: ourId });

    // The customer answers our reply from a client that keeps the headers.
    await stack.deliver(
      customerMail({
        subject: sent.parsed.subject ?? '',
        body: 'Done, it works again.\n\nOn Tue, Support wrote:\n> Please restart the print spooler.',
        messageId: '<jane-answer-2@example.com>',
        inReplyTo: ourId,
        references: ['<jane-first-1@example.com>', ourId],
      }),
    );
    const answered = await waitForThread(api, ticket.id, (t) => t.messages.length === 3);
    expect(answered.messages[2]).toMatchObject({ sender: 'customer', body: 'Done, it works again.' });
    expect(answered.messages[2]?.bodyFull).toContain('> Please restart the print spooler.');

    // Apple Mail drops References: In-Reply-To alone still finds the ticket.
    const apple = fixture('apple-mail-reply-no-references.eml').replace(
      '<ldk-01J6ZR8A1B2C3D4E5F6G7H8J9K@localdesk.example.test>',
      ourId,
    );
    await stack.deliver(Buffer.from(apple, 'latin1'));
    const viaApple = await waitForThread(api, ticket.id, (t) => t.messages.length === 4);
    expect(viaApple.messages[3]?.body).toContain('the toner is also low');
    expect((await api.get<unknown[]>('/tickets?limit=100')).body.data).toHaveLength(1);
  });

  it('opens nothing for an auto-reply or a bounce; the bounce marks our reply failed and the auto-reply shows as a note', async () => {
    const { api, smtp } = stack;
    await stack.deliver(customerMail({ subject: 'VPN drops every hour', body: 'It drops.', messageId: '<peter-1@example.com>', from: 'Peter Lang <peter.lang@example.com>' }));
    const ticket = await waitForTicket(api, (s) => s === 'VPN drops every hour');
    const reply = await api.post<{ id: string }>(`/tickets/${ticket.id}/messages`, { body: 'Which VPN client do you use?' });
    const sent = await smtp.waitFor((m) => m.parsed.text?.includes('Which VPN client') ?? false);
    const ourId = sent.parsed.messageId ?? '';
    await waitForThread(api, ticket.id, (t) => t.messages[1]?.delivery?.status === 'sent');
    const before = (await api.get<unknown[]>('/tickets?limit=100')).body.data.length;

    const raw = (text: string) => Buffer.from(text, 'latin1');
    await stack.deliver(raw(fixture('auto-reply-x-autoreply.eml').replace('<ldk-01J6ZR8A1B2C3D4E5F6G7H8J9K@localdesk.example.test>', ourId)));
    await stack.deliver(raw(fixture('auto-reply-auto-submitted.eml'))); // threads to nothing: dropped
    await stack.deliver(raw(fixture('bounce-delivery-status.eml').replace('<ldk-01J7C9D8E7F6G5H4J3K2M1N0P9@localdesk.example.test>', ourId)));

    const after = await waitForThread(api, ticket.id, (t) => t.messages.length === 3 && t.messages[1]?.delivery?.status === 'failed');
    expect(after.messages[1]?.delivery?.error).toMatch(/^Bounced: 5\.1\.1 550 5\.1\.1 <old\.contact@example\.com>/);
    expect(after.messages[2]).toMatchObject({ sender: 'system', internal: true });
    expect(after.messages[2]?.email?.automatic).toBe('x-autoreply: yes');
    expect(after.status).toBe('open');
    expect((await api.get<unknown[]>('/tickets?limit=100')).body.data).toHaveLength(before);
    expect(reply.status).toBe(201);
  });

  it('sends nothing for an internal note, and a reply on an API ticket goes out through the default mailbox', async () => {
    const { api, smtp } = stack;
    const created = await api.post<{ id: string; number: number }>('/tickets', {
      subject: 'Invoice address',
      description: 'Please change our invoice address.',
      contactEmail: 'billing@example.com',
    });
    await api.post(`/tickets/${created.body.data.id}/messages`, { body: 'Customer is on the old plan', internal: true });
    await api.post(`/tickets/${created.body.data.id}/messages`, { body: 'Done: the address is changed.' });
    const sent = await smtp.waitFor((m) => m.parsed.text?.includes('the address is changed') ?? false);
    expect(sent.to).toEqual(['billing@example.com']);
    expect(sent.parsed.subject).toBe(`Re: Invoice address [#${created.body.data.number}]`);
    expect(sent.parsed.inReplyTo).toBeUndefined();
    expect(smtp.messages.some((m) => m.parsed.text?.includes('old plan'))).toBe(false);
    const thread = await getTicket(api, created.body.data.id);
    expect(thread.messages[1]?.delivery).toBeNull();
  });
});

describe('mail and merges', () => {
  it('keeps a merged ticket’s mail: its messages show their mail side on the target, and answers to them land there', async () => {
    const { api } = stack;
    await stack.deliver(customerMail({ subject: 'Merge source', body: 'First.', messageId: '<merge-source@example.com>', from: 'Mia <mia@example.com>' }));
    await stack.deliver(customerMail({ subject: 'Merge target', body: 'Second.', messageId: '<merge-target@example.com>', from: 'Mia <mia@example.com>' }));
    const source = await waitForTicket(api, (s) => s === 'Merge source');
    const target = await waitForTicket(api, (s) => s === 'Merge target');
    expect((await api.post(`/tickets/${target.id}/merge`, { sourceIds: [source.id] })).status).toBe(200);
    const merged = await getTicket(api, target.id);
    expect(merged.messages.find((m) => m.body === 'First.')?.email?.messageId).toBe('<merge-source@example.com>');

    await stack.deliver(customerMail({ subject: 'Re: Merge source', body: 'Any news?', messageId: '<merge-answer@example.com>', from: 'Mia <mia@example.com>', inReplyTo: '<merge-source@example.com>' }));
    const after = await waitForThread(api, target.id, (t) => t.messages.some((m) => m.body === 'Any news?'));
    expect(after.messages.filter((m) => m.email?.direction === 'inbound')).toHaveLength(3);
  });
});
