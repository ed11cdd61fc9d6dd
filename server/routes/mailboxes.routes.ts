import { z } from 'zod';
import { defineRoute } from '../http/route.ts';
import {
  Mailbox,
  MailboxCreate,
  MailboxListQuery,
  MailboxPatch,
  MailboxTestResult,
  QuarantineListQuery,
  QuarantineRetryResult,
  QuarantinedMail,
} from '../../common/contract/mailboxes.ts';
import { Message } from '../../common/contract/tickets.ts';
import { checkMailbox } from '../domain/mail/check.ts';
import { retryDelivery } from '../domain/mail/delivery.ts';
import { createMailbox, deleteMailbox, getMailbox, listMailboxes, updateMailbox } from '../domain/mail/mailboxes.service.ts';
import { dismissQuarantined, listQuarantined, retryQuarantined } from '../domain/mail/quarantine.ts';

const tag = 'Mail';

const mailboxDoc =
  'A mailbox brings mail in over IMAP and sends agent replies over SMTP. New mail in INBOX becomes ' +
  'tickets (in the mailbox’s project) or replies on the ticket it continues (by In-Reply-To/References, ' +
  'the plus address `support+t-<token>@…` of our replies, a marker in their body, or `[#number]` in the ' +
  'subject from the ticket’s contact); auto-replies, list mail and bounces never open tickets. The ' +
  'fetch position is UIDVALIDITY + last UID, never the \\Seen flag, so other clients may read the mail ' +
  'too. Passwords are stored encrypted and never returned (`passwordSet: true`). With no active ' +
  'mailbox, nothing is fetched or sent.';

export const mailboxRoutes = [
  defineRoute({
    method: 'GET',
    path: '/mailboxes',
    tag,
    summary: 'List mailboxes',
    description: mailboxDoc,
    scope: 'admin',
    query: MailboxListQuery,
    response: z.array(Mailbox),
    list: true,
    handler: ({ ctx, query }) => listMailboxes(ctx, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/mailboxes',
    tag,
    summary: 'Connect a mailbox',
    description: `${mailboxDoc} Fetching starts at once; the first fetch reads the last few days of INBOX (LOCALDESK_MAIL_FIRST_SYNC_DAYS). Check the settings first with POST /mailboxes/{id}/test.`,
    scope: 'admin',
    body: MailboxCreate,
    status: 201,
    response: Mailbox,
    errors: ['CONFLICT'],
    handler: async ({ ctx, body, deps }) => ({ data: await createMailbox(ctx, deps.secrets, body) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/mailboxes/:id',
    tag,
    summary: 'Get a mailbox (without its passwords) and how its fetching goes',
    scope: 'admin',
    response: Mailbox,
    handler: async ({ ctx, params }) => ({ data: await getMailbox(ctx, params.id) }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/mailboxes/:id',
    tag,
    summary: 'Change, pause or resume a mailbox',
    description:
      'Only the given fields change; a password left out keeps the stored one. The connection restarts with the new ' +
      'settings. `active: false` stops fetching and holds its queued replies until it is active again.',
    scope: 'admin',
    body: MailboxPatch,
    response: Mailbox,
    errors: ['CONFLICT', 'PRECONDITION_FAILED'],
    handler: async ({ ctx, params, body, deps }) => ({ data: await updateMailbox(ctx, deps.secrets, params.id, body) }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/mailboxes/:id',
    tag,
    summary: 'Disconnect a mailbox',
    description:
      'Stops fetching and forgets its positions, quarantined mail and remembered Message-IDs. Tickets and messages stay; ' +
      'replies still queued for it fail, saying why.',
    scope: 'admin',
    status: 204,
    handler: async ({ ctx, params }) => {
      await deleteMailbox(ctx, params.id);
      return { data: null };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/mailboxes/:id/test',
    tag,
    summary: 'Check that both servers accept the stored settings',
    description:
      'Logs in to the IMAP server (and opens INBOX) and to the SMTP server, as fetching and sending will; nothing is ' +
      'fetched or sent. Each side says how far it got (`stage`) and, when it failed, what the server said.',
    scope: 'admin',
    response: MailboxTestResult,
    idempotency: false,
    handler: async ({ ctx, params, deps }) => ({ data: await checkMailbox(ctx, deps.secrets, params.id, deps.config.mailTimeoutMs) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/mailboxes/:id/quarantine',
    tag,
    summary: 'Fetched mail kept aside because it could not be imported',
    description: 'Each entry keeps the raw message and the error; fetching moved on past it. Retry after a fix, or dismiss.',
    scope: 'admin',
    query: QuarantineListQuery,
    response: z.array(QuarantinedMail),
    list: true,
    handler: ({ ctx, params, query }) => listQuarantined(ctx, params.id, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/mailboxes/:id/quarantine/:entryId/retry',
    tag,
    summary: 'Import a quarantined message again',
    description: 'On success it leaves the quarantine and the answer names the ticket it landed on; still failing, a 409 with the new error.',
    scope: 'admin',
    response: QuarantineRetryResult,
    errors: ['CONFLICT'],
    handler: async ({ ctx, params, deps }) => ({
      data: await retryQuarantined(ctx, deps.attachments, params.id, params.entryId, deps.config.mailMaxMessageBytes),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/mailboxes/:id/quarantine/:entryId',
    tag,
    summary: 'Dismiss a quarantined message',
    scope: 'admin',
    status: 204,
    handler: async ({ ctx, params }) => {
      await dismissQuarantined(ctx, params.id, params.entryId);
      return { data: null };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/tickets/:id/messages/:messageId/retry-delivery',
    tag,
    summary: 'Send a reply by e-mail again',
    description:
      'For a reply whose delivery `failed` (or was `suppressed` as an automatic answer to an automatic message): it is ' +
      'queued again, due now, with a fresh count of attempts. 409 when it is sent or queued already, or was never mail.',
    scope: 'tickets:write',
    response: Message,
    errors: ['CONFLICT'],
    handler: async ({ ctx, params }) => ({ data: await retryDelivery(ctx, params.id, params.messageId) }),
  }),
];
