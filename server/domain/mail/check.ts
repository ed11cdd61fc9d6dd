// POST /mailboxes/:id/test: log in to both servers the way the fetcher and the sender will, and
// say exactly which step failed. Nothing is fetched, sent or changed.
import { performance } from 'node:perf_hooks';
import type { MailCheckResultT, MailboxTestResultT } from '../../../common/contract/mailboxes.ts';
import { SecretError, type SecretBox } from '../../core/secrets.ts';
import type { Ctx } from '../context.ts';
import { inboxFolder, type MailboxCredentials, credentialsOf, loadMailbox } from './mailboxes.service.ts';
import { describeImapError, describeSmtpError, imapClient, MailConnectionError, smtpTransport, withTimeout } from './transport.ts';

async function timed(check: () => Promise<void>, describe: (err: unknown) => MailConnectionError): Promise<MailCheckResultT> {
  const started = performance.now();
  const durationMs = () => Math.round(performance.now() - started);
  try {
    await check();
    return { ok: true, stage: 'done', error: null, durationMs: durationMs() };
  } catch (err) {
    const failure = describe(err);
    return { ok: false, stage: failure.stage, error: failure.message, durationMs: durationMs() };
  }
}

export function checkImap(creds: MailboxCredentials, timeoutMs: number): Promise<MailCheckResultT> {
  return timed(
    async () => {
      const client = imapClient(creds, timeoutMs);
      try {
        await withTimeout(client.connect(), timeoutMs * 2, 'logging in', () => client.close());
        try {
          await withTimeout(client.status(inboxFolder, { messages: true }), timeoutMs, 'opening INBOX', () => client.close());
        } catch (err) {
          const said = (err as { responseText?: string }).responseText;
          throw new MailConnectionError('inbox', `IMAP server ${creds.imap.host}: cannot open INBOX: ${said ?? (err as Error).message}`);
        }
        await withTimeout(client.logout(), timeoutMs, 'logging out').catch(() => undefined);
      } finally {
        client.close();
      }
    },
    (err) => describeImapError(err, creds.imap.host),
  );
}

export function checkSmtp(creds: MailboxCredentials, timeoutMs: number): Promise<MailCheckResultT> {
  return timed(
    async () => {
      const transport = smtpTransport(creds, timeoutMs);
      try {
        await withTimeout(transport.verify(), timeoutMs * 3, 'the SMTP check', () => transport.close());
      } finally {
        transport.close();
      }
    },
    (err) => describeSmtpError(err, creds.smtp.host),
  );
}

export async function checkMailbox(ctx: Ctx, secrets: SecretBox, id: string, timeoutMs: number): Promise<MailboxTestResultT> {
  const row = await loadMailbox(ctx.db, id);
  let creds: MailboxCredentials;
  try {
    creds = credentialsOf(row, secrets);
  } catch (err) {
    if (!(err instanceof SecretError)) throw err;
    const failed: MailCheckResultT = { ok: false, stage: 'login', error: err.message, durationMs: 0 };
    return { ok: false, imap: failed, smtp: failed };
  }
  const [imap, smtp] = await Promise.all([checkImap(creds, timeoutMs), checkSmtp(creds, timeoutMs)]);
  return { ok: imap.ok && smtp.ok, imap, smtp };
}
