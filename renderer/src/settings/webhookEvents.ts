// The event choices of the webhook form and how they become the API's `events` list.

export const eventFamilies = [
  { pattern: 'ticket.*', label: 'Tickets', help: 'created, updated, deleted' },
  { pattern: 'message.*', label: 'Messages', help: 'every reply and note' },
  { pattern: 'conversation.*', label: 'Conversations', help: 'created, updated' },
  { pattern: 'contact.*', label: 'Contacts', help: 'created, updated' },
  { pattern: 'custom.*', label: 'Custom events', help: 'POST /events from integrations' },
] as const;

/** The events list from the checkboxes and the free-text field ("*" alone when all is chosen). */
export function eventsFrom(all: boolean, families: readonly string[], extra: string): string[] {
  if (all) return ['*'];
  const typed = extra
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter(Boolean);
  return [...new Set([...families, ...typed])];
}
