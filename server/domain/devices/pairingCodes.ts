// Pairing codes: made here, shown once, stored only as the SHA-256 of their normalised form.
// A plain hash suffices (as for API keys): a code is random, short-lived and single use, and
// guessing one online runs into the anonymous rate limit long before 31^8 tries.
import { hash, randomInt } from 'node:crypto';
import { formatPairingCode, pairingAlphabet, pairingCodeLength } from '../../../common/rules/pairing.ts';

/** A new code, formatted for people (`ABCD-EFGH`), and the hash to store. */
export function generatePairingCode(): { code: string; codeHash: string } {
  let raw = '';
  for (let i = 0; i < pairingCodeLength; i++) raw += pairingAlphabet[randomInt(pairingAlphabet.length)];
  return { code: formatPairingCode(raw), codeHash: hashPairingCode(raw) };
}

/** The stored form of a normalised code. */
export function hashPairingCode(normalised: string): string {
  return hash('sha256', normalised, 'hex');
}
