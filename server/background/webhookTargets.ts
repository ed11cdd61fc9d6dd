// One webhook POST, made so that the address it connects to is the address that was checked: the
// host name is resolved here (every address it resolves to must be allowed) and the socket's
// remote address is checked again once connected, so DNS cannot hand the check one address and
// the connection another. Errors are reported coarsely (refused, unreachable, not found), never
// with the address and port: the delivery log must not work as a port scanner.
import { type LookupAddress, lookup as dnsLookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { addressProblem, classifyAddress } from '../domain/webhooks/webhooks.targets.ts';

/** A target whose address the policy refuses; its message says why (without the address). */
export class TargetRefused extends Error {
  override name = 'TargetRefused';
}

type Resolver = (host: string, options: { all: true }, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;
type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net.connect that refuses a name when any address it resolves to is not
 * allowed. `resolve` is dns.lookup (the system resolver, /etc/hosts included).
 */
export function targetLookup(allowPrivate: boolean, resolve: Resolver = dnsLookup as unknown as Resolver) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    resolve(hostname, { all: true }, (err, found) => {
      if (err) return callback(err, '', 0);
      const wanted = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
      const family = wanted === 4 || wanted === 6 ? wanted : null;
      const addresses = family ? found.filter((a) => a.family === family) : found;
      for (const { address } of found) {
        const problem = addressProblem(classifyAddress(address), { allowPrivate });
        if (problem) return callback(new TargetRefused(problem), '', 0);
      }
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      if (options.all) return callback(null, addresses);
      callback(null, first.address, first.family);
    });
  };
}

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  allowPrivate: boolean;
  signal: AbortSignal;
}

/** POSTs and resolves with the answer's status (the body is read and dropped). */
export function postToTarget(post: WebhookPost): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(post.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const check = (address: string | undefined) => (address ? addressProblem(classifyAddress(address), { allowPrivate: post.allowPrivate }) : null);
    const literal = isIP(host) ? check(host) : null;
    if (literal) return reject(new TargetRefused(literal));
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...post.headers, 'Content-Length': String(Buffer.byteLength(post.body)) },
        lookup: targetLookup(post.allowPrivate),
        agent: false, // a fresh connection, checked, every time: no pooled socket skips the check
        signal: post.signal,
      },
      (res) => {
        res.resume(); // the answer's body is not needed
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('socket', (socket) => {
      socket.once('connect', () => {
        const problem = check(socket.remoteAddress);
        if (problem) req.destroy(new TargetRefused(problem));
      });
    });
    req.on('error', reject);
    req.end(post.body);
  });
}

const coarse: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS lookup failed)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'host unreachable',
  ETIMEDOUT: 'host unreachable',
};

/** What went wrong, in words that name no address or port. */
export function describeTargetError(err: unknown): string {
  if (err instanceof TargetRefused) return err.message;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (coarse[code]) return coarse[code];
    if (/^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO)/.test(code)) return `TLS error (${code})`;
  }
  return 'connection failed';
}
