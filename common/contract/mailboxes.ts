import { z } from 'zod';
import { Email, Timestamp, listQuery, text } from './base.ts';

// A host name or an IP literal: letters, digits, dots, hyphens, colons (IPv6), brackets.
const Host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.\-:[\]]+$/, 'must be a host name or an IP address')
  .meta({ example: 'imap.gmail.com' });
const Port = z.number().int().min(1).max(65535);
const User = text(320).meta({ description: 'The login, usually the full address' });
// Passwords are taken exactly as typed: spaces are characters too (never trimmed).
const Password = z.string().min(1, 'must not be empty').max(1000);

const imapSecureDoc = 'true: TLS from the start (port 993); false: plain, upgraded with STARTTLS when the server offers it (143)';
const smtpSecureDoc = 'true: TLS from the start (port 465); false: STARTTLS when the server offers it (587, 25)';

const ImapSettings = z.strictObject({
  host: Host,
  port: Port.optional().meta({ description: 'Default 993 when secure, else 143' }),
  secure: z.boolean().default(true).meta({ description: imapSecureDoc }),
  user: User,
  password: Password.meta({ description: 'Stored encrypted; never returned' }),
});

const SmtpSettings = z.strictObject({
  host: Host.meta({ example: 'smtp.gmail.com' }),
  port: Port.optional().meta({ description: 'Default 465 when secure, else 587' }),
  secure: z.boolean().default(false).meta({ description: smtpSecureDoc }),
  user: User,
  password: Password.meta({ description: 'Stored encrypted; never returned' }),
});

const ProjectRef = z.string().trim().min(1).meta({ description: 'A prj_ id of an active project' });

export const MailboxCreate = z.strictObject({
  name: text(100).meta({ description: 'Shown as the sender name of replies', example: 'Acme Support' }),
  address: Email.meta({ description: 'The address customers write to', example: 'support@example.com' }),
  imap: ImapSettings,
  smtp: SmtpSettings,
  projectId: ProjectRef.nullable()
    .optional()
    .meta({ description: 'New tickets from this mailbox go to this project; replies in it go out through this mailbox' }),
  active: z.boolean().default(true).meta({ description: 'false: neither fetches nor sends' }),
});

/** Every field optional; a password left out keeps the stored one. */
const nonEmpty = { message: 'give at least one field to change' };
export const MailboxPatch = z
  .strictObject({
    name: text(100).optional(),
    address: Email.optional(),
    imap: z
      .strictObject({
        host: Host.optional(),
        port: Port.optional(),
        secure: z.boolean().optional(),
        user: User.optional(),
        password: Password.optional(),
      })
      .refine((o) => Object.keys(o).length > 0, nonEmpty)
      .optional(),
    smtp: z
      .strictObject({
        host: Host.optional(),
        port: Port.optional(),
        secure: z.boolean().optional(),
        user: User.optional(),
        password: Password.optional(),
      })
      .refine((o) => Object.keys(o).length > 0, nonEmpty)
      .optional(),
    projectId: ProjectRef.nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, nonEmpty);

const ServerView = z.object({
  host: z.string(),
  port: z.number().int(),
  secure: z.boolean(),
  user: z.string(),
  passwordSet: z.literal(true).meta({ description: 'A password is stored (encrypted); it is never returned' }),
});

export const MailboxFetchState = z
  .object({
    checkedAt: Timestamp.nullable().meta({ description: 'When the inbox was last read successfully' }),
    importedAt: Timestamp.nullable().meta({ description: 'When the last message was imported' }),
    error: z.string().nullable().meta({ description: 'Why the last attempt to fetch failed; null when it worked' }),
    errorAt: Timestamp.nullable(),
    quarantined: z.number().int().meta({ description: 'Fetched messages kept aside because they failed' }),
  })
  .meta({ id: 'MailboxFetchState' });

export const Mailbox = z
  .object({
    id: z.string(),
    name: z.string(),
    address: z.string(),
    imap: ServerView,
    smtp: ServerView,
    projectId: z.string().nullable(),
    active: z.boolean(),
    fetch: MailboxFetchState,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Mailbox' });

export const MailboxListQuery = listQuery(['createdAt', 'name'], {});

const CheckResult = z.object({
  ok: z.boolean(),
  stage: z
    .enum(['connect', 'tls', 'greeting', 'login', 'inbox', 'done'])
    .meta({ description: 'How far the check got: the step that failed, or `done`' }),
  error: z.string().nullable().meta({ description: 'What failed, in the server’s words where it gave any' }),
  durationMs: z.number().int(),
});

export const MailboxTestResult = z
  .object({
    ok: z.boolean().meta({ description: 'true when both connections worked' }),
    imap: CheckResult,
    smtp: CheckResult,
  })
  .meta({ id: 'MailboxTestResult' });

export const QuarantinedMail = z
  .object({
    id: z.string(),
    mailboxId: z.string(),
    folder: z.string(),
    uid: z.number().int(),
    messageId: z.string().nullable().meta({ description: 'Its Message-ID header, when it could be read' }),
    from: z.string().nullable(),
    subject: z.string().nullable(),
    size: z.number().int().meta({ description: 'Bytes' }),
    error: z.string().meta({ description: 'Why it could not be imported' }),
    retryable: z.boolean().meta({ description: 'false when the message was too large to keep' }),
    attempts: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'QuarantinedMail' });

export const QuarantineListQuery = listQuery(['createdAt'], {});

export const QuarantineRetryResult = z
  .object({
    ticketId: z.string().nullable().meta({ description: 'The ticket the message landed on; null when it opened none (an automatic message)' }),
    messageId: z.string().nullable(),
  })
  .meta({ id: 'QuarantineRetryResult' });

export type MailboxT = z.output<typeof Mailbox>;
export type MailboxCreateInput = z.output<typeof MailboxCreate>;
export type MailboxPatchInput = z.output<typeof MailboxPatch>;
export type MailboxListParams = z.output<typeof MailboxListQuery>;
export type MailboxTestResultT = z.output<typeof MailboxTestResult>;
export type MailCheckResultT = z.output<typeof CheckResult>;
export type QuarantinedMailT = z.output<typeof QuarantinedMail>;
export type QuarantineListParams = z.output<typeof QuarantineListQuery>;
export type QuarantineRetryResultT = z.output<typeof QuarantineRetryResult>;
