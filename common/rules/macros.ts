// Macro bodies are reply templates: `{{contact.name}}`, `{{ticket.number}}`, `{{ticket.id}}`,
// `{{agent.name}}`. Pure: the server renders them when a macro runs, the renderer for its preview.

/** The placeholders a macro body can use, each named after the field it shows. */
export const macroPlaceholders = ['contact.name', 'ticket.number', 'ticket.id', 'agent.name'] as const;
export type MacroPlaceholder = (typeof macroPlaceholders)[number];

/** A placeholder: a dotted name between double braces, spaces allowed inside the braces. */
const placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/g;

/**
 * Replaces every known placeholder with its value in one pass, so a value that itself looks
 * like a placeholder (a contact named "{{agent.name}}") is inserted literally, never expanded.
 * Unknown placeholders and anything else brace-like are left exactly as written, so a typo in
 * a macro shows up in the reply instead of failing it.
 */
export function renderTemplate(template: string, values: ReadonlyMap<string, string>): string {
  return template.replace(placeholder, (match: string, name: string) => values.get(name) ?? match);
}

export interface MacroContext {
  contact: { name: string | null; email: string };
  ticket: { id: string; number: number };
  agent: { name: string };
}

/** The values a macro body can use; a contact without a name is addressed by email. */
export function macroValues(context: MacroContext): Map<MacroPlaceholder, string> {
  const contactName = context.contact.name?.trim() || context.contact.email;
  return new Map<MacroPlaceholder, string>([
    ['contact.name', contactName],
    ['ticket.number', String(context.ticket.number)],
    ['ticket.id', context.ticket.id],
    ['agent.name', context.agent.name],
  ]);
}
