import { type KeyboardEvent, useId, useState } from 'react';
import type { Macro } from '../api/types.ts';
import { Dialog } from '../components/Dialog.tsx';
import { fuzzyFilter } from '../keyboard/fuzzy.ts';
import { useMacros } from '../api/queries/macros.ts';

/** Choose a macro (type to filter, arrows, Enter): it fills the composer, to edit before sending. */
export function MacroPicker({ onPick, onClose }: { onPick: (macro: Macro) => void; onClose: () => void }) {
  const macros = useMacros();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const items = fuzzyFilter(query, macros.data ?? [], (m) => m.name).map((s) => s.item);
  const current = Math.min(active, items.length - 1);

  function pick(macro: Macro | undefined) {
    if (!macro) return;
    onClose();
    onPick(macro);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (items.length ? (Math.min(i, items.length - 1) + step + items.length) % items.length : 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      pick(items[current]);
    }
  }

  return (
    <Dialog title="Apply a macro" onClose={onClose}>
      <input
        role="combobox"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={items.length ? `${listId}-${current}` : undefined}
        aria-label="Find a macro"
        placeholder="Find a macro…"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label="Macros" className="macro-list">
        {items.map((m, i) => (
          <li
            key={m.id}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === current}
            className={i === current ? 'active' : undefined}
            onMouseMove={() => setActive(i)}
            onClick={() => pick(m)}
          >
            <span className="macro-name">{m.name}</span>
            <span className="macro-body">{m.body}</span>
            <span className="macro-actions">{describeActions(m)}</span>
          </li>
        ))}
        {macros.isPending ? <li className="muted">Loading macros…</li> : null}
        {macros.isError ? <li className="error">Could not load macros: {macros.error.message}</li> : null}
        {macros.data && items.length === 0 ? (
          <li className="muted">{macros.data.length ? 'No macro matches' : 'No macros yet: create them in Settings.'}</li>
        ) : null}
      </ul>
    </Dialog>
  );
}

function describeActions(macro: Macro): string {
  const a = macro.actions;
  const parts: string[] = [];
  if (a.status) parts.push(`status → ${a.status}`);
  if (a.priority) parts.push(`priority → ${a.priority}`);
  if (a.assignTo) parts.push(a.assignTo === 'me' ? 'assign to me' : 'assign');
  if (a.addTags?.length) parts.push(`tags + ${a.addTags.join(', ')}`);
  return parts.join(' · ');
}
