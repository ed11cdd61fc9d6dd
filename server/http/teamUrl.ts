// The base URL teammates reach this server at, for links handed to them (invitations). An admin
// on the host machine browses http://localhost:4870, which means nothing on a colleague's
// laptop: when the server is shared on the LAN, the link uses the LAN name instead.
import { networkInterfaces } from 'node:os';
import type { Context } from 'koa';
import type { Config } from '../core/config.ts';
import { hostnameOf, isLoopbackHost } from './middleware/hostCheck.ts';

/** The first non-internal IPv4 address of this machine, if it has one. */
function firstLanAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) return info.address;
  }
  return null;
}

/**
 * - The admin reached the server under a non-loopback name: teammates can use that same one.
 * - Bound to loopback only: nobody else can reach it; the request's own origin is all there is.
 * - Bound to the LAN but browsed from loopback: the first LOCALDESK_ALLOWED_HOSTS name, else the
 *   bound address, else (bound to every interface) this machine's first LAN address; with the
 *   port the request came in on.
 */
export function teamBaseUrl(http: Context, config: Pick<Config, 'host' | 'allowedHosts'>): string {
  const requested = hostnameOf(http.host) ?? 'localhost';
  if (!isLoopbackHost(requested.replace(/^\[|\]$/g, '')) || isLoopbackHost(config.host)) {
    return `${http.protocol}://${http.host}`;
  }
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  let name = config.allowedHosts[0] ?? (wildcard ? firstLanAddress() : config.host);
  name ??= http.hostname;
  if (name.includes(':') && !name.startsWith('[')) name = `[${name}]`;
  const port = http.req.socket.localPort;
  return `${http.protocol}://${name}${port ? `:${port}` : ''}`;
}
