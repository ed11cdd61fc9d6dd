// Macro bodies: the placeholders the server fills in, inserting one at the cursor, a preview
// with sample values, and the comma-separated tag list of the actions form. Pure.

export const placeholders = [
  { token: '{{contact.name}}', help: 'The customer’s name (their email when they have none)' },
  { token: '{{ticket.id}}', help: 'The ticket’s id, e.g. tkt_01J…' },
  { token: '{{agent.name}}', help: 'The name of the agent applying the macro' },
] as const;

/** Replaces the selection [start, end) with `insert`; returns the text and the new caret. */
export function insertAt(text: string, start: number, end: number, insert: string): { text: string; caret: number } {
  const from = Math.max(0, Math.min(start, text.length));
  const to = Math.max(from, Math.min(end, text.length));
  return { text: text.slice(0, from) + insert + text.slice(to), caret: from + insert.length };
}

/** Fills the known placeholders (spaces inside the braces allowed, as on the server). */
export function renderPreview(body: string, values: { contact: string; ticket: string; agent: string }): string {
  return body.replace(/\{\{\s*(contact\.name|ticket\.id|agent\.name)\s*\}\}/g, (_match, name: string) =>
    name === 'contact.name' ? values.contact : name === 'ticket.id' ? values.ticket : values.agent,
  );
}

/** "billing, Refund ,, vip" → ["billing", "refund", "vip"]: trimmed, lower-cased, no repeats. */
export function parseTagList(text: string): string[] {
  const names = text
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(names)];
}
