// Reads back what a backup or export archive holds (tar), the way any tar tool would.
import { createReadStream, writeFileSync } from 'node:fs';
import { extract } from 'tar-stream';

/** Every entry of a tar file: name → bytes (test archives are small). */
export async function readTar(path: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const ex = extract();
  createReadStream(path).pipe(ex);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    out.set(entry.header.name, Buffer.concat(chunks));
  }
  return out;
}

/** Writes the database of a backup archive to `to` and returns `to`. */
export async function extractDatabase(archive: string, to: string): Promise<string> {
  const db = (await readTar(archive)).get('localdesk.db');
  if (!db) throw new Error(`${archive} holds no localdesk.db`);
  writeFileSync(to, db);
  return to;
}
