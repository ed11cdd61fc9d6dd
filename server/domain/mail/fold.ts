// Quoted history and signatures folded out of a reply's text, so the thread shows what the
// person wrote this time; the whole text stays one click away (Message.bodyFull). The parser is
// email-reply-parser (crisp-oss): "On … wrote:" headers in many languages, `>` quotes, `-- `
// signatures, "Sent from my …" lines and Outlook's "From: … Sent: …" block.
import EmailReplyParser from 'email-reply-parser';

/** Text beyond this is not folded (the parser's regular expressions are not linear-time). */
const maxFoldChars = 200_000;

export interface Folded {
  /** What the sender wrote this time. */
  visible: string;
  /** True when something (a quote, a signature) was folded away. */
  folded: boolean;
}

export function foldReply(text: string): Folded {
  const full = text.replace(/\r\n/g, '\n').trim();
  if (full.length === 0 || full.length > maxFoldChars) return { visible: full, folded: false };
  const visible = new EmailReplyParser().read(full).getVisibleText().trim();
  // Everything quoted (a bare forward, a reply above nothing): show the whole text instead.
  if (visible.length === 0 || visible === full) return { visible: full, folded: false };
  return { visible, folded: true };
}
