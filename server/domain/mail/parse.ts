// One raw RFC 5322 message into what the desk needs from it. Parsing is mailparser's
// (charsets through iconv-lite: windows-1252, ISO-2022-JP, Shift_JIS... decode correctly, which
// Node's own TextDecoder does not for windows-1252); the HTML is sanitised here, before anything
// stores or shows it; quotes and signatures are folded out of the text.
import { createHash } from 'node:crypto';
import { type AddressObject, type HeaderLines, type ParsedMail, simpleParser } from 'mailparser';
import type { MailAddressT } from '../../../common/contract/mail.ts';
import { type Automatic, type BounceReport, classifyAutomatic, readBounce } from './automatic.ts';
import { htmlToText } from '../imports/sources/html.ts';
import { foldReply } from './fold.ts';
import { sanitizeMailHtml } from './sanitize.ts';

/** What is kept of a message body at most (the raw message keeps the rest). */
export const maxBodyChars = 100_000;
const maxFullChars = 1_000_000;
const maxHtmlChars = 2_000_000;
const maxSubjectChars = 300;

export interface InboundFile {
  filename: string;
  contentType: string;
  content: Buffer;
  /** Content-ID without brackets, for parts the HTML shows inline (`cid:`). */
  cid: string | null;
  /** Shown inside the HTML rather than listed as a download. */
  inline: boolean;
}

export interface ParsedInbound {
  /** The Message-ID header, or a synthetic one derived from the content when there is none. */
  messageId: string;
  syntheticId: boolean;
  /** In-Reply-To first, then References newest first: the order threading tries them in. */
  replyIds: string[];
  from: MailAddressT | null;
  /** Who the ticket is for: Reply-To when set (contact forms send "from" a no-reply address), else From. */
  requester: MailAddressT | null;
  to: MailAddressT[];
  cc: MailAddressT[];
  /** Every address the message was delivered to: To, Cc, Delivered-To, X-Original-To (lower-case). */
  recipients: string[];
  subject: string;
  /** What the sender wrote this time (quotes and signature folded away), at most maxBodyChars. */
  body: string;
  /** The whole text, when something was folded out of `body`. */
  bodyFull: string | null;
  /**
   * The HTML part sanitised, or null when there is none. Inline (cid:) images show as their alt
   * text here; once the parts are stored, `htmlWithParts` points them at the stored files.
   */
  html: string | null;
  /** The HTML as received: for our marker, and to sanitise again with the stored parts. */
  rawHtml: string;
  automatic: Automatic | null;
  bounce: BounceReport | null;
  files: InboundFile[];
  size: number;
}

const idPattern = /<[^<>\s]+>/g;

function headerIds(lines: HeaderLines, key: string): string[] {
  return lines.filter((l) => l.key === key).flatMap((l) => l.line.slice(l.line.indexOf(':') + 1).match(idPattern) ?? []);
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddressT[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list
    .flatMap((a) => a.value.flatMap((v) => (v.group ? v.group : [v])))
    .flatMap((v) => (v.address ? [{ name: v.name?.trim() || null, address: v.address.toLowerCase() }] : []));
}

const loneAddress = /[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g;

function recipientsOf(mail: ParsedMail): string[] {
  const fromHeaders = [...addresses(mail.to), ...addresses(mail.cc)].map((a) => a.address);
  const delivered = mail.headerLines
    .filter((l) => l.key === 'delivered-to' || l.key === 'x-original-to' || l.key === 'envelope-to')
    .flatMap((l) => l.line.slice(l.line.indexOf(':') + 1).match(loneAddress) ?? [])
    .map((a) => a.toLowerCase());
  return [...new Set([...fromHeaders, ...delivered])];
}

function clip(text: string, max: number, note: string): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n\n[${note}]`;
}

/** A stable stand-in for a missing Message-ID: the same message fetched again gets the same one. */
function syntheticMessageId(mail: ParsedMail, raw: Buffer): string {
  const hash = createHash('sha256');
  for (const part of [mail.date?.toISOString() ?? '', addresses(mail.from)[0]?.address ?? '', mail.subject ?? '', mail.text ?? '']) {
    hash.update(part).update('\0');
  }
  // No date, sender or text to go on: the bytes themselves.
  if (!mail.date && !mail.from && !mail.text) hash.update(raw);
  return `<synthetic.${hash.digest('hex').slice(0, 40)}@localdesk.invalid>`;
}

export interface ParseOptions {
  /** The mailbox's own address: mail from it is our own coming back (a loop). */
  ownAddress: string;
}

export async function parseInbound(raw: Buffer, options: ParseOptions): Promise<ParsedInbound> {
  // keepCidLinks: leave cid: in the HTML for us to point at stored parts (mailparser would
  // inline them as data: URLs); keepDeliveryStatus: a bounce's report stays a readable part.
  // skipHtmlToText: an HTML-only mail's text is taken from the sanitised HTML below, so it never
  // shows what sanitising removed (script text, javascript: link targets, tracking image URLs).
  const mail = await simpleParser(raw, { keepCidLinks: true, keepDeliveryStatus: true, skipHtmlToText: true, skipTextLinks: true });
  const from = addresses(mail.from)[0] ?? null;
  const replyTo = addresses(mail.replyTo)[0] ?? null;
  const automatic = classifyAutomatic(mail, [options.ownAddress]);
  const rawHtml = typeof mail.html === 'string' ? mail.html : '';
  const html = rawHtml ? sanitizeMailHtml(rawHtml) : null;
  const text = (mail.text?.trim() ? mail.text : html ? htmlToText(html) : '').replace(/\r\n/g, '\n');
  const { visible, folded } = foldReply(text);
  const inReplyTo = headerIds(mail.headerLines, 'in-reply-to');
  const references = headerIds(mail.headerLines, 'references').reverse();
  const messageId = mail.messageId?.match(idPattern)?.[0] ?? null;
  return {
    messageId: messageId ?? syntheticMessageId(mail, raw),
    syntheticId: messageId === null,
    replyIds: [...new Set([...inReplyTo, ...references])],
    from,
    requester: replyTo ?? from,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    recipients: recipientsOf(mail),
    subject: (mail.subject ?? '').replace(/\s+/g, ' ').trim().slice(0, maxSubjectChars),
    body: clip(visible, maxBodyChars, 'truncated; the whole message is in the original'),
    bodyFull: folded ? clip(text.trim(), maxFullChars, 'truncated; the whole message is in the original') : null,
    html: fitHtml(html),
    rawHtml,
    automatic,
    bounce: automatic?.kind === 'bounce' ? readBounce(mail) : null,
    files: mail.attachments
      .filter((a) => a.contentType.toLowerCase() !== 'message/delivery-status')
      .map((a, i) => {
        const cid = a.cid ?? a.contentId?.replace(/^<|>$/g, '') ?? null;
        return {
          filename: a.filename || `part-${i + 1}${extensionOf(a.contentType)}`,
          contentType: a.contentType,
          content: a.content,
          cid,
          inline: cid !== null && rawHtml.includes(`cid:${cid}`),
        };
      }),
    size: raw.length,
  };
}

function fitHtml(html: string | null): string | null {
  return html !== null && html.length <= maxHtmlChars ? html : null;
}

/** The sanitised HTML with inline images pointed at their stored files (`urlOfCid`). */
export function htmlWithParts(parsed: ParsedInbound, urlOfCid: (cid: string) => string | null): string | null {
  return parsed.rawHtml ? fitHtml(sanitizeMailHtml(parsed.rawHtml, { resolveCid: urlOfCid })) : null;
}

function extensionOf(contentType: string): string {
  const known: Record<string, string> = {
    'message/rfc822': '.eml',
    'text/calendar': '.ics',
    'text/plain': '.txt',
    'text/html': '.html',
    'image/png': '.png',
    'image/jpeg': '.jpg',
    'application/pdf': '.pdf',
    'text/rfc822-headers': '.txt',
  };
  return known[contentType.toLowerCase()] ?? '.bin';
}
