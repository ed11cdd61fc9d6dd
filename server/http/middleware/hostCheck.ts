import { isIP } from 'node:net';
import { hostname } from 'node:os';
import type { Middleware } from 'koa';
import { AppError } from '../../core/errors.ts';

const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}

/** The host name of a Host header (lower-case, IPv6 in brackets), or null if it is not one. */
export function hostnameOf(header: string): string | null {
  if (!header) return null;
  try {
    const url = new URL(`http://${header}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
    return url.hostname.toLowerCase();
  } catch {
    return null;
  }
}

export interface HostPolicy {
  names: ReadonlySet<string>;
  /** Bound beyond loopback: IP literals are accepted too. */
  lan: boolean;
}

/**
 * Bound to loopback, only loopback host names are accepted (any port, so an SSH port forward
 * keeps working). Bound to a LAN interface, IP literals, this machine's name and the configured
 * names are accepted too: a DNS-rebinding attack always arrives under the attacker's domain
 * name, never under an IP literal.
 */
export function hostPolicy(bindHost: string, allowedHosts: readonly string[]): HostPolicy {
  const names = new Set([...loopbackNames, ...allowedHosts.map((h) => h.toLowerCase())]);
  // The address the server is bound to is always its own name (127.0.0.2, a LAN address...).
  const bound = bindHost.toLowerCase();
  if (bound !== '0.0.0.0' && bound !== '::') names.add(bound.includes(':') ? `[${bound}]` : bound);
  const lan = !isLoopbackHost(bindHost);
  if (lan) {
    const name = hostname().toLowerCase();
    names.add(name);
    names.add(`${name}.local`);
  }
  return { names, lan };
}

export function isHostAllowed(header: string, policy: HostPolicy): boolean {
  const name = hostnameOf(header);
  if (name === null) return false;
  if (policy.names.has(name)) return true;
  return policy.lan && isIP(name.replace(/^\[|\]$/g, '')) !== 0;
}

/** How many Host headers a request carries (Node keeps only the first in `headers`). */
function hostHeaderCount(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]?.toLowerCase() === 'host') count++;
  return count;
}

/**
 * DNS-rebinding defence: a request whose Host is not ours is refused with 403, without listing
 * the names that are (that would tell an attacker what to aim for). Two Host headers are a 400:
 * a proxy and this server could each read a different one.
 */
export function hostCheck(bindHost: string, allowedHosts: readonly string[]): Middleware {
  const policy = hostPolicy(bindHost, allowedHosts);
  return async (ctx, next) => {
    if (hostHeaderCount(ctx.req.rawHeaders) > 1) {
      throw new AppError('BAD_REQUEST', 'the request has more than one Host header', {
        errors: [{ path: 'Host', message: 'give one Host header' }],
      });
    }
    if (!isHostAllowed(ctx.get('host'), policy)) {
      throw new AppError('FORBIDDEN', `Host "${ctx.get('host')}" is not allowed`);
    }
    await next();
  };
}
