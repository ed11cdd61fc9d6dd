// Event type names and the patterns that select them (webhook subscriptions, stream filters).

/** What integrations may publish with POST /events, and what a workflow may be triggered by. */
export const customEventType = /^custom\.[a-z0-9_][a-z0-9_.-]{0,99}$/;
export const customEventTypeRule = 'must be custom.<name> (lower-case letters, digits, _ . -)';

/** Whether a list of types, `prefix.*` families or `*` covers this event type. */
export function typeMatches(patterns: readonly string[], type: string): boolean {
  return patterns.some(
    (p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))),
  );
}

/**
 * Whether an event records a row an import job wrote: the system acting for an `imp_` job.
 * Such events are history being moved in, not news: webhooks, workflows and mail skip them.
 */
export function isImportActor(actor: { type: string; id: string | null }): boolean {
  return actor.type === 'system' && actor.id !== null && actor.id.startsWith('imp_');
}
