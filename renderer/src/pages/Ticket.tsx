import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError } from '../api/client.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { useTicketActivity } from '../api/queries/activity.ts';
import { useContact } from '../api/queries/contacts.ts';
import { useMacros } from '../api/queries/macros.ts';
import { useProjects } from '../api/queries/projects.ts';
import { mergeTickets, useTicket } from '../api/queries/tickets.ts';
import { useUserMap } from '../api/queries/users.ts';
import { useWorkflows } from '../api/queries/workflows.ts';
import type { Macro } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { usePermissions } from '../app/permissions.ts';
import { useNow } from '../components/clock.ts';
import { formatFull, formatStamp } from '../components/format.ts';
import { Icon } from '../components/Icon.tsx';
import { toast } from '../components/toast.tsx';
import { useCommands } from '../keyboard/commands.tsx';
import { useShortcuts } from '../keyboard/KeyboardProvider.tsx';
import { Keys } from '../keyboard/Keys.tsx';
import { isTypingTarget } from '../keyboard/registry.ts';
import type { Names } from '../ticket/ActivityLine.tsx';
import { Composer, type ComposerHandle } from '../ticket/Composer.tsx';
import { TicketPresenceBar } from '../presence/Presence.tsx';
import { ContactCard } from '../ticket/ContactCard.tsx';
import { getDraft, setDraft } from '../ticket/drafts.ts';
import { macroChange, macroText } from '../ticket/macroDraft.ts';
import { MacroPicker } from '../ticket/MacroPicker.tsx';
import { MergeDialog } from '../ticket/MergeDialog.tsx';
import type { TicketChange } from '../ticket/optimistic.ts';
import { Properties } from '../ticket/Properties.tsx';
import { SlaPanel } from '../ticket/SlaPanel.tsx';
import { Thread } from '../ticket/Thread.tsx';
import { TicketSkeleton } from '../ticket/TicketSkeleton.tsx';
import { refreshTicket, useTicketChanges } from '../ticket/useTicketChanges.ts';
import '../ticket/primitives.css';
import '../ticket/ticket.css';
import '../ticket/ticket-side.css';

/** Names for the activity lines: agents, projects and (for admins) workflows. */
function useNames(): Names {
  const { can } = usePermissions();
  const users = useUserMap();
  const projects = useProjects().data;
  const workflows = useWorkflows(can('admin')).data;
  return useMemo(
    () => ({
      users,
      projects: new Map((projects ?? []).map((p) => [p.id, p])),
      workflows: new Map((workflows ?? []).map((w) => [w.id, w.name])),
    }),
    [users, projects, workflows],
  );
}

export function TicketPage({ id }: { id: string }) {
  const { api, me } = useSession();
  const qc = useQueryClient();
  const { can, why } = usePermissions();
  const writable = can('tickets:write');
  const [, navigate] = useLocation();
  const now = useNow();
  const names = useNames();
  const macros = useMacros().data ?? [];
  const query = useTicket(id);
  const ticket = query.data;
  const activity = useTicketActivity(id, can('events:read')).data ?? [];
  const contact = useContact(ticket?.contactId).data;
  const { changeTicket } = useTicketChanges();
  const composer = useRef<ComposerHandle>(null);
  const thread = useRef<HTMLOListElement>(null);
  const [dialog, setDialog] = useState<'macro' | 'merge' | null>(null);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const seenMessages = useRef<Set<string> | null>(null);

  const change = useCallback(
    (c: TicketChange, what: string, done?: string) => void changeTicket(id, c, what, { ifMatch: true, done }),
    [changeTicket, id],
  );
  const guarded = (run: () => void) => () => (writable ? run() : toast(why('tickets:write'), 'error'));
  const resolve = guarded(() => change({ status: 'resolved' }, 'resolve the ticket', 'Ticket resolved'));
  const assignToMe = guarded(() => change({ assignedTo: me.id }, 'assign the ticket', 'Assigned to you'));
  const openMacros = guarded(() => setDialog('macro'));
  const focusThread = useCallback(() => thread.current?.focus({ preventScroll: true }), []);

  const contactName = contact?.name ?? ticket?.contactEmail ?? '';
  /** A macro becomes the reply draft, rendered for this ticket, to edit before sending. */
  function draftMacro(macro: Macro) {
    const current = getDraft(id, 'reply').text.trim();
    const text = macroText(macro, { contact: { name: contact?.name ?? null, email: ticket?.contactEmail ?? '' }, ticket: { id, number: ticket?.number ?? 0 }, agent: { name: me.name } });
    setDraft(id, 'reply', { text: current ? `${current}\n\n${text}` : text, macro: { id: macro.id, name: macro.name, changes: macroChange(macro, me.id) } });
    requestAnimationFrame(() => composer.current?.focus('reply'));
  }

  async function merge(sourceIds: string[]): Promise<boolean> {
    try {
      await mergeTickets(api, id, sourceIds);
      await refreshTicket(qc, api, id);
      void qc.invalidateQueries({ queryKey: queryKeys.tickets.lists });
      toast(`Merged ${sourceIds.length} ticket${sourceIds.length === 1 ? '' : 's'} into this one`, 'success');
      return true;
    } catch (err) {
      toast(`Could not merge: ${err instanceof ApiError ? err.message : 'something went wrong.'}`, 'error');
      return false;
    }
  }

  useShortcuts(
    {
      'ticket.resolve': resolve,
      'ticket.assign': assignToMe,
      'ticket.reply': () => composer.current?.focus('reply'),
      'ticket.note': () => composer.current?.focus('note'),
      'ticket.macro': openMacros,
      'ticket.back': (event) => {
        if (isTypingTarget(event.target)) (event.target as HTMLElement).blur();
        else navigate('/inbox');
      },
    },
    ticket !== undefined,
  );

  useCommands(
    ticket && writable
      ? [
          { id: 'ticket.resolve', title: 'Resolve this ticket', group: 'Ticket', keys: 'e', run: resolve },
          { id: 'ticket.assign', title: 'Assign this ticket to me', group: 'Ticket', keys: 'a', run: assignToMe },
          { id: 'ticket.reply', title: 'Reply to the customer', group: 'Ticket', keys: 'r', run: () => composer.current?.focus('reply') },
          { id: 'ticket.note', title: 'Add an internal note', group: 'Ticket', keys: 'n', run: () => composer.current?.focus('note') },
          { id: 'ticket.merge', title: 'Merge tickets into this one…', group: 'Ticket', run: () => setDialog('merge') },
          ...macros.map((m) => ({ id: `macro.${m.id}`, title: `Use macro: ${m.name}`, group: 'Macro', run: () => draftMacro(m) })),
        ]
      : [],
  );

  if (query.isPending) return <TicketSkeleton />;
  if (query.isError || !ticket) {
    const notFound = query.error instanceof ApiError && query.error.status === 404;
    return (
      <div className="ticket-missing">
        <h1>{notFound ? 'Ticket not found' : 'Could not load the ticket'}</h1>
        <p className="muted">{query.error?.message}</p>
        <Link href="/inbox">Back to the inbox</Link>
      </div>
    );
  }

  const done = ticket.status === 'resolved' || ticket.status === 'closed';
  // Collision warning: a teammate's reply that arrived (live) since this page opened.
  seenMessages.current ??= new Set(ticket.messages.map((m) => m.id));
  const confirmSend = (note: boolean): boolean => {
    const seen = seenMessages.current ?? new Set<string>();
    const theirs = ticket.messages.filter((m) => !seen.has(m.id) && m.sender === 'agent' && !m.internal && m.authorId !== me.id);
    for (const m of ticket.messages) seen.add(m.id);
    if (note || theirs.length === 0) return true;
    const who = [...new Set(theirs.map((m) => (m.authorId ? names.users.get(m.authorId)?.name : null) ?? 'A teammate'))].join(' and ');
    return window.confirm(`${who} replied to this ticket since you opened it. Send your reply anyway?`);
  };
  return (
    <div className={`ticket-page ${detailsOpen ? 'details-open' : ''}`}>
      <header className="ticket-head">
        <Link href="/inbox" className="back-link" title="Back to the inbox">
          <span aria-hidden="true">←</span> Inbox <Keys keys="escape" />
        </Link>
        <div className="ticket-title">
          <h1>{ticket.subject}</h1>
          <div className="ticket-meta">
            <span className={`status-pill ${ticket.status}`}>{ticket.status}</span>
            <span className={`badge ${ticket.priority}`}>{ticket.priority}</span>
            {ticket.sla.breached ? <span className="badge sla-breached">SLA breached</span> : null}
            <span className="muted small" title={formatFull(ticket.createdAt)}>
              #{ticket.number} · opened {formatStamp(ticket.createdAt, now)} by {ticket.contactEmail}
            </span>
          </div>
          <TicketPresenceBar ticketId={ticket.id} />
        </div>
        <div className="ticket-actions">
          {writable ? (
            <>
              {done ? (
                <button type="button" onClick={() => change({ status: 'open' }, 'reopen the ticket', 'Ticket reopened')}>
                  Reopen
                </button>
              ) : (
                <button type="button" className="primary" onClick={resolve}>
                  Resolve <Keys keys="e" />
                </button>
              )}
              {ticket.assignedTo !== me.id ? (
                <button type="button" onClick={assignToMe}>
                  Assign to me <Keys keys="a" />
                </button>
              ) : null}
              <button type="button" onClick={openMacros}>
                Macro <Keys keys="m" />
              </button>
              <button type="button" onClick={() => setDialog('merge')}>
                Merge…
              </button>
            </>
          ) : (
            <span className="readonly-chip" title={why('tickets:write')}>
              <Icon name="shield" size={14} /> Read only
            </span>
          )}
          <button type="button" className="details-toggle" aria-expanded={detailsOpen} aria-controls="ticket-details" onClick={() => setDetailsOpen((o) => !o)}>
            <Icon name="chevronDown" size={14} className={detailsOpen ? 'st-turned' : undefined} /> Details
          </button>
        </div>
      </header>
      <div className="ticket-body">
        <div className="conversation">
          <Thread ref={thread} messages={ticket.messages} activity={activity} names={names} contactName={contactName} now={now} />
          <Composer ref={composer} ticketId={ticket.id} contactName={contactName} onLeave={focusThread} confirmSend={confirmSend} />
        </div>
        <aside id="ticket-details" className="ticket-side" aria-label="Ticket details">
          <Properties ticket={ticket} onChange={(c, what) => change(c, what)} />
          <SlaPanel ticket={ticket} now={now} />
          <ContactCard contactId={ticket.contactId} ticketId={ticket.id} />
        </aside>
      </div>
      {dialog === 'macro' ? <MacroPicker onPick={draftMacro} onClose={() => setDialog(null)} /> : null}
      {dialog === 'merge' ? <MergeDialog ticket={ticket} onMerge={merge} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
