// A real SMTP server in the test process (npm smtp-server) that receives what the product
// sends, keeps every message as raw bytes plus mailparser's parse, and can be told to refuse
// with temporary (4xx) errors to test retries.
//
//   const smtp = await startSmtpReceiver({ auth: { user: 'mailer', password: 'pw' } });
//   nodemailer.createTransport(smtp.transportOptions());   // plain SMTP, no TLS
//   const msg = await smtp.waitFor((m) => m.parsed.subject === 'Re: Help');
//   smtp.setRefusing(true);                                // 421 at connect until set false
//   await smtp.stop();
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerError, type SMTPServerOptions } from 'smtp-server';

export interface SmtpAuth {
  user: string;
  password: string;
}

export interface ReceivedMessage {
  /** Envelope sender (MAIL FROM), '' for the null sender <>. */
  from: string;
  /** Envelope recipients (RCPT TO), in order. */
  to: string[];
  /** The message exactly as received (dot-unstuffed), CRLF line endings as sent. */
  raw: Buffer;
  parsed: ParsedMail;
  /** The AUTH user of the session, or null without AUTH. */
  authUser: string | null;
  receivedAt: Date;
}

/** Where and how the receiver refuses while refusing is on. */
export interface RefuseOptions {
  /**
   * 'connect': the greeting is the error and the connection closes (a server that is
   * unavailable); 'mail' / 'rcpt': MAIL FROM / RCPT TO fail; 'data': the message is read,
   * then rejected (the client must not count it as sent). Default 'connect'.
   */
  stage?: 'connect' | 'mail' | 'rcpt' | 'data';
  /** A 4xx code (temporary) or 5xx (permanent). Default 421 at 'connect', else 451. */
  code?: number;
  message?: string;
}

export interface SmtpReceiverOptions {
  /** Require AUTH PLAIN/LOGIN with these credentials (allowed without TLS). */
  auth?: SmtpAuth;
  /** Largest accepted message in bytes (advertised SIZE); default 50 MB. */
  maxSize?: number;
}

export interface SmtpReceiver {
  host: '127.0.0.1';
  port: number;
  auth: SmtpAuth | null;
  /** Every accepted message, oldest first. */
  messages: ReceivedMessage[];
  /** How many connections / commands were refused while refusing was on. */
  refusedCount(): number;
  /** Options for nodemailer.createTransport: plain SMTP on loopback, no STARTTLS. */
  transportOptions(): {
    host: string;
    port: number;
    secure: false;
    ignoreTLS: true;
    auth?: { user: string; pass: string };
  };
  /** `true` refuses with the default options; `false` accepts again. */
  setRefusing(refuse: boolean | RefuseOptions): void;
  /**
   * The first message, already received or still to come, for which `predicate` is true.
   * Rejects after `timeoutMs` (default 10 s) listing what did arrive.
   */
  waitFor(predicate?: (message: ReceivedMessage) => boolean, timeoutMs?: number): Promise<ReceivedMessage>;
  clear(): void;
  /** Closes the listener and every open connection. Idempotent. */
  stop(): Promise<void>;
}

function smtpError(code: number, message: string): SMTPServerError {
  const error: SMTPServerError = new Error(message);
  error.responseCode = code;
  return error;
}

export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const auth = options.auth ?? null;
  const messages: ReceivedMessage[] = [];
  const waiters = new Set<(message: ReceivedMessage) => void>();
  let refusing: Required<RefuseOptions> | null = null;
  let refused = 0;

  const refuseAt = (stage: RefuseOptions['stage']): SMTPServerError | null => {
    if (!refusing || refusing.stage !== stage) return null;
    refused++;
    return smtpError(refusing.code, refusing.message);
  };

  const serverOptions: SMTPServerOptions = {
    secure: false,
    name: 'smtp.example.test',
    hideSTARTTLS: true,
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !auth,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disableReverseLookup: true,
    size: options.maxSize ?? 50 * 1024 * 1024,
    logger: false,
    // stop() should not wait long for a client that keeps its connection open.
    closeTimeout: 1000,
    onConnect(_session, callback) {
      callback(refuseAt('connect'));
    },
    onAuth(attempt, _session, callback) {
      if (!auth) return callback(new Error('AUTH is not enabled'));
      const ok =
        (attempt.method === 'PLAIN' || attempt.method === 'LOGIN') &&
        attempt.username === auth.user &&
        attempt.password === auth.password;
      if (!ok) return callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
      callback(null, { user: attempt.username });
    },
    onMailFrom(_address, _session, callback) {
      callback(refuseAt('mail'));
    },
    onRcptTo(_address, _session, callback) {
      callback(refuseAt('rcpt'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error: Error) => callback(error));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, '5.3.4 Message exceeds the size limit'));
        const refusal = refuseAt('data');
        if (refusal) return callback(refusal);
        const raw = Buffer.concat(chunks);
        const envelope = session.envelope;
        simpleParser(raw).then(
          (parsed) => {
            const message: ReceivedMessage = {
              from: envelope.mailFrom ? envelope.mailFrom.address : '',
              to: envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
              authUser: typeof session.user === 'string' ? session.user : null,
              receivedAt: new Date(),
            };
            messages.push(message);
            for (const waiter of [...waiters]) waiter(message);
            callback(null, 'Queued as test message ' + messages.length);
          },
          // A message the parser cannot read is still a message the product sent: keep the
          // test honest by failing the SMTP transaction, visible to the sender and the test.
          (error: Error) => callback(smtpError(554, `5.6.0 Unparseable message: ${error.message}`)),
        );
      });
    },
  };

  const server = new SMTPServer(serverOptions);
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  let stopped = false;

  return {
    host: '127.0.0.1',
    port,
    auth,
    messages,
    refusedCount: () => refused,
    transportOptions() {
      return {
        host: '127.0.0.1',
        port,
        secure: false,
        ignoreTLS: true,
        ...(auth ? { auth: { user: auth.user, pass: auth.password } } : {}),
      };
    },
    setRefusing(refuse) {
      if (refuse === false) {
        refusing = null;
        return;
      }
      const opts: RefuseOptions = refuse === true ? {} : refuse;
      const stage = opts.stage ?? 'connect';
      const code = opts.code ?? (stage === 'connect' ? 421 : 451);
      refusing = {
        stage,
        code,
        message:
          opts.message ??
          (code === 421 ? '4.3.2 Service temporarily unavailable, try again later' : '4.3.0 Temporary failure, try again later'),
      };
    },
    waitFor(predicate = () => true, timeoutMs = 10_000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = (message: ReceivedMessage) => {
          if (!predicate(message)) return;
          cleanup();
          resolve(message);
        };
        const timer = setTimeout(() => {
          cleanup();
          const seen = messages.map((m) => JSON.stringify(m.parsed.subject ?? '(no subject)')).join(', ') || 'none';
          reject(new Error(`SMTP receiver: no matching message within ${timeoutMs} ms; received: ${seen}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        waiters.add(waiter);
      });
    },
    clear() {
      messages.length = 0;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
