// A macro picked from a ticket becomes a draft: its body rendered for this ticket (so the agent
// sees and can edit exactly what the customer will read), and its actions as a ticket change
// applied when the reply is sent.
import type { Macro } from '../api/types.ts';
import { type MacroContext, macroValues, renderTemplate } from '../../../common/rules/macros.ts';
import type { TicketChange } from './optimistic.ts';

export function macroChange(macro: Macro, meId: string): TicketChange {
  const a = macro.actions;
  const change: TicketChange = {};
  if (a.status) change.status = a.status;
  if (a.priority) change.priority = a.priority;
  if (a.addTags?.length) change.addTags = a.addTags;
  if (a.assignTo) change.assignedTo = a.assignTo === 'me' ? meId : a.assignTo;
  return change;
}

/** The macro's body as the server would render it for this ticket (the shared rule). */
export function macroText(macro: Macro, context: MacroContext): string {
  return renderTemplate(macro.body, macroValues(context));
}

/** "status → pending · + needs-info · assign to you". */
export function describeChange(change: TicketChange, names: { meId?: string; users?: ReadonlyMap<string, { name: string }> } = {}): string {
  const parts: string[] = [];
  if (change.status) parts.push(`status → ${change.status}`);
  if (change.priority) parts.push(`priority → ${change.priority}`);
  if (change.assignedTo) parts.push(change.assignedTo === names.meId ? 'assign to you' : `assign to ${names.users?.get(change.assignedTo)?.name ?? 'an agent'}`);
  for (const tag of change.addTags ?? []) parts.push(`+ ${tag}`);
  return parts.length ? parts.join(' · ') : 'nothing else';
}
