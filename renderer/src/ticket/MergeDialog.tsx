import { useEffect, useState } from 'react';
import { type TicketQuery, useTicketList } from '../api/queries/tickets.ts';
import type { Ticket } from '../api/types.ts';
import { Dialog } from '../components/Dialog.tsx';

export interface MergeDialogProps {
  ticket: Ticket;
  onMerge: (sourceIds: string[]) => Promise<boolean>;
  onClose: () => void;
}

/**
 * Pick tickets to merge into this one: by default the same contact's other tickets (the usual
 * duplicates), or any ticket found by text. A second step confirms, since merging closes them.
 */
export function MergeDialog({ ticket, onMerge, onClose }: MergeDialogProps) {
  const [search, setSearch] = useState('');
  const [debounced, setDebounced] = useState('');
  const [picked, setPicked] = useState<Map<string, Ticket>>(new Map());
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const timer = setTimeout(() => setDebounced(search.trim()), 200);
    return () => clearTimeout(timer);
  }, [search]);

  const query: TicketQuery = debounced
    ? { search: debounced, limit: 15, sortBy: 'updatedAt', sortOrder: 'desc' }
    : { contactId: ticket.contactId, status: 'open,pending,resolved', limit: 15, sortBy: 'updatedAt', sortOrder: 'desc' };
  const found = useTicketList(query);
  const candidates = (found.data?.rows ?? []).filter((t) => t.id !== ticket.id && t.status !== 'closed');

  function toggle(t: Ticket) {
    setPicked((map) => {
      const next = new Map(map);
      if (next.has(t.id)) next.delete(t.id);
      else next.set(t.id, t);
      return next;
    });
  }

  async function merge() {
    setBusy(true);
    const ok = await onMerge([...picked.keys()]);
    setBusy(false);
    if (ok) onClose();
  }

  if (confirming) {
    return (
      <Dialog
        title={`Merge ${picked.size} ticket${picked.size === 1 ? '' : 's'} into this one?`}
        onClose={onClose}
        footer={
          <>
            <button type="button" onClick={() => setConfirming(false)}>
              Back
            </button>
            {/* Keyed apart from the first step's button, so it mounts afresh and takes focus. */}
            <button key="merge" type="button" className="primary danger-fill" disabled={busy} onClick={() => void merge()} autoFocus>
              {busy ? 'Merging…' : 'Merge tickets'}
            </button>
          </>
        }
      >
        <div className="ui-confirm-body">
          <p>
            Their messages move into <strong>{ticket.subject}</strong> and their tags are added here. Each merged ticket is
            closed with a note. This cannot be undone.
          </p>
          <ul className="merge-picked">
            {[...picked.values()].map((t) => (
              <li key={t.id}>
                {t.subject} <span className="muted small">{t.contactEmail}</span>
              </li>
            ))}
          </ul>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog
      title="Merge tickets into this one"
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button key="next" type="button" className="primary" disabled={picked.size === 0} onClick={() => setConfirming(true)}>
            Merge {picked.size || ''} selected…
          </button>
        </>
      }
    >
      <input
        type="search"
        aria-label="Find tickets to merge"
        placeholder="Search tickets by text…"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <p className="merge-hint muted small">{debounced ? 'Matching tickets' : `Other tickets from ${ticket.contactEmail}`}</p>
      <ul className="merge-list" aria-label="Tickets to merge">
        {candidates.map((t) => (
          <li key={t.id}>
            <label>
              <input type="checkbox" checked={picked.has(t.id)} onChange={() => toggle(t)} />
              <span className="merge-subject">{t.subject}</span>
              <span className="muted small">{t.contactEmail}</span>
              <span className={`status-pill ${t.status}`}>{t.status}</span>
            </label>
          </li>
        ))}
        {found.isPending ? <li className="muted">Searching…</li> : null}
        {found.isError ? <li className="error">{found.error.message}</li> : null}
        {found.data && candidates.length === 0 ? <li className="muted">No tickets to merge found.</li> : null}
      </ul>
    </Dialog>
  );
}
