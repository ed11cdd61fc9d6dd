// Sending replies and notes. A reply is held for the undo window (app/prefs.ts) with an Undo
// toast; a note goes at once. Each ticket's messages leave in the order they were written, so
// a note typed right after a held reply waits behind it. Until it is sent, a message shows in
// the thread as "Sending…". A draft filled from a macro goes through apply-macro with the
// edited text, so the reply and the macro's actions land together or not at all. The outbox
// outlives the ticket page: leaving it does not cancel.
import type { QueryClient } from '@tanstack/react-query';
import { ApiError, type ApiClient } from '../api/client.ts';
import { addMessage, applyMacro } from '../api/queries/tickets.ts';
import { queryKeys } from '../api/queryKeys.ts';
import type { Attachment, Message, TicketDetail } from '../api/types.ts';
import { serverNow } from '../components/clock.ts';
import { dismissToast, toast } from '../components/toast.tsx';
import { undoSendSeconds } from '../app/prefs.ts';
import { type Draft, getDraft, setDraft } from './drafts.ts';
import { refreshTicket } from './useTicketChanges.ts';

/** Messages still on their way to the server carry an id with this prefix. */
export const pendingPrefix = 'pending_';

interface Outgoing {
  id: string;
  ticketId: string;
  body: string;
  internal: boolean;
  macro: Draft['macro'];
  attachments: Attachment[];
  sendAt: number;
  toastId: number | null;
}

let counter = 0;

export class Outbox {
  private queues = new Map<string, Outgoing[]>();
  private busy = new Set<string>();

  constructor(
    private readonly qc: QueryClient,
    private readonly api: ApiClient,
    private readonly me: { id: string },
  ) {}

  get pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  send(ticketId: string, body: string, internal: boolean, macro: Draft['macro'], attachments: Attachment[] = []): void {
    const holdMs = internal ? 0 : undoSendSeconds() * 1000;
    const item: Outgoing = {
      id: `${pendingPrefix}${++counter}`,
      ticketId,
      body,
      internal,
      macro,
      attachments,
      sendAt: Date.now() + holdMs,
      toastId: null,
    };
    this.showPending(item);
    if (holdMs > 0) {
      item.toastId = toast(`Sending your reply in ${Math.round(holdMs / 1000)} s`, 'info', {
        ms: holdMs,
        action: { label: 'Undo', run: () => this.undo(item.id) },
      });
    }
    const queue = this.queues.get(ticketId) ?? [];
    queue.push(item);
    this.queues.set(ticketId, queue);
    this.schedule(ticketId);
  }

  /** Takes a held reply back: it leaves the thread and its text returns to the composer. */
  undo(id: string): void {
    for (const [ticketId, queue] of this.queues) {
      const item = queue.find((o) => o.id === id);
      if (!item || (queue[0] === item && this.busy.has(ticketId))) continue;
      this.queues.set(ticketId, queue.filter((o) => o !== item));
      this.removePending(item);
      this.restore(item);
      return;
    }
  }

  private schedule(ticketId: string): void {
    const head = this.queues.get(ticketId)?.[0];
    if (!head || this.busy.has(ticketId)) return;
    setTimeout(() => void this.flush(ticketId, head), Math.max(0, head.sendAt - Date.now()));
  }

  private async flush(ticketId: string, item: Outgoing): Promise<void> {
    const queue = this.queues.get(ticketId) ?? [];
    if (queue[0] !== item || this.busy.has(ticketId)) return this.schedule(ticketId);
    this.busy.add(ticketId);
    if (item.toastId !== null) dismissToast(item.toastId);
    try {
      const attachments = item.attachments.map((a) => a.id);
      if (item.macro) await applyMacro(this.api, ticketId, item.macro.id, item.body, attachments);
      else await addMessage(this.api, ticketId, { body: item.body, internal: item.internal, attachments });
      await refreshTicket(this.qc, this.api, ticketId);
      void this.qc.invalidateQueries({ queryKey: queryKeys.tickets.lists });
      toast(item.macro ? `Reply sent and “${item.macro.name}” applied` : item.internal ? 'Note added' : 'Reply sent', 'success');
    } catch (err) {
      this.removePending(item);
      this.restore(item);
      toast(`Could not ${item.internal ? 'add the note' : 'send the reply'}: ${err instanceof ApiError ? err.message : 'something went wrong.'}`, 'error');
    } finally {
      this.busy.delete(ticketId);
      const rest = (this.queues.get(ticketId) ?? []).filter((o) => o !== item);
      if (rest.length) this.queues.set(ticketId, rest);
      else this.queues.delete(ticketId);
      this.schedule(ticketId);
    }
  }

  private showPending(item: Outgoing): void {
    const message: Message = {
      id: item.id,
      ticketId: item.ticketId,
      body: item.body,
      sender: 'agent',
      authorId: this.me.id,
      internal: item.internal,
      attachments: item.attachments,
      bodyHtml: null,
      bodyFull: null,
      email: null,
      delivery: null,
      createdAt: new Date(serverNow()).toISOString(),
    };
    const key = queryKeys.tickets.detail(item.ticketId);
    void this.qc.cancelQueries({ queryKey: key, exact: true });
    this.qc.setQueryData<TicketDetail>(key, (t) => t && { ...t, messages: [...t.messages, message] });
  }

  private removePending(item: Outgoing): void {
    this.qc.setQueryData<TicketDetail>(queryKeys.tickets.detail(item.ticketId), (t) => t && { ...t, messages: t.messages.filter((m) => m.id !== item.id) });
  }

  /** Puts the text back into the composer, unless the agent has started another one there. */
  private restore(item: Outgoing): void {
    const mode = item.internal ? 'note' : 'reply';
    const current = getDraft(item.ticketId, mode);
    if (!current.text.trim()) {
      setDraft(item.ticketId, mode, { text: item.body, macro: item.macro, attachments: item.attachments });
    }
  }
}
