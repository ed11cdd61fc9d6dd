// Pairing codes (issue 17): what an admin reads out or types from one screen to another, so
// the alphabet leaves out the characters people confuse (0/O, 1/I/L). Pure: the server makes
// and checks codes, the renderer shows them.

/** 31 characters: A–Z without I, L, O, and 2–9. Eight of them carry ~39.6 bits. */
export const pairingAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const pairingCodeLength = 8;

/** The code as typed (any case, with or without the dash or spaces) → its 8 stored characters. */
export function normalisePairingCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

/** Whether a normalised code could have been made here (the alphabet and the length). */
export function isPairingCodeShape(normalised: string): boolean {
  if (normalised.length !== pairingCodeLength) return false;
  for (const ch of normalised) if (!pairingAlphabet.includes(ch)) return false;
  return true;
}

/** `ABCDEFGH` → `ABCD-EFGH`, as shown and read out. */
export function formatPairingCode(normalised: string): string {
  return `${normalised.slice(0, 4)}-${normalised.slice(4)}`;
}
