// What a message that travelled by e-mail carries on the wire beside its text: the headers
// people see, and for an agent's reply, where its delivery stands.
import { z } from 'zod';
import { Timestamp } from './base.ts';

export const MailAddress = z
  .object({ name: z.string().nullable(), address: z.string() })
  .meta({ id: 'MailAddress' });

export const MessageEmail = z
  .object({
    direction: z.enum(['inbound', 'outbound']),
    mailboxId: z.string().nullable(),
    messageId: z.string().meta({ description: 'The Message-ID header (a synthetic one when the mail had none)' }),
    from: MailAddress.nullable(),
    to: z.array(MailAddress),
    cc: z.array(MailAddress),
    subject: z.string(),
    automatic: z
      .string()
      .nullable()
      .meta({ description: 'Why it counts as automatic (an auto-reply, a list...): such mail opens no ticket and is never answered' }),
    originalAttachmentId: z
      .string()
      .nullable()
      .meta({ description: 'The raw message as received, kept as an attachment ("Show original")' }),
  })
  .meta({ id: 'MessageEmail' });

export const deliveryStatuses = ['queued', 'sent', 'failed', 'suppressed'] as const;

export const MessageDelivery = z
  .object({
    status: z.enum(deliveryStatuses).meta({
      description:
        '`queued`: waiting to be sent (or retried); `sent`: the SMTP server accepted it; `failed`: it gave up ' +
        '(the error says why; POST …/retry-delivery sends it again); `suppressed`: not sent on purpose ' +
        '(an automatic answer to an automatic message)',
    }),
    to: z.string(),
    attempts: z.number().int(),
    error: z.string().nullable().meta({ description: 'The last failure, in the SMTP server’s words (or a bounce)' }),
    nextAttemptAt: Timestamp.nullable(),
    sentAt: Timestamp.nullable(),
  })
  .meta({ id: 'MessageDelivery' });

export type MailAddressT = z.output<typeof MailAddress>;
export type MessageEmailT = z.output<typeof MessageEmail>;
export type MessageDeliveryT = z.output<typeof MessageDelivery>;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
