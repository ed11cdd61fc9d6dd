// Where a webhook may send the server's requests. A webhook makes this machine call a URL an
// admin typed, from inside the network: left open, it reaches cloud metadata services
// (credentials), other hosts' admin ports, and its delivery log tells which ports answer.
// - never: link-local (169.254/16, fe80::/10, where metadata services live), known metadata
//   names, unspecified (0.0.0.0, ::), multicast and reserved addresses;
// - private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) and loopback: only while
//   LOCALDESK_WEBHOOK_ALLOW_PRIVATE allows them (the default: a LAN product posts to LAN hosts);
// - credentials in the URL: never (they would sit in the database and the delivery log).
// Names are checked again at delivery against the addresses they resolve to (background/).
import { BlockList, isIP } from 'node:net';
import { invalidField } from '../../core/errors.ts';

export type AddressClass = 'public' | 'private' | 'loopback' | 'forbidden';

function blockList(v4: readonly string[], v6: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of v4) list.addSubnet(cidr.split('/')[0] ?? '', Number(cidr.split('/')[1]), 'ipv4');
  for (const cidr of v6) list.addSubnet(cidr.split('/')[0] ?? '', Number(cidr.split('/')[1]), 'ipv6');
  return list;
}

const forbidden = blockList(
  ['0.0.0.0/8', '169.254.0.0/16', '224.0.0.0/4', '240.0.0.0/4', '100.100.100.200/32', '192.0.0.0/24'],
  ['::/128', 'fe80::/10', 'ff00::/8', 'fd00:ec2::/32'],
);
const loopback = blockList(['127.0.0.0/8'], ['::1/128']);
const privateRanges = blockList(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'], ['fc00::/7']);

/** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:a.b.c.d or ::ffff:xxxx:xxxx). */
function unmapped(address: string): string {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted?.[1]) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex?.[1] && hex[2]) {
    const high = parseInt(hex[1], 16);
    const low = parseInt(hex[2], 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return address;
}

/** What kind of address an IP literal is (IPv4-mapped IPv6 addresses as their IPv4 address). */
export function classifyAddress(raw: string): AddressClass {
  const address = unmapped(raw.replace(/^\[|\]$/g, '').toLowerCase());
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (isIP(address) === 0 || forbidden.check(address, family)) return 'forbidden';
  if (loopback.check(address, family)) return 'loopback';
  if (privateRanges.check(address, family)) return 'private';
  return 'public';
}

/** Names that always mean this machine or a metadata service, resolved or not. */
function classifyName(host: string): AddressClass | null {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback';
  if (name === 'metadata.google.internal' || name === 'metadata' || name === 'instance-data') return 'forbidden';
  return null;
}

export interface TargetPolicy {
  /** Private and loopback targets are allowed (LOCALDESK_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
}

/** Why an address may not be a target under this policy, or null when it may. */
export function addressProblem(cls: AddressClass, policy: TargetPolicy): string | null {
  if (cls === 'forbidden') return "the target's address is not allowed (link-local, metadata, unspecified or reserved)";
  if ((cls === 'private' || cls === 'loopback') && !policy.allowPrivate) {
    return `the target's address is not allowed (${cls}; LOCALDESK_WEBHOOK_ALLOW_PRIVATE is off)`;
  }
  return null;
}

/** 400 on `field` when a webhook may not post to `url`; names are checked again at delivery. */
export function assertTargetAllowed(url: string, policy: TargetPolicy, field = 'url'): void {
  const parsed = new URL(url);
  if (parsed.username || parsed.password) {
    throw invalidField(field, 'must not contain a user name or password: verify the LocalDesk-Signature header instead');
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const cls = isIP(host) ? classifyAddress(host) : classifyName(host);
  const problem = cls ? addressProblem(cls, policy) : null;
  if (problem) throw invalidField(field, problem);
}

/** A URL as shown or logged: credentials (from before they were refused) replaced by ***. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '***';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
