// No auto-reply to an auto-reply, ever: a workflow that acknowledges every message sends its
// acknowledgement to a person (marked Auto-Submitted, so their systems stay quiet), and holds it
// back when what came in was itself automatic. Real Dovecot, real SMTP receiver, real workflows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailStack, customerMail, startMailStack, waitForThread, waitForTicket } from '../helpers/mail.ts';

let stack: MailStack;
beforeAll(async () => {
  stack = await startMailStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('mail loops', () => {
  it('acknowledges a person once, marked Auto-Submitted, and holds back the answer to their auto-reply', async () => {
    const { api, smtp } = stack;
    const macro = await api.post<{ id: string }>('/macros', { name: 'Ack', body: 'We got your message (#{{ticket.number}}).' });
    const wf = await api.post('/workflows', {
      name: 'Acknowledge every message',
      trigger: 'message.created',
      actions: [{ type: 'apply_macro', value: macro.body.data.id }],
    });
    expect(wf.status).toBe(201);

    await stack.deliver(customerMail({ subject: 'Loop me', body: 'Hello?', messageId: '<loop-1@example.com>' }));
    const ticket = await waitForTicket(api, (s) => s === 'Loop me');
    const ack = await smtp.waitFor((m) => m.parsed.text?.startsWith('We got your message') ?? false);
    expect(ack.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(ack.parsed.headers.get('x-auto-response-suppress')).toBe('All');

    // The customer's vacation responder answers the acknowledgement.
    await stack.deliver(
      customerMail({
        subject: `Auto: ${ack.parsed.subject}`,
        body: 'I am on holiday.',
        messageId: '<loop-vacation@example.com>',
        inReplyTo: ack.parsed.messageId,
        extraHeaders: ['Auto-Submitted: auto-replied'],
      }),
    );
    const after = await waitForThread(api, ticket.id, (t) => t.messages.some((m) => m.delivery?.status === 'suppressed'));
    const held = after.messages.find((m) => m.delivery?.status === 'suppressed');
    expect(held?.delivery?.error).toBe('Not sent: an automatic answer to an automatic message (Auto-Submitted: auto-replied)');
    expect(after.messages.map((m) => [m.sender, m.internal])).toEqual([
      ['customer', false],
      ['agent', false],
      ['system', true],
      ['agent', false],
    ]);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.messages.filter((m) => m.parsed.text?.startsWith('We got your message'))).toHaveLength(1);
    expect((await api.get<unknown[]>('/tickets?limit=100')).body.data).toHaveLength(1);
  });
});
