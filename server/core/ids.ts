import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import { type IdKind, idPrefixes } from '../../common/rules/ids.ts';
import type { Clock } from './clock.ts';

// ulid's default source asks the system for randomness once per character (16 calls per
// id, ~3% of a ticket create in a profile); this draws from a pooled crypto buffer instead.
const pool = new Uint32Array(1024);
let drawn = pool.length;
function cryptoRandom(): number {
  if (drawn === pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  return (pool[drawn++] as number) / 2 ** 32;
}

const nextUlid = monotonicFactory(cryptoRandom);

/**
 * A prefixed, URL-safe id that sorts by creation time: the prefix, an underscore and a ULID
 * (48-bit millisecond time + 80 bits, Crockford base32). Monotonic within a process, so ids made
 * in the same millisecond still sort in creation order.
 */
export function newId(kind: IdKind, clock: Clock): string {
  return `${idPrefixes[kind]}_${nextUlid(clock.now().getTime())}`;
}
