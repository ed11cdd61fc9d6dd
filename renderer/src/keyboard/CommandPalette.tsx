// Ctrl/Cmd+K: every command, fuzzy-filtered as you type, plus tickets whose text matches
// (GET /tickets?search=) to open directly. Arrows move, Enter runs, Esc closes.
import { type KeyboardEvent, useDeferredValue, useEffect, useId, useMemo, useState } from 'react';
import { useLocation } from 'wouter';
import { useTicketList } from '../api/queries/tickets.ts';
import { Dialog } from '../components/Dialog.tsx';
import { type Command, useAllCommands } from './commands.tsx';
import { fuzzyFilter } from './fuzzy.ts';
import { Keys } from './Keys.tsx';

/** Contextual commands first, then views, navigation, help. */
const groupOrder = ['Ticket', 'Macro', 'Inbox', 'View', 'Go to', 'Help'];
const rank = (group: string) => {
  const i = groupOrder.indexOf(group);
  return i < 0 ? groupOrder.length : i;
};

export function CommandPalette({ onClose }: { onClose: () => void }) {
  const [, navigate] = useLocation();
  const commands = useAllCommands();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const search = useDeferredValue(query.trim());
  const [debounced, setDebounced] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(search), 180);
    return () => clearTimeout(timer);
  }, [search]);

  const tickets = useTicketList({ search: debounced, limit: 6, sortBy: 'updatedAt', sortOrder: 'desc' }, { enabled: debounced.length >= 2, staleTime: 10_000 });

  const items: Command[] = useMemo(() => {
    const sorted = [...commands].sort((a, b) => rank(a.group) - rank(b.group));
    const matched = fuzzyFilter(query, sorted, (c) => `${c.title} ${c.group}`).map((s) => s.item);
    const found = debounced.length >= 2 && debounced === search ? (tickets.data?.rows ?? []) : [];
    const openTickets: Command[] = found.map((t) => ({
      id: `open.${t.id}`,
      title: t.subject,
      detail: t.contactEmail,
      group: `Ticket · ${t.status}`,
      run: () => navigate(`/tickets/${t.id}`),
    }));
    const byId: Command[] = /^tkt_[0-9a-z]{10,}$/i.test(query.trim())
      ? [{ id: 'open.id', title: `Open ${query.trim()}`, group: 'Ticket', run: () => navigate(`/tickets/${query.trim()}`) }]
      : [];
    return [...byId, ...matched.slice(0, 12), ...openTickets];
  }, [commands, query, debounced, search, tickets.data, navigate]);

  useEffect(() => {
    setActive(0);
  }, [query]);
  const current = Math.min(active, items.length - 1);

  function run(command: Command | undefined) {
    if (!command) return;
    onClose();
    command.run();
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (items.length ? (Math.min(i, items.length - 1) + step + items.length) % items.length : 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      run(items[current]);
    } else if (event.key.toLowerCase() === 'k' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onClose();
    }
  }

  const optionId = (i: number) => `${listId}-${i}`;
  return (
    <Dialog title="Command palette" hideTitle onClose={onClose} className="palette">
      <input
        className="palette-input"
        role="combobox"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={items.length ? optionId(current) : undefined}
        aria-label="Type a command or search tickets"
        placeholder="Type a command or search tickets…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label="Commands" className="palette-list">
        {items.map((item, i) => (
          <li
            key={item.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === current}
            className={i === current ? 'active' : undefined}
            onMouseMove={() => setActive(i)}
            onClick={() => run(item)}
          >
            <span className="palette-title">{item.title}</span>
            {item.detail ? <span className="palette-detail">{item.detail}</span> : null}
            <span className="palette-group">{item.group}</span>
            {item.keys ? <Keys keys={item.keys} /> : null}
          </li>
        ))}
        {items.length === 0 ? (
          <li className="palette-empty" role="presentation">
            {tickets.isFetching ? 'Searching tickets…' : 'No matching commands or tickets'}
          </li>
        ) : null}
      </ul>
      {debounced.length >= 2 && tickets.isFetching ? <div className="palette-status muted small">Searching tickets…</div> : null}
    </Dialog>
  );
}
