import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError } from '../api/client.ts';
import { useSession } from '../app/context.tsx';
import { useCommands } from '../keyboard/commands.tsx';
import { isTypingTarget } from '../keyboard/registry.ts';
import { useShortcuts } from '../keyboard/KeyboardProvider.tsx';
import { Keys } from '../keyboard/Keys.tsx';
import { ticketQuery } from '../ticket/cache.ts';
import { Composer, type ComposerHandle } from '../ticket/Composer.tsx';
import { ContactCard, useContact } from '../ticket/ContactCard.tsx';
import { useMacros, useUserMap } from '../ticket/lookups.ts';
import { MacroPicker } from '../ticket/MacroPicker.tsx';
import { MergeDialog } from '../ticket/MergeDialog.tsx';
import type { TicketChange } from '../ticket/optimistic.ts';
import { Properties } from '../ticket/Properties.tsx';
import { useServerNow } from '../ticket/serverClock.ts';
import { SlaPanel } from '../ticket/SlaPanel.tsx';
import { Thread } from '../ticket/Thread.tsx';
import { TicketSkeleton } from '../ticket/TicketSkeleton.tsx';
import { formatFull, formatStamp } from '../ticket/time.ts';
import { useTicketActions } from '../ticket/useTicketActions.ts';
import { useTicketChanges } from '../ticket/useTicketChanges.ts';
import '../ticket/primitives.css';
import '../ticket/ticket.css';
import '../ticket/ticket-side.css';

export function TicketPage({ id }: { id: string }) {
  const { api, me } = useSession();
  const qc = useQueryClient();
  const [, navigate] = useLocation();
  const now = useServerNow();
  const users = useUserMap();
  const macros = useMacros().data ?? [];
  const query = useQuery(ticketQuery(api, qc, id));
  const ticket = query.data;
  const contact = useContact(ticket?.contactId).data;
  const { changeTicket } = useTicketChanges();
  const actions = useTicketActions(id, now);
  const composer = useRef<ComposerHandle>(null);
  const [dialog, setDialog] = useState<'macro' | 'merge' | null>(null);

  const change = useCallback(
    (c: TicketChange, what: string, done?: string) => void changeTicket(id, c, what, { ifMatch: true, done }),
    [changeTicket, id],
  );
  const resolve = () => change({ status: 'resolved' }, 'resolve the ticket', 'Ticket resolved');
  const assignToMe = () => change({ assignedTo: me.id }, 'assign the ticket', 'Assigned to you');

  useShortcuts(
    {
      'ticket.resolve': resolve,
      'ticket.assign': assignToMe,
      'ticket.reply': () => composer.current?.focus('reply'),
      'ticket.note': () => composer.current?.focus('note'),
      'ticket.macro': () => setDialog('macro'),
      'ticket.back': (event) => {
        if (isTypingTarget(event.target)) (event.target as HTMLElement).blur();
        else navigate('/inbox');
      },
    },
    ticket !== undefined,
  );

  useCommands(
    ticket
      ? [
          { id: 'ticket.resolve', title: 'Resolve this ticket', group: 'Ticket', keys: 'e', run: resolve },
          { id: 'ticket.assign', title: 'Assign this ticket to me', group: 'Ticket', keys: 'a', run: assignToMe },
          { id: 'ticket.reply', title: 'Reply to the customer', group: 'Ticket', keys: 'r', run: () => composer.current?.focus('reply') },
          { id: 'ticket.note', title: 'Add an internal note', group: 'Ticket', keys: 'n', run: () => composer.current?.focus('note') },
          { id: 'ticket.merge', title: 'Merge tickets into this one…', group: 'Ticket', run: () => setDialog('merge') },
          ...macros.map((m) => ({ id: `macro.${m.id}`, title: `Apply macro: ${m.name}`, group: 'Macro', run: () => void actions.runMacro(m) })),
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

  const contactName = contact?.name ?? ticket.contactEmail;
  const done = ticket.status === 'resolved' || ticket.status === 'closed';
  return (
    <div className="ticket-page">
      <header className="ticket-head">
        <Link href="/inbox" className="back-link" aria-label="Back to the inbox">
          ← Inbox <Keys keys="escape" />
        </Link>
        <div className="ticket-title">
          <h1>{ticket.subject}</h1>
          <div className="ticket-meta">
            <span className={`status-pill ${ticket.status}`}>{ticket.status}</span>
            <span className={`badge ${ticket.priority}`}>{ticket.priority}</span>
            {ticket.sla.breached ? <span className="badge sla-breached">SLA breached</span> : null}
            <span className="muted small" title={formatFull(ticket.createdAt)}>
              {ticket.id} · opened {formatStamp(ticket.createdAt, now || undefined)} by {ticket.contactEmail}
            </span>
          </div>
        </div>
        <div className="ticket-actions">
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
          <button type="button" onClick={() => setDialog('macro')}>
            Macro <Keys keys="m" />
          </button>
          <button type="button" onClick={() => setDialog('merge')}>
            Merge…
          </button>
        </div>
      </header>
      <div className="ticket-body">
        <div className="conversation">
          <Thread messages={ticket.messages} users={users} contactName={contactName} now={now} />
          <Composer ref={composer} ticketId={ticket.id} contactName={contactName} onSend={actions.send} />
        </div>
        <aside className="ticket-side" aria-label="Ticket details">
          <Properties ticket={ticket} onChange={(c, what) => change(c, what)} />
          <SlaPanel ticket={ticket} now={now} />
          <ContactCard contactId={ticket.contactId} ticketId={ticket.id} />
        </aside>
      </div>
      {dialog === 'macro' ? <MacroPicker onPick={(m) => void actions.runMacro(m)} onClose={() => setDialog(null)} /> : null}
      {dialog === 'merge' ? <MergeDialog ticket={ticket} onMerge={actions.merge} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
