import { isIP } from 'node:net';
import { hostname } from 'node:os';
import type { Middleware } from 'koa';
import { AppError } from '../errors.ts';

const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}

/** The host name of a Host header (lower-case, IPv6 in brackets), or null if it is not one. */
export function hostnameOf(header: string): string | null {
  if (!header) return null;
  try {
    const url = new URL(`http://${header}`);
    if (url.username || url.password || url.pathname !== '/' || url.search) return null;
    return url.hostname.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * DNS-rebinding defence. Bound to loopback, only loopback host names are accepted (any port,
 * so an SSH port forward keeps working). Bound to a LAN interface, IP literals, this machine's
 * name and the configured names are accepted too: a rebinding attack always arrives under the
 * attacker's domain name, never under an IP literal.
 */
export function hostCheck(bindHost: string, allowedHosts: readonly string[]): Middleware {
  const allowed = new Set([...loopbackNames, ...allowedHosts.map((h) => h.toLowerCase())]);
  const lan = !isLoopbackHost(bindHost);
  if (lan) {
    const name = hostname().toLowerCase();
    allowed.add(name);
    allowed.add(`${name}.local`);
  }
  return async (ctx, next) => {
    const name = hostnameOf(ctx.get('host'));
    const ok =
      name !== null &&
      (allowed.has(name) || (lan && isIP(name.replace(/^\[|\]$/g, '')) !== 0));
    if (!ok) {
      throw new AppError('FORBIDDEN', `Host "${ctx.get('host')}" is not allowed`, {
        allowedHosts: [...allowed],
      });
    }
    await next();
  };
}
