// Ids for imported rows are derived from where the record came from instead of drawn at random:
// the ULID's time is the record's own creation time (imported tickets sort among themselves as
// they were created) and its 80 "random" bits are 16 bits of position (messages of one thread
// created in the same millisecond keep the product's order) and 64 bits of a hash of
// (source, kind, the product's id). So an import resumed after a crash, a dry run and an
// uninterrupted run all give a record the same id, and a ticket deleted here and imported again
// comes back under the id it had. The id is computed once, when the row is created; after that
// external_refs is what finds it.
import { createHash } from 'node:crypto';
import { encodeTime } from 'ulid';
import { type IdKind, idPrefixes } from '../../../common/rules/ids.ts';

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const maxTime = 2 ** 48 - 1;

export function importedId(kind: IdKind, source: string, externalId: string, time: string | null, position = 0): string {
  const parsed = time === null ? 0 : Date.parse(time);
  const ms = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), maxTime) : 0;
  const hash = createHash('sha256').update(`${source}\u0000${kind}\u0000${externalId}`).digest();
  let bits = (BigInt(position & 0xffff) << 64n) | hash.readBigUInt64BE(0);
  let random = '';
  for (let i = 0; i < 16; i++) {
    random = crockford[Number(bits & 31n)] + random;
    bits >>= 5n;
  }
  return `${idPrefixes[kind]}_${encodeTime(ms, 10)}${random}`;
}

/** The address LocalDesk makes up for a person the product knows without one. */
export function placeholderEmail(source: string, externalId: string): string {
  const safe = externalId.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'unknown';
  return `${source}-${safe}@import.invalid`;
}
