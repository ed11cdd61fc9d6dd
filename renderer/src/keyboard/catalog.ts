// Every keyboard shortcut of the app in one place: pages bind handlers to these ids, and the
// "?" dialog lists this catalog, so what is documented is what is bound.

export type ShortcutGroup = 'General' | 'Go to' | 'Inbox' | 'Ticket';

export interface ShortcutSpec {
  keys: string;
  description: string;
  group: ShortcutGroup;
  /** Fires even while typing in a field (Escape, Ctrl/Cmd+K, Ctrl/Cmd+Enter). */
  allowInInput?: boolean;
}

export const shortcuts = {
  'app.palette': { keys: 'mod+k', description: 'Command palette', group: 'General', allowInInput: true },
  'app.help': { keys: '?', description: 'Show keyboard shortcuts', group: 'General' },
  'go.inbox': { keys: 'g i', description: 'Go to the inbox', group: 'Go to' },
  'go.conversations': { keys: 'g c', description: 'Go to conversations', group: 'Go to' },
  'go.contacts': { keys: 'g o', description: 'Go to contacts', group: 'Go to' },
  'go.dashboard': { keys: 'g d', description: 'Go to the dashboard', group: 'Go to' },
  'go.settings': { keys: 'g s', description: 'Go to settings', group: 'Go to' },
  'inbox.next': { keys: 'j', description: 'Next ticket', group: 'Inbox' },
  'inbox.prev': { keys: 'k', description: 'Previous ticket', group: 'Inbox' },
  'inbox.open': { keys: 'enter', description: 'Open the ticket', group: 'Inbox' },
  'inbox.toggle': { keys: 'x', description: 'Select for bulk actions', group: 'Inbox' },
  'inbox.resolve': { keys: 'e', description: 'Resolve selected (or current) tickets', group: 'Inbox' },
  'inbox.assign': { keys: 'a', description: 'Assign selected (or current) to me', group: 'Inbox' },
  'inbox.search': { keys: '/', description: 'Search tickets', group: 'Inbox' },
  'inbox.clear': { keys: 'escape', description: 'Clear the selection', group: 'Inbox' },
  'ticket.resolve': { keys: 'e', description: 'Resolve the ticket', group: 'Ticket' },
  'ticket.assign': { keys: 'a', description: 'Assign the ticket to me', group: 'Ticket' },
  'ticket.reply': { keys: 'r', description: 'Write a reply', group: 'Ticket' },
  'ticket.note': { keys: 'n', description: 'Write an internal note', group: 'Ticket' },
  'ticket.send': { keys: 'mod+enter', description: 'Send the reply or note', group: 'Ticket', allowInInput: true },
  'ticket.macro': { keys: 'm', description: 'Use a macro (fills the reply to edit)', group: 'Ticket' },
  'ticket.back': { keys: 'escape', description: 'Leave the text box; again: back to the inbox', group: 'Ticket', allowInInput: true },
} satisfies Record<string, ShortcutSpec>;

export type ShortcutId = keyof typeof shortcuts;

export const shortcutGroups: ShortcutGroup[] = ['General', 'Go to', 'Inbox', 'Ticket'];

export function specOf(id: ShortcutId): ShortcutSpec {
  return shortcuts[id];
}
