// Mail no person wrote: auto-replies, list and bulk mail, loops and bounces. Such mail never
// opens a ticket and is never answered (RFC 3834), which is what stops two auto-responders from
// mailing each other forever. Judged on headers, never on subject words alone.
import type { AddressObject, HeaderValue, ParsedMail, StructuredHeader } from 'mailparser';

export type AutomaticKind = 'bounce' | 'auto-reply' | 'list' | 'loop';

export interface Automatic {
  kind: AutomaticKind;
  /** The header that gave it away, e.g. `Auto-Submitted: auto-replied`. */
  reason: string;
}

function headerText(value: HeaderValue | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) return headerText(value[0] as HeaderValue);
  if (value instanceof Date) return value.toISOString();
  if ('text' in value && typeof value.text === 'string') return value.text.trim();
  if ('value' in value && typeof value.value === 'string') return value.value.trim();
  return null;
}

function addressesOf(value: HeaderValue | undefined): string[] {
  const list = (Array.isArray(value) ? value : value ? [value] : []) as AddressObject[];
  return list.flatMap((a) => (a && typeof a === 'object' && 'value' in a && Array.isArray(a.value) ? a.value : [])).flatMap((v) =>
    v.address ? [v.address.toLowerCase()] : [],
  );
}

/** True for a multipart/report; report-type=delivery-status (RFC 3464). */
export function isDeliveryReport(mail: ParsedMail): boolean {
  const type = mail.headers.get('content-type') as StructuredHeader | undefined;
  return (
    type?.value?.toLowerCase() === 'multipart/report' &&
    (type.params?.['report-type'] ?? '').toLowerCase() === 'delivery-status'
  );
}

/**
 * Why this mail is automatic, or null when a person wrote it. `ownAddresses`: the mailbox's own
 * address(es); mail from there is our own coming back.
 */
export function classifyAutomatic(mail: ParsedMail, ownAddresses: readonly string[]): Automatic | null {
  const h = mail.headers;
  const from = addressesOf(h.get('from'));
  const fromLocal = from[0]?.split('@')[0] ?? '';
  if (isDeliveryReport(mail)) return { kind: 'bounce', reason: 'Content-Type: multipart/report; report-type=delivery-status' };
  if (h.has('x-failed-recipients')) return { kind: 'bounce', reason: 'X-Failed-Recipients' };
  if (/^(mailer-daemon|postmaster)$/.test(fromLocal)) return { kind: 'bounce', reason: `From: ${from[0]}` };

  const own = new Set(ownAddresses.map((a) => a.toLowerCase()));
  if (from.some((a) => own.has(a))) return { kind: 'loop', reason: `From: ${from[0]} (this mailbox)` };
  const xLoop = headerText(h.get('x-loop'));
  if (xLoop !== null) return { kind: 'loop', reason: `X-Loop: ${xLoop}` };

  const autoSubmitted = headerText(h.get('auto-submitted'));
  if (autoSubmitted !== null && autoSubmitted.toLowerCase() !== 'no') {
    return { kind: 'auto-reply', reason: `Auto-Submitted: ${autoSubmitted}` };
  }
  const suppress = headerText(h.get('x-auto-response-suppress'));
  if (suppress !== null && suppress !== '') return { kind: 'auto-reply', reason: `X-Auto-Response-Suppress: ${suppress}` };
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder']) {
    const value = headerText(h.get(name));
    if (value !== null) return { kind: 'auto-reply', reason: `${name}: ${value}` };
  }
  const precedence = (headerText(h.get('precedence')) ?? '').toLowerCase();
  if (precedence === 'list') return { kind: 'list', reason: 'Precedence: list' };
  if (['bulk', 'junk', 'auto_reply'].includes(precedence)) return { kind: 'auto-reply', reason: `Precedence: ${precedence}` };
  // The null reverse-path: RFC 3834 auto-replies and bounces are sent with it, people never are.
  const returnPath = h.get('return-path');
  if (returnPath !== undefined && addressesOf(returnPath).length === 0 && /^<?\s*>?$/.test(headerText(returnPath) ?? '')) {
    return { kind: 'auto-reply', reason: 'Return-Path: <>' };
  }
  return null;
}

export interface BounceReport {
  /** Message-IDs found in the returned headers or message (ours among them, if it is ours). */
  originalMessageIds: string[];
  /** `failed`, `delayed`, `delivered`, `relayed`, `expanded`, or null when not stated. */
  action: string | null;
  /** The enhanced status code, e.g. 5.1.1. */
  status: string | null;
  recipient: string | null;
  diagnostic: string | null;
}

const messageIdLine = /^(?:Message-ID|Message-Id|Message-id):\s*(<[^<>\s]+>)/gim;

/** What a bounce says: the message it returns and how delivery failed (RFC 3464 fields). */
export function readBounce(mail: ParsedMail): BounceReport {
  const parts: string[] = [];
  for (const a of mail.attachments) {
    const type = a.contentType.toLowerCase();
    if (type === 'message/delivery-status' || type === 'text/rfc822-headers' || type === 'message/rfc822' || type === 'message/global-headers') {
      // Only the head of a returned message matters; the body may be large.
      parts.push(a.content.subarray(0, 64 * 1024).toString('utf8'));
    }
  }
  parts.push(mail.text ?? '');
  const all = parts.join('\n').replace(/\r\n/g, '\n');
  const ids = [...all.matchAll(messageIdLine)].map((m) => m[1] as string);
  const field = (name: string) => new RegExp(`^${name}:\\s*(.+(?:\\n[ \\t].+)*)`, 'im').exec(all)?.[1]?.replace(/\s+/g, ' ').trim() ?? null;
  const recipient = field('Final-Recipient') ?? field('Original-Recipient');
  return {
    originalMessageIds: [...new Set(ids)],
    action: field('Action')?.toLowerCase() ?? null,
    status: field('Status')?.match(/[245]\.\d{1,3}\.\d{1,3}/)?.[0] ?? null,
    recipient: recipient?.replace(/^rfc822;\s*/i, '') ?? null,
    diagnostic: field('Diagnostic-Code')?.replace(/^smtp;\s*/i, '') ?? null,
  };
}
