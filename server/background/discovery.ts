// DNS-SD on the LAN (`_localdesk._tcp`): a host shared on the network says so, and another
// install lists the hosts it hears (`localdesk discover`), so joining a team does not start with
// asking someone for an IP address. Multicast DNS only: nothing leaves the local network.
import { hostname } from 'node:os';
import { Bonjour } from 'bonjour-service';

export const serviceType = 'localdesk';

export interface Advertisement {
  stop(): Promise<void>;
}

/** Announces this server on the LAN until stopped. A failure to announce is only logged. */
export function advertise(port: number, version: string, onError: (err: unknown) => void): Advertisement {
  const bonjour = new Bonjour({}, onError);
  const name = `LocalDesk on ${hostname()}`.slice(0, 63);
  const service = bonjour.publish({ name, type: serviceType, port, txt: { version, path: '/' }, probe: false });
  service.on('error', onError);
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        bonjour.unpublishAll(() => {
          bonjour.destroy();
          resolve();
        });
      }),
  };
}

export interface FoundHost {
  name: string;
  /** http://address:port, one per address the host announced (IPv4 first). */
  urls: string[];
  version: string | null;
}

/** The LocalDesk hosts that answer on the LAN within `ms`. */
export function discover(ms: number): Promise<FoundHost[]> {
  const bonjour = new Bonjour();
  const found = new Map<string, FoundHost>();
  bonjour.find({ type: serviceType }, (service) => {
    const addresses = [...(service.addresses ?? [])].sort((a, b) => Number(a.includes(':')) - Number(b.includes(':')));
    const urls = addresses
      .filter((a) => !a.startsWith('fe80:'))
      .map((a) => `http://${a.includes(':') ? `[${a}]` : a}:${service.port}`);
    const txt = (service.txt ?? {}) as Record<string, unknown>;
    found.set(`${service.name}:${service.port}`, { name: service.name, urls, version: typeof txt.version === 'string' ? txt.version : null });
  });
  return new Promise((resolve) =>
    setTimeout(() => {
      bonjour.destroy();
      resolve([...found.values()]);
    }, ms),
  );
}
