// The protocol clients, built one way for the fetcher, the sender and the connection test:
// imapflow for IMAP, nodemailer for SMTP, every network step bounded by a timeout, and their
// errors turned into one sentence that says which step failed and what the server said.
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { MailboxCredentials } from './mailboxes.service.ts';

export type CheckStage = 'connect' | 'tls' | 'greeting' | 'login' | 'inbox' | 'done';

/** A failure with the step it happened at, and a message fit to show an administrator. */
export class MailConnectionError extends Error {
  constructor(
    readonly stage: CheckStage,
    message: string,
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'MailConnectionError';
  }
}

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${Math.round(ms / 100) / 10} s`);
    this.name = 'TimeoutError';
  }
}

/** `promise`, or a TimeoutError after `ms` (then `onTimeout`, e.g. closing the connection). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new TimeoutError(what, ms));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function imapClient(creds: MailboxCredentials, timeoutMs: number, options: { idleRestartMs?: number } = {}): ImapFlow {
  const client = new ImapFlow({
    host: creds.imap.host,
    port: creds.imap.port,
    secure: creds.imap.secure,
    auth: { user: creds.imap.user, pass: creds.imap.password },
    logger: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    // Inactivity on the socket; IDLE is restarted well before (maxIdleTime), so a quiet
    // mailbox never trips it, a hung server does.
    socketTimeout: Math.max(timeoutMs * 2, (options.idleRestartMs ?? 0) + timeoutMs),
    // IDLE soon after each fetch (imapflow's default waits 15 s), so new mail is noticed at once.
    ...(options.idleRestartMs ? { maxIdleTime: options.idleRestartMs, autoIdleDelay: 1_000 } : {}),
    disableAutoIdle: options.idleRestartMs === undefined,
    clientInfo: { name: 'LocalDesk' },
  });
  // imapflow also emits errors as events; an unhandled 'error' event would end the process.
  client.on('error', () => undefined);
  return client;
}

export function smtpTransport(creds: MailboxCredentials, timeoutMs: number) {
  return nodemailer.createTransport({
    host: creds.smtp.host,
    port: creds.smtp.port,
    secure: creds.smtp.secure,
    auth: { user: creds.smtp.user, pass: creds.smtp.password },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
    debug: false,
  });
}

interface NetError {
  code?: string;
  message?: string;
  responseText?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  authenticationFailed?: boolean;
  serverResponseCode?: string;
}

const tlsCodes = /^(ERR_SSL|ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_OSSL|HOSTNAME_MISMATCH)/;

function netStage(e: NetError, server: string): MailConnectionError | null {
  // nodemailer wraps socket errors (code ESOCKET / ECONNECTION) with the system's code in the text.
  const errno = /\b(E[A-Z]{4,})\b/.exec(e.message ?? '')?.[1];
  const code = e.code && !['ESOCKET', 'ECONNECTION'].includes(e.code) ? e.code : (errno ?? e.code ?? '');
  if (code === 'ECONNREFUSED') return new MailConnectionError('connect', `${server} refused the connection (nothing listens on that port)`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new MailConnectionError('connect', `${server}: the host name does not resolve`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new MailConnectionError('connect', `${server} is unreachable`);
  if (code === 'ECONNRESET') return new MailConnectionError('connect', `${server} closed the connection`);
  if (code === 'CONNECT_TIMEOUT' || (code === 'ETIMEDOUT' && /connect/i.test(e.message ?? ''))) {
    return new MailConnectionError('connect', `${server} did not accept a connection in time`);
  }
  if (tlsCodes.test(code) || /ssl|tls|certificate|wrong version number/i.test(e.message ?? '')) {
    return new MailConnectionError('tls', `${server}: TLS failed: ${e.message ?? code} (check the port and the secure setting)`);
  }
  return null;
}

/** An imapflow failure as one sentence with its step. */
export function describeImapError(err: unknown, host: string): MailConnectionError {
  if (err instanceof MailConnectionError) return err;
  const server = `IMAP server ${host}`;
  if (err instanceof TimeoutError) return new MailConnectionError('greeting', `${server}: ${err.message}`);
  const e = (err ?? {}) as NetError;
  if (e.authenticationFailed) {
    return new MailConnectionError('login', `${server} refused the login: ${e.responseText || 'the user name or password is wrong'}`, true);
  }
  const net = netStage(e, server);
  if (net) return net;
  if (e.code === 'GreetingTimeout' || /greeting/i.test(e.message ?? '')) return new MailConnectionError('greeting', `${server} sent no greeting in time`);
  return new MailConnectionError('connect', `${server}: ${e.responseText ?? e.message ?? String(err)}`);
}

/** A nodemailer failure as one sentence with its step; 5xx answers are permanent. */
export function describeSmtpError(err: unknown, host: string): MailConnectionError {
  if (err instanceof MailConnectionError) return err;
  const server = `SMTP server ${host}`;
  if (err instanceof TimeoutError) return new MailConnectionError('connect', `${server}: ${err.message}`);
  const e = (err ?? {}) as NetError;
  const answer = (e.response ?? '').trim();
  const permanent = (e.responseCode ?? 0) >= 500;
  if (e.code === 'EAUTH') return new MailConnectionError('login', `${server} refused the login: ${answer || e.message}`, permanent);
  const net = netStage(e, server);
  if (net) return net;
  if (e.code === 'EGREETING' || (e.code === 'ETIMEDOUT' && /greeting/i.test(e.message ?? ''))) {
    return new MailConnectionError('greeting', `${server} sent no greeting in time`);
  }
  if (e.code === 'ETIMEDOUT') return new MailConnectionError('connect', `${server} timed out`);
  if (answer) return new MailConnectionError('greeting', `${server} answered: ${answer}`, permanent);
  return new MailConnectionError('connect', `${server}: ${e.message ?? String(err)}`, permanent);
}
