import { type MouseEvent, memo } from 'react';
import type { Ticket } from '../api/types.ts';
import { Avatar } from '../components/Avatar.tsx';
import { PresenceDots } from '../presence/Presence.tsx';
import { formatFull, formatShort } from '../components/format.ts';
import { slaSummary } from '../ticket/sla.ts';

export const ROW_HEIGHT = 52;

export interface RowProps {
  ticket: Ticket;
  index: number;
  total: number;
  top: number;
  active: boolean;
  selected: boolean;
  assigneeName: string | null;
  now: number;
  onOpen: (index: number, id: string) => void;
  onToggle: (index: number, id: string) => void;
}

export function rowDomId(index: number): string {
  return `ticket-row-${index}`;
}

/** One ticket in the inbox: an option of the listbox, positioned by the virtualizer. */
export const TicketRow = memo(function TicketRow(props: RowProps) {
  const { ticket, index, total, top, active, selected, assigneeName, now } = props;
  const sla = slaSummary(ticket, now);
  const className = [
    'ticket-row',
    active ? 'active' : '',
    selected ? 'selected' : '',
    ticket.status === 'resolved' || ticket.status === 'closed' ? 'done' : '',
  ].join(' ');
  const toggle = (event: MouseEvent) => {
    event.stopPropagation();
    props.onToggle(index, ticket.id);
  };
  return (
    <div
      id={rowDomId(index)}
      role="option"
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={total}
      data-ticket-id={ticket.id}
      className={className}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => props.onOpen(index, ticket.id)}
    >
      <span className={`row-check ${selected ? 'on' : ''}`} onClick={toggle} aria-hidden="true" title="Select (x)">
        {selected ? '✓' : ''}
      </span>
      <span className="row-priority">
        <span className={`badge ${ticket.priority}`}>{ticket.priority}</span>
      </span>
      <span className="row-main">
        <span className="row-subject">
          {ticket.subject}
          <PresenceDots ticketId={ticket.id} />
        </span>
        <span className="row-sub">
          <span className="row-email">{ticket.contactEmail}</span>
          {ticket.tags.slice(0, 3).map((tag) => (
            <span key={tag} className="tag-chip">
              {tag}
            </span>
          ))}
          {ticket.tags.length > 3 ? <span className="tag-more">+{ticket.tags.length - 3}</span> : null}
        </span>
      </span>
      <span className="row-status">
        <span className={`status-pill ${ticket.status}`}>{ticket.status}</span>
      </span>
      <span className="row-assignee">
        {assigneeName ? (
          <>
            <Avatar name={assigneeName} size={22} />
            <span className="row-assignee-name">{assigneeName}</span>
          </>
        ) : (
          <span className="muted">Unassigned</span>
        )}
      </span>
      <span className={`row-sla ${sla.tone}`} title={sla.title}>
        {sla.tone === 'breached' ? <span className="sla-dot" aria-hidden="true" /> : null}
        {sla.text}
      </span>
      <span className="row-updated" title={`Updated ${formatFull(ticket.updatedAt)}`}>
        {formatShort(ticket.updatedAt, now)}
      </span>
    </div>
  );
});

/** A row not loaded yet: same height, shimmering placeholders. */
export const SkeletonRow = memo(function SkeletonRow({ top, index }: { top: number; index: number }) {
  const width = 35 + ((index * 37) % 40);
  return (
    <div className="ticket-row skeleton-row" style={{ transform: `translateY(${top}px)` }} aria-hidden="true">
      <span />
      <span className="skeleton" style={{ width: '3.6rem' }} />
      <span className="row-main">
        <span className="skeleton" style={{ width: `${width}%` }} />
        <span className="skeleton" style={{ width: `${width / 2}%`, marginTop: 6 }} />
      </span>
      <span className="skeleton" style={{ width: '3.5rem' }} />
      <span className="skeleton" style={{ width: '6rem' }} />
      <span className="skeleton" style={{ width: '4.5rem' }} />
      <span className="skeleton" style={{ width: '2.5rem' }} />
    </div>
  );
});
