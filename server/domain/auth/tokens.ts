// Session and invitation tokens: 256 random bits, base64url (43 characters). Only their SHA-256
// is stored: a token is not a password, there is nothing for a dictionary to guess, so a fast
// hash suffices (as for API keys) and a lookup stays one indexed read.
import { hash, randomBytes } from 'node:crypto';

export const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}
