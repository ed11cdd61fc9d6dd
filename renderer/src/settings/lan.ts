// Whether the page was opened through loopback (only this machine) or a network address.

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Whether a host name only reaches this machine. */
export function isLoopback(hostname: string): boolean {
  return loopbackHosts.has(hostname.toLowerCase()) || hostname.startsWith('127.');
}
