// `localdesk serve --join URL --pair CODE`: pairs this data folder with a team host, once. The
// pairing is remembered in the folder (sync.json, the device key sealed with the folder's
// secret.key), so later starts need only `--data`.
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../db/schema.ts';
import { ensurePrivateFile } from '../../db/files.ts';
import type { SecretBox } from '../core/secrets.ts';
import type { ReplicaLink } from '../background/replica.ts';
import { UsageError } from './shared.ts';

const linkFile = 'sync.json';
const purpose = 'sync-device-key';

interface StoredLink {
  host: string;
  deviceId: string;
  key: string;
}

/** The pairing this folder remembers, or null when it is not a replica. */
export function readReplicaLink(dataDir: string, secrets: SecretBox): ReplicaLink | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, linkFile), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const stored = JSON.parse(text) as StoredLink;
  return { host: stored.host, deviceId: stored.deviceId, key: secrets.decrypt(stored.key, purpose) };
}

/** The host's origin from what a person typed: `http://desk.lan:4700`, with or without a path. */
function hostOrigin(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--join needs the host's URL (http://host:port), got ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--join needs an http(s) URL, got ${url}`);
  return parsed.origin;
}

/**
 * Exchanges a pairing code for a device key and remembers it. Refused on a folder that already
 * has data of its own or a pairing: joining replaces the folder's data with the host's.
 */
export async function joinHost(dataDir: string, db: Db, secrets: SecretBox, url: string, code: string): Promise<ReplicaLink> {
  const host = hostOrigin(url);
  if (readReplicaLink(dataDir, secrets)) throw new UsageError(`${dataDir} is already paired with a host: start it with --data alone`);
  const users = await db.selectFrom('users').select('id').limit(1).execute();
  if (users.length > 0) {
    throw new UsageError(`${dataDir} already holds a desk of its own; joining a host needs an empty data folder`);
  }
  let res: Response;
  try {
    res = await fetch(`${host}/api/v1/sync/pair`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code, name: hostname().slice(0, 100) || 'LocalDesk replica' }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new UsageError(`cannot reach ${host}: ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => null)) as { data?: { key: string; device: { id: string } }; error?: { message: string } } | null;
  if (!res.ok || !body?.data) throw new UsageError(`the host refused to pair (${res.status}): ${body?.error?.message ?? 'no reason given'}`);
  const link: ReplicaLink = { host, deviceId: body.data.device.id, key: body.data.key };
  const file = join(dataDir, linkFile);
  ensurePrivateFile(file, true);
  const stored: StoredLink = { host, deviceId: link.deviceId, key: secrets.encrypt(link.key, purpose) };
  writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`);
  return link;
}
