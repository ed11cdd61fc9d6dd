// Unsent composer text, per ticket and mode, for the rest of the session: it survives leaving
// the ticket, a macro fills it, and an undone send puts the text back.
import { useSyncExternalStore } from 'react';
import type { Attachment } from '../api/types.ts';
import type { TicketChange } from './optimistic.ts';

export type ComposerMode = 'reply' | 'note';

export interface Draft {
  text: string;
  /** A macro picked into this draft: its ticket changes apply when the reply is sent. */
  macro: { id: string; name: string; changes: TicketChange } | null;
  /** Files of an undone send, handed back to the composer. */
  attachments?: Attachment[];
}

const empty: Draft = { text: '', macro: null };
const drafts = new Map<string, Draft>();
const listeners = new Set<() => void>();

const keyOf = (ticketId: string, mode: ComposerMode) => `${ticketId}:${mode}`;

export function getDraft(ticketId: string, mode: ComposerMode): Draft {
  return drafts.get(keyOf(ticketId, mode)) ?? empty;
}

export function setDraft(ticketId: string, mode: ComposerMode, draft: Draft): void {
  if (!draft.text && !draft.macro && !draft.attachments?.length) drafts.delete(keyOf(ticketId, mode));
  else drafts.set(keyOf(ticketId, mode), draft);
  listeners.forEach((l) => l());
}

export function useDraft(ticketId: string, mode: ComposerMode): Draft {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => getDraft(ticketId, mode),
  );
}
