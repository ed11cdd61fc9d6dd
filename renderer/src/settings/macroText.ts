// Macro bodies: the placeholders the server fills in, inserting one at the cursor, a preview
// with sample values (rendered by the server's own rule), and the comma-separated tag list of
// the actions form. Pure.
import { type MacroPlaceholder, macroPlaceholders, renderTemplate } from '../../../common/rules/macros.ts';

const help: Record<MacroPlaceholder, string> = {
  'contact.name': 'The customer’s name (their email when they have none)',
  'ticket.number': 'The ticket’s number, e.g. 1042 (write #{{ticket.number}} for “#1042”)',
  'ticket.id': 'The ticket’s API id (tkt_01J…), for links into your own tools',
  'agent.name': 'The name of the agent applying the macro',
};

export const placeholders = macroPlaceholders.map((name) => ({ token: `{{${name}}}`, help: help[name] }));

/** Replaces the selection [start, end) with `insert`; returns the text and the new caret. */
export function insertAt(text: string, start: number, end: number, insert: string): { text: string; caret: number } {
  const from = Math.max(0, Math.min(start, text.length));
  const to = Math.max(from, Math.min(end, text.length));
  return { text: text.slice(0, from) + insert + text.slice(to), caret: from + insert.length };
}

/** Fills the known placeholders with sample values, exactly as the server fills real ones. */
export function renderPreview(
  body: string,
  values: { contact: string; ticket: string; ticketNumber?: number; agent: string },
): string {
  const sample = new Map<MacroPlaceholder, string>([
    ['contact.name', values.contact],
    ['ticket.number', String(values.ticketNumber ?? 1042)],
    ['ticket.id', values.ticket],
    ['agent.name', values.agent],
  ]);
  return renderTemplate(body, sample);
}

/** "billing, Refund ,, vip" → ["billing", "refund", "vip"]: trimmed, lower-cased, no repeats. */
export function parseTagList(text: string): string[] {
  const names = text
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(names)];
}
