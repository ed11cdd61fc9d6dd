import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';

/** The URLs teammates can use while LAN sharing is on: one per IPv4 address of this machine. */
export function lanUrls(
  host: string,
  port: number,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string[] {
  if (host !== '0.0.0.0') return [`http://${host}:${port}`];
  return Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((info) => info.family === 'IPv4' && !info.internal)
    .map((info) => `http://${info.address}:${port}`);
}
